"""Linking hawala pay-ins to pay-outs: stories computed by hand, and one property."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from moneytrail.cash.linking import Leg, LinkSettings, link_legs
from moneytrail.cash.thresholds import threshold_for
from moneytrail.detect.rules import load_library

T0 = datetime(2024, 3, 1, 9)


def leg(
    lid: str,
    hours: float,
    amount: int,
    at: str,
    fee: int | None = None,
    code: str | None = None,
    other: str | None = None,
) -> Leg:
    """A leg ``hours`` after T0 at hawaladar ``at``."""
    return Leg(
        lid,
        T0 + timedelta(hours=hours),
        Decimal(amount),
        "XOF",
        None if fee is None else Decimal(fee),
        code,
        at,
        other,
        f"pos-{lid}",
    )


def test_a_code_wins_over_a_closer_amount() -> None:
    pay_in = leg("in", 0, 100_000, "A", 2000, "K7 Q2")
    decoy = leg("decoy", 1, 98_000, "B")
    right = leg("out", 30, 50_000, "B", code="k7q2")
    links = link_legs([pay_in], [decoy, right])
    assert [(x.pay_out.id, x.method, x.confidence) for x in links] == [("out", "code", 1.0)]


def test_a_code_at_another_counterpart_than_named_is_less_sure() -> None:
    links = link_legs(
        [leg("in", 0, 1000, "A", code="X", other="C")], [leg("out", 1, 1000, "B", code="X")]
    )
    assert links[0].confidence == 0.8


def test_rivals_divide_the_confidence_and_each_leg_is_used_once() -> None:
    ins = [leg("in1", 0, 100_000, "A", 2000), leg("in2", 0.5, 100_000, "A", 2000)]
    outs = [leg("out1", 10, 98_000, "B"), leg("out2", 11, 98_000, "B")]
    links = link_legs(ins, outs)
    # each pay-in has two rivals: 0.7 * (1 - 0.5 * ~10 h / 168 h) / 2 = 0.34 or 0.33
    # indistinguishable: the shortest delay is taken first (in2 -> out1, 9.5 h), then the rest
    assert sorted((x.pay_in.id, x.pay_out.id) for x in links) == [("in1", "out2"), ("in2", "out1")]
    assert all(0.33 <= x.confidence <= 0.34 for x in links)


def test_what_is_never_linked_by_amount() -> None:
    pay_in = leg("in", 0, 100_000, "A", 2000, code="AAA", other="B")
    assert link_legs([pay_in], [leg("o1", 1, 98_000, "B", code="BBB")]) == []  # codes differ
    assert link_legs([pay_in], [leg("o2", 1, 98_000, "C")]) == []  # not the named counterpart
    assert link_legs([pay_in], [leg("o3", 1, 98_000, "A")]) == []  # the same hawaladar
    assert link_legs([pay_in], [leg("o4", 1, 100_000, "B")]) == []  # commission not deducted
    assert link_legs([pay_in], [leg("o5", 24 * 8, 98_000, "B")]) == []  # past the window
    assert link_legs([pay_in], [leg("o6", -25, 98_000, "B")]) == []  # before the slack
    early = link_legs([pay_in], [leg("o7", -23, 98_000, "B")])  # paid on trust, a day early
    assert [x.pay_out.id for x in early] == ["o7"] and early[0].delay_hours == -23


def test_settings_narrow_the_window() -> None:
    pay_in = leg("in", 0, 1000, "A")
    out = leg("out", 48, 1000, "B")
    assert len(link_legs([pay_in], [out])) == 1
    assert link_legs([pay_in], [out], LinkSettings(window_days=1)) == []


legs_strategy = st.lists(
    st.tuples(st.integers(0, 200), st.sampled_from([1000, 2000, 3000]), st.sampled_from("AB")),
    max_size=12,
)


@given(legs_strategy, legs_strategy)
def test_links_are_one_to_one_between_hawaladars_and_amounts_agree(ins: list, outs: list) -> None:
    pay_ins = [leg(f"i{k}", h, a, at, fee=0) for k, (h, a, at) in enumerate(ins)]
    pay_outs = [leg(f"o{k}", h, a, at) for k, (h, a, at) in enumerate(outs)]
    links = link_legs(pay_ins, pay_outs)
    assert len({x.pay_in.id for x in links}) == len(links) == len({x.pay_out.id for x in links})
    for x in links:
        assert x.pay_in.hawaladar != x.pay_out.hawaladar
        assert x.pay_in.amount == x.pay_out.amount
        assert 0.1 <= x.confidence <= 1.0


def test_the_rules_threshold_is_the_thresholds_file() -> None:
    rule = load_library()["cash_declaration_under_threshold"]
    assert Decimal(str(rule.parameters["threshold"].default)) == threshold_for("ML", "NE").amount
