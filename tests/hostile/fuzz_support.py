"""Fuzzing every reader against the one promise of ingest: LOADED or REFUSED, nothing else.

Whatever file a user gives, a load ends with the file loaded, or refused with
``file:line: field: reason`` problems: never an internal error, never a partial load. This module
holds what the hypothesis tests (``tests/hostile/test_fuzz_readers.py``) and the coverage-guided
fuzzer (``tests/fuzz/atheris_readers.py``) share:

* :data:`TARGETS`: every ingest format of the registry and every sanctions list format, with
  their seeds (real public samples, the shipped samples, ``synth`` output, tiny handwritten files);
* :class:`Mutation` and :func:`mutate`: byte flips, truncation, chunk duplication and deletion,
  hostile tokens (NUL, 0xFF, ``\\r``, quotes, delimiters, ``<!DOCTYPE``, huge digit strings),
  line edits, re-encoding, and structure-aware edits inside XLSX members and Parquet columns
  (byte flips alone never get past a zip CRC or a Parquet footer);
* :class:`Harness`: loads one input through the library and returns a :class:`Finding` when the
  promise is broken. A workspace is reused between inputs (a fresh one costs more than a load),
  so a repeated input may come back ``unchanged``; it is replaced every ``reset_every`` inputs
  and after every finding.

>>> mutate(b"abc", [Mutation("truncate", 2, 0)])
b'ab'
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
import re
import shutil
import tempfile
import time
import traceback
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from moneytrail.errors import BadInputError, MachineRefusedError, Problem, UsageError
from moneytrail.i18n import catalogue
from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import Status
from moneytrail.workspace import Workspace
from tests.conftest import REPO, SHARED_DATA

SAMPLES = REPO / "src" / "moneytrail" / "samples"
CRASHERS = REPO / "tests" / "fuzz" / "crashers"
MAX_BYTES = 1 << 20

# ---------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Seed:
    """One starting file: the name it is written under (suffixes matter to some readers)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Target:
    """One reader under test: ``kind`` is ``ingest`` (a registry format) or ``list``."""

    name: str
    kind: str
    fmt: str
    file_name: str
    seeds: Callable[[], list[Seed]]
    records: bytes = rb"\n[^\r\n]*\S"
    """Regex: the file holds at least one record (checked when a load reads no record)."""

    def name_for(self, data: bytes) -> str:
        """File name an input is written under: the target's, with ``.xlsx`` for a zip."""
        if data.startswith(b"PK\x03\x04") and not self.file_name.endswith(".xlsx"):
            return Path(self.file_name).stem + ".xlsx"
        return self.file_name


def _shared(*names: str, lines: int | None = None) -> Callable[[], list[Seed]]:
    """Seeds from the public data set (``lines``: keep the first lines of a big CSV)."""

    def read() -> list[Seed]:
        seeds = []
        for name in names:
            path = SHARED_DATA / name
            data = path.read_bytes()
            if lines is not None:
                data = b"".join(data.splitlines(keepends=True)[:lines])
            seeds.append(Seed(path.name, data))
        return seeds

    return read


def _text(name: str, text: str) -> Callable[[], list[Seed]]:
    return lambda: [Seed(name, text.encode("utf-8"))]


