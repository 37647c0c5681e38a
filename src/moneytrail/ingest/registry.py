"""Which reader reads which format, and how a format is recognised.

Readers are named by import path and loaded on first use, so that ``moneytrail --help`` does not
import lxml, openpyxl and followthemoney. Several format names may share one reader class (the
ISO 20022 reader serves camt.052, camt.053, camt.054 and pain.001); the reader learns which name it
was asked for through its constructor argument.

Sniffers read the head of a file as bytes of an ASCII-compatible encoding: a text saved in UTF-16
or UTF-32 (Windows "Unicode" text, XML written by .NET) is transcoded to UTF-8 once, here, before
any sniffer sees it, so that its NUL bytes are not taken for a binary file.

>>> sniff_head("<Document/>".encode("utf-16"))
b'<Document/>'
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.errors import BadInputError, Problem, UsageError
from moneytrail.files.text import bom_encoding, is_binary, sniff_text

if TYPE_CHECKING:
    from moneytrail.ingest.base import Reader

HEAD_BYTES = 65_536
WIDE_ENCODINGS = ("utf-16", "utf-32")
"""Encodings announced by a byte-order mark whose text is not ASCII-compatible."""


@dataclass(frozen=True)
class ReaderEntry:
    """One format: its ``--format`` name, the reader class path, and whether its reader reads
    UTF-16/32 text (the AML benchmark layouts are read by the engine's CSV reader, UTF-8 only)."""

    name: str
    target: str
    wide_text: bool = True
    starts: bytes = b""
    """When set, the reader is loaded and asked only if the first non-blank line of the head
    (after a UTF-8 byte-order mark and blanks) starts with these bytes: the FtM reader (which
    imports followthemoney, seconds) is not loaded to look at an XML or CSV file."""

    def may_read(self, head: bytes) -> bool:
        """False when the head plainly cannot be this format (see :attr:`starts`)."""
        if not self.starts:
            return True
        for line in head.splitlines():
            if line.strip():
                return line.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(self.starts)
        return False

    def load(self) -> Reader:
        """Instantiate the reader (imports its module on first use)."""
        module_name, _, class_name = self.target.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        reader: Reader = cls(self.name)
        return reader


REGISTRY: tuple[ReaderEntry, ...] = (
    ReaderEntry("camt.052", "moneytrail.ingest.iso20022:Iso20022Reader"),
    ReaderEntry("camt.053", "moneytrail.ingest.iso20022:Iso20022Reader"),
    ReaderEntry("camt.054", "moneytrail.ingest.iso20022:Iso20022Reader"),
    ReaderEntry("pain.001", "moneytrail.ingest.iso20022:Iso20022Reader"),
    ReaderEntry("pain.008", "moneytrail.ingest.iso20022:Iso20022Reader"),
    ReaderEntry("pacs.008", "moneytrail.ingest.iso20022:Iso20022Reader"),
    ReaderEntry("pacs.009", "moneytrail.ingest.iso20022:Iso20022Reader"),
    ReaderEntry("mt940", "moneytrail.ingest.mt940:Mt940Reader"),
    ReaderEntry("mt942", "moneytrail.ingest.mt940:Mt940Reader"),
    ReaderEntry("ftm", "moneytrail.ingest.ftm:FtmReader", starts=b"{"),
    ReaderEntry("goaml", "moneytrail.ingest.goaml:GoamlReader"),
    ReaderEntry("amlworld", "moneytrail.ingest.aml_benchmarks:AmlWorldReader", wide_text=False),
    ReaderEntry("amlsim", "moneytrail.ingest.aml_benchmarks:AmlSimReader", wide_text=False),
    ReaderEntry("mobile_money", "moneytrail.ingest.mobile_money:MobileMoneyReader"),
    ReaderEntry("cash_declarations", "moneytrail.ingest.cash_declarations:CashDeclarationReader"),
    ReaderEntry("hawala", "moneytrail.ingest.hawala:HawalaLedgerReader"),
    ReaderEntry("csv", "moneytrail.ingest.tabular:CsvReader"),
    ReaderEntry("tsv", "moneytrail.ingest.tabular:CsvReader"),
    ReaderEntry("xlsx", "moneytrail.ingest.tabular:XlsxReader"),
    ReaderEntry("parquet", "moneytrail.ingest.tabular:ParquetReader"),
    ReaderEntry("moneytrail", "moneytrail.ingest.canonical_parquet:CanonicalParquetReader"),
)


def format_names() -> list[str]:
    """Every name ``--format`` accepts."""
    return [entry.name for entry in REGISTRY]


def reader_for(name: str) -> Reader:
    """The reader of format ``name`` or a :class:`UsageError` listing the known formats."""
    for entry in REGISTRY:
        if entry.name == name:
            return entry.load()
    raise UsageError("error.format_unknown", format=name, known=", ".join(format_names()))


def sniff_head(head: bytes) -> bytes:
    """``head`` as the sniffers read it: UTF-16/32 text (with its byte-order mark) as UTF-8.

    A character cut by the end of the head becomes U+FFFD; any other head is given unchanged.
    """
    if bom_encoding(head) in WIDE_ENCODINGS:
        return sniff_text(head).encode("utf-8")
    return head


def detect_reader(path: Path) -> Reader:
    """The reader most sure to read ``path``; refuses empty, binary and unknown files."""
    with path.open("rb") as handle:
        raw = handle.read(HEAD_BYTES)
    head = sniff_head(raw)
    if not head.strip():
        raise BadInputError(
            "error.file_refused", problems=[Problem(str(path), "file_empty")], file=str(path)
        )
    best: tuple[int, ReaderEntry, Reader] | None = None
    for entry in REGISTRY:
        if not entry.may_read(head):
            continue
        reader = entry.load()
        score = reader.sniff(path, head)
        if score > 0 and (best is None or score > best[0]):
            best = (score, entry, reader)
    if best is None:
        code = "file_binary" if is_binary(raw) else "format_not_recognised"
        raise BadInputError(
            "error.file_refused", problems=[Problem(str(path), code)], file=str(path)
        )
    _, entry, reader = best
    wide = bom_encoding(raw)
    if wide in WIDE_ENCODINGS and not entry.wide_text:
        problem = Problem(
            str(path),
            "encoding_wide_unsupported",
            params={"encoding": wide.upper(), "format": entry.name},
        )
        raise BadInputError("error.file_refused", problems=[problem], file=str(path))
    return reader
