"""Record what a function of the model package is called with, while it still runs for real."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest


def spy_on(
    monkeypatch: pytest.MonkeyPatch, module: str, function: str, pick: Callable[..., Any]
) -> list[Any]:
    """Replace ``module.function`` by a wrapper that appends ``pick(*args)`` to the returned
    list, then calls the real function. ``module`` is imported by name because the package
    exports functions named like their modules (``evaluate``)."""
    target = importlib.import_module(module)
    real = getattr(target, function)
    seen: list[Any] = []

    def spy(*args: Any) -> Any:
        seen.append(pick(*args))
        return real(*args)

    monkeypatch.setattr(target, function, spy)
    return seen
