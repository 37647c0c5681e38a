"""Cases: the list, one case (subjects, evidence, notes, tasks, status, audit), its documents."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
