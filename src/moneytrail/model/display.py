"""Text as a picture or a table shows it: Arabic joined and right to left, amounts grouped the
French or English way, stored amounts without their storage's trailing zeros.

Why here, among the value types: the Sankey diagram (``moneytrail.flows``), the network
pictures (``moneytrail.network``) and the faces all show names and amounts the same way, and
the network must not depend on the flows package to do so (decision 0127).

Arabic names (عبد الله, محمد) are everywhere in Sahel files. A renderer that draws characters
one by one, left to right, shows them as isolated letters in the wrong order. Matplotlib 3.11
lays text out with libraqm (shaping and bidi), so raw Arabic already comes out right there;
*pre-shaped* text would then be reversed a second time (checked by rendering, see decision
record 0114). So :func:`shape_label` pre-shapes only when the renderer does not shape:
``arabic_reshaper`` picks the joined presentation forms and ``python-bidi`` puts them in visual
order (both used unmodified; python-bidi is LGPL-3.0). Those libraries and matplotlib are
imported on first use only, so that importing this module stays cheap.

Assumptions: only text containing Arabic letters is touched (Latin text goes through as is);
the result is for drawing only, never for storage or comparison.

Example::

    shape_arabic("محمد")                    # presentation forms, visual (right-to-left) order
    format_amount(Decimal(8000000), "fr")   # "8 000 000" with narrow no-break spaces
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

__all__ = [
    "THIN_SPACE",
    "exact",
    "format_amount",
    "has_arabic",
    "renderer_shapes_text",
    "shape_arabic",
    "shape_label",
]

# Arabic, Arabic Supplement, Arabic Extended-A and the presentation-form blocks.
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# The thousands separator of French typography (espace fine insécable); DejaVu Sans has it.
THIN_SPACE = "\u202f"


def has_arabic(text: str) -> bool:
    """Whether ``text`` holds at least one Arabic letter."""
    return bool(_ARABIC.search(text))


@cache
def renderer_shapes_text() -> bool:
    """Whether matplotlib lays out complex scripts itself (built with libraqm, 3.11 and later)."""
    from matplotlib import ft2font

    return getattr(ft2font, "__libraqm_version__", None) is not None


def shape_arabic(text: str) -> str:
    """Arabic letters of ``text`` joined and put in visual order, line by line (a bidi pass
    over a multi-line label would swap its lines); for renderers that do neither."""
    if not has_arabic(text):
        return text
    import arabic_reshaper
    from bidi import get_display

    return "\n".join(str(get_display(arabic_reshaper.reshape(line))) for line in text.split("\n"))


def shape_label(text: str) -> str:
    """``text`` ready for matplotlib: as is when the renderer shapes, else :func:`shape_arabic`.

    Shape a name *before* adding Latin parts such as a country code, so that the parentheses
    of ``"name (NE)"`` stay where a left-to-right label puts them."""
    return text if renderer_shapes_text() else shape_arabic(text)


def exact(value: Decimal) -> Decimal:
    """``value`` without trailing zeros after the point and never in exponent form: the
    workspace stores amounts with 8 decimals, so a sum of XOF reads ``5000.00000000``.

    >>> exact(Decimal("5000.00000000")), exact(Decimal("12.50000000"))
    (Decimal('5000'), Decimal('12.5'))
    """
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_amount(value: Decimal, lang: str) -> str:
    """``value`` with grouped thousands: ``8 000 000`` (fr, narrow spaces) or ``8,000,000``
    (en); a whole amount has no fraction (XOF has no minor unit), any other keeps at least two
    decimals and drops the storage's trailing zeros (``1 234,50``; decimal comma in French)."""
    sign = "-" if value < 0 else ""
    shown = exact(abs(value))
    exponent = shown.as_tuple().exponent
    if isinstance(exponent, int) and exponent < 0:
        shown = shown.quantize(Decimal(1).scaleb(min(exponent, -2)))
    whole, _, fraction = f"{shown:f}".partition(".")
    grouped = f"{int(whole):,}"
    if lang == "fr":
        return sign + grouped.replace(",", THIN_SPACE) + ("," + fraction if fraction else "")
    return sign + grouped + ("." + fraction if fraction else "")
