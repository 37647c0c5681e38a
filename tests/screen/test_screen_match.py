"""The sahel-names scorer: transliterations, order, particles, legal forms, corroboration."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.model.names import skeleton, tokenize
from moneytrail.screen.compare import compare_names
from moneytrail.screen.entry import ListEntry, SanctionsList
from moneytrail.screen.evaluate import (
    cross_validate,
    evaluate_cases,
    evaluate_reference,
    schema_of,
)
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.lists import load_list
from moneytrail.screen.scorer import Query, score_entry
from moneytrail.screen.settings import ScreenSettings

THRESHOLD = ScreenSettings().threshold


@pytest.mark.parametrize(
    ("a", "b", "schema"),
    [
        ("Mohamed Ould Sidi", "Muhammad Uld Sidi", "Person"),
        ("Mouhamadou Ag Intalla", "Mohamed Ag Intallah", "Person"),
        ("Abdel Kader Ben Ali", "Abdelkader Bin Ali", "Person"),
        ("Ousmane el-Hadj Diallo", "Usman Diallo", "Person"),
        ("Iyad Ag Ghali", "GHALI, Iyad Ag", "Person"),
        ("IYAD AG GHALI", "اياد اغ غالي", "Person"),
        ("Amadou Koufa", "Amadou Kouffa", "Person"),
        ("Boubacar Ould Hamadi", "Aboubakar Ould Hamadi", "Person"),
        ("Ets Sahel Or SARL", "Etablissements Sahel Or", "Organization"),
        ("GIE Tassaght", "Groupement d'interet economique Tassaght", "Organization"),
        ("Xi Jinping", "Xi Jin Ping", "Person"),
    ],
)
def test_same_person_across_spellings(a: str, b: str, schema: str) -> None:
    assert compare_names(a, b, schema).score >= THRESHOLD


@pytest.mark.parametrize(
    ("a", "b", "schema"),
    [
        ("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI", "Person"),  # father/son flip
        ("Mohamed Ould Sidi", "Mohamed Ould Baba", "Person"),
        ("Amadou Koufa", "Ahmed, Abubakar K.", "Person"),  # an initial proves little
        ("Oumar", "Oumar Ould Hamaha", "Person"),  # one given name is weak evidence
        ("Management Company 23", "Management Company", "Organization"),
        ("Sahel Or SARL", "Sahel Fer SARL", "Organization"),
    ],
)
def test_different_people_stay_apart(a: str, b: str, schema: str) -> None:
    assert compare_names(a, b, schema).score < THRESHOLD


def test_features_explain_which_values_fired() -> None:
    match = compare_names("Mohamed Ould Sidi", "Muhammad Uld Sidi", "Person")
    variant = [f for f in match.features if f["feature"] == "name_variant"]
    assert {
        "feature": "name_variant",
        "query": "mohamed",
        "list": "muhammad",
        "value": 0.98,
    } in variant
    flip = compare_names("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI", "Person")
    assert any(f["feature"] == "different_father" for f in flip.features)


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Yacouba Ould Mohamed", "MOHAMMAD YAQOUB"), ("Ahmed Ag Mohamed", "Mohammad Ahmadi")],
)
def test_a_son_is_not_his_fathers_namesake(query: str, listed: str) -> None:
    """``G ould F`` against a list name ``F' G'`` without a marker: the query's given name is
    the list's last word, its father the list's first: two people (decision 0153)."""
    match = compare_names(query, listed, "Person")
    assert match.score < THRESHOLD
    assert [f["feature"] for f in match.features].count("roles_swapped") == 1


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Ahmed Ould Mohamed", "AHMED MOHAMED"),  # given, then father: the roles agree
        ("Iyad Ag Ghali", "Iyad Ag Ghali"),  # the list names the father too
        ("GHALI Iyad", "Iyad Ag Ghali"),  # no marker on the query: its order says nothing
        ("Mohamed Ould Mohamed", "MOHAMED MOHAMED"),  # son named after his father
    ],
)
def test_roles_agree_or_are_unknown(query: str, listed: str) -> None:
    match = compare_names(query, listed, "Person")
    assert match.score >= THRESHOLD
    assert "roles_swapped" not in [f["feature"] for f in match.features]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Awa Kabore", "A. Kabir"),  # a letter and a word of one skeleton spelled 0.67 alike
        ("KABORE Amadou", "A. Kabir"),
    ],
)
def test_an_initial_and_a_sound_alike_word_are_one_word(query: str, listed: str) -> None:
    """v6 (decision 0156): the letter adds nothing to a word that only sounds like the list's."""
    match = compare_names(query, listed, "Person")
    assert match.score < THRESHOLD
    assert "single_word_name" in [f["feature"] for f in match.features]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Mouammar Kadhafi", "M. Qadhafi"),  # spelled 0.86 alike: a transliteration
        ("Iyad Ag Ghaly", "I. Ag Ghali"),
        ("Vladimir Poutine", "V. Putin"),  # known spellings of one name
        ("O. Ben Laden", "Osama Bin Laden"),  # v6: the written letter is Osama's initial
        ("Oumar Diallo", "O. Diallo"),  # (the tables' key is "umar")
    ],
)
def test_initials_with_a_spelled_alike_family_name_stay_matches(query: str, listed: str) -> None:
    match = compare_names(query, listed, "Person")
    assert match.score >= THRESHOLD
    assert "single_word_name" not in [f["feature"] for f in match.features]