MOOV = "iso20022/samples_moov/"
MT940 = "mt940/wolph_mt940/"
JEJIK = "mt940/jejik_mt940/"
AMLWORLD = (
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
    "Amount Paid,Payment Currency,Payment Format,Is Laundering\n"
    "2022/09/01 00:20,010,000800E10,010,000800E11,3697.34,US Dollar,3697.34,US Dollar,Cheque,0\n"
    "2022/09/01 00:21,010,000800E11,0220,8000EBD30,110.12,US Dollar,100.456,Euro,Wire,1\n"
    "2022/09/01 01:02,0220,8000EBD30,0220,8000EBD31,0.00028411,Bitcoin,0.00028411,Bitcoin,"
    "Bitcoin,1\n"
    "2022/09/02 10:00,0220,8000EBD31,010,000800E10,1234.56,Yen,1234.56,Yen,Cash,0\n"
)
AMLWORLD_ACCOUNTS = (
    "Bank Name,Bank ID,Account Number,Entity ID,Entity Name\n"
    "Bank of Somewhere,010,000800E10,80006A5E0,Corporation #33520\n"
    "Other Bank,0220,8000EBD30,80006A5E2,Partnership #1\n"
)
TABULAR = (
    "N° transaction;Date;Expéditeur;Nom expéditeur;Destinataire;Montant;Devise\r\n"
    "T1;03/04/2024 10:15;+223 76 12 34 56;Moussa Traoré;+22377451209;1 234 567,50;EUR\r\n"
    "T2;05/04/2024 08:00;0022377451209;Aïssata Maïga;+223 79 88 01 23;150 000;XOF\r\n"
    "T3;12/04/2024 23:59;+22379880123;عبد الله ولد محمد;+22376123456;2 500;XOF\r\n"
)
FTM_STORY = [
    {"id": "p-a", "schema": "Person", "properties": {"name": ["Aïssata Maïga"],
     "birthDate": ["1984-05-17"], "nationality": ["ml"], "phone": ["+22376123456"]}},
    {"id": "c-s", "schema": "Company", "properties": {"name": ["Sahel Négoce SARL"]}},
    {"id": "a-a", "schema": "BankAccount", "properties": {
        "iban": ["ML16 ML01 6012 0102 6000 1003 5523"], "currency": ["XOF"]}},
    {"id": "a-s", "schema": "BankAccount", "properties": {"accountNumber": ["0042-77"]}},
    {"id": "o-1", "schema": "Ownership", "properties": {"owner": ["p-a"], "asset": ["a-a"]}},
    {"id": "pay-1", "schema": "Payment", "properties": {"payer": ["p-a"],
     "payerAccount": ["a-a"], "beneficiary": ["c-s"], "beneficiaryAccount": ["a-s"],
     "amount": ["1500000"], "currency": ["XOF"], "date": ["2024-03-05T10:15:00"]}},
]  # fmt: skip
FTM_LIST = [
    {"id": "NK-1", "schema": "Person", "properties": {"name": ["Amadou Ould Sidi"],
     "alias": ["Hamadou Uld Sidi"], "birthDate": ["1970-03"], "nationality": ["ml"],
     "program": ["SAHEL"], "passportNumber": ["A123456"]}},
    {"id": "NK-2", "schema": "Organization", "properties": {"name": ["Ets Baba et Frères"]}},
]  # fmt: skip
CUSTOM_LIST = [
    ["id", "nom", "schema", "aliases", "birth_date", "nationality", "identifiers"],
    [
        "ML-1",
        "Amadou Ould Sidi",
        "personne",
        "Hamadou Uld Sidi|A Sidi",
        "1970-03",
        "Mali",
        "nina:1",
    ],
    ["ML-2", "Ets Baba et Frères SARL", "organisation", "", "", "", ""],
]


def _jsonl(name: str, entities: list[dict[str, Any]]) -> Callable[[], list[Seed]]:
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities)
    return _text(name, text)


def _xlsx_bytes(rows: Sequence[Sequence[object]], title: str = "Relevé") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _xlsx_seeds() -> list[Seed]:
    rows: list[list[object]] = [
        ["Date", "Expéditeur", "Destinataire", "Montant", "Devise"],
        [datetime(2024, 3, 5, 9, 30), "+223 76 12 34 56", "+22377451209", 150000, "XOF"],
        [],
        [datetime(2024, 3, 6, 18, 0), "+22377451209", "+22376123456", 2500.5, "EUR"],
    ]
    return [Seed("releve.xlsx", _xlsx_bytes(rows))]


def _template_seeds(stem: str, sample: str) -> Callable[[], list[Seed]]:
    """A shipped template sample as the CSV it is and as a workbook of the same rows (the
    readers take both; openpyxl reads a sheet lazily, so a damaged part may surface only
    when a later row is read)."""

    def read() -> list[Seed]:
        data = (SAMPLES / sample).read_bytes()
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text[:500] else ","))
        return [Seed(f"{stem}.csv", data), Seed(f"{stem}.xlsx", _xlsx_bytes(rows[:12]))]

    return read


def _parquet_seeds() -> list[Seed]:
    table = pa.table(
        {
            "transaction_id": ["P1", "P2"],
            "timestamp": pa.array([datetime(2024, 3, 1, 8, 0), datetime(2024, 3, 2, 9, 15)]),
            "sender": ["+22376123456", "+22377451209"],
            "receiver": ["+22377451209", "+22376123456"],
            "amount": pa.array([Decimal("1000.00"), Decimal("25.50")], pa.decimal128(12, 2)),
            "currency": ["XOF", "EUR"],
        }
    )
    return [Seed("t.parquet", _parquet_bytes(table))]


