"""The trace view: seed, policy, hops; the Sankey (plotly.js, loops shown) and endpoints."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
