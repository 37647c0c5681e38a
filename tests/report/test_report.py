"""The investigation report, looked at the way a reader does: every page of the PDF rendered
to an image and its text extracted (pypdfium2), in French and in English, and the HTML file.

One case is built once for the module from the shipped samples (rules run): a subject, an
alert, a trace, a network picture, a source row, notes in French and Arabic, a task, and the
dissemination approved by a supervisor, who then writes the reports."""

from __future__ import annotations

import contextlib
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest

from moneytrail.api import Seed, Workspace
from moneytrail.api.cases import CaseDesk
from moneytrail.api.report import ReportWritten, write_report
from moneytrail.model.display import THIN_SPACE
from moneytrail.report import ReportData, render_html
from tests.conftest import REPO

SAMPLES = REPO / "src" / "moneytrail" / "samples"
PHONE = "+223 76 12 34 56"
NOTE = "Retraits à Gao — محمد عبد الله"
PASSWORDS = {"fatou": "fatou : une longue phrase", "awa": "awa : une autre phrase"}
PASSWORDS["moussa"] = "moussa : encore une phrase"
PREVIEW = REPO / "build" / "report-preview"
NBSP = "\u00a0"
MM = 72 / 25.4  # PDF points per millimetre


@dataclass
class Story:
    workspace: Path
    url: str
    ref: str
    source_sha256: str
    reports: dict[str, ReportWritten]
    seconds: float


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    import time

    root = tmp_path_factory.mktemp("report")
    folder = root / "enquete"
    with Workspace.init(folder) as ws:
        ws.ingest(
            [SAMPLES / "releve_bdm_2024-03.camt053.xml", SAMPLES / "orange_money_2024-03.csv"]
        )
        ws.rules.run()
    url = f"sqlite:///{root}/cases.sqlite"
    with CaseDesk.for_workspace(folder, url) as desk:
        desk.add_user(None, "fatou", "head", "Fatou Keïta", PASSWORDS["fatou"])
        fatou = desk.login("fatou", PASSWORDS["fatou"])
        desk.add_user(fatou, "awa", "analyst", "Awa Traoré", PASSWORDS["awa"])
        desk.add_user(fatou, "moussa", "supervisor", "Moussa Diarra", PASSWORDS["moussa"])
        awa = desk.login("awa", PASSWORDS["awa"])
        ref = desk.new(awa, "Collecte Tombouctou", "Dépôts fractionnés à Gao", str(folder)).ref
        with Workspace.open(folder, read_only=True) as ws:
            alert = ws.alerts.list().alerts[0].id
            source = ws.info().sources[1]["id"]
            desk.add_subject(awa, ref, ws, PHONE)
            desk.add_alert(awa, ref, ws, alert, lang="fr")
            desk.add_trace(awa, ref, ws, Seed(accounts=(PHONE,)))
            desk.add_picture(awa, ref, ws, PHONE)
            added = desk.add_source_row(awa, ref, ws, source, 2)
        desk.note(awa, ref, NOTE)
        desk.add_task(awa, ref, "Relevés BDM", "2026-12-31")
        for step in ("in_analysis", "proposed"):
            desk.set_status(awa, ref, step)
        moussa = desk.login("moussa", PASSWORDS["moussa"])
        desk.set_status(moussa, ref, "disseminated", "RD 117")
        reports: dict[str, ReportWritten] = {}
        with Workspace.open(folder, read_only=True) as ws:
            started = time.perf_counter()
            reports["fr"] = write_report(desk, moussa, ref, ws, root / "rapport.pdf", "fr")
            seconds = time.perf_counter() - started
            reports["en"] = write_report(desk, moussa, ref, ws, root / "report.pdf", "en")
            reports["html"] = write_report(desk, moussa, ref, ws, root / "r.html", "fr", "html")
    return Story(folder, url, ref, str(added.payload["source"]["sha256"]), reports, seconds)