@pytest.mark.parametrize(
    ("left", "right"), [("Alassane", "Hosein"), ("Acherif", "Ashraf"), ("Hassan", "Husain")]
)
def test_names_of_one_skeleton_in_different_families_are_different(left: str, right: str) -> None:
    """v6: Husayn's ``Hosein`` spellings, the Sharif and Ashraf families (decision 0156)."""
    match = compare_names(f"{left} Traore", f"{right} Traore", "Person")
    assert match.score < 0.5  # the given names are no partners: only the family name agrees
    unmatched = [f for f in match.features if f["feature"] == "unmatched_words"]
    assert unmatched and unmatched[0]["words"] == [left.lower()]


def test_tokens_and_skeletons() -> None:
    assert [t.canon for t in tokenize("Mouhamadou Ould Abdel Kader", "Person")] == [
        "muhammad",
        "bin",
        "abdulkadir",
    ]
    assert [t.kind for t in tokenize("Ets Baba SARL", "Organization")] == ["legal", "name", "legal"]
    assert skeleton("ousmane") == skeleton("usman") == "usmn"
    assert [t.canon for t in tokenize("Ig0r Brigade Forty-Four", "Organization")] == [
        "igor",
        "brigade",
        "44",
    ]
    # v2: in a person's name a number word is a name (Kim Jong Un is not "Kim Jong 1")
    assert [t.kind for t in tokenize("Kim Jong Un", "Person")] == ["name"] * 3
    # v2: roman numerals of a series are numbers; rigour's org types find legal forms
    assert [t.canon for t in tokenize("KKR Asian Fund IV", "Organization")][-1] == "4"
    assert [t.kind for t in tokenize("Faberlic Europe Sp. z o.o.", "Organization")][-1] == "legal"


@pytest.mark.parametrize(
    ("left", "right", "schema", "low", "high"),
    [
        ("U.S. Department of State", "United States Department of State", "Company", 0.9, 1.0),
        ("PLA", "People's Liberation Army", "Organization", 0.9, 1.0),
        ("Snow Storm 1", "Snow Storm 2", "Vessel", 0.8, 0.8),  # a series sibling: review
        ("Management Company 23", "Management Company", "Company", 0.0, 0.5),
        ("Deutsche Bank AG", "Deutsche Bank GmbH", "Company", 0.0, 0.79),
        ("V. Putin", "Vladimir Putin", "Person", 0.8, 0.9),
        ("Frost, William G.", "William W Frost", "Person", 0.0, 0.79),  # not a joining
        ("SiemensAG", "Siemens AG", "Company", 0.9, 1.0),
    ],
)
def test_v2_rules(left: str, right: str, schema: str, low: float, high: float) -> None:
    score = compare_names(left, right, schema_of(schema)).score
    assert low <= score <= high, (left, right, score)


