"""Property tests of the pure MT940 parts: the ``:61:`` parser and the ``:86:`` reader."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from moneytrail.ingest.mt940_details import read_details
from moneytrail.ingest.mt940_line import LineError, entry_date, parse_statement_line

DATES = st.dates(min_value=date(1980, 1, 1), max_value=date(2079, 12, 31))
AMOUNTS = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2)
MARKS = st.sampled_from(["D", "C", "RD", "RC"])
REFS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=16)


@given(DATES, st.integers(min_value=-20, max_value=20), MARKS, AMOUNTS, REFS, REFS)
# NONREF means "no reference" on both sides of the //
@example(date(2000, 1, 1), 0, "D", Decimal("0.00"), "0", "NONREF")
def test_formatted_line_reads_back(
    value: date, shift: int, mark: str, amount: Decimal, customer: str, bank: str
) -> None:
    booked = value + timedelta(days=shift)
    text = f"{value:%y%m%d}{booked:%m%d}{mark}{str(amount).replace('.', ',')}NTRF{customer}//{bank}"
    line = parse_statement_line(text)
    assert (line.value_date, line.booked, line.mark, line.amount) == (value, booked, mark, amount)
    assert line.type_code == "NTRF"
    assert line.customer_ref == (None if customer == "NONREF" else customer)
    assert line.bank_ref == (None if bank == "NONREF" else bank)


@given(DATES, st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)))
@example(date(2000, 1, 2), date(2000, 7, 1))  # 181 days later beats 185 days earlier
def test_entry_date_is_the_nearest_year(value: date, mmdd: date) -> None:
    try:
        booked = entry_date(value, f"{mmdd:%m%d}")
    except ValueError:  # 29 February in a year without it
        assert (mmdd.month, mmdd.day) == (2, 29)
        return
    assert (booked.month, booked.day) == (mmdd.month, mmdd.day)
    assert abs((booked - value).days) <= 184


@given(st.text(max_size=300))
def test_any_line_reads_or_names_its_bad_field(text: str) -> None:
    try:
        parse_statement_line(text)
    except LineError as exc:
        assert exc.field in {"value_date", "entry_date", "mark", "amount"}
        assert exc.code in {"date_invalid", "mt940_mark_invalid", "amount_not_number"}


@given(
    st.sampled_from(["", "166?00", "000>10", "/NAME/", "/CNTP/", "REK: "]), st.text(max_size=400)
)
def test_any_details_text_is_read_without_error(layout: str, text: str) -> None:
    details = read_details(layout + text)
    assert details.iban is None or details.iban.isalnum()
