"""The timeline of a subject's transactions."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
