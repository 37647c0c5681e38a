"""The goAML samples and their broken variants, shared by ``test_validate.py`` and the benchmark.

Each broken variant is a hand-written valid sample with one change; it must be refused with one
problem, at the element path given here (``benchmarks/bench_goaml_validate.py`` writes the
table of what ``validate_report`` returns for each into docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"
UAE = SAMPLES / "uae_str_valid.xml"
LK = SAMPLES / "lk_str_valid.xml"

# (sample, profile id, reports, transactions)
VALID = [(UAE, "uae-5.0.2", 1, 3), (LK, "lk-2.0", 1, 2)]


def broken(source: Path, old: str, new: str, nth: int = 1) -> tuple[bytes, int]:
    """``source`` with the ``nth`` ``old`` replaced by ``new``, and the line of the change."""
    text = source.read_text(encoding="utf-8")
    at = -1
    for _ in range(nth):
        at = text.index(old, at + 1)
    changed = text[:at] + new + text[at + len(old) :]
    return changed.encode("utf-8"), text.count("\n", 0, at) + 1


# (story, old, new, nth occurrence, problem code, element path): one change to the UAE sample.
BROKEN = [
    (
        "wrong_report_code",
        "<report_code>STR<",
        "<report_code>XYZ<",
        1,
        "goaml_xsd_code",
        "report/report_code",
    ),
    (
        "unknown_indicator",
        ">SVACC<",
        ">ZZZZZ<",
        1,
        "goaml_xsd_code",
        "report/report_indicators/indicator[1]",
    ),
    (
        "bad_date",
        "2024-03-13T16:42:10",
        "2024-02-30T16:42:10",
        1,
        "goaml_xsd_value",
        "report/transaction[2]/date_transaction",
    ),
    (
        "date_with_offset",
        "2024-03-13T16:42:10",
        "2024-03-13T16:42:10+04:00",
        1,
        "goaml_rule_date_format",
        "report/transaction[2]/date_transaction",
    ),
    (
        "too_many_decimals",
        "55000.00",
        "55000.125",
        1,
        "goaml_rule_decimals",
        "report/transaction[3]/amount_local",
    ),
    (
        "unknown_country",
        "<to_country>ML<",
        "<to_country>QQ<",
        1,
        "goaml_xsd_code",
        "report/transaction[1]/t_to/to_country",
    ),
    (
        "non_ascii_name",
        "<first_name>Aissata<",
        "<first_name>Aïssata<",
        1,
        "goaml_xsd_pattern",
        "report/transaction[1]/t_to/to_person/first_name",
    ),
    (
        "unknown_transmode",
        "<transmode_code>BO<",
        "<transmode_code>ZZ<",
        2,
        "goaml_xsd_code",
        "report/transaction[2]/transmode_code",
    ),
    (
        "amount_not_a_number",
        "54800.00",
        "54 800,00",
        1,
        "goaml_xsd_value",
        "report/transaction[2]/amount_local",
    ),
]

# The Sri Lanka profile's names allow no hyphen: (old, new) in the LK sample.
LK_HYPHEN = ("<first_name>Moussa<", "<first_name>Jean-Moussa<")


def out_of_order() -> tuple[bytes, int]:
    """The UAE sample with a date put after the description it precedes, and the date's line."""
    text = UAE.read_text(encoding="utf-8")
    description = "    <transaction_description>Cash deposit by the account holder</transaction_description>\n"
    date = "    <date_transaction>2024-03-15T11:05:00</date_transaction>\n"
    swapped = text.replace(description + date, date + description)
    line = swapped[: swapped.index(date)].count("\n") + 1
    return swapped.encode(), line


def without_indicators() -> bytes:
    """The UAE sample with its ``report_indicators`` element removed."""
    text = UAE.read_text(encoding="utf-8")
    start, end = text.index("  <report_indicators>"), text.index("</report_indicators>\n") + 21
    return (text[:start] + text[end:]).encode()


def empty_indicators() -> bytes:
    """The UAE sample with an empty ``report_indicators`` list."""
    text = UAE.read_text(encoding="utf-8")
    start, end = text.index("<report_indicators>"), text.index("</report_indicators>") + 20
    return (text[:start] + "<report_indicators/>" + text[end:]).encode()


@dataclass(frozen=True)
class Variant:
    """A broken report: its bytes, the profile it is checked against and what must be refused."""

    name: str
    sample: Path
    profile: str
    code: str
    path: str
    build: Callable[[], tuple[bytes, int | None]]


def _replace(source: Path, old: str, new: str, nth: int) -> Callable[[], tuple[bytes, int | None]]:
    def build() -> tuple[bytes, int | None]:
        return broken(source, old, new, nth)

    return build


def variants() -> list[Variant]:
    """Every broken variant with one expected problem (code and element path)."""
    found = [
        Variant(name, UAE, "uae-5.0.2", code, path, _replace(UAE, old, new, nth))
        for name, old, new, nth, code, path in BROKEN
    ]
    found += [
        Variant(
            "elements_out_of_order",
            UAE,
            "uae-5.0.2",
            "goaml_xsd_unexpected",
            "report/transaction[3]/date_transaction",
            out_of_order,
        ),
        Variant(
            "missing_indicators",
            UAE,
            "uae-5.0.2",
            "goaml_xsd_missing",
            "report",
            lambda: (without_indicators(), None),
        ),
        Variant(
            "empty_indicator_list",
            UAE,
            "uae-5.0.2",
            "goaml_xsd_missing",
            "report/report_indicators",
            lambda: (empty_indicators(), None),
        ),
        Variant(
            "lk_name_with_hyphen",
            LK,
            "lk-2.0",
            "goaml_xsd_pattern",
            "report/transaction[2]/t_to/to_person/first_name",
            _replace(LK, *LK_HYPHEN, 1),
        ),
    ]
    return found
