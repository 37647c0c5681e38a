"""Helpers shared by the list loaders: safe reading, refusing a file with a precise problem.

A sanctions list is loaded whole or not at all: a list missing entries would silently clear people
who are listed, so any bad record refuses the file (``file:line: field: reason``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from lxml import etree

from moneytrail.errors import BadInputError, Problem

ENCODINGS = ("utf-8-sig", "cp1252")


def refuse(
    path: Path,
    code: str,
    *,
    line: int | None = None,
    field: str | None = None,
    value: str | None = None,
    detail: str = "",
) -> NoReturn:
    """Raise the ``error.file_refused`` error for ``path`` with one problem."""
    problem = Problem(
        file=str(path),
        code=code,
        line=line,
        field=field,
        value=value,
        params={"detail": detail},
    )
    raise BadInputError("error.file_refused", problems=[problem], file=str(path))


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (with or without BOM), else Windows-1252 (older OFAC/EU files).

    Example: ``read_text(Path("sdn.csv"))`` reads a 2021 OFAC file saved in Windows-1252.
    """
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    refuse(path, "encoding_invalid", detail="utf-8/cp1252")  # pragma: no cover - cp1252 decodes all


def parse_xml(path: Path) -> Any:
    """Parse an XML list safely (no entities, no network); a broken file is refused, not crashed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        refuse(path, "xml_malformed", line=exc.lineno, detail=str(exc.msg))


def local(tag: object) -> str:
    """Tag name without its namespace: ``{ns}sdnEntry`` -> ``sdnEntry``."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def child_text(element: Any, name: str) -> str | None:
    """Stripped text of the first child called ``name`` (any namespace), ``None`` if empty."""
    for child in element:
        if local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def children(element: Any, name: str) -> list[Any]:
    """Direct children called ``name`` (any namespace)."""
    return [c for c in element if local(c.tag) == name]
