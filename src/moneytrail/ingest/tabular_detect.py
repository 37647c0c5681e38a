"""What a tabular file looks like, guessed from its first mebibyte: encoding, delimiter, header.

Only a sample is read in Python (never the whole file), so detection costs the same for 60 rows
and for 5 million. Rules, in order (docs/formats/tabular.md):

* encoding: a byte-order mark, else strict UTF-8, else CP1252 (which reads Latin-1 too)
  (:mod:`moneytrail.files.text`, decision 0125); a NUL byte without a UTF-16 mark means a
  binary file;
* delimiter: among ``; , TAB |``, the one that splits the sample lines into the same number (> 1)
  of fields most often; ties go to the semicolon, the habit of French exports;
* header: each column is looked up in the alias dictionary ``presets/headers.yaml``.

Example: ``detect_layout(Path("releve.csv"), None)`` -> ``Layout(encoding="utf-8", delimiter=";",
header=["Date", "Montant", ...], rows=[[...], ...])``.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from moneytrail.files.text import NOT_WESTERN, guess_encoding, is_binary
from moneytrail.ingest.tabular_mapping import header_key

SAMPLE_BYTES = 1 << 20
SAMPLE_ROWS = 500
CANDIDATE_DELIMITERS = (";", ",", "\t", "|")


class DetectionError(ValueError):
    """The sample cannot be read; ``code`` is a problem key (``file_binary``...)."""

    def __init__(self, code: str, detail: str = "", line: int | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.line = line


@dataclass
class Layout:
    """The shape of a delimited text file as seen in its sample."""

    encoding: str
    delimiter: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    bom: bool = False
    newline: str = "\n"
    """``\n``, ``\r\n``, ``\r`` (old Mac exports) or ``mixed`` (lines joined from several
    tools): a mixed file is read through a copy whose line ends are all ``\n``."""


@cache
def header_aliases() -> dict[str, str]:
    """Comparable header -> canonical field, from ``presets/headers.yaml`` (first field wins)."""
    text = (resources.files("moneytrail.ingest") / "presets" / "headers.yaml").read_text("utf-8")
    aliases: dict[str, str] = {}
    for fld, names in (yaml.safe_load(text) or {}).items():
        for name in names:
            aliases.setdefault(header_key(str(name)), str(fld))
    return aliases


def match_header(header: Iterable[str], aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Canonical field -> header, for each header the dictionary knows (first header wins).

    >>> match_header(["Date", "Montant", "Expéditeur"])["src_account"]
    'Expéditeur'
    """
    table = header_aliases() if aliases is None else aliases
    found: dict[str, str] = {}
    for column in header:
        fld = table.get(header_key(column))
        if fld is not None and fld not in found:
            found[fld] = column
    return found


def decode_sample(
    raw: bytes, encoding: str | None, truncated: bool = False
) -> tuple[str, str, bool]:
    """``(text, encoding, bom)`` of a sample; a cut last character is tolerated if ``truncated``.

    The encoding is the one given, else the fixed French/West-African order of
    :func:`moneytrail.files.text.guess_encoding` (UTF-8, CP1252, Latin-1; a BOM decides).
    """
    if is_binary(raw):
        raise DetectionError("file_binary")
    bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[3:] if bom else raw
    name = encoding or guess_encoding(body, truncated)
    if name is None:
        raise DetectionError("encoding_invalid", NOT_WESTERN)
    if name == "utf-8-sig":
        name = "utf-8"
    try:
        return _decode_prefix(body, name, truncated), _codec_name(name), bom
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        detail = f"{name}: byte 0x{body[exc.start]:02X} {exc.reason}"
        raise DetectionError("encoding_invalid", detail, line) from exc
    except LookupError as exc:
        raise DetectionError("encoding_invalid", f"{name}: {exc}") from exc


def _decode_prefix(body: bytes, encoding: str, truncated: bool) -> str:
    # A sample cut from a longer file may split a multi-byte character: drop at most 3 bytes.
    for cut in range(4 if truncated else 1):
        try:
            return body[: len(body) - cut].decode(encoding)
        except UnicodeDecodeError:
            if cut == 3 or not truncated:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _codec_name(name: str) -> str:
    """Python's canonical name of an encoding (``UTF8`` -> ``utf-8``)."""
    return codecs.lookup(name).name


def sniff_delimiter(text: str) -> str | None:
    """The candidate delimiter splitting the sample into the most consistent rows, or ``None``."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut
    best: tuple[float, str] | None = None
    for delim in CANDIDATE_DELIMITERS:
        widths = [len(r) for r in csv.reader(lines, delimiter=delim)]
        if not widths or widths[0] < 2:
            continue
        share = sum(w == widths[0] for w in widths) / len(widths)
        score = share * 1000 + widths[0]
        if best is None or score > best[0]:
            best = (score, delim)
    return None if best is None else best[1]


def detect_layout(
    path: Path,
    encoding: str | None = None,
    delimiter: str | None = None,
    skip_rows: int = 0,
) -> Layout:
    """Encoding, delimiter, header and sample rows of a delimited file (reads 1 MiB at most)."""
    with path.open("rb") as handle:
        raw = handle.read(SAMPLE_BYTES)
    if not raw.strip():
        raise DetectionError("file_empty")
    text, codec, bom = decode_sample(raw, encoding, len(raw) == SAMPLE_BYTES)
    newline = line_ending(text)
    # One line end from here on: CR-only and mixed files split like any other.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(raw) == SAMPLE_BYTES:
        text = text[: text.rfind("\n") + 1] or text
    lines = text.splitlines(keepends=True)[skip_rows:]
    body = "".join(lines)
    delim = delimiter or sniff_delimiter(body)
    if delim is None:
        raise DetectionError("format_not_recognised")
    rows = list(csv.reader(io.StringIO(body), delimiter=delim))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise DetectionError("file_empty")
    header = [c.strip() for c in rows[0]]
    return Layout(codec, delim, header, rows[1 : SAMPLE_ROWS + 1], bom, newline)


def line_ending(text: str) -> str:
    r"""The line end of ``text``: ``\n``, ``\r\n``, ``\r`` or ``mixed``.

    >>> line_ending("a\r\nb\r\n"), line_ending("a\rb\r"), line_ending("a\r\nb\nc")
    ('\r\n', '\r', 'mixed')
    """
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [end for end, n in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if n]
    if len(kinds) > 1:
        return "mixed"
    return kinds[0] if kinds else "\n"


def column_sample(layout: Layout, column: str, limit: int = SAMPLE_ROWS) -> list[str]:
    """The non-empty sample values of ``column`` (for date and decimal detection)."""
    index = layout.header.index(column)
    values = [r[index].strip() for r in layout.rows[:limit] if index < len(r)]
    return [v for v in values if v]
