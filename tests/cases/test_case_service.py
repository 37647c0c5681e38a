"""The case service on both database systems: a case worked from opening to dissemination,
need-to-know refusals (and their audit entries), evidence frozen as added, bad input named."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from moneytrail.api.cases import AccessDeniedError, CaseDesk
from moneytrail.cases.evidence import EvidenceInput
from moneytrail.cases.store import CaseStore
from moneytrail.cases.tables import AuditEntry
from moneytrail.errors import UsageError

PASSWORD = "un mot de passe long"


@pytest.fixture
def desk(store: CaseStore) -> CaseDesk:
    """A store with a head (fatou), two analysts, a supervisor and a reviewer."""
    desk = CaseDesk(store)
    desk.add_user(None, "fatou", "head", "Fatou Keïta", PASSWORD)
    fatou = desk.login("fatou", PASSWORD)
    for login, role, name in [
        ("awa", "analyst", "Awa Traoré"),
        ("ibrahim", "analyst", "إبراهيم ميغا"),
        ("moussa", "supervisor", "Moussa Diarra"),
        ("aminata", "reviewer", "Aminata Coulibaly"),
    ]:
        desk.add_user(fatou, login, role, name, PASSWORD)
    return desk


def _entries(store: CaseStore) -> list[AuditEntry]:
    with store.transaction() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_a_case_from_opening_to_dissemination(desk: CaseDesk, store: CaseStore) -> None:
    awa, moussa = desk.login("awa", PASSWORD), desk.login("moussa", PASSWORD)
    case = desk.new(awa, "Collecte Tombouctou", "Dépôts en espèces à Gao")
    assert case.ref.startswith("D-20") and case.members == ["awa"] and case.lead == "awa"
    desk.note(awa, case.ref, "Les dépôts précèdent chaque retrait — محمد")
    task = desk.add_task(awa, case.ref, "Demander les relevés", due="2026-12-31", assignee="awa")
    desk.complete_task(awa, case.ref, task.id)
    for step in ("in_analysis", "proposed"):
        desk.set_status(awa, case.ref, step)
    done = desk.set_status(moussa, case.ref, "disseminated", reason="RD 2026/117")
    assert done.status == "disseminated" and done.approved_by == "moussa"
    assert [(h.from_status, h.to_status) for h in done.history] == [
        ("open", "in_analysis"),
        ("in_analysis", "proposed"),
        ("proposed", "disseminated"),
    ]
    shown = desk.show(awa, case.ref)
    assert shown.notes[0].text.endswith("محمد") and shown.tasks[0].status == "done"
    actions = [(e.actor, e.action, e.outcome) for e in _entries(store) if e.case_ref == case.ref]
    assert ("awa", "case.read", "allowed") in actions  # reads are audited
    assert ("moussa", "case.disseminate", "allowed") in actions


def test_need_to_know_refusals_are_audited(desk: CaseDesk, store: CaseStore) -> None:
    awa, ibrahim = desk.login("awa", PASSWORD), desk.login("ibrahim", PASSWORD)
    aminata = desk.login("aminata", PASSWORD)
    case = desk.new(awa, "Réseau hawala")
    with pytest.raises(AccessDeniedError) as refused:
        desk.show(ibrahim, case.ref)
    assert refused.value.key == "cases.denied.not_member"
    assert "n'est pas membre" in refused.value.render("fr")
    with pytest.raises(AccessDeniedError):
        desk.show(aminata, case.ref)
    assert desk.list(ibrahim).cases == []
    denied = [e for e in _entries(store) if e.outcome == "denied"]
    assert [(e.actor, e.action, e.case_ref) for e in denied] == [
        ("ibrahim", "case.read", case.ref),
        ("aminata", "case.read", case.ref),
    ]
    moussa = desk.login("moussa", PASSWORD)
    desk.assign(moussa, case.ref, "aminata")
    assert desk.show(aminata, case.ref).members == ["aminata", "awa"]
    with pytest.raises(AccessDeniedError):
        desk.note(aminata, case.ref, "un lecteur n'écrit pas")


def test_dissemination_needs_a_second_pair_of_eyes(desk: CaseDesk) -> None:
    moussa = desk.login("moussa", PASSWORD)
    case = desk.new(moussa, "Proposé et approuvé par la même personne ?")
    desk.set_status(moussa, case.ref, "in_analysis")
    desk.set_status(moussa, case.ref, "proposed")
    with pytest.raises(UsageError) as refused:
        desk.set_status(moussa, case.ref, "disseminated", reason="RD 1")
    assert refused.value.key == "cases.error.four_eyes"
    fatou = desk.login("fatou", PASSWORD)
    assert desk.set_status(fatou, case.ref, "disseminated", reason="RD 1").approved_by == "fatou"


def test_workflow_steps_and_settled_cases(desk: CaseDesk) -> None:
    awa, moussa, fatou = (desk.login(u, PASSWORD) for u in ("awa", "moussa", "fatou"))
    case = desk.new(awa, "Classement")
    with pytest.raises(UsageError) as bad:
        desk.set_status(awa, case.ref, "disseminated", reason="trop tôt")
    assert bad.value.key == "cases.error.bad_transition"
    with pytest.raises(AccessDeniedError):
        desk.set_status(awa, case.ref, "closed", reason="rien")
    with pytest.raises(UsageError):
        desk.set_status(moussa, case.ref, "closed")  # a reason is required
    desk.set_status(moussa, case.ref, "closed", reason="Aucun élément")
    with pytest.raises(AccessDeniedError) as settled:
        desk.note(awa, case.ref, "après classement")
    assert settled.value.key == "cases.denied.settled"
    with pytest.raises(AccessDeniedError):
        desk.set_status(moussa, case.ref, "in_analysis", reason="nouveaux faits")
    assert desk.set_status(fatou, case.ref, "in_analysis", reason="nouveaux faits").status == (
        "in_analysis"
    )


def test_evidence_is_a_snapshot_with_its_hash(desk: CaseDesk, store: CaseStore) -> None:
    awa = desk.login("awa", PASSWORD)
    case = desk.new(awa, "Pièces")
    payload = {"endpoints": [{"account": "ML76 1234", "amount": "1500000.00"}], "nom": "Traoré"}
    item = EvidenceInput("trace", "ML76 1234", "trace fifo", {"settings": {"hops": "3"}}, payload)
    added = desk._cases.add_evidence("awa", case.ref, item)
    payload["endpoints"][0]["amount"] = "0"  # the caller's object changes later...
    shown = desk.show(awa, case.ref).evidence[0]
    assert shown.payload["endpoints"][0]["amount"] == "1500000.00"  # ...the case does not
    assert shown.payload_sha256 == added.payload_sha256
    entry = next(e for e in _entries(store) if e.action == "case.add_evidence")
    assert added.payload_sha256 in entry.details


def test_bad_input_is_named(desk: CaseDesk) -> None:
    awa, fatou = desk.login("awa", PASSWORD), desk.login("fatou", PASSWORD)
    with pytest.raises(UsageError) as unknown:
        desk.show(awa, "D-2026-9999")
    assert unknown.value.key == "cases.error.unknown_case"
    with pytest.raises(UsageError) as nobody:
        desk.show(desk.login("awa", PASSWORD).__class__("ghost", "head"), "1")
    assert nobody.value.key == "cases.error.unknown_user"
    case = desk.new(awa, "Entrées")
    for call, key in [
        (lambda: desk.add_task(awa, case.ref, "x", due="31/12/2026"), "cases.error.bad_due"),
        (lambda: desk.note(awa, case.ref, "   "), "cases.error.empty_text"),
        (lambda: desk.assign(fatou, case.ref, "ghost"), "cases.error.unknown_user"),
        (lambda: desk.add_user(fatou, "Awa X", "analyst", "", PASSWORD), "cases.error.bad_login"),
        (lambda: desk.add_user(fatou, "bob", "chef", "", PASSWORD), "cases.error.unknown_role"),
        (
            lambda: desk.add_user(fatou, "bob", "analyst", "", "court"),
            "cases.error.password_too_short",
        ),
        (lambda: desk.add_user(fatou, "awa", "analyst", "", PASSWORD), "cases.error.user_exists"),
    ]:
        with pytest.raises(UsageError) as refused:
            call()
        assert refused.value.key == key
        assert refused.value.render("fr") and refused.value.render("en")


def test_accounts_bootstrap_login_and_disable(desk: CaseDesk, store: CaseStore) -> None:
    with pytest.raises(UsageError) as again:
        desk.add_user(None, "intrus", "head", "", PASSWORD)
    assert again.value.key == "cases.error.need_user"
    with pytest.raises(AccessDeniedError):
        desk.login("awa", "pas le bon mot de passe")
    fatou, awa = desk.login("fatou", PASSWORD), desk.login("awa", PASSWORD)
    with pytest.raises(AccessDeniedError):
        desk.users(awa)
    desk.disable_user(fatou, "awa")
    with pytest.raises(AccessDeniedError) as disabled:
        desk.new(awa, "après désactivation")  # signed in before, refused now
    assert disabled.value.key == "cases.denied.inactive"
    with pytest.raises(AccessDeniedError):
        desk.login("awa", PASSWORD)
    listed = {u.login: u for u in desk.users(fatou).users}
    assert listed["awa"].active is False and listed["ibrahim"].display_name == "إبراهيم ميغا"
    assert not any("argon2" in str(vars(u)) for u in listed.values())
    logins = [e for e in _entries(store) if e.action == "login"]
    assert [(e.actor, e.outcome) for e in logins] == [("awa", "denied"), ("awa", "denied")]


def test_first_account_must_be_a_head(store: CaseStore) -> None:
    desk = CaseDesk(store)
    with pytest.raises(UsageError) as refused:
        desk.add_user(None, "awa", "analyst", "", PASSWORD)
    assert refused.value.key == "cases.error.bootstrap_head"
