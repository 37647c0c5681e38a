"""OFAC SDN XML (``sdnList`` root, namespace ``http://tempuri.org/sdnList.xsd``).

The same schema carries the SDN list and the consolidated non-SDN list. Why read it besides the
CSV: names come split (firstName/lastName), dates of birth, nationalities and identifiers are real
fields, and ``Publish_Date`` (MM/DD/YYYY) dates the version.

Assumption: the name is written "firstName lastName" (the natural order), not OFAC's "LAST, First".

Example: ``load_ofac_xml(Path("SDN.XML")).published == date(2020, 4, 22)`` for the 2020 extract.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from moneytrail.model.xml import element_line
from moneytrail.screen.entry import ListEntry, SanctionsList, country_codes, iso_partial, unique
from moneytrail.screen.formats.common import child_text, children, local, parse_xml, refuse

_SCHEMA = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
_NOT_IDENTIFIERS = ("website", "email address", "target type", "secondary sanctions risk:")


def _name(element: Any) -> str:
    parts = (child_text(element, "firstName"), child_text(element, "lastName"))
    return " ".join(p for p in parts if p)


def _items(element: Any, list_tag: str, item_tag: str, field: str) -> list[str | None]:
    return [
        child_text(item, field)
        for group in children(element, list_tag)
        for item in children(group, item_tag)
    ]


def _identifiers(element: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for group in children(element, "idList"):
        for item in children(group, "id"):
            scheme, number = child_text(item, "idType") or "id", child_text(item, "idNumber")
            if number and not scheme.lower().startswith(_NOT_IDENTIFIERS):
                out.append((scheme, number))
    return out


def _entry(element: Any, path: Path) -> ListEntry:
    uid = child_text(element, "uid")
    name = _name(element)
    if not uid or not name:
        refuse(
            path,
            "field_missing",
            line=element_line(element),
            field="uid" if not uid else "lastName",
        )
    kind = (child_text(element, "sdnType") or "").lower()
    if kind not in _SCHEMA:
        refuse(path, "value_invalid", line=element_line(element), field="sdnType", value=kind)
    akas = [_name(a) for g in children(element, "akaList") for a in children(g, "aka")]
    dobs = [
        iso_partial(d) for d in _items(element, "dateOfBirthList", "dateOfBirthItem", "dateOfBirth")
    ]
    nationality = _items(element, "nationalityList", "nationality", "country")
    nationality += _items(element, "citizenshipList", "citizenship", "country")
    return ListEntry(
        entry_id=uid,
        schema=_SCHEMA[kind],
        names=unique([name, *akas]),
        birth_dates=unique(dobs),
        nationalities=country_codes(nationality),
        countries=country_codes(_items(element, "addressList", "address", "country")),
        identifiers=tuple(dict.fromkeys(_identifiers(element))),
        programs=unique(
            p.text for g in children(element, "programList") for p in children(g, "program")
        ),
        remarks=child_text(element, "remarks"),
    )


def load_ofac_xml(path: Path) -> SanctionsList:
    """Read an OFAC SDN-schema XML file (SDN or consolidated non-SDN list)."""
    root = parse_xml(path)
    if local(root.tag) != "sdnList":
        refuse(path, "format_not_recognised", line=element_line(root))
    published: date | None = None
    for info in children(root, "publshInformation"):
        raw = child_text(info, "Publish_Date") or ""
        month, _, rest = raw.partition("/")
        day, _, year = rest.partition("/")
        iso = iso_partial(f"{day}/{month}/{year}")
        published = date.fromisoformat(iso) if iso and len(iso) == 10 else None
    entries: list[ListEntry] = []
    lines: dict[str, int] = {}
    for element in children(root, "sdnEntry"):
        entries.append(_entry(element, path))
        lines.setdefault(entries[-1].entry_id, element_line(element) or 0)
    return SanctionsList(
        source="ofac_sdn",
        entries=entries,
        version=published.isoformat() if published else None,
        published=published,
        lines=lines,
    )