@dataclass
class Page:
    text: str
    width: float
    height: float
    boxes: list[tuple[str, float, float, float, float]]
    image_objects: int
    picture: Any


def read_pages(path: Path) -> list[Page]:
    """Every page: its text, its characters' boxes, its image count, its rendering."""
    pages: list[Page] = []
    document = pdfium.PdfDocument(path)
    for page in document:
        text = page.get_textpage()
        count = text.count_chars()
        boxes = [(text.get_text_range(i, 1), *text.get_charbox(i)) for i in range(count)]
        images = sum(1 for _ in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
        pages.append(
            Page(
                text.get_text_bounded(),
                page.get_width(),
                page.get_height(),
                boxes,
                images,
                page.render(scale=1).to_pil(),
            )
        )
    return pages


def flat(pages: list[Page]) -> str:
    """The text of all pages, ASCII white space collapsed (narrow and no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", " ".join(p.text for p in pages))


def test_french_report_reads_in_french(story: Story) -> None:
    done = story.reports["fr"]
    pages = read_pages(Path(done.path))
    assert done.pages == len(pages) >= 4 and done.sha256 and done.bytes > 10_000
    text = flat(pages)
    for title in (
        "1. Synthèse",
        "2. Personnes et comptes en cause",
        "3. Flux tracés",
        "4. Réseau",
        "5. Chronologie des transactions clés",
        "6. Alertes et criblage",
        "7. Notes de l'analyste",
        "8. Sources et pièces",
        "Annexe — extrait du journal d'audit",
    ):
        assert title in text, title
    for page in pages:  # the running header and the page number on every page
        assert story.ref in page.text and "CONFIDENTIEL" in page.text
    assert re.search(rf"Page \d / {len(pages)}", text)
    assert f"3{THIN_SPACE}472{THIN_SPACE}500{NBSP}XOF" in text  # the trace's seed, the French way
    assert f"89,7{NBSP}%" in text  # a share with a decimal comma
    assert re.search(r"\d{1,2} décembre 2026 à \d\d:\d\d UTC", text)
    assert "7 mars 2024" in text
    assert story.source_sha256 in text.replace(" ", "")
    assert "Retraits à Gao" in text and "محمد" in text and "عبد" in text
    assert "Détournement d'association" in text  # the alert and its explanation
    assert "case.disseminate" in text and "RD 117" in text  # the audit annex, the approval
    PREVIEW.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, 1):
        page.picture.save(PREVIEW / f"rapport-fr-{number}.png")


def test_english_report_reads_in_english(story: Story) -> None:
    text = flat(read_pages(Path(story.reports["en"].path)))
    for title in ("1. Summary", "3. Traced flows", "Annex — audit trail extract", "CONFIDENTIAL"):
        assert title in text
    assert f"3,472,500{NBSP}XOF" in text and "89.7%" in text
    assert re.search(r"2026-12-\d\d \d\d:\d\d UTC", text) and "2024-03-07" in text
    assert "décembre" not in text


def test_charts_and_the_picture_are_drawn(story: Story) -> None:
    """The network picture is an image object; the Sankey and the timeline are vector
    drawings: their pages hold many path objects and non-white pixels around the captions."""
    document = pdfium.PdfDocument(story.reports["fr"].path)
    pages = read_pages(Path(story.reports["fr"].path))
    texts = [p.text for p in pages]
    network = next(i for i, t in enumerate(texts) if "Réseau autour de" in t)
    assert pages[network].image_objects >= 1
    for caption in ("Diagramme de Sankey", "Chaque trait est une transaction"):
        index = next(i for i, t in enumerate(texts) if caption in t)
        paths = sum(1 for _ in document[index].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_PATH]))
        assert paths >= 10, (caption, paths)
        grey = pages[index].picture.convert("L")
        assert sum(grey.histogram()[:200]) > 2_000  # ink, not a blank frame


def test_nothing_overflows_the_printable_area(story: Story) -> None:
    """Every character lies inside the page, within the margins of the A4 layout (16 mm at the
    sides; the running header and footer sit in the top and bottom margins)."""
    for key in ("fr", "en"):
        for number, page in enumerate(read_pages(Path(story.reports[key].path)), 1):
            assert abs(page.width - 210 * MM) < 1 and abs(page.height - 297 * MM) < 1
            for char, left, bottom, right, top in page.boxes:
                if not char.strip():
                    continue
                assert left >= 16 * MM - 1 and right <= page.width - 16 * MM + 1, (
                    key,
                    number,
                    char,
                    left,
                    right,
                )
                assert bottom >= 5 * MM and top <= page.height - 5 * MM, (key, number, char)


def xmp_packets(raw: bytes) -> list[bytes]:
    """The document's metadata streams, inflated."""
    found = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        body = match.group(1)
        with contextlib.suppress(zlib.error):
            body = zlib.decompress(body)
        if b"x:xmpmeta" in body or b"<rdf:RDF" in body:
            found.append(body)
    return found


def test_the_pdf_declares_pdf_a_and_its_metadata(story: Story) -> None:
    packets = xmp_packets(Path(story.reports["fr"].path).read_bytes())
    assert packets and any(b"pdfaid" in p for p in packets)
    xmp = b"".join(packets).decode("utf-8", "replace")
    assert re.search(r"pdfaid:part(>|=\")3", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp)
    document = pdfium.PdfDocument(story.reports["fr"].path)
    meta = document.get_metadata_dict()
    assert story.ref in meta["Title"] and meta["Author"] == "moussa" and meta["CreationDate"]


def test_the_html_file_stands_alone(story: Story) -> None:
    html = Path(story.reports["html"].path).read_text(encoding="utf-8")
    assert story.reports["html"].pages is None
    assert "<svg" in html and "data:image/png;base64," in html and "<style>" in html
    assert 'src="http' not in html and "<link" not in html
    assert NOTE in html and story.source_sha256 in html and "1. Synthèse" in html


def test_report_from_the_command_line(
    story: Story, cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MONEYTRAIL_PASSWORD", PASSWORDS["awa"])
    out = tmp_path / "dossier.html"
    common = ["-w", str(story.workspace), "--cases-url", story.url, "--as", "awa"]
    done = cli(
        "--lang",
        "en",
        "report",
        "--case",
        story.ref,
        "--out",
        out,
        "--format",
        "html",
        *common,
        "--json",
    )
    assert done.code == 0, done.err
    assert done.json()["lang"] == "en" and done.json()["path"] == str(out)
    html = out.read_text(encoding="utf-8")
    # an analyst may not read the audit trail: the annex gives the case's history instead
    assert "readable by a supervisor" in html and "Investigation report" in html
    refused = cli("report", "--case", story.ref, "--out", out, "--format", "docx", *common)
    assert refused.code != 0


def test_screening_findings_and_resolutions_are_explained() -> None:
    case = {
        "ref": "D-2026-0042",
        "title": "Criblage",
        "status": "open",
        "evidence": [
            {
                "id": 1,
                "kind": "screening",
                "title": "x",
                "payload": {
                    "query": "Mohamed Ould Abdallah",
                    "matched_name": "محمد ولد عبد الله",
                    "score": 0.93,
                    "status": "confirmed",
                    "analyst_note": "Même date de naissance",
                    "version_id": "un-2026-11",
                },
            },
            {
                "id": 2,
                "kind": "resolution",
                "title": "y",
                "payload": {"cluster": {"names": ["Awa Traoré", "TRAORE Awa"]}, "decisions": [{}]},
            },
        ],
    }
    data = ReportData.from_case(case, lang="fr", generated_by="fatou", trail=[])
    html = render_html(data)
    assert "Mohamed Ould Abdallah" in html and "0,93" in html and "Même date de naissance" in html
    assert "Awa Traoré = TRAORE Awa" in html and "1 décision(s)" in html