@cache
def _synth_seeds() -> tuple[Seed, ...]:
    """``moneytrail synth --scale 50 --days 10``, each file cut to its first 40 rows."""
    from moneytrail.synth import generate
    from moneytrail.synth.config import SynthConfig

    with tempfile.TemporaryDirectory(prefix="moneytrail-fuzz-synth-") as folder:
        out = Path(folder) / "scenario"
        generate(SynthConfig(scale=50, days=10), out)
        names = ("parties", "accounts", "identifiers", "transactions", "truth_members")
        return tuple(
            Seed(f"{n}.parquet", _parquet_bytes(pq.read_table(out / f"{n}.parquet").slice(0, 40)))
            for n in names
        )


def _custom_list_seeds() -> list[Seed]:
    text = "".join(";".join(row) + "\n" for row in CUSTOM_LIST)
    return [Seed("liste.csv", text.encode("utf-8")), Seed("liste.xlsx", _xlsx_bytes(CUSTOM_LIST))]


ISO_RECORDS = rb"<(?:\w+:)?(?:Ntry|CdtTrfTxInf|DrctDbtTxInf)[\s>/]"
MT940_RECORDS = rb"(?:^|[\r\n]):61:"
PARQUET_RECORDS = b"parquet"  # decided by the file's row count, see has_records
XLSX_RECORDS = b"xlsx"  # not decided: see has_records


def _iso(name: str, *files: str) -> Target:
    return Target(name, "ingest", name, "message.xml", _shared(*files), ISO_RECORDS)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        _iso("camt.052", MOOV + "200519_camt.052_P_CH2909000000250094239_1110092686_0_2019042416072347.xml", MOOV + "FI_camt_052_sample.xml.xml"),
        _iso("camt.053", MOOV + "camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml", MOOV + "statement_1.xml"),
        _iso("camt.054", MOOV + "200519_camt.054-Credit_P_CH2909000000250094239_1110092691_0_2019042421291293.xml", MOOV + "200519_camt054-chdd_p_ch2909000000250094239_1110097484_0_20190520700381159.xml", MOOV + "camt054-returns_p_ch5109000000250092291_1110097606_0_2020112500512470.xml"),
        _iso("pain.001", MOOV + "musterfile_pain.001_Nov2020.xml", MOOV + "International_payment_USD_naujas_1.xml", MOOV + "sepa_payment_naujas_1.xml"),
        _iso("pain.008", MOOV + "pain008-musterfile.xml"),
        _iso("pacs.008", "iso20022/samples_prowide/pacs.008.001.07.xml", "iso20022/samples_prowide/pacs.008.001.07_ClrSysMmbId.xml"),
        _iso("pacs.009", "iso20022/samples_prowide/pacs.009.001.09.xml"),
        Target("mt940", "ingest", "mt940", "releve.sta", _shared(JEJIK + "abnamro.txt", JEJIK + "sparkasse.txt", JEJIK + "knab.txt", JEJIK + "rabobank-iban.txt", JEJIK + "triodos.txt", JEJIK + "ing-dos.txt", MT940 + "betterplace/sepa_snippet.sta", MT940 + "self-provided/gv_codes.sta", MT940 + "citi/mt940.txt"), MT940_RECORDS),
        Target("mt942", "ingest", "mt942", "interim.sta", _shared(MT940 + "mBank/mt942.sta", MT940 + "self-provided/mt942.sta"), MT940_RECORDS),
        Target("goaml", "ingest", "goaml", "str.xml", lambda: [Seed("str.xml", (REPO / "tests" / "goaml" / "samples" / "uae_str_valid.xml").read_bytes()), Seed("lk.xml", (REPO / "tests" / "goaml" / "samples" / "lk_str_valid.xml").read_bytes())], rb"<transaction>"),
        Target("ftm", "ingest", "ftm", "dossier.ftm.jsonl", _jsonl("dossier.ftm.jsonl", FTM_STORY), rb"\S"),
        Target("amlworld", "ingest", "amlworld", "Fuzz_Trans.csv", lambda: [Seed("Fuzz_Trans.csv", AMLWORLD.encode()), Seed("Fuzz_accounts.csv", AMLWORLD_ACCOUNTS.encode())]),
        Target("amlsim", "ingest", "amlsim", "tx.csv", _shared("other/amlsim/sample_outputs/tx.csv", "other/amlsim/sample_outputs/accounts.csv", "other/amlsim/sample_outputs/cash_tx.csv", "other/amlsim/sample_outputs/alerts.csv", "other/amlsim/20K_fanin200cycle200/nodes.csv", "other/amlsim/20K_fanin200cycle200/transactions.csv", lines=25)),
        Target("mobile_money", "ingest", "mobile_money", "orange.csv", lambda: [Seed("orange.csv", b"".join((SAMPLES / "orange_money_2024-03.csv").read_bytes().splitlines(keepends=True)[:25]))]),
        Target("cash_declarations", "ingest", "cash_declarations", "decl.csv", _template_seeds("decl", "declarations_especes_2024.csv")),
        Target("hawala", "ingest", "hawala", "registre.csv", _template_seeds("registre", "registre_hawala_gao_2024.csv")),
        Target("csv", "ingest", "csv", "tx.csv", _text("tx.csv", TABULAR)),
        Target("tsv", "ingest", "tsv", "tx.tsv", _text("tx.tsv", TABULAR.replace(";", "\t"))),
        Target("xlsx", "ingest", "xlsx", "releve.xlsx", _xlsx_seeds, XLSX_RECORDS),
        Target("parquet", "ingest", "parquet", "t.parquet", _parquet_seeds, PARQUET_RECORDS),
        Target("moneytrail", "ingest", "moneytrail", "table.parquet", lambda: list(_synth_seeds()), PARQUET_RECORDS),
        Target("list-un", "list", "un", "liste.xml", _shared("sanctions/un/unsc_sample_2024.xml")),
        Target("list-ofac_xml", "list", "ofac_xml", "sdn.xml", _shared("sanctions/ofac_xml/ofac_sdn_xml_sample_2020.xml")),
        Target("list-ofac_csv", "list", "ofac_csv", "sdn.csv", _shared("sanctions/ofac_sdn_2021/sdn.csv", "sanctions/ofac_consolidated_nonsdn/cons_prim.csv", lines=30)),
        Target("list-eu_xml", "list", "eu_xml", "eu.xml", _shared("sanctions/eu/eu_fsf_xml_sample_2020.xml")),
        Target("list-eu_csv", "list", "eu_csv", "eu.csv", _shared("sanctions/eu/eu_fsf_csv_partial_2018.csv", lines=30)),
        Target("list-uk_hmt", "list", "uk_hmt", "conlist.csv", _shared("sanctions/uk/hmt_conlist_sample_2020.csv")),
        Target("list-custom", "list", "custom", "liste.csv", _custom_list_seeds),
        Target("list-ftm", "list", "ftm", "liste.ftm.jsonl", _jsonl("liste.ftm.jsonl", FTM_LIST)),
    )
}  # fmt: skip


