"""What the workbench is started with: ``WebSettings``, built by ``moneytrail serve`` or a test.

Defaults are those of one laptop in an FIU: French, the workspace's own case store, secure
cookies (browsers accept them from ``http://localhost`` and ``127.0.0.1``), eight connections to
the workspace (one DuckDB process serves every user: decision 0129).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from moneytrail.api import LANGS, UsageError


@dataclass(frozen=True)
class WebSettings:
    """Settings of one running workbench."""

    workspace: Path
    cases_url: str | None = None
    """The case store; ``None``: ``cases.sqlite`` in the workspace (or ``$MONEYTRAIL_CASES_URL``,
    which the CLI passes here)."""
    default_lang: str = "fr"
    secure_cookies: bool = True
    idle_minutes: int = 480
    """A session unused this long is ended (a working day)."""
    pool_size: int = 8
    max_upload_mb: int = 512
    warm_up: bool = False
    """Load the screening name tables in the background at start (``serve`` does: the first
    screening otherwise takes seconds); tests leave it off."""

    def __post_init__(self) -> None:
        if self.default_lang not in LANGS:
            raise UsageError("web.error.bad_lang", value=self.default_lang, langs=", ".join(LANGS))
        if not 1 <= self.pool_size <= 64:
            raise UsageError("web.error.bad_pool", size=self.pool_size)

    @property
    def upload_dir(self) -> Path:
        """Where uploaded files are kept (they become sources: their SHA-256 is recorded)."""
        return Path(self.workspace) / "uploads"
