"""The audit chain as ``append`` builds it, on both database systems: numbering and links,
hashes that cover every column and read back identically (French and Arabic text included),
checkpoints signed in the append's transaction, keys kept out of the database, exports read
back, and every verification finding rendered in French and English."""

from __future__ import annotations

import itertools
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from sqlalchemy import select, text

from moneytrail.cases.audit import (
    BREAK_KINDS,
    GENESIS_HASH,
    UnsignableChainError,
    VerifyReport,
    append,
    canonical_details,
    checkpoint,
    entry_hash,
    stored_checkpoints,
    verify,
)
from moneytrail.cases.signing import (
    AuditSigner,
    KeyRing,
    generate_key,
    key_location,
    load_signer,
    read_export,
    write_export,
)
from moneytrail.cases.store import CaseStore, now_text
from moneytrail.cases.tables import AuditCheckpoint, AuditEntry
from moneytrail.errors import Message, UsageError

SAHEL_DETAILS = {
    "lieu": "Ségou, Côte d'Ivoire",
    "nom": "عبد الله بن محمد",
    "montant": "1 250 000 FCFA",
}
# SHA-256 of entry_payload for the entry in test_the_hash_of_a_known_entry_is_fixed:
# computed once; a change here breaks every chain ever written.
KNOWN_HASH = "f0dc6c553182b59996df565820d0299359b2c213a08a70acec1a637c6afd45f3"


@pytest.fixture
def signer(tmp_path: Path) -> AuditSigner:
    return generate_key(tmp_path / "keys" / "audit.key")


def _entries(store: CaseStore) -> list[AuditEntry]:
    with store.transaction() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_the_hash_of_a_known_entry_is_fixed() -> None:
    details = canonical_details(SAHEL_DETAILS)
    assert details == (
        '{"lieu":"Ségou, Côte d\'Ivoire","montant":"1 250 000 FCFA","nom":"عبد الله بن محمد"}'
    )
    digest = entry_hash(
        7,
        "2026-12-06T11:03:50.123456+00:00",
        "aïssata.koné",
        "case.read",
        "allowed",
        "D-2026-0007",
        "note:3",
        details,
        GENESIS_HASH,
    )
    assert digest == KNOWN_HASH


def test_append_numbers_and_links_every_entry(store: CaseStore) -> None:
    for n in range(5):
        with store.transaction() as session:
            entry = append(session, actor="awa", action="case.read", case_ref="D-2026-0001")
            assert entry.seq == n + 1
    entries = _entries(store)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.entry_hash
    assert entries[0].outcome == "allowed" and entries[0].details == "{}"


def test_french_and_arabic_text_hash_the_same_once_read_back(store: CaseStore) -> None:
    with store.transaction() as session:
        append(
            session,
            actor="aïssata.koné",
            action="case.add_note",
            case_ref="D-2026-0007",
            target="note:Ségou/عبد الله",
            details=SAHEL_DETAILS,
        )
    # Read back through a plain connection (no ORM identity map) and hash again.
    with store.engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM audit_log WHERE seq = 1")).mappings().one()
    assert row["details"] == canonical_details(SAHEL_DETAILS)
    assert row["target"] == "note:Ségou/عبد الله"
    recomputed = entry_hash(
        row["seq"],
        row["at"],
        row["actor"],
        row["action"],
        row["outcome"],
        row["case_ref"],
        row["target"],
        row["details"],
        row["prev_hash"],
    )
    assert recomputed == row["entry_hash"]
    assert verify(store).ok


def test_every_column_is_covered_by_the_hash(store: CaseStore) -> None:
    with store.transaction() as session:
        append(session, actor="awa", action="case.read", case_ref="D-1", target="t", details={})
    columns = ("at", "actor", "action", "outcome", "case_ref", "target", "details")
    for column in columns:
        with store.engine.connect() as connection, connection.begin() as transaction:
            connection.execute(text(f"UPDATE audit_log SET {column} = 'x' WHERE seq = 1"))
            report = verify(connection)
            transaction.rollback()
        assert (report.kind, report.first_break) == ("edited", 1), column


def test_checkpoints_are_signed_in_the_appending_transaction(
    store: CaseStore, signer: AuditSigner
) -> None:
    for _ in range(35):
        with store.transaction() as session:
            append(session, actor="awa", action="case.read", signer=signer, checkpoint_every=10)
    with store.transaction() as session:
        signed = stored_checkpoints(session)
    assert [(c.seq_from, c.seq_to) for c in signed] == [(1, 10), (11, 20), (21, 30)]
    assert all(KeyRing.of(signer.public_key).valid(c) for c in signed)
    report = verify(store, public_key=signer.public_key)
    assert report.ok and report.covered_to == 30 and report.checkpoints == 3
    assert report.signatures_checked
    # The command signs the tail on demand, before an export.
    with store.transaction() as session:
        made = checkpoint(session, signer)
    assert [(c.seq_from, c.seq_to) for c in made] == [(31, 35)]
    assert verify(store, public_key=signer.public_key).covered_to == 35
    with store.transaction() as session:
        assert checkpoint(session, signer) == []