@cache
def seeds(target: str) -> tuple[Seed, ...]:
    """The seeds of ``target`` (read or built once per process)."""
    return tuple(TARGETS[target].seeds())


# -------------------------------------------------------------------------------- mutations

TOKENS: tuple[bytes, ...] = (
    b"\x00", b"\xff", b"\xfe\xff", b"\r", b"\n", b"\r\n", b'"', b"'", b",", b";", b"\t", b"|",
    b"\\", b"<", b">", b"&", b"&a;", b"]]>", b"<![CDATA[", b"</Document>", b"<Ntry>",
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    b'<!DOCTYPE x SYSTEM "file:///etc/passwd">', b"9" * 400, b"-" + b"9" * 40, b"1e999",
    b"NaN", b"-0", b"0,0,0", b"\xef\xbb\xbf", b"\xc3", b"\xe2\x80\xae", b"\xed\xa0\x80",
    b":61:", b":86:", b":20:", b":25:", b":60F:", b":62F:", b"-}", b"{4:", b"?20", b"//",
    b"0000-00-00", b"9999-12-31T99:99:99", b"29/02/2023", b"2024/13/45 25:61", b"\xa0",
    b'{"id": "x", "schema": "Payment", "properties": {"amount": ["1e999"]}}', b"[" * 300,
    b"=cmd|' /C calc'!A0", b"%s%n", b"{0}", b"{detail}",
)  # fmt: skip
DIGITS: tuple[bytes, ...] = (
    b"0", b"00", b"-1", b"9" * 40, b"9" * 400, b"1.5", b"1,5", b"1e308", b"1 000",
    b"18446744073709551616", b"0.000000000000001", "٣".encode(), b"2147483647",
    b"-2147483648", b"99999999", b"4000000",
)  # fmt: skip
AMOUNTS: tuple[bytes, ...] = (
    b"9" * 40 + b",00", b"9" * 27 + b".5", b"1,123456789", b"0.000000001", b"0,00", b"-5,00",
    b"1e400", b"1.5.5", b"1,000,000.00", b",5", b"5,", b"+5", b"9" * 400,
)  # fmt: skip
ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "utf-8-sig")
NEWLINES = (b"\r", b"\r\n", b"\n", b"\n\n", b"\x85", "\u2028".encode())

