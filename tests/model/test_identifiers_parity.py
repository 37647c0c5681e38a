"""Python and SQL read account numbers alike: compaction exactly, IBANs and wallet numbers on the
forms both accept, and the SQL refuses nothing Python accepts among digits and separators
(the differences by design are in :mod:`moneytrail.model.identifiers`)."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from schwifty import IBAN

from moneytrail.model.identifiers import (
    DialPlan,
    IdentifierError,
    compact_number,
    compact_number_sql,
    dial_plan,
    dial_plan_of_calling_code,
    iban_shape_sql,
    msisdn_sql,
    normalise_iban,
    normalise_msisdn,
)
from moneytrail.model.text import BLANKS
from tests.model.sql_twins import python_or_none, run_sql

# Countries whose wallets an FIU of the region sees most: UEMOA, CEMAC, neighbours, France.
# Côte d'Ivoire, Benin and Congo keep a leading 0 in national numbers; Nigeria, Ghana, Morocco,
# Algeria and France write a trunk 0 nationally; the others have neither.
REGIONS = ["ML", "BF", "NE", "SN", "CI", "TG", "BJ", "GN", "MR", "TD", "CM", "CG", "NG", "GH"]
REGIONS += ["MA", "DZ", "FR"]
SEPARATORS = ["", "", "", " ", ".", "-", "/", "\u00a0", "\u202f"]


@st.composite
def wallet(draw: st.DrawFn) -> tuple[str, str]:
    """``(region, text)``: a valid mobile number of ``region`` in one of its written forms."""
    region = draw(st.sampled_from(REGIONS))
    example_number = phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.MOBILE
    )
    assert example_number is not None
    national = phonenumbers.national_significant_number(example_number)
    tail = draw(st.integers(min_value=0, max_value=9999))
    national = national[:-4] + f"{tail:04d}"
    cc = str(phonenumbers.country_code_for_region(region))
    assume(phonenumbers.is_valid_number(phonenumbers.parse("+" + cc + national)))
    forms = ["+" + cc + national, "00" + cc + national, cc + national, national]
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is not None and metadata.national_prefix == "0":
        forms.append("0" + national)
    written = draw(st.sampled_from(forms))
    spaced = "".join(c + draw(st.sampled_from(SEPARATORS)) for c in written)
    if draw(st.booleans()) and written == national:
        spaced = f"({spaced[:3]}) {spaced[3:]}"
    return region, spaced


def e164_in_sql(region: str, texts: list[str]) -> list[str | None]:
    return run_sql(lambda t: msisdn_sql(t, dial_plan(region)), texts)


@given(st.lists(wallet(), min_size=1, max_size=20))
@example([("ML", "76 12 34 56"), ("CI", "07 07 12 34 56"), ("NG", "0802 123 4567")])
@example([("BJ", "01 95 12 34 56"), ("ML", "00223 76.12.34.56"), ("ML", "22376123456")])
def test_wallet_numbers_are_written_alike(numbers: list[tuple[str, str]]) -> None:
    for region, text in numbers:
        assert e164_in_sql(region, [text]) == [normalise_msisdn(text, region)], (region, text)


@given(st.sampled_from(REGIONS), st.lists(st.text("0123456789 .-/()", max_size=20), max_size=30))
@example("ML", ["7612", "76 12 3", "+76 12 34 56", "", "+", "00", "223 7612 3456 7890 12"])
def test_what_sql_refuses_as_a_wallet_python_refuses(region: str, texts: list[str]) -> None:
    # Numbers written nationally, of digits and separators only. By design, Python also reads
    # a number inside other text ("010000+", "tel:..."), and international numbers shorter
    # than the SQL's 6 digits ("+43000", Austria), which the SQL does not.
    for text, got in zip(texts, e164_in_sql(region, texts), strict=True):
        if got is None:
            assert (
                python_or_none(lambda x: normalise_msisdn(x, region), text, IdentifierError) is None
            ), text


def test_dial_plans_of_the_region() -> None:
    assert dial_plan("ml") == DialPlan("223", 8)
    assert dial_plan("CI") == DialPlan("225", 10, keeps_leading_zero=True)
    assert dial_plan("NG") == DialPlan("234", 10)
    assert dial_plan_of_calling_code("226") == dial_plan("BF")
    assert dial_plan_of_calling_code("999") == DialPlan("999", 8)
    with pytest.raises(ValueError, match="calling code"):
        DialPlan("22'3", 8)


# IBANs: real formats (check digits computed by schwifty) written with blanks, in any case.
BANKS = {
    "FR": ("3000600001", 11),
    "DE": ("37040044", 10),
    "BE": ("539", 7),
    "ES": ("2100", 10),
    "ML": ("ML043", 12),
    "SN": ("SN012", 12),
    "CI": ("CI008", 12),
    "BJ": ("BJ061", 12),
}


@st.composite
def iban_written(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(sorted(BANKS)))
    bank, width = BANKS[country]
    account = str(draw(st.integers(min_value=0, max_value=10**7 - 1))).zfill(width)
    compact = IBAN.generate(country, bank_code=bank, account_code=account).compact
    blanks = st.sampled_from(["", "", " ", "\u00a0", "\t", "\u2009"])
    text = "".join(c + draw(blanks) for c in compact)
    return text.lower() if draw(st.booleans()) else text


def iban_in_sql(texts: list[str]) -> list[str | None]:
    def expression(t: str) -> str:
        compact = compact_number_sql(t)
        return f"CASE WHEN {iban_shape_sql(compact)} THEN {compact} END"

    return run_sql(expression, texts)


@given(st.lists(iban_written(), min_size=1, max_size=30))
def test_valid_ibans_are_compacted_alike(texts: list[str]) -> None:
    assert iban_in_sql(texts) == [normalise_iban(t) for t in texts]


@given(st.lists(iban_written(), min_size=1, max_size=10))
def test_an_iban_failing_its_checksum_stays_iban_shaped_in_sql(texts: list[str]) -> None:
    broken = [t.replace("0", "1", 1) if "0" in t[4:] else t + "9" for t in texts]
    for text, got in zip(broken, iban_in_sql(broken), strict=True):
        assert got == compact_number(text) or got is None  # shape kept, or grew too long
        if python_or_none(normalise_iban, text, IdentifierError) is not None:
            assert got == normalise_iban(text)


IBAN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefz0123456789" + BLANKS[:12] + "-./"


@given(st.lists(st.text(IBAN_ALPHABET, max_size=40), max_size=30))
def test_what_sql_finds_no_iban_python_refuses(texts: list[str]) -> None:
    for text, got in zip(texts, iban_in_sql(texts), strict=True):
        if got is None:
            assert python_or_none(normalise_iban, text, IdentifierError) is None, text


@given(st.lists(st.text(IBAN_ALPHABET + "'\u3000\u2028", max_size=30), max_size=30))
def test_account_numbers_are_compacted_alike(texts: list[str]) -> None:
    assert run_sql(compact_number_sql, texts) == [compact_number(t) for t in texts]


def test_blanks_are_pythons_white_space() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == BLANKS
