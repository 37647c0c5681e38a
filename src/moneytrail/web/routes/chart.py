"""The link chart (Cytoscape.js): ego network, expand, hubs collapsed, exports."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