BYTE_OPS = ("flip", "byte", "truncate", "delete", "duplicate", "insert", "digits", "amount")
TEXT_OPS = ("line_dup", "line_del", "line_swap", "line_insert", "encode", "newlines")
ZIP_OPS = tuple(
    f"zip:{op}" for op in ("flip", "truncate", "delete", "insert", "digits", "line_dup")
)
PARQUET_OPS = ("pq:value", "pq:retype", "pq:drop", "pq:rename", "pq:nulls", "pq:rows")


@dataclass(frozen=True)
class Mutation:
    """One edit: ``op`` says what, ``pos`` where (modulo the length), ``arg`` which variant."""

    op: str
    pos: int
    arg: int


def ops_for(target: str) -> tuple[str, ...]:
    """The mutation operators worth drawing for ``target``'s seeds."""
    data = [s.data for s in seeds(target)]
    ops = BYTE_OPS + TEXT_OPS
    if any(d.startswith(b"PK\x03\x04") for d in data):
        ops += ZIP_OPS
    if any(d.startswith(b"PAR1") for d in data):
        ops += PARQUET_OPS
    return ops


def random_mutations(rng: random.Random, ops: Sequence[str], most: int = 4) -> list[Mutation]:
    """A few random mutations (the atheris custom mutator's side of :func:`mutate`)."""
    count = rng.randint(1, most)
    return [Mutation(rng.choice(ops), rng.randrange(1 << 20), rng.randrange(1 << 16)) for _ in range(count)]  # fmt: skip


def mutate(data: bytes, mutations: Sequence[Mutation]) -> bytes:
    """``data`` after each of ``mutations`` in turn, at most :data:`MAX_BYTES` long."""
    for mutation in mutations:
        if mutation.op.startswith("zip:"):
            data = _in_zip(data, mutation)
        elif mutation.op.startswith("pq:"):
            data = _in_parquet(data, mutation)
        else:
            data = _edit(data, mutation.op, mutation.pos, mutation.arg)
        data = data[:MAX_BYTES]
    return data


def _edit(data: bytes, op: str, pos: int, arg: int) -> bytes:
    at = pos % (len(data) + 1)
    size = 1 + arg % 64
    if op == "flip" and data:
        at %= len(data)
        return data[:at] + bytes([data[at] ^ (1 << (arg % 8))]) + data[at + 1 :]
    if op == "byte" and data:
        at %= len(data)
        return data[:at] + bytes([arg % 256]) + data[at + 1 :]
    if op == "truncate":
        return data[:at]
    if op == "delete":
        return data[:at] + data[at + size :]
    if op == "duplicate":
        return data[:at] + data[at : at + size] + data[at:]
    if op == "insert":
        return data[:at] + TOKENS[arg % len(TOKENS)] + data[at:]
    if op == "digits":  # a number (amount, date, step...) of the file becomes a hostile one
        runs = list(re.finditer(rb"\d+", data))
        if not runs:
            return data
        run = runs[pos % len(runs)]
        return data[: run.start()] + DIGITS[arg % len(DIGITS)] + data[run.end() :]
    if op == "amount":  # a decimal number (an amount, most likely) becomes a hostile one
        runs = list(re.finditer(rb"\d+[.,]\d*", data))
        if not runs:
            return data
        run = runs[pos % len(runs)]
        return data[: run.start()] + AMOUNTS[arg % len(AMOUNTS)] + data[run.end() :]
    if op == "encode":
        text = data.decode("utf-8", errors="replace")
        return text.encode(ENCODINGS[arg % len(ENCODINGS)], errors="replace")
    if op == "newlines":
        return re.sub(rb"\r\n|\r|\n", NEWLINES[arg % len(NEWLINES)], data)
    lines = data.splitlines(keepends=True)
    if not lines:
        return data
    i, j = pos % len(lines), arg % len(lines)
    if op == "line_dup":
        lines.insert(i, lines[i])
    elif op == "line_del":
        del lines[i]
    elif op == "line_swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "line_insert":
        lines[i] = TOKENS[arg % len(TOKENS)] + lines[i]
    return b"".join(lines)


