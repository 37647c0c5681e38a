"""goAML validation: a generated 5,000-transaction STR through ``validate_report`` (XSD with the
profile's fixes, then the business rules) vs plain lxml ``XMLSchema.validate`` (a yardstick:
the ratio is what parsing safely, naming paths and the business rules cost)."""

from __future__ import annotations

import re
import statistics
import time

from lxml import etree

from benchmarks.common import ROOT, stamp, write_section
from moneytrail.model.goaml import load_profile, validate_report

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
        ]
    )
    write_section("goaml-validate", body)
    return body


if __name__ == "__main__":
    print(run())
