"""Effective clusters: rejections always win, confirmations join, the result is deterministic."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from moneytrail.resolve.clusters import clusters

PARTIES = st.sampled_from(list("abcdefgh"))
PAIRS = st.tuples(PARTIES, PARTIES).filter(lambda p: p[0] != p[1])


def test_chain_of_links_cannot_join_a_rejected_pair() -> None:
    mapping, conflicts = clusters(
        [("a", "c", 0.99), ("c", "b", 0.95)], confirmed=[], rejected=[("b", "a")]
    )
    assert mapping == {"a": "a", "c": "a"}  # the stronger link wins, the weaker is a conflict
    assert conflicts == 1


def test_confirmed_pairs_join_without_model_links() -> None:
    mapping, _ = clusters([], confirmed=[("z", "y")], rejected=[])
    assert mapping == {"y": "y", "z": "y"}


@given(
    st.lists(st.tuples(PARTIES, PARTIES, st.floats(0.5, 1.0)).filter(lambda t: t[0] != t[1])),
    st.lists(PAIRS, max_size=4),
    st.lists(PAIRS, max_size=4),
)
def test_no_rejected_pair_ever_shares_a_cluster(
    links: list[tuple[str, str, float]],
    confirmed: list[tuple[str, str]],
    rejected: list[tuple[str, str]],
) -> None:
    mapping, _ = clusters(links, confirmed, rejected)
    for a, b in rejected:
        assert a not in mapping or b not in mapping or mapping[a] != mapping[b]
    assert clusters(list(reversed(links)), confirmed, rejected)[0] == mapping
