"""Name folding for the linker: word order, case, accents and script do not matter."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from moneytrail.resolve.features import fold_name

WORDS = st.sampled_from(
    ["Mohamed", "Ould", "Ahmed", "Traoré", "Keïta", "Aïcha", "Abdel Kader", "Ag", "Dicko", "Sidi"]
)


@given(st.lists(WORDS, max_size=3), st.sampled_from(["Moussa", "Fatoumata", "Diallo"]))
def test_word_order_and_case_do_not_change_the_fold(words: list[str], given_name: str) -> None:
    words = [given_name, *words]  # at least one word that is a name, not only Ould/Ag
    name = " ".join(words)
    flipped = " ".join(reversed(words)).upper()
    assert fold_name(name, "person")[0] == fold_name(flipped, "person")[0]
    assert fold_name(name, "person")[2] == fold_name(flipped, "person")[2]


def test_transliterations_and_arabic_script_share_a_key() -> None:
    keys = {
        fold_name(n, "person")[2]
        for n in ("Mohamed Ould Ahmed", "Mouhamadou Uld Ahmed", "محمد ولد أحمد", "AHMED Mohammed")
    }
    assert len(keys) == 1
    assert fold_name("Hamadtun Dicko", "person")[1] == "dicko hamadtun"  # plain keeps the typo
