"""Mobile-money statement exports (Orange Money, Moov Africa, Wave, MTN MoMo) as CSV.

Why a preset and not a mapping: these exports share a vocabulary (dépôt, retrait, transfert,
cash-in, cash-out, expéditeur, destinataire...) but every operator names the columns a little
differently, and FIU analysts should not write a mapping for each. The preset
(``presets/mobile_money.yaml``) adds those headers to the dictionary and sets the defaults of the
region: currency XOF, country ML (national numbers such as "76 12 34 56" become "+22376123456"),
accounts of kind ``mobile_money``. A ``--mapping`` still overrides anything.

Cash-in and cash-out keep the sender and receiver columns as written: a cash-in moves money from
the agent's wallet when the export names it, else from outside the data (NULL); a cash-out moves it
to the agent's wallet or outside. The channel says ``cash_deposit`` / ``cash_withdrawal``.
A place column (``Lieu``, ``Localité``, ``Point de service``, ``Agent location``...) is kept on
the agent's wallet as an ``address`` identifier, so a trace's cash endpoint says where the cash
left (``tabular_fanout.PLACES_SQL``).
Documented in docs/formats/mobile_money.md. Example::

    moneytrail ingest -w ws orange_money_2024-03.csv --format mobile_money
"""

from __future__ import annotations

from pathlib import Path

from moneytrail.files.text import is_binary, sniff_text
from moneytrail.ingest.tabular import CsvReader
from moneytrail.ingest.tabular_detect import match_header, sniff_delimiter
from moneytrail.ingest.tabular_plan import Preset, load_preset


class MobileMoneyReader(CsvReader):
    """CSV reader with the mobile-money preset (headers, XOF, Mali, type -> channel)."""

    @property
    def preset(self) -> Preset | None:  # type: ignore[override]
        """The mobile-money preset, loaded once."""
        return load_preset("mobile_money")

    def sniff(self, path: Path, head: bytes) -> int:
        """80 when the header has a date, an amount, a type and sender/receiver columns."""
        if is_binary(head):
            return 0
        text = sniff_text(head)
        delim = sniff_delimiter(text)
        if delim is None:
            return 0
        first = next(iter(text.splitlines()), "")
        preset = load_preset("mobile_money")
        fields = match_header((c.strip().strip('"') for c in first.split(delim)), preset.headers)
        needed = {"timestamp", "amount", "tx_type"}
        if needed <= fields.keys() and {"src_account", "dst_account"} <= fields.keys():
            return 80
        return 0
