"""Ingest: upload a file, see what was loaded and every problem as line: field: reason."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
