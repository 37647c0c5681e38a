"""The signed report (decision 0147): a unit's key, a PAdES signature on the PDF/A report, and
the check a recipient makes, offline, the way a reader would: through the command line.

One small case is built for the module from a shipped sample; each test signs, damages or
checks its own copy of the report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from moneytrail.api import UsageError, Workspace
from moneytrail.api.cases import CaseDesk
from moneytrail.api.report import verify_signatures
from moneytrail.report.signing import load_identity, make_identity
from tests.conftest import REPO
from tests.report.test_report import xmp_packets

SAMPLES = REPO / "src" / "moneytrail" / "samples"
PASSWORD = "awa : une phrase assez longue"
SECRET = "clé secrète de l'unité"
UNIT = "CENTIF Mali — Cellule des Informations Financières"
ARABIC_UNIT = "خلية الاستعلامات المالية"


@dataclass
class Desk:
    workspace: Path
    url: str
    ref: str
    key: Path
    pem: Path
    fingerprint: str
    common: list[str]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    root = tmp_path_factory.mktemp("signing")
    folder = root / "enquete"
    with Workspace.init(folder) as ws:
        ws.ingest([SAMPLES / "orange_money_2024-03.csv"])
    url = f"sqlite:///{root}/cases.sqlite"
    with CaseDesk.for_workspace(folder, url) as cases:
        cases.add_user(None, "fatou", "head", "Fatou Keïta", "fatou : une longue phrase")
        fatou = cases.login("fatou", "fatou : une longue phrase")
        cases.add_user(fatou, "awa", "analyst", "Awa Traoré", PASSWORD)
        awa = cases.login("awa", PASSWORD)
        ref = cases.new(awa, "Collecte Tombouctou", "Dépôts à Gao", str(folder)).ref
        with Workspace.open(folder, read_only=True) as ws:
            cases.add_subject(awa, ref, ws, "+223 76 12 34 56")
        cases.note(awa, ref, "Retraits à Gao — محمد عبد الله")
    key = root / "centif.p12"
    pem, fingerprint = make_identity(key, UNIT, SECRET, country="ML")
    common = ["-w", str(folder), "--cases-url", url, "--as", "awa"]
    return Desk(folder, url, ref, key, pem, fingerprint, common)


@pytest.fixture
def signer_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONEYTRAIL_PASSWORD", PASSWORD)
    monkeypatch.setenv("MONEYTRAIL_SIGN_PASSPHRASE", SECRET)


def _signed(desk: Desk, cli: Any, out: Path, *extra: str) -> Any:
    done = cli("report", "--case", desk.ref, "--out", out, "--sign", desk.key, *extra, *desk.common)
    assert done.code == 0, done.err
    return done


def test_key_certificate_and_fingerprint(desk: Desk) -> None:
    cert = x509.load_pem_x509_certificate(desk.pem.read_bytes())
    assert cert.fingerprint(hashes.SHA256()).hex(":").upper() == desk.fingerprint
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    assert names[0].value == UNIT  # accents and the dash kept
    identity = load_identity(desk.key, SECRET)
    assert identity.subject == f"{UNIT} (ML)" and identity.fingerprint == desk.fingerprint


@pytest.mark.parametrize(
    ("name", "passphrase", "key"),
    [
        ("CENTIF محمد", SECRET, "signature.error.mixed_scripts"),
        ("x" * 65, SECRET, "signature.error.long_name"),
        (" ", SECRET, "signature.error.no_name"),
        ("CENTIF Mali", "court", "signature.error.short_passphrase"),
    ],
)
def test_keys_that_could_not_sign_well_are_refused(
    tmp_path: Path, name: str, passphrase: str, key: str
) -> None:
    with pytest.raises(UsageError) as refused:
        make_identity(tmp_path / "k.p12", name, passphrase)
    assert refused.value.key == key
    assert not (tmp_path / "k.p12").exists() and not (tmp_path / "k.pem").exists()


def test_a_wrong_passphrase_or_a_file_that_is_no_key(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as wrong:
        load_identity(desk.key, "pas la bonne phrase")
    assert wrong.value.key == "signature.error.key_locked"
    other = tmp_path / "autre.p12"
    other.write_bytes(b"%PDF-1.7 not a key")
    with pytest.raises(UsageError) as bad:
        load_identity(other, SECRET)
    assert bad.value.key == "signature.error.key_locked"
    assert "PKCS#12" in bad.value.render("fr") and "phrase secrète" in bad.value.render("fr")


def test_signed_report_is_the_report_plus_a_signature(
    desk: Desk, cli: Any, signer_env: None, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.pdf"
    done = _signed(desk, cli, out, "--sign-location", "Bamako")
    assert desk.fingerprint in done.out and UNIT in done.out
    # still a readable PDF/A: every page renders and the PDF/A declaration is there
    document = pdfium.PdfDocument(out)
    assert (
        len(document) >= 3
        and "Collecte Tombouctou" in document[0].get_textpage().get_text_bounded()
    )
    packets = xmp_packets(out.read_bytes())
    assert any(b"pdfaid" in p for p in packets)
    [check] = verify_signatures(out, [desk.pem])
    assert check.verdict == "trusted" and check.whole_file and check.intact and check.valid
    assert check.signer == f"{UNIT} (ML)" and check.fingerprint == desk.fingerprint
    assert check.location == "Bamako" and check.reason == f"Rapport d'enquête du dossier {desk.ref}"
    assert check.signed_at is not None


def test_the_case_trail_names_the_signer(
    desk: Desk, cli: Any, signer_env: None, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.pdf"
    done = cli(
        "report", "--case", desk.ref, "--out", out, "--sign", desk.key, *desk.common, "--json"
    )
    assert done.code == 0, done.err
    written = done.json()
    assert written["fingerprint"] == desk.fingerprint and written["signed_by"] == f"{UNIT} (ML)"
    with CaseDesk.for_workspace(desk.workspace, desk.url) as cases:
        head = cases.login("fatou", "fatou : une longue phrase")  # the trail is a head's to read
        lines = json.dumps([vars(e) for e in cases.trail(head, desk.ref).entries], default=str)
    assert desk.fingerprint in lines and written["sha256"] in lines


def test_recipient_checks_the_report_in_french_and_english(
    desk: Desk, cli: Any, signer_env: None, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.pdf"
    _signed(desk, cli, out)
    trusted = cli("signature", "verify", out, "--trust", desk.pem)
    assert trusted.code == 0, trusted.err
    assert "signataire de confiance" in trusted.out and desk.fingerprint in trusted.out
    # without the unit's certificate: intact, the fingerprint is what the reader compares
    alone = cli("--lang", "en", "signature", "verify", out)
    assert alone.code == 0 and "signer not recognised" in alone.out
    # a certificate the reader trusts that is not the signer's
    stranger_pem, _ = make_identity(tmp_path / "autre.p12", ARABIC_UNIT, SECRET)
    stranger = cli("signature", "verify", out, "--trust", stranger_pem, "--json")
    assert stranger.code == 1
    [check] = stranger.json()["signatures"]
    assert check["verdict"] == "untrusted" and check["trusted"] is False


def test_a_changed_byte_or_an_addition_is_seen(
    desk: Desk, cli: Any, signer_env: None, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.pdf"
    _signed(desk, cli, out)
    data = out.read_bytes()
    changed = tmp_path / "modifie.pdf"
    position = data.index(b"/Producer")  # inside the signed revision, not the signature itself
    changed.write_bytes(data[:position] + b"/Producex" + data[position + 9 :])
    broken = cli("signature", "verify", changed, "--trust", desk.pem)
    assert broken.code == 1 and "INVALIDE" in broken.out
    added = tmp_path / "complete.pdf"
    added.write_bytes(data + b"\n% ajout\n1 0 obj\n<< >>\nendobj\n")
    later = cli("--lang", "en", "signature", "verify", added, "--trust", desk.pem, "--json")
    assert later.code == 1
    [check] = later.json()["signatures"]
    assert check["verdict"] == "modified" and check["intact"] and not check["whole_file"]


def test_unsigned_files_and_refusals(
    desk: Desk, cli: Any, signer_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain.pdf"
    done = cli("report", "--case", desk.ref, "--out", plain, *desk.common)
    assert done.code == 0, done.err
    unsigned = cli("signature", "verify", plain)
    assert unsigned.code == 1 and "aucune signature" in unsigned.err
    html = tmp_path / "r.html"
    refused = cli("report", "--case", desk.ref, "--out", html, "--format", "html",
                  "--sign", desk.key, *desk.common)  # fmt: skip
    assert refused.code == 2 and "seul un rapport PDF" in refused.err and not html.exists()
    monkeypatch.setenv("MONEYTRAIL_SIGN_PASSPHRASE", "pas la bonne phrase")
    target = tmp_path / "jamais.pdf"
    locked = cli("report", "--case", desk.ref, "--out", target, "--sign", desk.key, *desk.common)
    assert locked.code == 2 and "phrase secrète" in locked.err and not target.exists()
    assert "Traceback" not in locked.err
    monkeypatch.delenv("MONEYTRAIL_SIGN_PASSPHRASE")
    empty = cli("report", "--case", desk.ref, "--out", target, "--sign", desk.key, *desk.common)
    assert empty.code == 2 and "MONEYTRAIL_SIGN_PASSPHRASE" in empty.err
    not_pdf = tmp_path / "faux.pdf"
    not_pdf.write_text("ceci n'est pas un PDF", encoding="utf-8")
    bad = cli("signature", "verify", not_pdf)
    assert bad.code == 3 and "faux.pdf" in bad.err and "Traceback" not in bad.err
    assert list(tmp_path.glob("*.unsigned.pdf")) == [] and list(tmp_path.glob(".*part*")) == []


def test_key_from_the_command_line(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONEYTRAIL_SIGN_PASSPHRASE", SECRET)
    out = tmp_path / "canif.p12"
    done = cli("signature", "key", "--out", out, "--name", ARABIC_UNIT, "--country", "mr", "--json")
    assert done.code == 0, done.err
    made = done.json()
    assert Path(made["certificate"]).is_file() and out.is_file()
    identity = load_identity(out, SECRET)
    assert identity.subject == f"{ARABIC_UNIT} (MR)" and identity.fingerprint == made["fingerprint"]
    worded = cli("signature", "key", "--out", tmp_path / "x.p12", "--name", "CENTIF Mali")
    assert worded.code == 0 and "Empreinte SHA-256" in worded.out
    mixed = cli("signature", "key", "--out", tmp_path / "y.p12", "--name", "CENTIF محمد")
    assert mixed.code == 2 and "une seule écriture" in mixed.err


def _verdicts(path: Path, trusted: list[Path]) -> list[str]:
    """The verdicts of a file's signatures, or the error key it is refused with."""
    from moneytrail.api import MoneytrailError

    try:
        return [c.verdict for c in verify_signatures(path, trusted)]
    except MoneytrailError as exc:
        return [exc.key]