def test_a_late_key_signs_the_earlier_entries_in_windows(
    store: CaseStore, signer: AuditSigner
) -> None:
    with store.transaction() as session:
        for _ in range(25):
            append(session, actor="awa", action="case.read")
        made = checkpoint(session, signer, window=10)
    assert [(c.seq_from, c.seq_to) for c in made] == [(1, 10), (11, 20), (21, 25)]


def test_a_broken_chain_is_never_signed(store: CaseStore, signer: AuditSigner) -> None:
    with store.transaction() as session:
        for _ in range(3):
            append(session, actor="awa", action="case.read")
    with store.transaction() as session:
        session.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    with store.transaction() as session, pytest.raises(UnsignableChainError):
        checkpoint(session, signer)
    # An action due to sign is not refused: it is recorded, and the window stays unsigned.
    with store.transaction() as session:
        append(session, actor="awa", action="case.read", signer=signer, checkpoint_every=2)
    with store.transaction() as session:
        assert session.scalar(select(AuditCheckpoint.id)) is None
    report = verify(store, public_key=signer.public_key)
    assert (report.kind, report.first_break) == ("edited", 2)


def test_verifying_an_empty_log(store: CaseStore) -> None:
    report = verify(store)
    assert report.ok and report.entries == 0 and report.checkpoints == 0
    assert report.message.key == "audit.verify.ok_unsigned"


def test_verifying_a_store_does_not_wait_for_the_append_lock(store: CaseStore) -> None:
    with store.transaction() as session:
        append(session, actor="awa", action="case.read")
    with store.transaction() as session:
        append(session, actor="awa", action="case.read")
        # The lock is held and the entry is not committed: the snapshot sees one entry.
        report = verify(store)
    assert report.ok and report.entries == 1
    assert verify(store).entries == 2


def test_verifying_without_the_key_says_signatures_were_not_checked(
    store: CaseStore, signer: AuditSigner
) -> None:
    with store.transaction() as session:
        for _ in range(4):
            append(session, actor="awa", action="case.read", signer=signer, checkpoint_every=2)
    report = verify(store)
    assert report.ok and not report.signatures_checked
    assert report.message.key == "audit.verify.ok_unchecked"


def test_a_checkpoint_signed_by_another_key_is_forged(
    store: CaseStore, signer: AuditSigner, tmp_path: Path
) -> None:
    stranger = generate_key(tmp_path / "stranger.key")
    with store.transaction() as session:
        for _ in range(4):
            append(session, actor="awa", action="case.read", signer=stranger, checkpoint_every=2)
    report = verify(store, public_key=signer.public_key)
    assert (report.kind, report.first_break) == ("checkpoint_forged", 1)
    # A key ring with both keys (after a key was replaced) accepts them.
    assert verify(store, public_key=[signer.public_key, stranger.public_key]).ok


@pytest.mark.parametrize(
    ("field", "value"),
    [("actor", "a" * 65), ("action", "b" * 41), ("outcome", "c" * 11), ("case_ref", "d" * 41)],
)
def test_overlong_fields_are_refused_alike_on_both_systems(
    store: CaseStore, field: str, value: str
) -> None:
    values = {"actor": "awa", "action": "case.read", field: value}
    with store.transaction() as session, pytest.raises(UsageError) as refused:
        append(session, **values)
    assert refused.value.key == "audit.error.field_too_long"


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"target": "nul\x00"}, "audit.error.bad_text"),
        ({"actor": "\ud800"}, "audit.error.bad_text"),
        ({"details": {"x": float("nan")}}, "audit.error.bad_details"),
        ({"details": {"x": object()}}, "audit.error.bad_details"),
        ({"details": {"x": "\udfff"}}, "audit.error.bad_details"),
    ],
)
def test_unstorable_values_are_refused(
    store: CaseStore, values: dict[str, object], key: str
) -> None:
    arguments: dict[str, object] = {"actor": "awa", "action": "case.read", **values}
    with store.transaction() as session, pytest.raises(UsageError) as refused:
        append(session, **arguments)  # type: ignore[arg-type]
    assert refused.value.key == key


