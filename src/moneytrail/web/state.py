"""What one running workbench holds: settings, the case desk, the workspace pool, sessions.

One object on ``app.state.web``, so that routes reach it through the request and two apps in
one process (tests) never share anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from moneytrail.api.cases import CaseDesk
    from moneytrail.web.pool import WorkspacePool
    from moneytrail.web.sessions import SessionStore
    from moneytrail.web.settings import WebSettings


@dataclass
class WebState:
    """The workbench's long-lived parts."""

    settings: WebSettings
    desk: CaseDesk
    pool: WorkspacePool
    sessions: SessionStore
    templates: Jinja2Templates

    def close(self) -> None:
        """Release the workspace connections and the case store (server shutdown)."""
        self.pool.close()
        self.desk.close()


def web_state(request: Request) -> WebState:
    """The state of the app serving ``request``."""
    state: WebState = request.app.state.web
    return state
