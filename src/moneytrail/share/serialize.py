"""The PSI result file an initiator keeps (and may hand to its partner)."""

from __future__ import annotations

import json
from dataclasses import asdict

from moneytrail.share.psi import PsiResult


def dump_result(result: PsiResult) -> str:
    """``result`` as a JSON document (``matched`` is null in count mode)."""
    return json.dumps({"format": "moneytrail-share-psi-result", **asdict(result)}, indent=1)
