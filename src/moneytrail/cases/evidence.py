"""What may go into a case, checked before it is stored.

Evidence arrives as an :class:`EvidenceInput` built by the library API from one of its own
results (an alert, a trace with its settings, a screening finding, a network picture, a
resolution decision, a source row): the JSON form of that result is the payload, frozen. The
case store knows nothing of the workspace; it checks the shape, hashes the payload and keeps it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from moneytrail.errors import UsageError

EVIDENCE_KINDS = ("alert", "trace", "screening", "picture", "resolution", "source_row")
SUBJECT_KINDS = ("account", "party")
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


@dataclass
class EvidenceInput:
    """One piece of evidence before it is stored.

    ``payload`` must already be JSON-shaped (dicts, lists, strings, numbers, booleans, None):
    the API passes the result through its serializer first. ``provenance`` says where it came
    from: the workspace, the code version, the settings, the source file and row.
    """

    kind: str
    reference: str
    title: str
    provenance: dict[str, Any]
    payload: Any
    attachment: bytes | None = None
    media_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def checked(self) -> EvidenceInput:
        """Itself, or a usage error naming what is wrong."""
        if self.kind not in EVIDENCE_KINDS:
            raise UsageError(
                "cases.error.evidence_kind", kind=self.kind, kinds=", ".join(EVIDENCE_KINDS)
            )
        if self.attachment is not None and len(self.attachment) > MAX_ATTACHMENT_BYTES:
            raise UsageError("cases.error.attachment_too_big", size=len(self.attachment))
        return self


def canonical_json(value: Any) -> str:
    """The one text form of a JSON value: keys sorted, no spaces, UTF-8 kept as written
    (``Traoré`` and ``محمد`` stay readable and hash the same everywhere).

    >>> canonical_json({"b": 1, "a": "Traoré"})
    '{"a":"Traoré","b":1}'
    """
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    """SHA-256 (hex) of ``text`` in UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes | None) -> str | None:
    """SHA-256 (hex) of ``data``, or ``None``."""
    return hashlib.sha256(data).hexdigest() if data is not None else None