@pytest.mark.parametrize(
    ("left", "right", "schema", "low", "high"),
    [
        # one-letter roman numerals of a series (I, V, X after a word)
        ("Harmattan Growth Partners V", "Harmattan Growth Partners VI", "Company", 0.8, 0.8),
        ("Harmattan Growth Partners V", "Harmattan Growth Partners", "Company", 0.0, 0.5),
        ("A V Trading", "A V Trading", "Company", 1.0, 1.0),  # initials stay letters
        # the first of a series is often named without its number; another number is not
        ("Harmattan Growth Fund I", "Harmattan Growth Fund", "Company", 0.8, 0.8),
        ("Harmattan Growth Fund 3", "Harmattan Growth Fund", "Company", 0.0, 0.5),
        # "Abdul X" / "X"; but "Abdul X" / "Y X" are two given names
        ("Karim Abdul Wahid Sangare", "Karim Wahid Sangare", "Person", 0.8, 1.0),
        ("Karim Abdul Wahid Sangare", "Karim Moussa Wahid Sangare", "Person", 0.0, 0.79),
        # words_joined: at most two letters apart once glued
        (
            "Mahamadou Issoufou Boubacar Abdul Salif Kone",
            "Mahamadou Issoufou Boubacar Wali Salif Kone",
            "Person",
            0.0,
            0.79,
        ),
        # rigour's given-name groups and nicknames
        ("Bob Traore", "Robert Traore", "Person", 0.9, 1.0),
        ("Bill Sanogo", "William Sanogo", "Person", 0.9, 1.0),
        ("Bob Traore", "Boris Traore", "Person", 0.0, 0.79),
        # Han / Hangul: another letter is another syllable, whatever the Latin spelling says
        ("王小明", "王晓明", "Person", 0.0, 0.79),
        ("이종호", "이정호", "Person", 0.0, 0.79),
        ("陳大文", "陈大文", "Person", 1.0, 1.0),  # traditional and simplified: one name
        ("Wang Xiaoming", "王小明", "Person", 0.9, 1.0),
        # a word split in two
        ("Seydou Kouli baly", "Seydou Koulibaly", "Person", 0.9, 1.0),
        ("Boubacar Diarra Amadou Koné", "Boubacar Diarra Amadoukone", "Person", 0.9, 1.0),
        ("Seydou Kouli Baba", "Seydou Koulibaly", "Person", 0.0, 0.79),
        # Arabic script has no p or v
        ("Peter Sandoval", "بيتر ساندوفال", "Person", 0.9, 1.0),
        # Khmer, which no transliteration knows: spelled by its letters' names
        ("សុខ ដារ៉ា", "សុខ ដារា", "Person", 0.9, 1.0),
        ("សុខ ដារ៉ា", "ចាន់ ថា", "Person", 0.0, 0.1),
    ],
)
def test_v3_rules(left: str, right: str, schema: str, low: float, high: float) -> None:
    score = compare_names(left, right, schema_of(schema)).score
    assert low <= score <= high, (left, right, score)


def test_v3_tokens() -> None:
    # a letter the transliteration cannot render does not cut the word in two (Ethiopic)
    assert [t.canon for t in tokenize("ሙሉጌታ አሕመድ", "Person")] == ["mulugeta", "ahmad"]
    # Khmer has no transliteration: ASCII spelled from the letters' Unicode names
    assert all(t.canon.isascii() and t.canon for t in tokenize("សុខ ដារ៉ា", "Person"))
    # one token per Hangul syllable, as Korean names are romanised
    assert len(tokenize("이종호", "Person")) == 3
    bob, robert = tokenize("Bob", "Person")[0], tokenize("Robert", "Person")[0]
    assert bob.symbols & robert.symbols
    features = compare_names("王小明", "王晓明", "Person").features
    assert features[-1]["feature"] == "other_syllables"


