"""Arabic shaping and amount formatting for pictures (moneytrail.model.display)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from moneytrail.model import display as text
from moneytrail.model.display import exact, format_amount, has_arabic, shape_arabic, shape_label


def test_arabic_name_becomes_joined_presentation_forms_in_visual_order() -> None:
    # محمد = meem, hah, meem, dal. Joined: initial meem FEE3, medial hah FEA4, medial meem
    # FEE4, final dal FEAA; drawn right to left, so stored last-letter first.
    assert shape_arabic("محمد") == "\ufeaa\ufee4\ufea4\ufee3"
    assert not has_arabic(shape_arabic("Awa Traoré"))
    assert shape_arabic("Awa Traoré") == "Awa Traoré"


def test_each_line_is_reordered_on_its_own() -> None:
    assert shape_arabic("محمد\n8 000 XOF").split("\n") == ["\ufeaa\ufee4\ufea4\ufee3", "8 000 XOF"]


@pytest.mark.parametrize(
    ("shapes", "expected"), [(True, "محمد"), (False, "\ufeaa\ufee4\ufea4\ufee3")]
)
def test_labels_are_pre_shaped_only_for_renderers_that_do_not_shape(
    monkeypatch: pytest.MonkeyPatch, shapes: bool, expected: str
) -> None:
    monkeypatch.setattr(text, "renderer_shapes_text", lambda: shapes)
    assert shape_label("محمد") == expected


def test_installed_matplotlib_shapes_arabic_itself() -> None:
    # matplotlib >= 3.11 (pyproject) lays text out with libraqm: pre-shaping would reverse twice.
    assert text.renderer_shapes_text()


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (Decimal(8_000_000), "fr", "8\u202f000\u202f000"),
        (Decimal(8_000_000), "en", "8,000,000"),
        (Decimal("1234.50"), "fr", "1\u202f234,50"),
        (Decimal("-1234.5"), "en", "-1,234.50"),
        (Decimal("5000.00000000"), "fr", "5\u202f000"),
        (Decimal("0.12345678"), "en", "0.12345678"),
        (Decimal(999), "fr", "999"),
    ],
)
def test_amounts_are_grouped_per_language(value: Decimal, lang: str, expected: str) -> None:
    assert format_amount(value, lang) == expected


def test_exact_drops_the_storage_trailing_zeros() -> None:
    assert str(exact(Decimal("5000.00000000"))) == "5000"
    assert str(exact(Decimal("12.50000000"))) == "12.5"
    assert str(exact(Decimal("1E+3"))) == "1000"


def test_display_module_is_cheap_to_import() -> None:
    # A value module: the faces import it; matplotlib and the shaping libraries come on use.
    import subprocess
    import sys

    code = (
        "import sys, moneytrail.model.display;"
        "print(any(m in sys.modules for m in ('matplotlib', 'arabic_reshaper', 'bidi')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
