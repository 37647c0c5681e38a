"""Property tests for IBAN and MSISDN normalisation, and deterministic ids."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schwifty import IBAN

from moneytrail.model.identifiers import (
    IdentifierError,
    is_iban,
    msisdn_country,
    normalise_iban,
    normalise_msisdn,
)
from moneytrail.model.ids import natural_key

# Real-format IBANs of countries our users exchange with (check digits computed by schwifty).
BANK_CODES = {"FR": ("30006", "00001", 11), "DE": ("37040044", "", 10), "BE": ("539", "", 7)}


@given(st.sampled_from(sorted(BANK_CODES)), st.integers(min_value=0, max_value=10**7 - 1))
def test_generated_ibans_normalise_with_any_spacing(country: str, number: int) -> None:
    bank, branch, width = BANK_CODES[country]
    account = str(number).zfill(width)
    iban = IBAN.generate(country, bank_code=bank + branch, account_code=account)
    spaced = " ".join(iban.compact[i : i + 4] for i in range(0, len(iban.compact), 4)).lower()
    assert normalise_iban(spaced) == iban.compact


@given(st.sampled_from(sorted(BANK_CODES)), st.integers(min_value=0, max_value=10**7 - 1))
def test_one_wrong_check_digit_is_refused(country: str, number: int) -> None:
    bank, branch, width = BANK_CODES[country]
    iban = IBAN.generate(country, bank_code=bank + branch, account_code=str(number).zfill(width))
    check = int(iban.compact[2:4])
    broken = iban.compact[:2] + f"{(check + 1) % 97:02d}" + iban.compact[4:]
    assert not is_iban(broken)


# Mali (+223) numbers are 8 digits; Orange Mali ranges start with 7, Moov with 6.
@given(st.sampled_from("67"), st.integers(min_value=0, max_value=9_999_999))
def test_malian_msisdn_in_every_written_form(first: str, rest: int) -> None:
    national = first + str(rest).zfill(7)
    expected = "+223" + national
    spaced = " ".join(national[i : i + 2] for i in range(0, 8, 2))
    for text in (national, spaced, "00223" + national, "+223 " + spaced):
        assert normalise_msisdn(text, "ML") == expected
    assert msisdn_country(expected) == "ML"


@given(st.text(alphabet="abcdef#*", min_size=1, max_size=10))
def test_garbage_is_not_a_phone_number(text: str) -> None:
    with pytest.raises(IdentifierError):
        normalise_msisdn(text, "ML")


@given(st.lists(st.one_of(st.none(), st.text(max_size=10), st.integers()), max_size=5))
def test_natural_keys_are_deterministic_and_order_sensitive(parts: list[object]) -> None:
    assert natural_key("tx", *parts) == natural_key("tx", *parts)
    assert natural_key("tx", *parts) != natural_key("account", *parts)
    shown = ["" if p is None else str(p) for p in parts]  # None and "" are the same key part
    if len(parts) >= 2 and shown[0] != shown[1]:
        swapped = [parts[1], parts[0], *parts[2:]]
        assert natural_key("tx", *parts) != natural_key("tx", *swapped)
