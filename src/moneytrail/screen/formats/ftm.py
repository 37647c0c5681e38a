"""FollowTheMoney entities as JSON lines (OpenSanctions exports ``entities.ftm.json``).

Why: OpenSanctions merges 300+ lists into FtM; an FIU that can get one file gets them all. Only
the entities one can be screened against (Person, Organization/Company/PublicBody, LegalEntity,
Vessel, Airplane) become entries; Sanction, Address and other helper entities are skipped.

Assumptions: one JSON object per line; ``topics``/``program``/``programId`` give the programmes;
``createdAt`` (first seen) is the listing date when present.

Example line: ``{"id": "NK-1", "schema": "Person", "properties": {"name": ["Iyad Ag Ghali"]}}``.
"""

from __future__ import annotations

import json
from pathlib import Path

from followthemoney import model, registry
from followthemoney.exc import FollowTheMoneyException

from moneytrail.screen.entry import ListEntry, SanctionsList, iso_partial, unique
from moneytrail.screen.formats.common import read_text, refuse

_KEEP = {
    "Person": "Person",
    "Organization": "Organization",
    "Company": "Organization",
    "PublicBody": "Organization",
    "LegalEntity": "LegalEntity",
    "Vessel": "Vessel",
    "Airplane": "Airplane",
}


def load_ftm(path: Path) -> SanctionsList:
    """Read FtM JSON lines; a line that is not a valid FtM entity refuses the file."""
    entries: list[ListEntry] = []
    lines: dict[str, int] = {}
    for line, raw in enumerate(read_text(path).splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[..." nested too deep
            refuse(path, "value_invalid", line=line, field="json", detail=str(exc)[:120])
        if not isinstance(data, dict):
            refuse(path, "value_invalid", line=line, field="json", detail=type(data).__name__)
        if not isinstance(data.get("id"), str) or not data["id"].strip():
            refuse(path, "field_missing", line=line, field="id")
        if not isinstance(data.get("schema"), str):
            refuse(path, "value_invalid", line=line, field="schema", detail="not a text")
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except (FollowTheMoneyException, ValueError, TypeError, KeyError, AttributeError) as exc:
            refuse(path, "value_invalid", line=line, field="schema", detail=str(exc)[:120])
        if proxy.id is None:
            refuse(path, "field_missing", line=line, field="id")
        if proxy.schema.name not in _KEEP:
            continue
        names = [*proxy.get("name", quiet=True), *proxy.get("alias", quiet=True)]
        names += proxy.get("weakAlias", quiet=True)
        ids = [(prop.name, v) for prop, v in proxy.itervalues() if prop.type == registry.identifier]
        programs = [*proxy.get("program", quiet=True), *proxy.get("programId", quiet=True)]
        created = proxy.get("createdAt", quiet=True)
        entries.append(
            ListEntry(
                entry_id=proxy.id,
                schema=_KEEP[proxy.schema.name],
                names=unique(names),
                birth_dates=unique(iso_partial(d[:10]) for d in proxy.get("birthDate", quiet=True)),
                nationalities=unique(c.upper() for c in proxy.get("nationality", quiet=True)),
                countries=unique(c.upper() for c in proxy.get("country", quiet=True)),
                identifiers=tuple(dict.fromkeys(ids)),
                programs=unique(programs or proxy.get("topics", quiet=True)),
                listed_on=iso_partial(created[0][:10]) if created else None,
                remarks=" ".join(proxy.get("notes", quiet=True)) or None,
            )
        )
        lines.setdefault(proxy.id, line)
    return SanctionsList(source="ftm", entries=entries, lines=lines)
