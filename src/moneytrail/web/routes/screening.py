"""Screening: a name against the loaded lists, the explanation, findings and decisions."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