def test_corroboration_moves_the_score() -> None:
    entry = ListEntry(
        "QDi.316",
        "Person",
        ("IYAD AG GHALI",),
        birth_dates=("1958",),
        nationalities=("ML",),
        identifiers=(("Passport", "A1037434"),),
    )
    settings = ScreenSettings()
    plain = score_entry(Query("Iyad Ag Ghaly"), entry, settings).score
    good = score_entry(
        Query("Iyad Ag Ghaly", birth_date="1959", countries=("ML",)), entry, settings
    )
    bad = score_entry(Query("Iyad Ag Ghaly", birth_date="1990", countries=("SN",)), entry, settings)
    assert bad.score < plain <= good.score
    assert [f["feature"] for f in bad.features][-2:] == ["dob_mismatch", "country_mismatch"]
    weak = score_entry(Query("Iyad Ghaly Ibrahim", identifiers=("A 1037434",)), entry, settings)
    assert weak.features[-1] == {
        "feature": "identifier_match",
        "values": ["A1037434"],
        "value": settings.identifier_match_bonus,
    }
    company = score_entry(Query("Iyad Ag Ghali", schema="Organization"), entry, settings)
    assert company.score == 0.0  # a company is never matched with a person


def test_index_finds_arabic_script_query_in_real_un_list(shared_data: Path) -> None:
    un = load_list(shared_data / "sanctions/un/UN_consolidated_2026-02-27.xml")
    index = CandidateIndex([un])
    settings = ScreenSettings()
    hits = index.screen(Query("اياد اغ غالي", schema="Person"), settings)
    assert hits[0].entry.entry_id == "QDi.316"
    hits = index.screen(Query("Ghali Iyad", birth_date="1958", countries=("ML",)), settings)
    assert hits[0].entry.entry_id == "QDi.316" and hits[0].score >= THRESHOLD
    koufa = index.screen(Query("Amadou Kouffa"), settings)
    assert koufa[0].entry.entry_id == "QDi.425"
    assert len(index.candidates(Query("Amadou Kouffa"), 200)) < len(un.entries) / 4  # blocking


def test_index_keeps_tags_and_ranks() -> None:
    lst = SanctionsList(
        "custom",
        [
            ListEntry("1", "Person", ("Hamadou Ould Baba",)),
            ListEntry("2", "Person", ("Amadou Ould Baba",)),
            ListEntry("3", "Organization", ("Baba Transport SARL",)),
        ],
    )
    hits = CandidateIndex([lst], tags=["v1"]).screen(
        Query("Ahmadou Ould Baba", "Person"), ScreenSettings()
    )
    assert [h.entry.entry_id for h in hits] == ["1", "2"] or [h.entry.entry_id for h in hits] == [
        "2",
        "1",
    ]
    assert {h.tag for h in hits} == {"v1"}


def test_settings_from_file(tmp_path: Path) -> None:
    path = tmp_path / "screen.toml"
    path.write_text("[screen]\nthreshold = 0.9\nmax_candidates = 50\n", encoding="utf-8")
    settings = ScreenSettings.from_file(path)
    assert (settings.threshold, settings.max_candidates, settings.review_threshold) == (
        0.9,
        50,
        0.7,
    )
    with pytest.raises(ValueError, match="threshhold"):
        ScreenSettings.from_mapping({"threshhold": 0.9})


def test_evaluation_on_name_bench(shared_data: Path) -> None:
    folder = shared_data / "names/opensanctions"
    ours = evaluate_cases(folder / "nomenklatura_name_bench_cases.csv")
    reference = evaluate_reference(folder / "nomenklatura_name_bench_logicv2_results.csv")
    assert ours["pairs"] == 826
    assert (reference["pairs"], reference["precision"], reference["recall"], reference["f1"]) == (
        812,
        0.7616,
        0.8214,
        0.7904,
    )
    # v4 (decision 0130): 0.8669, down from v3's 0.9046 — this set labels a name with a word
    # more (a family name after an alias) as a match, which the Sahel KYC set counts as a false
    # alert; the trade-off is measured in docs/evaluation.md
    assert ours["f1"] >= 0.86 and ours["f1"] > reference["f1"]


def test_cross_validation_holds_out_every_pair_once(tmp_path: Path) -> None:
    rows = ["case_group,schema,name1,name2,is_match"]
    rows += [f"g,Person,Mamadou Traore {i},Mamadou Traoré {i},true" for i in range(6)]
    rows += [f"g,Person,Aminata Diarra {i},Oumar Keita {i},false" for i in range(4)]
    cases = tmp_path / "cases.csv"
    cases.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cross_validate(cases, folds=5)
    held = result["held_out"]
    assert held["pairs"] == 10 and len(result["chosen"]) == 5
    assert (held["tp"], held["fp"]) == (6, 0)  # the constants are chosen without the test fold
