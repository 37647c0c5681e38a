"""moneytrail: an offline-first workbench for financial investigations (TF/ML).

The library is the product; the CLI (``moneytrail``) is a thin face over :class:`Workspace`.
"""

from moneytrail._version import __version__
from moneytrail.errors import BadInputError, MoneytrailError, UsageError
from moneytrail.workspace import Workspace

__all__ = ["BadInputError", "MoneytrailError", "UsageError", "Workspace", "__version__"]
