"""Where the :class:`Workspace` facade used to live: kept so that ``from moneytrail.workspace
import Workspace`` goes on working. The facade is :mod:`moneytrail.api.workspace`."""

from moneytrail.api.workspace import CANONICAL_TABLES, DB_NAME, Workspace, WorkspaceInfo

__all__ = ["CANONICAL_TABLES", "DB_NAME", "Workspace", "WorkspaceInfo"]