def _last_xref_stream(data: bytes) -> int:
    """Where the signed file's last cross-reference stream object starts (the signature's
    incremental update ends with one)."""
    return data.rindex(b"\nendobj\n", 0, data.rindex(b"/Type /XRef")) + len(b"\nendobj\n")


def test_damaged_signed_files_never_pass_nor_crash(
    desk: Desk, cli: Any, signer_env: None, tmp_path: Path
) -> None:
    """Truncations, a zeroed signature, a changed byte range, the damage that once crashed the
    check (each kind of parser failure flipping every byte of a signed report found), every
    byte of the last cross-reference stream flipped, and random flips of signed bytes: each is
    refused as a damaged PDF or checked as broken; none is valid, none raises anything else,
    none reads as an unsigned file."""
    import random

    out = tmp_path / "rapport.pdf"
    _signed(desk, cli, out)
    data = out.read_bytes()
    tail = _last_xref_stream(data)
    damaged = {
        "truncated": data[: len(data) // 2],
        "no_end": data[:-300],
        "zeroed_signature": data.replace(b"/Contents <", b"/Contents <00", 1),
        "byte_range": data.replace(b"/ByteRange [", b"/ByteRange [1 ", 1),
        # AttributeError: the stream keyword gone, the cross-reference stream is a dictionary
        "xref_not_a_stream": data[:tail] + data[tail:].replace(b">>\nstream\n", b">>\nstrXam\n"),
        # AssertionError: pyHanko's own check of the object's type
        "xref_type": data[:tail] + data[tail:].replace(b"/Type /XRef", b"/Type /XRaf"),
        # NotImplementedError: a filter name with a letter changed
        "xref_filter": data[:tail] + data[tail:].replace(b"/FlateDecode", b"/FlateDecodf"),
        # the signature field's dictionary damaged: pyHanko finds no signature at all
        "field_type": data.replace(b"/FT /Sig", b"/FT /Siq", 1),
    }
    for name, variant in damaged.items():
        assert variant != data, name
    # flips in the signed bytes only: the signature's own hex string is not signed (its zero
    # padding may change without changing what was signed)
    hole = data.index(b"/Contents <") + len(b"/Contents <")
    hole_end = data.index(b">", hole)
    for at in range(tail, len(data)):
        flipped = bytearray(data)
        flipped[at] ^= 0x55
        damaged[f"tail{at}"] = bytes(flipped)
    signed = [i for i in range(len(data)) if not hole <= i <= hole_end]
    rnd = random.Random(7)
    for k in range(12):
        flipped = bytearray(data)
        for _ in range(4):
            flipped[rnd.choice(signed)] ^= 1 + rnd.randrange(255)
        damaged[f"flip{k}"] = bytes(flipped)
    outcomes = {}
    for name, content in damaged.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(content)
        outcomes[name] = _verdicts(path, [desk.pem])
    for name, verdicts in outcomes.items():
        assert verdicts and "trusted" not in verdicts and "untrusted" not in verdicts, name
    assert outcomes["byte_range"] == ["broken"]
    assert outcomes["truncated"] == ["signature.error.not_pdf"]
    for name in ("xref_not_a_stream", "xref_type", "xref_filter"):
        assert outcomes[name] == ["signature.error.not_pdf"], name
    assert outcomes["field_type"] == ["broken"]


def test_signed_revision_keeps_pdf_a_metadata_consistent(
    desk: Desk, cli: Any, signer_env: None, tmp_path: Path
) -> None:
    """PDF/A wants each document-information entry equal to its XMP twin; the signature's
    revision rewrites both, so both are read back from the file's last revision."""
    import re

    from pyhanko.pdf_utils.reader import PdfFileReader

    out = tmp_path / "rapport.pdf"
    _signed(desk, cli, out)
    with out.open("rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        info = dict(reader.trailer_view["/Info"])
        xmp = reader.root["/Metadata"].data.decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="B"', xmp)
    assert f'pdf:Producer="{info["/Producer"]}"' in xmp
    assert f'xmp:CreatorTool="{info["/Creator"]}"' in xmp
    assert f'pdf:Keywords="{info["/Keywords"]}"' in xmp and desk.ref in info["/Keywords"]
    assert f"<rdf:li>{info['/Author']}</rdf:li>" in xmp
    assert f'<rdf:li xml:lang="x-default">{info["/Title"]}</rdf:li>' in xmp
    created = re.sub(r"\D", "", str(info["/CreationDate"]))[:14]
    xmp_created = re.search(r'xmp:CreateDate="([^"]+)"', xmp)
    assert xmp_created and re.sub(r"\D", "", xmp_created.group(1))[:14] == created


def test_an_existing_key_is_never_replaced(desk: Desk) -> None:
    before = desk.key.read_bytes(), desk.pem.read_bytes()
    with pytest.raises(UsageError) as refused:
        make_identity(desk.key, "Autre unité", SECRET)
    assert refused.value.key == "signature.error.exists" and str(desk.key) in refused.value.render()
    assert (desk.key.read_bytes(), desk.pem.read_bytes()) == before
    assert desk.key.stat().st_mode & 0o777 == 0o600
