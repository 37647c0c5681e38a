"""Hawala ledgers: customer legs, settlements kept apart, links a trace follows across borders."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

from moneytrail.cash import keys
from moneytrail.ingest.registry import detect_reader
from moneytrail.trace import Seed, TraceSettings, trace
from moneytrail.trace.model import EndpointKind
from moneytrail.workspace import Workspace
from tests.cash.support import load, problems, rows, write

SAMPLE = Path(str(resources.files("moneytrail") / "samples" / "registre_hawala_gao_2024.csv"))
HEADER = (
    "date;code;hawaladar;hawaladar_country;entry;sender;receiver;amount_in;amount_out;"
    "commission;currency;counterpart;counterpart_country;settlement_means"
)
A = keys.hawaladar_ref(keys.hawaladar_key("Alhousseini Maïga", "ML"))
B = keys.hawaladar_ref(keys.hawaladar_key("Bureau Al Amana", "NE"))


def test_the_sample_loads_legs_links_and_settlements_apart(ws: Workspace) -> None:
    assert detect_reader(SAMPLE).name == "hawala"
    out = load(ws, SAMPLE)
    assert out.status == "loaded" and out.format == "hawala"
    assert problems(out) == [(7, "amount_in", "field_missing"), (8, "currency", "currency_unknown")]
    kinds = dict(rows(ws, "SELECT tx_type, count(*) FROM transactions GROUP BY tx_type"))
    assert kinds == {
        "hawala_pay_in": 2,
        "hawala_pay_out": 2,
        "hawala_link_code": 1,
        "hawala_link_amount": 1,
        "hawala_settlement": 1,
        "hawala_commission": 2,
    }
    links = rows(
        ws,
        "SELECT s.institution, d.institution, t.amount, t.src_country, t.dst_country,"
        " t.reference, t.ext_id FROM transactions t JOIN accounts s ON s.id = t.src_account_id"
        " JOIN accounts d ON d.id = t.dst_account_id"
        " WHERE t.tx_type LIKE 'hawala_link%' ORDER BY t.ts",
    )
    assert [r[:5] for r in links] == [
        (A, B, Decimal(1_960_000), "ML", "NE"),
        (A, B, Decimal(980_000), "ML", "NE"),
    ]
    assert links[0][5] == "hawala_link: code=K7Q2; delay_h=5.5; confidence=1.00"
    assert links[1][5] == (
        "hawala_link: out=980000 XOF = in=1000000 - fee=20000; delay_h=26.0; confidence=0.83"
    )
    # the link runs from the pay-in's own position to the pay-out's: nothing else is mixed in
    _, pay_in, pay_out = links[0][6].split(":")
    legs = dict(
        rows(
            ws,
            "SELECT id, CASE tx_type WHEN 'hawala_pay_in' THEN dst_account_id"
            " ELSE src_account_id END FROM transactions WHERE id IN (?, ?)",
            [pay_in, pay_out],
        )
    )
    ends = rows(
        ws,
        "SELECT src_account_id, dst_account_id FROM transactions WHERE ext_id = ?",
        [links[0][6]],
    )
    assert ends == [(legs[pay_in], legs[pay_out])]
    settle = rows(
        ws,
        "SELECT src_account_id, dst_account_id FROM transactions"
        " WHERE tx_type = 'hawala_settlement'",
    )
    own = keys.hawala_house(keys.hawaladar_key("Alhousseini Maïga", "ML"))
    other = keys.hawala_house(keys.hawaladar_key("Bureau Al Amana", "NE"))
    assert settle == [(own, other)]
    customer_positions = rows(
        ws,
        "SELECT count(*) FROM transactions WHERE tx_type LIKE 'hawala_pay%'"
        " AND (src_account_id IN (?, ?) OR dst_account_id IN (?, ?))",
        [own, other, own, other],
    )
    assert customer_positions == [(0,)]  # settlements never touch a customer's leg


def test_mobile_money_pay_in_uses_the_wallet_of_the_mobile_money_exports(ws: Workspace) -> None:
    load(ws, SAMPLE)
    wallet = rows(
        ws,
        "SELECT src_account_id FROM transactions WHERE tx_type = 'hawala_pay_in' AND fee = 20000",
    )
    from moneytrail.model.ids import natural_key

    assert wallet == [(natural_key("account", "mobile_money", "", "+22366001122"),)]


def test_a_trace_crosses_the_border_through_the_link_to_the_cash_paid_out(ws: Workspace) -> None:
    load(ws, SAMPLE)
    (pay_in,) = rows(
        ws, "SELECT id FROM transactions WHERE ext_id = 'K7Q2' AND tx_type = 'hawala_pay_in'"
    )[0]
    settings = TraceSettings(stop_at=frozenset({EndpointKind.CASH}))
    result = trace(ws.engine, Seed(transactions=(pay_in,)), settings)
    cash = [e for e in result.endpoints if e.kind == EndpointKind.CASH]
    assert [(e.country, e.amount) for e in cash] == [(None, Decimal(1_960_000))]
    assert cash[0].paths[0].countries == ["ML", "NE"]
    assert cash[0].paths[0].channels == ["hawala"]


def test_legs_in_two_ledgers_loaded_apart_are_linked_by_amount(
    ws: Workspace, tmp_path: Path
) -> None:
    a = write(
        tmp_path,
        "a.csv",
        [HEADER, "2024-04-01 09:00;;Hawaladar A;ML;pay_in;Sender;Receiver;500000;;5000;XOF;;;"],
    )
    b = write(
        tmp_path,
        "b.csv",
        [
            HEADER,
            "2024-04-02 09:00;;Hawaladar B;NE;pay_out;Sender;Receiver;;495000;;XOF;;;",
            "2024-04-20 09:00;;Hawaladar B;NE;pay_out;X;Y;;495000;;XOF;;;",
        ],
    )
    assert load(ws, a).rows_ok == 1
    assert rows(ws, "SELECT count(*) FROM transactions WHERE tx_type LIKE 'hawala_link%'") == [(0,)]
    load(ws, b)
    got = rows(ws, "SELECT tx_type, reference FROM transactions WHERE tx_type LIKE 'hawala_link%'")
    assert len(got) == 1 and got[0][0] == "hawala_link_amount"
    assert got[0][1].endswith("delay_h=24.0; confidence=0.65")  # 0.7 * (1 - 0.5/7)
    load(ws, b, retry_rejected=True)  # nothing new: the link is not made twice
    assert rows(ws, "SELECT count(*) FROM transactions WHERE tx_type LIKE 'hawala_link%'") == [(1,)]


def test_unclear_and_incomplete_rows_are_quarantined(ws: Workspace, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "h.csv",
        [
            HEADER,
            "2024-04-01 09:00;;H;ML;;S;R;100;100;;XOF;;;",
            "2024-04-01 09:00;;H;ML;settlement;;;;100;;XOF;;;netting",
            "2024-04-01 09:00;;H;ML;pay_out;S;;;100;;XOF;;;",
            "2024-04-01 09:00;;H;Mali;troc;S;R;100;;;XOF;;;",
            "2024-04-01 09:00;;H;ML;pay_in;S;R;100;;;XOF;K;Atlantis;",
        ],
    )
    out = load(ws, path)
    assert problems(out) == [
        (2, "amount_in", "hawala_entry_unclear"),
        (3, "counterpart", "field_missing"),
        (4, "receiver", "field_missing"),
        (5, "entry", "value_invalid"),
        (6, "counterpart_country", "country_unknown"),
    ]
