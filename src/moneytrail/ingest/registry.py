"""Which reader reads which format, and how a format is recognised.

Readers are named by import path and loaded on first use, so that ``moneytrail --help`` does not
import lxml, openpyxl and followthemoney. Several format names may share one reader class (the
ISO 20022 reader serves camt.052, camt.053, camt.054 and pain.001); the reader learns which name it
was asked for through its constructor argument.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from moneytrail.errors import BadInputError, Problem, UsageError
from moneytrail.ingest.base import Reader

HEAD_BYTES = 65_536


@dataclass(frozen=True)
class ReaderEntry:
    """One format: its ``--format`` name, the reader class path, a one-line description key."""

    name: str
    target: str

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
    ReaderEntry("ftm", "moneytrail.ingest.ftm:FtmReader"),
    ReaderEntry("amlworld", "moneytrail.ingest.aml_benchmarks:AmlWorldReader"),
    ReaderEntry("amlsim", "moneytrail.ingest.aml_benchmarks:AmlSimReader"),
    ReaderEntry("mobile_money", "moneytrail.ingest.mobile_money:MobileMoneyReader"),
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


def detect_reader(path: Path) -> Reader:
    """The reader most sure to read ``path``; refuses empty, binary and unknown files."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.strip():
        raise BadInputError(
            "error.file_refused", problems=[Problem(str(path), "file_empty")], file=str(path)
        )
    best: tuple[int, Reader] | None = None
    for entry in REGISTRY:
        reader = entry.load()
        score = reader.sniff(path, head)
        if score > 0 and (best is None or score > best[0]):
            best = (score, reader)
    if best is None:
        code = "file_binary" if b"\x00" in head[:4096] else "format_not_recognised"
        raise BadInputError(
            "error.file_refused", problems=[Problem(str(path), code)], file=str(path)
        )
    return best[1]
