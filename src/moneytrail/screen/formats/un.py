"""UN Security Council consolidated list (``consolidated.xml``, ``CONSOLIDATED_LIST`` root).

Why its own loader: the UN splits a name into FIRST..FOURTH_NAME, keeps the original script in
NAME_ORIGINAL_SCRIPT, and gives dates of birth as EXACT / APPROXIMATELY / BETWEEN with a date, a
year or a year range. The entry id is the UN reference number (e.g. ``QDi.401``), stable across
list versions; ``dateGenerated`` gives the version date.

Example: ``load_un(Path("consolidated.xml")).entries[0].entry_id == "CDi.001"``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from moneytrail.model.xml import element_line
from moneytrail.screen.entry import ListEntry, SanctionsList, country_codes, iso_partial, unique
from moneytrail.screen.formats.common import child_text, children, local, parse_xml, refuse


def _dobs(element: Any) -> list[str]:
    out: list[str] = []
    for dob in children(element, "INDIVIDUAL_DATE_OF_BIRTH"):
        exact = iso_partial(child_text(dob, "DATE")) or iso_partial(child_text(dob, "YEAR"))
        if exact:
            out.append(exact)
        start, end = child_text(dob, "FROM_YEAR"), child_text(dob, "TO_YEAR")
        if start and end and start.isdigit() and end.isdigit() and int(end) - int(start) <= 20:
            out.extend(str(y) for y in range(int(start), int(end) + 1))
    return out


def _identifiers(element: Any, tag: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for doc in children(element, tag):
        number = child_text(doc, "NUMBER")
        if number:
            out.append((child_text(doc, "TYPE_OF_DOCUMENT") or "document", number))
    return out


def _entry(element: Any, person: bool, path: Path) -> ListEntry:
    ref = child_text(element, "REFERENCE_NUMBER") or child_text(element, "DATAID")
    if not ref:
        refuse(path, "field_missing", line=element_line(element), field="REFERENCE_NUMBER")
    parts = [
        child_text(element, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    ]
    primary = " ".join(p for p in parts if p)
    if not primary:
        refuse(path, "field_missing", line=element_line(element), field="FIRST_NAME", value=ref)
    alias_tag = "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"
    aliases = [child_text(a, "ALIAS_NAME") for a in children(element, alias_tag)]
    nationality = [child_text(n, "VALUE") for n in children(element, "NATIONALITY")]
    address_tag = "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS"
    countries = [child_text(a, "COUNTRY") for a in children(element, address_tag)]
    programs = [child_text(element, "UN_LIST_TYPE")]
    return ListEntry(
        entry_id=ref,
        schema="Person" if person else "Organization",
        names=unique([primary, child_text(element, "NAME_ORIGINAL_SCRIPT"), *aliases]),
        birth_dates=unique(_dobs(element)) if person else (),
        nationalities=country_codes(nationality),
        countries=country_codes(countries),
        identifiers=tuple(dict.fromkeys(_identifiers(element, "INDIVIDUAL_DOCUMENT"))),
        programs=unique(programs),
        listed_on=iso_partial(child_text(element, "LISTED_ON")),
        remarks=child_text(element, "COMMENTS1"),
    )


def load_un(path: Path) -> SanctionsList:
    """Read a UN consolidated XML list; every individual and entity becomes one entry."""
    root = parse_xml(path)
    if local(root.tag) != "CONSOLIDATED_LIST":
        refuse(path, "format_not_recognised", line=element_line(root))
    generated = (root.get("dateGenerated") or "")[:10]
    published = date.fromisoformat(generated) if iso_partial(generated) == generated else None
    entries: list[ListEntry] = []
    lines: dict[str, int] = {}
    for group, person in (("INDIVIDUALS", True), ("ENTITIES", False)):
        for container in children(root, group):
            tag = "INDIVIDUAL" if person else "ENTITY"
            for element in children(container, tag):
                entries.append(_entry(element, person, path))
                lines.setdefault(entries[-1].entry_id, element_line(element) or 0)
    return SanctionsList(
        source="un",
        entries=entries,
        version=published.isoformat() if published else None,
        published=published,
        lines=lines,
    )
