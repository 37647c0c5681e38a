"""Builders of hostile input files for the reader tests: wide-encoded XML, XXE and zip-bomb XLSX.

Every file is built in the test's ``tmp_path`` from a few kilobytes of code, never committed:
the 300 MB zip bomb is written by :mod:`zipfile` in streaming chunks and weighs about 300 KB.

>>> b"<!DOCTYPE" in doctype_prefix()
True
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "moneytrail" / "samples"
CAMT_SAMPLE = SAMPLES / "releve_bdm_2024-03.camt053.xml"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

STATEMENT_ROWS: list[list[str]] = [
    ["date", "montant", "devise", "compte_emetteur", "compte_beneficiaire", "reference"],
    ["2024-03-01", "1500", "XOF", "ML-001", "ML-002", "loyer"],
    ["2024-03-02", "2500", "XOF", "ML-002", "ML-003", "facture"],
]


def doctype_prefix(target: str = "file:///etc/passwd") -> bytes:
    """An internal DTD subset declaring an external entity (the XXE pattern)."""
    return f'<!DOCTYPE x [<!ENTITY e SYSTEM "{target}">]>\n'.encode()


def _shared_strings(rows: list[list[str]]) -> tuple[dict[str, int], bytes]:
    index: dict[str, int] = {}
    for row in rows:
        for value in row:
            index.setdefault(value, len(index))
    items = "".join(f"<si><t>{escape(v)}</t></si>" for v in index)
    body = f'<sst {_MAIN_NS.decode()} count="{len(index)}" uniqueCount="{len(index)}">{items}</sst>'
    return index, body.encode()


def _sheet(rows: list[list[str]], index: dict[str, int]) -> bytes:
    cells = []
    for r, row in enumerate(rows, start=1):
        row_cells = "".join(
            f'<c r="{chr(65 + c)}{r}" t="s"><v>{index[v]}</v></c>' for c, v in enumerate(row)
        )
        cells.append(f'<row r="{r}">{row_cells}</row>')
    body = f"<worksheet {_MAIN_NS.decode()}><sheetData>{''.join(cells)}</sheetData></worksheet>"
    return body.encode()


def write_xlsx(
    path: Path,
    rows: list[list[str]] | None = None,
    *,
    sheet_doctype: bytes = b"",
    strings_doctype: bytes = b"",
    bomb_bytes: int = 0,
) -> Path:
    """A minimal workbook (one sheet, shared strings) with optional hostile parts.

    ``sheet_doctype`` / ``strings_doctype`` go between the XML declaration and the root element
    of the sheet / the shared strings; ``bomb_bytes`` > 0 pads the shared strings with that many
    bytes of one repeated character inside a string item, streamed so memory stays small.
    """
    rows = rows if rows is not None else STATEMENT_ROWS
    index, strings = _shared_strings(rows)
    sheet = _sheet(rows, index)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", _DECLARATION + sheet_doctype + sheet)
        if bomb_bytes <= 0:
            archive.writestr("xl/sharedStrings.xml", _DECLARATION + strings_doctype + strings)
            return path
        head, _, tail = strings.rpartition(b"</sst>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(_DECLARATION + strings_doctype + head + b"<si><t>")
            chunk = b"A" * (1 << 20)
            left = bomb_bytes
            while left > 0:
                member.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            member.write(b"</t></si></sst>" + tail)
    return path


def write_wide_camt(path: Path, encoding: str) -> Path:
    """The shipped camt.053 sample re-encoded in ``encoding`` (``utf-16``, ``utf-16-be``,
    ``utf-32``...) with a byte order mark and a matching XML declaration."""
    text = CAMT_SAMPLE.read_text(encoding="utf-8")
    declared = text.replace("encoding='UTF-8'", f"encoding='{encoding.upper()}'", 1)
    assert declared != text, "the sample's XML declaration changed"
    boms = {"utf-16-be": b"\xfe\xff", "utf-16-le": b"\xff\xfe", "utf-32-be": b"\x00\x00\xfe\xff"}
    path.write_bytes(boms.get(encoding, b"") + declared.encode(encoding))
    return path