def _in_zip(data: bytes, mutation: Mutation) -> bytes:
    """Edit one member of a zip (an XLSX part) and write the archive again."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        return _edit(data, mutation.op[4:], mutation.pos, mutation.arg)
    if not members:
        return data
    index = mutation.pos % len(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for number, (info, content) in enumerate(members):
            if number == index:
                content = _edit(content, mutation.op[4:], mutation.pos // len(members), mutation.arg)  # fmt: skip
            out.writestr(info.filename, content)
    return buffer.getvalue()


HOSTILE_STRINGS = (
    "", " ", "\x00", "\ufeff", "\u202eevil", "9" * 400, "-1", "NaN", "1e999", "0000-00-00",
    "9999-12-31", "<!DOCTYPE x>", "'; DROP TABLE transactions; --", '"', "\n", "é" * 2000,
    "+223", "XXX", "2024-02-30", "{detail}",
)  # fmt: skip
HOSTILE_VALUES: tuple[object, ...] = (
    None, 0, -1, 2**63 - 1, -(2**63), math.nan, math.inf, -math.inf, 1e308,
    Decimal("9" * 38), Decimal("-0.00000001"), datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59),
    date(1, 1, 1), True, b"\xff\x00",
)  # fmt: skip
WIDER_TYPES = (
    pa.large_string(), pa.binary(), pa.float64(), pa.int8(), pa.float16(), pa.bool_(),
    pa.timestamp("s", tz="Africa/Bamako"), pa.date32(), pa.decimal128(38, 20), pa.null(),
    pa.dictionary(pa.int32(), pa.string()), pa.list_(pa.string()),
)  # fmt: skip


def _in_parquet(data: bytes, mutation: Mutation) -> bytes:
    """Edit the table inside a Parquet file (a column's values, type, name or the rows)."""
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError):
        return _edit(data, "flip", mutation.pos, mutation.arg)
    if table.num_columns == 0:
        return data
    col = mutation.pos % table.num_columns
    name = table.column_names[col]
    rows = max(table.num_rows, 1)
    row = (mutation.pos // table.num_columns) % rows
    op, arg = mutation.op[3:], mutation.arg
    try:
        if op == "drop":
            table = table.remove_column(col)
        elif op == "rename":
            new = HOSTILE_STRINGS[arg % len(HOSTILE_STRINGS)] or table.column_names[-1]
            table = table.rename_columns([new if i == col else n for i, n in enumerate(table.column_names)])  # fmt: skip
        elif op == "nulls":
            table = table.set_column(col, name, pa.nulls(table.num_rows, table.schema.field(col).type))  # fmt: skip
        elif op == "rows":
            table = [table.slice(0, 0), pa.concat_tables([table] * 3), table.slice(row)][arg % 3]
        else:
            values = table.column(col).to_pylist()
            kind = table.schema.field(col).type
            if op == "retype":
                kind = WIDER_TYPES[arg % len(WIDER_TYPES)]
                values = [_cast(v, kind) for v in values]
            if values:
                values[row] = (HOSTILE_STRINGS if pa.types.is_string(kind) else HOSTILE_VALUES)[arg % 16]  # fmt: skip
            table = table.set_column(col, name, _array(values, kind))
        return _parquet_bytes(table)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return data


def _cast(value: object, kind: pa.DataType) -> object:
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return None if value is None else str(value)
    return value


def _array(values: list[object], kind: pa.DataType) -> pa.Array:
    """``values`` as an Arrow array of ``kind``, a value that does not fit becoming null."""
    try:
        return pa.array(values, type=kind)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        fitted = []
        for value in values:
            try:
                pa.array([value], type=kind)
                fitted.append(value)
            except (pa.ArrowException, ValueError, TypeError, OverflowError):
                fitted.append(None)
        return pa.array(fitted, type=kind)


# ------------------------------------------------------------------------------- invariant


@dataclass(frozen=True)
class Finding:
    """A broken promise: what kind, and where the code was when it broke."""

    kind: str
    exception: str = ""
    frame: str = ""
    """Top frame: the innermost one in moneytrail's code outside the engine wrapper (through
    which every SQL error passes), else the innermost of all."""
    innermost: str = ""
    message: str = ""

    @property
    def signature(self) -> str:
        """What makes two findings the same bug: kind, exception type, innermost frame."""
        return f"{self.kind}: {self.exception} @ {self.frame}".rstrip(" @:")

    @property
    def family(self) -> str:
        """The signature without line numbers: the same bug after edits elsewhere in a file."""
        return re.sub(r":\d+ in ", " in ", self.signature)


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$')


def _where(file: str, line: int | str, func: str) -> str:
    short = re.sub(r"^.*?(site-packages|src|lib/python3\.\d+)/", "", file)
    return f"{short}:{line} in {func}"


def finding_from_traceback(kind: str, text: str) -> Finding:
    """A :class:`Finding` from a printed traceback (the pipeline's crash report)."""
    last = text.rfind("Traceback (most recent call last):")
    block = text[last:].splitlines() if last >= 0 else text.splitlines()
    frames = [m for m in map(_FRAME.match, block) if m]
    # The exception is the first unindented line after the last frame (its source lines are
    # indented; its message may run over several lines).
    after = block[block.index(frames[-1].string) + 1 :] if frames else block
    head = next((line for line in after if line and not line.startswith(" ")), "?")
    exception, _, message = head.partition(": ")
    wheres = [_where(m["file"], m["line"], m["func"]) for m in frames]
    ours = [w for w in wheres if w.startswith("moneytrail/") and "moneytrail/engine/" not in w]
    innermost = wheres[-1] if wheres else ""
    return Finding(kind, exception, (ours or [innermost])[-1], innermost, message[:300])


def finding_from_exception(kind: str, exc: BaseException) -> Finding:
    """A :class:`Finding` from an exception caught by the harness itself."""
    return finding_from_traceback(kind, "".join(traceback.format_exception(exc)))


def problem_findings(problems: Sequence[Problem], path: Path) -> Finding | None:
    """Each problem renders as ``file[:line]: [field: ]reason`` in both languages with a
    known reason key (an unknown key would show the user ``problem.some_code``)."""
    known = catalogue()
    for problem in problems:
        if f"problem.{problem.code}" not in known:
            return Finding("problem_untranslated", problem.code, message=repr(problem)[:300])
        for lang in ("en", "fr"):
            try:
                text = problem.render(lang)
            except Exception as exc:
                return finding_from_exception("problem_unrenderable", exc)
            if not text.startswith(str(path)):
                return Finding("problem_unlocated", problem.code, message=text[:300])
    return None


def has_records(target: Target, data: bytes) -> bool:
    """Whether ``data`` visibly holds a record (a load that read none then dropped it)."""
    if target.records == PARQUET_RECORDS:  # the readers ignore a damaged leading magic
        try:
            return bool(pq.ParquetFile(io.BytesIO(data)).metadata.num_rows)
        except (pa.ArrowException, OSError, ValueError):
            return False
    if data.startswith(b"PK\x03\x04") or target.records == XLSX_RECORDS:
        return False  # an XLSX whose sheets hold nothing readable: nothing to compare with
    if data[:2] in (b"\xfe\xff", b"\xff\xfe"):
        # UTF-16 as its byte-order mark says: a 0x0a byte inside a character is no line end
        # (a file knocked out of its two-byte step decodes to one line of other characters)
        codec = "utf-16-be" if data[:2] == b"\xfe\xff" else "utf-16-le"
        data = data[2:].decode(codec, errors="replace").encode("utf-8")
    return re.search(target.records, data, re.MULTILINE) is not None


class Harness:
    """Loads inputs through the library in a reused workspace and checks the promise."""

    def __init__(self, folder: Path, reset_every: int = 200) -> None:
        self.folder = folder
        self.reset_every = reset_every
        self.checked = 0
        self.slowest = 0.0
        """Seconds of the slowest check (a shared machine stalls: a hint, not a finding)."""
        self._ws: Workspace | None = None
        self._generation = 0

    def close(self) -> None:
        """Close the workspace (the folder stays for the caller to remove)."""
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    def _workspace(self) -> Workspace:
        if self._ws is not None and self.checked % self.reset_every == 0:
            self.reset()
        if self._ws is None:
            self._generation += 1
            path = self.folder / f"ws{self._generation}"
            shutil.rmtree(path, ignore_errors=True)
            self._ws = Workspace.init(path)
        return self._ws

    def reset(self) -> None:
        """Start the next input on a new, empty workspace."""
        self.close()
        shutil.rmtree(self.folder / f"ws{self._generation}", ignore_errors=True)

    def write(self, target: Target, data: bytes) -> Path:
        """Write ``data`` as the file the reader is given."""
        inputs = self.folder / "input"
        inputs.mkdir(parents=True, exist_ok=True)
        path = inputs / target.name_for(data)
        path.write_bytes(data)
        return path

    def check(self, target: Target, data: bytes) -> Finding | None:
        """Load ``data`` with ``target``; the broken promise, or ``None`` when kept."""
        path = self.write(target, data)
        self.checked += 1
        started = time.perf_counter()
        if target.kind == "list":
            found = self._check_list(target, path)
        else:
            found = self._check_ingest(target, path, data)
        if found is not None:
            self.reset()
        self.slowest = max(self.slowest, time.perf_counter() - started)
        return found

    def _check_list(self, target: Target, path: Path) -> Finding | None:
        from moneytrail.screen.lists import load_list

        try:
            result = load_list(path, target.fmt)
        except BadInputError as exc:
            try:
                exc.render("en")
                exc.render("fr")
            except Exception as bad:
                return finding_from_exception("problem_unrenderable", bad)
            if not exc.problems:
                return Finding("refused_without_problem", exc.key)
            return problem_findings(exc.problems, path)
        except Exception as exc:
            return finding_from_exception("exception_escaped", exc)
        if not result.entries:
            return Finding("list_without_entries")
        return None

    def _check_ingest(self, target: Target, path: Path, data: bytes) -> Finding | None:
        ws = self._workspace()
        before = ws.info().counts
        try:
            outcomes = ws.ingest([path], IngestOptions(format=target.fmt))
        except (UsageError, MachineRefusedError):
            outcomes = []
        except Exception as exc:
            return finding_from_exception("exception_escaped", exc)
        if outcomes and outcomes[0].status == Status.FAILED:
            return _internal_error(outcomes[0].error_params.get("report"))
        after = self._counts(ws)
        if isinstance(after, Finding):
            return after
        if not outcomes:  # a usage error or a refusal by the machine: nothing may have changed
            return None if after == before else Finding("refused_changed_workspace")
        outcome = outcomes[0]
        if outcome.status in (Status.REFUSED, Status.UNCHANGED):
            if after != before:
                return Finding("refused_changed_workspace", outcome.status.value)
            if outcome.status == Status.UNCHANGED:
                return None
            if not outcome.problems:
                return Finding("refused_without_problem", str(outcome.error_key))
            if outcome.error_key not in catalogue():
                return Finding("error_untranslated", str(outcome.error_key))
            return problem_findings(outcome.problems, path)
        grown = all(after[k] >= before[k] for k in before)
        if after["sources"] != before["sources"] + 1 or not grown:
            return Finding("loaded_counts_wrong", message=f"{before} -> {after}")
        if outcome.rows_ok + outcome.rows_rejected == 0 and has_records(target, data):
            return Finding("loaded_nothing", target.name)
        return problem_findings(outcome.problems, path)

    @staticmethod
    def _counts(ws: Workspace) -> dict[str, int] | Finding:
        """The workspace's counts after a load, or the finding that it is no longer usable
        (the engine invalidated by an error inside it: every later command would fail)."""
        try:
            return ws.info().counts
        except Exception as exc:
            return finding_from_exception("workspace_unusable_after_load", exc)


def _internal_error(report: object) -> Finding:
    """The finding of a FAILED outcome, read from (then removing) its crash report."""
    path = Path(str(report))
    if not path.is_file():
        return Finding("internal_error", message=f"no crash report ({report})")
    text = path.read_text(encoding="utf-8", errors="replace")
    path.unlink()
    return finding_from_traceback("internal_error", text)


def save_crasher(target: Target, finding: Finding, data: bytes, root: Path = CRASHERS) -> Path:
    """Keep one reproducer per signature: ``<root>/<target>/<hash><suffix>`` and a ``.json``
    beside it naming the finding; the path of the reproducer."""
    folder = root / target.name
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(finding.signature.encode(), usedforsecurity=False).hexdigest()[:12]
    path = folder / (digest + "".join(Path(target.name_for(data)).suffixes[-1:]))
    if not path.exists():
        path.write_bytes(data)
        meta = {"target": target.name, "signature": finding.signature, **asdict(finding)}
        path.with_suffix(".json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")  # fmt: skip
    return path


def saved_findings(root: Path = CRASHERS) -> list[tuple[str, Path, Finding]]:
    """``(target, reproducer, finding)`` of every crasher kept under ``root``."""
    names = ("kind", "exception", "frame", "innermost", "message")
    saved = []
    for meta in sorted(root.glob("*/*.json")):
        if meta.parent.name not in TARGETS:
            continue
        data = json.loads(meta.read_text(encoding="utf-8"))
        found = Finding(**{k: str(data.get(k, "")) for k in names})
        for path in meta.parent.glob(meta.stem + ".*"):
            if path.suffix != ".json":
                saved.append((meta.parent.name, path, found))
    return saved