def test_the_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    made = generate_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_signer(path).key_id == made.key_id
    with pytest.raises(UsageError) as refused:
        generate_key(path)
    assert refused.value.key == "audit.error.key_exists"
    assert load_signer(path).key_id == made.key_id
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]


def test_unusable_key_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as refused:
        load_signer(tmp_path / "absent.key")
    assert refused.value.key == "audit.error.no_key"
    open_key = tmp_path / "open.key"
    generate_key(open_key)
    open_key.chmod(0o644)
    with pytest.raises(UsageError) as refused:
        load_signer(open_key)
    assert refused.value.key == "audit.error.key_too_open"
    garbage = tmp_path / "garbage.key"
    garbage.write_text("not a key")
    garbage.chmod(0o600)
    with pytest.raises(UsageError) as refused:
        load_signer(garbage)
    assert refused.value.key == "audit.error.bad_key"
    ecdsa = tmp_path / "ecdsa.key"
    ecdsa.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    ecdsa.chmod(0o600)
    with pytest.raises(UsageError) as refused:
        load_signer(ecdsa)
    assert refused.value.key == "audit.error.bad_key"


def test_where_the_key_lives(tmp_path: Path) -> None:
    beside = key_location(f"sqlite:///{tmp_path}/cases.sqlite", environ={})
    assert beside is not None and beside.source == "beside_store"
    assert beside.path == tmp_path / "cases.sqlite.audit-key"
    chosen = key_location("postgresql+psycopg://db/cases", {"MONEYTRAIL_AUDIT_KEY": "/k/a.key"})
    assert chosen is not None and chosen.source == "environment"
    assert chosen.path == Path("/k/a.key")
    assert key_location("postgresql+psycopg://db/cases", environ={}) is None
    assert key_location("sqlite:///:memory:", environ={}) is None


def test_checkpoints_exported_and_read_back(
    store: CaseStore, signer: AuditSigner, tmp_path: Path
) -> None:
    with store.transaction() as session:
        for _ in range(7):
            append(session, actor="awa", action="case.read", signer=signer, checkpoint_every=3)
        signed = stored_checkpoints(session)
    target = tmp_path / "elsewhere" / "checkpoints.json"
    write_export(target, signed, signer.public_key, now_text())
    export = read_export(target)
    assert export.checkpoints == tuple(signed)
    assert export.key_id == signer.key_id
    report = verify(store, trusted=export.checkpoints, public_key=export.public_key)
    assert report.ok and report.covered_to == 6


def test_unreadable_exports_are_refused(tmp_path: Path, signer: AuditSigner) -> None:
    with pytest.raises(UsageError) as refused:
        read_export(tmp_path / "absent.json")
    assert refused.value.key == "audit.error.export_missing"
    target = tmp_path / "export.json"
    write_export(target, [], signer.public_key, now_text())
    document = json.loads(target.read_text(encoding="utf-8"))
    for broken in (
        "{not json",
        json.dumps({**document, "format": "other"}),
        json.dumps({**document, "public_key": "***"}),
        json.dumps({**document, "checkpoints": [{"seq_from": "1"}]}),
        json.dumps([1, 2]),
    ):
        target.write_text(broken, encoding="utf-8")
        with pytest.raises(UsageError) as refused:
            read_export(target)
        assert refused.value.key == "audit.error.bad_export"


FINDINGS = [f"audit.verify.{kind}" for kind in BREAK_KINDS] + [
    "audit.verify.differs",
    "audit.verify.window_gap",
]


@pytest.mark.parametrize("key", FINDINGS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_finding_reads_in_french_and_english(key: str, lang: str) -> None:
    params: dict[str, object] = {"seq": 12, "seq_from": 1, "seq_to": 1000, "last": 11}
    params["source"] = Message("audit.source.database")
    report = VerifyReport(
        ok=False,
        entries=12,
        last_seq=12,
        first_break=12,
        kind="edited",
        message=Message(key, params),
        checkpoints=0,
        covered_to=0,
        signatures_checked=True,
        stopped_early=True,
    )
    rendered = report.render(lang)
    assert "12" in rendered or "1000" in rendered
    assert "{" not in rendered and "audit." not in rendered
    assert len(rendered.splitlines()) == 2


@pytest.mark.parametrize(
    "key", ["audit.verify.ok", "audit.verify.ok_unchecked", "audit.verify.ok_unsigned"]
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_clean_verdict_reads_in_french_and_english(key: str, lang: str) -> None:
    rendered = Message(key, {"entries": 10000, "checkpoints": 10, "covered_to": 10000}).render(lang)
    assert "10000" in rendered and "{" not in rendered and "audit." not in rendered
