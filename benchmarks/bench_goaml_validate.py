"""goAML validation: a generated 5,000-transaction STR through ``validate_report`` (XSD with the
profile's fixes, then the business rules) vs plain lxml ``XMLSchema.validate`` (a yardstick:
the ratio is what parsing safely, naming paths and the business rules cost), then every
hand-written sample and every broken variant of ``tests/goaml/variants.py`` through
``validate_report``, as a table of what was expected and what came back."""

from __future__ import annotations

import re
import statistics
import time

from lxml import etree

from benchmarks.common import ROOT, stamp, write_section
from moneytrail.errors import Problem
from moneytrail.model.goaml import load_profile, validate_report
from tests.goaml.variants import VALID, variants

SAMPLE = ROOT / "tests" / "goaml" / "samples" / "uae_str_valid.xml"
TRANSACTIONS = 5000
RUNS = 7


def generated_str(transactions: int = TRANSACTIONS) -> bytes:
    """The UAE sample STR with its transactions repeated to ``transactions`` (all valid)."""
    text = SAMPLE.read_text(encoding="utf-8")
    blocks = re.findall(r"  <transaction>.*?</transaction>\n", text, re.S)
    head = text[: text.index(blocks[0])]
    tail = text[text.index(blocks[-1]) + len(blocks[-1]) :]
    body = []
    for i in range(transactions):
        block = blocks[i % len(blocks)]
        block = re.sub(
            r"<transactionnumber>[^<]*<", f"<transactionnumber>TX-{i:07d}<", block, count=1
        )
        body.append(block.replace("54800.00", f"{1000 + i % 90000}.{i % 100:02d}"))
    return (head + "".join(body) + tail).encode("utf-8")


def _median(job: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        job()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _cell(text: str | None) -> str:
    return f"`{text}`" if text else "—"


def _returned(problems: list[Problem]) -> str:
    """``accepted``, or the first problem's code, element path and line (and how many more)."""
    if not problems:
        return "accepted"
    first, more = problems[0], len(problems) - 1
    return f"{_cell(first.code)} at {_cell(first.field)}, line {first.line}" + (
        f" (+{more} more)" if more else ""
    )


def conformance() -> tuple[list[str], str]:
    """Each sample and broken variant through ``validate_report``: table rows and totals line."""
    rows = []
    accepted = 0
    for sample, profile_id, _, _ in VALID:
        problems = validate_report(sample.read_bytes(), load_profile(profile_id), sample.name)
        ok = problems == []
        accepted += ok
        rows.append(
            f"| {sample.name} | `{profile_id}` | accepted | {_returned(problems)}"
            f" | {'✔' if ok else '✘'} |"
        )
    refused = 0
    cases = variants()
    for case in cases:
        data, line = case.build()
        problems = validate_report(data, load_profile(case.profile), f"{case.name}.xml")
        ok = [(p.code, p.field) for p in problems] == [(case.code, case.path)] and (
            line is None or problems[0].line == line
        )
        refused += ok
        expected = f"{_cell(case.code)} at {_cell(case.path)}" + (
            f", line {line}" if line is not None else ""
        )
        rows.append(
            f"| {case.name} ({case.sample.name}) | `{case.profile}` | {expected}"
            f" | {_returned(problems)} | {'✔' if ok else '✘'} |"
        )
    totals = (
        f"**{accepted} of {len(VALID)} samples accepted, {refused} of {len(cases)} broken kinds"
        " refused with the right path.**"
    )
    return rows, totals


def run(transactions: int = TRANSACTIONS) -> str:
    """Measure both, write the docs/benchmarks.md section, return it."""
    profile = load_profile("uae-5.0.2")
    data = generated_str(transactions)
    assert validate_report(data, profile, "bench.xml") == []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

    def plain() -> None:
        assert profile.schema.validate(etree.fromstring(data, parser).getroottree())

    ours = _median(lambda: validate_report(data, profile, "bench.xml"))
    peer = _median(plain)
    size = len(data) / 2**20
    rows, totals = conformance()
    body = "\n".join(
        [
            "## goAML validation: a 5,000-transaction STR (`moneytrail goaml validate`)",
            "",
            stamp(),
            "",
            f"A generated STR of {transactions:,} transactions ({size:.1f} MiB, the UAE sample's"
            " transactions repeated), profile `uae-5.0.2`. *Ours*: `validate_report` (safe parse,"
            " XSD with the anchor fix, element paths, business rules); *yardstick*: parse + plain"
            f" lxml `XMLSchema.validate`. Median of {RUNS} runs in one process (profile loaded"
            " once). Target of issue 16: under 1 s.",
            "",
            "| transactions | ours (s) | lxml alone (s) | ratio |",
            "|---:|---:|---:|---:|",
            f"| {transactions:,} | {ours:.3f} | {peer:.3f} | {ours / peer:.2f}x |",
            "",
            "### Samples and broken reports (`tests/goaml/variants.py`)",
            "",
            "Each hand-written sample, and each broken variant of it (one change; the same"
            " variants `tests/goaml/test_validate.py` checks), through `validate_report`."
            " *Returned*: accepted, or the first problem's code, element path and line."
            " ✔: a sample is accepted with no problem; a broken variant is refused with exactly"
            " one problem, of the expected code at the expected element path (and line, where"
            " given).",
            "",
            "| sample / variant | profile | expected | returned | |",
            "|---|---|---|---|:-:|",
            *rows,
            "",
            totals,
        ]
    )
    write_section("goaml-validate", body)
    return body


if __name__ == "__main__":
    print(run())
