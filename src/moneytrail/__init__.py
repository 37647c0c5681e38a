"""moneytrail: an offline-first workbench for financial investigations (TF/ML).

The library is the product: :mod:`moneytrail.api` is its surface (``moneytrail.Workspace`` is
the same facade); the CLI (``moneytrail``) is a thin face over it. Importing this package is
cheap: the facade is loaded on first use.
"""

from typing import TYPE_CHECKING, Any

from moneytrail._version import __version__
from moneytrail.errors import BadInputError, MoneytrailError, UsageError

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace

__all__ = ["BadInputError", "MoneytrailError", "UsageError", "Workspace", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Workspace":
        from moneytrail.api.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'moneytrail' has no attribute {name!r}")
