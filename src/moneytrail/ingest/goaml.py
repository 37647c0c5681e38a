"""goAML reports (STR, SAR, CTR, AIF... of any shipped profile) read into the workspace.

A file holds one ``<report>`` (the goAML root), several ``<report>`` elements under any wrapper
element (a "multi-report file"), or is a ZIP of such XML files. Every report is validated
against its goAML profile (XSD and business rules, :mod:`moneytrail.model.goaml`) *before*
anything is staged: one invalid report refuses the whole file, every problem listed as
``file:line: element path: reason``. The profile is the one named by the option
``goaml_profile`` (``IngestOptions.extra``), else the first shipped profile the report is valid
against (:data:`DETECT_ORDER`); a report valid against none is reported with the problems of
the first.

Rows are numbered by the line of their element; a ZIP member's lines are offset by
``member number * 1e9`` (member 1, line 12 is row 1000000012), so each row walks back to one
line of one file of the archive (docs/goaml.md). Report-level facts (reason, action, indicators)
go to ``goaml_reports`` in the file's transaction.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from lxml import etree

from moneytrail.errors import BadInputError, Problem
from moneytrail.files.text import is_binary
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.goaml_map import channel_of, report_row, stage_report_rows
from moneytrail.ingest.goaml_parties import Ledger
from moneytrail.ingest.goaml_pool import layout, stage_parallel, workers_for
from moneytrail.ingest.goaml_run import Unusual
from moneytrail.ingest.goaml_validate import choose_profile
from moneytrail.model.goaml.profile import Profile
from moneytrail.model.xml import element_line, safe_xml_parser

DETECT_ORDER = ("uae-5.0.2", "lk-2.0")
"""Shipped profiles tried, in this order, when no profile is named."""

MEMBER_ROWS = 1_000_000_000
"""Row offset between two members of a ZIP (a member may have up to 1e9 lines)."""

_SNIFF = re.compile(rb"<report[\s>]")
_GOAML_CHILD = re.compile(rb"<(rentity_id|report_code|entity_reference|submission_code)[\s>]")
_ZIP_MAGIC = b"PK\x03\x04"
_HEAD = 4096

__all__ = ["DETECT_ORDER", "GoamlReader", "channel_of"]


@dataclass(frozen=True)
class Document:
    """One XML document of the input: the file itself or one member of a ZIP."""

    name: str  # how problems name it: "reports.zip!/str-0001.xml" for a member
    member: str | None
    offset: int
    data: bytes  # a member's bytes (empty for the file itself: read from ``path``)
    path: Path | None = None
    size: int = 0


class GoamlReader:
    """Reads goAML XML reports (format ``goaml``)."""

    def __init__(self, name: str = "goaml") -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """96 for a ``<report>`` with goAML children, 90 for a ZIP whose members are XML."""
        if head.startswith(_ZIP_MAGIC):
            return 90 if _zip_of_xml(path) else 0
        if _SNIFF.search(head) and _GOAML_CHILD.search(head):
            return 96
        return 0

    def stage(self, ctx: StageContext) -> None:
        """Validate every report of the file and stage its rows (nothing if one is invalid).

        A large multi-report file laid out plainly is read by worker processes, runs of
        reports in parallel (:mod:`moneytrail.ingest.goaml_pool`); if any report is not valid
        the file is read again here, which lists its problems. Here, reports are read one at a
        time (``iterparse``) and cleared once staged, so memory stays bounded by one report. A
        report found invalid stops the staging but not the reading: every problem of the file
        is listed, then the file is refused and its transaction rolled back (nothing staged is
        committed).
        """
        chosen: str | None = ctx.options.extra.get("goaml_profile")
        candidates = (chosen,) if chosen else DETECT_ORDER
        parallel = _parallel(ctx, candidates)
        if parallel is None:
            ledger, rows, profiles = _sequential(ctx, candidates)
        else:
            ledger, rows, profiles = parallel
        ledger.finish()
        # the ledger staged one row per party and per account id, and every account a
        # transaction names: the commit may skip its de-duplicating window and account probe
        ctx.unique_ids = True
        ctx.mapping_used = {"profiles": sorted(profiles), "reports": len(rows)}
        if parallel is not None:
            ctx.mapping_used["read_by_workers"] = True
        _record_reports(ctx, rows)


def _parallel(
    ctx: StageContext, candidates: tuple[str, ...]
) -> tuple[Ledger, list[dict[str, Any]], set[str]] | None:
    """The file read by a pool of workers when it is large and plainly laid out
    (:mod:`moneytrail.ingest.goaml_pool`); ``None``: read it in this process."""
    path = Path(ctx.read_path)
    size = path.stat().st_size
    workers = workers_for(size, ctx.options.extra.get("goaml_workers"))
    if not workers:
        return None
    _check_text(Document(str(ctx.path), None, 0, b"", path, size))
    with path.open("rb") as handle:
        if handle.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC:
            return None
        handle.seek(0)
        try:
            shape = layout(handle, size)
        except Unusual:
            return None
    return stage_parallel(ctx, shape, candidates, workers)


def _sequential(
    ctx: StageContext, candidates: tuple[str, ...]
) -> tuple[Ledger, list[dict[str, Any]], set[str]]:
    """Every report validated and mapped in this process, one at a time."""
    problems: list[Problem] = []
    ledger = Ledger(ctx)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    profiles: set[str] = set()
    for document in _documents(ctx):
        ledger.offset = document.offset
        for report, profile, found in _reports(ctx, document, candidates):
            problems.extend(found)
            if problems:
                continue  # keep validating: every problem of the file is listed
            profiles.add(profile)
            ids = stage_report_rows(ctx, ledger, report, seen)
            rows.append(report_row(report, profile, document.member, ledger, ids))
    if problems:
        raise BadInputError("error.file_refused", problems=problems, file=str(ctx.path))
    return ledger, rows, profiles


def _reports(
    ctx: StageContext, document: Document, candidates: tuple[str, ...]
) -> Iterator[tuple[etree._Element, str, list[Problem]]]:
    """Each ``<report>`` of ``document`` with its profile and problems, read as a stream.

    A document with a namespace or a DOCTYPE is read whole as before (:func:`_whole`).
    """
    _check_text(document)
    loaded: dict[str, Profile] = {}
    with ExitStack() as stack:
        if document.path is not None:
            source: Any = stack.enter_context(document.path.open("rb"))
        else:
            source = io.BytesIO(document.data)
        events = etree.iterparse(
            source,
            events=("end",),
            tag="{*}report",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
            remove_comments=True,
            remove_pis=True,
        )
        checked = False
        done = 0
        while (report := _parse(events, document.name)) is not None:
            parent = report.getparent()
            if not checked:
                checked = True
                if _unusual(report.getroottree().getroot()):
                    break
            if report.tag != "report":
                continue
            if parent is not None and (parent.getparent() is not None or parent.tag == "report"):
                continue  # a report nested deeper is not one of the file's reports
            profile, found = _validate(report, candidates, document.name, loaded)
            done += 1
            yield report, profile, found
            ctx.report(source.tell(), document.size)
            report.clear()
            if parent is not None:
                while report.getprevious() is not None:
                    del parent[0]
        else:
            root = events.root
            if done or root is None:
                return
            if not _unusual(root):
                yield root, "", [_problem(document, "goaml_no_report", _line(root), root.tag)]
                return
    yield from _whole(ctx, document, candidates)


def _parse(events: Any, name: str) -> etree._Element | None:
    """The next ``<report>`` of the stream (``None`` at its end)."""
    try:
        _, element = next(events)
    except StopIteration:
        return None
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        raise _refuse(name, "xml_malformed", line=line, detail=str(exc.msg)) from exc
    return cast("etree._Element", element)


def _unusual(root: etree._Element) -> bool:
    """A namespace (removed as the file is read) or a DOCTYPE: the document is read whole."""
    if root.nsmap.get(None) or "}" in str(root.tag):
        return True
    info = root.getroottree().docinfo
    return info.internalDTD is not None or bool(info.doctype)


def _whole(
    ctx: StageContext, document: Document, candidates: tuple[str, ...]
) -> Iterator[tuple[etree._Element, str, list[Problem]]]:
    """The reports of a document parsed whole, each validated from its bytes."""
    data = document.data if document.path is None else document.path.read_bytes()
    root = _parse_whole(ctx, replace(document, data=data))
    reports = [root] if root.tag == "report" else list(root.iterchildren("report"))
    if not reports:
        yield root, "", [_problem(document, "goaml_no_report", _line(root), root.tag)]
        return
    single = len(reports) == 1 and root.tag == "report"
    for report in reports:
        profile, found = _validate_bytes(
            data if single else etree.tostring(report), candidates, document.name
        )
        shift = 0 if single else (_line(report) or 1) - 1
        yield report, profile, [_shifted(p, shift) for p in found]


def _zip_of_xml(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError):
        return False
    return bool(names) and all(n.lower().endswith(".xml") for n in names)


def _documents(ctx: StageContext) -> Iterator[Document]:
    path = Path(ctx.read_path)
    shown = str(ctx.path)
    with path.open("rb") as handle:
        head = handle.read(len(_ZIP_MAGIC))
    if head != _ZIP_MAGIC:
        yield Document(shown, None, 0, b"", path, path.stat().st_size)
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _refuse(shown, "goaml_zip_invalid", detail=str(exc)) from exc
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        for number, info in enumerate(members, start=1):
            name = f"{shown}!/{info.filename}"
            if not info.filename.lower().endswith(".xml"):
                raise _refuse(name, "goaml_zip_member_not_xml")
            data = archive.read(info)
            yield Document(name, info.filename, number * MEMBER_ROWS, data, None, len(data))


def _check_text(document: Document) -> None:
    """Refuse an empty or binary document (its head is enough unless it is all blank)."""
    if document.path is None:
        head = document.data
    else:
        with document.path.open("rb") as handle:
            head = handle.read(_HEAD)
            if not head.strip() and len(head) == _HEAD:
                head += handle.read()
    if not head.strip():
        raise _refuse(document.name, "file_empty")
    if is_binary(head):
        raise _refuse(document.name, "file_binary")


def _parse_whole(ctx: StageContext, document: Document) -> etree._Element:
    parser = safe_xml_parser(huge_tree=True)
    try:
        root = etree.fromstring(document.data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        raise _refuse(document.name, "xml_malformed", line=line, detail=str(exc.msg)) from exc
    if root.nsmap.get(None) or "}" in str(root.tag):  # goAML reports carry no namespace
        for element in root.iter():
            if isinstance(element.tag, str):
                element.tag = etree.QName(element).localname
    return root


def _validate(
    report: etree._Element,
    candidates: tuple[str, ...],
    name: str,
    loaded: dict[str, Profile] | None = None,
) -> tuple[str, list[Problem]]:
    """The profile the parsed report is valid against (or the first tried) and its problems."""
    return choose_profile(report, candidates, name, loaded)


def _validate_bytes(
    data: bytes, candidates: tuple[str, ...], name: str
) -> tuple[str, list[Problem]]:
    """:func:`_validate` of a report given as bytes (documents read whole)."""
    from moneytrail.model.goaml import load_profile, validate_report

    first: tuple[str, list[Problem]] | None = None
    for profile_id in candidates:
        problems = validate_report(data, load_profile(profile_id), display_name=name)
        if not problems:
            return profile_id, []
        first = first or (profile_id, problems)
    assert first is not None
    return first


def _shifted(problem: Problem, shift: int) -> Problem:
    if not shift or problem.line is None:
        return problem
    return Problem(
        problem.file,
        problem.code,
        problem.line + shift,
        problem.field,
        problem.value,
        dict(problem.params),
    )


def _line(element: etree._Element) -> int | None:
    return element_line(element)


def _problem(document: Document, code: str, line: int | None, tag: object) -> Problem:
    return Problem(document.name, code, line=line, field=str(tag))


def _refuse(name: str, code: str, line: int | None = None, detail: str = "") -> BadInputError:
    problem = Problem(name, code, line=line, params={"detail": detail})
    return BadInputError("error.file_refused", problems=[problem], file=name)


def _record_reports(ctx: StageContext, rows: list[dict[str, Any]]) -> None:
    """Keep each report's facts (same transaction as the file's rows; known reports skipped)."""
    for row in rows:
        row["source_id"] = ctx.source.id
        ctx.engine.execute(
            "INSERT INTO goaml_reports (id, source_id, source_row, member, profile, report_code,"
            " submission_code, rentity_id, rentity_branch, entity_reference, fiu_ref_number,"
            " submission_date, currency_local, reason, action, indicators, transaction_ids)"
            " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            " WHERE NOT EXISTS (SELECT 1 FROM goaml_reports WHERE id = ?)",
            [*(row[c] for c in _REPORT_COLUMNS), row["id"]],
        )


_REPORT_COLUMNS = (
    "id",
    "source_id",
    "source_row",
    "member",
    "profile",
    "report_code",
    "submission_code",
    "rentity_id",
    "rentity_branch",
    "entity_reference",
    "fiu_ref_number",
    "submission_date",
    "currency_local",
    "reason",
    "action",
    "indicators",
    "transaction_ids",
)
