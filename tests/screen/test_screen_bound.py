"""The score bound's first stage in arrays (``screen/bound.py``) is a filter that never drops a
name ``may_reach`` would keep, and what it says is left to decide agrees with ``may_reach``:
property test on generated lists and a check on every candidate name of real queries against
the UN list."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moneytrail.screen.bound import FULL, PASS, TIGHT, survivors
from moneytrail.screen.compare import CONFLICT_PENALTY, TOKEN_FLOOR, token_similarity
from moneytrail.screen.entry import ListEntry, SanctionsList
from moneytrail.screen.index import CandidateIndex, Shape, may_reach, tight_reach
from moneytrail.screen.lists import load_list
from moneytrail.screen.scorer import Query, rules_for_schema
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.tokens import screen_tokens
from tests.screen.test_screen_candidates import lists_and_query

KYC = Path(__file__).parent / "data" / "sahel_kyc_cases.csv"


def _check(index: CandidateIndex, query: Query, floor: float) -> tuple[int, int]:
    """Every candidate name: may_reach True => kept; PASS => may_reach True; TIGHT =>
    tight_reach agrees with may_reach. Returns (names looked at, names kept)."""
    table = index.name_table()
    looked = kept = 0
    for rules in ("Person", "Organization"):
        positions = [
            p
            for p in index.candidates(query, 10_000)
            if rules_for_schema(query.schema, table.entry_schema[p]) == rules
        ]
        if not positions:
            continue
        q_shape = Shape.of(screen_tokens(query.name, rules), rules != "Person")
        names = table.names_of(positions)
        stage = survivors(index, q_shape, names, floor)
        verdicts = dict(zip(stage.names.tolist(), range(len(stage.names)), strict=True))
        for position in positions:
            for at, shape in enumerate(index.shapes_of(position)):
                name = int(table.entry_first[position]) + at
                expected = may_reach(q_shape, shape, floor)
                looked += 1
                if name not in verdicts:
                    assert not expected, (query.name, index.entry(position).names[at], floor)
                    continue
                kept += 1
                i = verdicts[name]
                verdict = int(stage.verdict[i])
                assert verdict in (FULL, PASS, TIGHT)
                if verdict == PASS:
                    assert expected, (query.name, index.entry(position).names[at])
                elif verdict == TIGHT:
                    got = tight_reach(
                        q_shape,
                        shape,
                        floor,
                        float(stage.numbers[i]),
                        float(stage.extra[i]),
                        bool(stage.swap[i]),
                        bool(stage.glue[i]),
                    )
                    assert got == expected, (query.name, index.entry(position).names[at])
    return looked, kept


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lists_and_query())
def test_the_first_stage_never_drops_a_name_may_reach_keeps(
    case: tuple[list[ListEntry], Query],
) -> None:
    entries, query = case
    index = CandidateIndex([SanctionsList("t", entries)])
    for floor in (0.3, 0.7, 0.8):
        _check(index, query, floor)


def test_the_first_stage_on_real_queries_against_the_un_list(shared_data: Path) -> None:
    index = CandidateIndex([load_list(shared_data / "sanctions/un/UN_consolidated_2026-02-27.xml")])
    with KYC.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[::13]
    looked = kept = 0
    floor = ScreenSettings().review_threshold
    for row in rows:
        query = Query(row["name"], row.get("schema") or None)
        seen, passed = _check(index, query, floor)
        looked, kept = looked + seen, kept + passed
    assert looked > 10 * kept > 0  # and it is a filter worth having: most names are dropped


def _tight_in_full(
    query: Shape, name: Shape, floor: float, numbers: float, extra: float, swap: bool
) -> bool:
    """``tight_reach``'s bound summed over every word (the loop before its early stop), the
    glued reading left out."""
    short, long = (name, query) if swap else (query, name)
    short_total = short.total + numbers
    got = paired = numbers
    for token in short.words:
        best = 0.0
        for other in long.words:
            sim, rule = token_similarity(token, other)
            if (sim >= TOKEN_FLOOR or rule == "initial") and sim > best:
                best = sim
        got += token.weight * best
        paired += token.weight if best else 0.0
    return got / short_total * extra - CONFLICT_PENALTY * (short_total - paired) >= floor


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lists_and_query(), st.sampled_from([0.3, 0.5, 0.7, 0.8, 0.9]), st.booleans())
def test_the_second_stage_stops_early_only_when_the_floor_is_out_of_reach(
    case: tuple[list[ListEntry], Query], floor: float, swap: bool
) -> None:
    """The second stage gives up on a name as soon as its remaining words, all perfect, could
    not lift it to the floor: never on a name the whole sum would keep."""
    entries, query = case
    for rules in ("Person", "Organization"):
        q_shape = Shape.of(screen_tokens(query.name, rules), rules != "Person")
        for entry in entries:
            for list_name in entry.names:
                shape = Shape.of(screen_tokens(list_name, rules), rules != "Person")
                short = shape if swap else q_shape
                if not short.total:
                    continue
                for numbers, extra in ((0.0, 1.0), (1.0, 0.8)):
                    whole = _tight_in_full(q_shape, shape, floor, numbers, extra, swap)
                    early = tight_reach(q_shape, shape, floor, numbers, extra, swap, glue=False)
                    assert early == whole, (query.name, list_name, floor, numbers, extra, swap)
