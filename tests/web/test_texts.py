"""Every text a template or a web module asks for exists in French and English."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from moneytrail.i18n import catalogue

WEB = Path(str(resources.files("moneytrail.web")))
LITERAL = re.compile(r"""\bt(?:ranslate)?\(\s*["'](web\.[A-Za-z0-9_.]+)["']""")


def test_every_literal_key_of_the_web_layer_is_in_the_catalogue() -> None:
    known = catalogue()
    missing = []
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        for key in LITERAL.findall(path.read_text("utf-8")):
            if key not in known and not key.endswith("."):  # "web.x." ~ value: a family
                missing.append(f"{path.relative_to(WEB)}: {key}")
    assert not missing, "\n".join(missing)
    assert {"fr", "en"} <= set(known["web.nav.alerts"])
