"""``element_line``: the line of an element past line 65,535, where lxml's ``sourceline`` is off
(libxml2 keeps 16 bits and reads a neighbour's line, a text node's being where it ends)."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator

import pytest
from lxml import etree

from moneytrail.model.xml import element_line, safe_xml_parser


def _element(rng: random.Random, depth: int, ids: Iterator[int], indent: int) -> str:
    """An indented element with random children, texts and blank lines before it."""
    n = next(ids)
    pad = "\n" * rng.choice([0, 0, 0, 1, 2, 40])
    if depth < 4 and rng.random() > 0.3:
        inner = "".join(
            "\n" + "  " * (indent + 1) + _element(rng, depth + 1, ids, indent + 1)
            for _ in range(rng.randint(1, 4))
        )
        return f'{pad}<e{n} id="{n}">{inner}\n{"  " * indent}</e{n}>'
    text = rng.choice(["", "v", "Traoré x", "a\nb", "محمد"])
    if text or rng.random() < 0.5:
        return f'{pad}<e{n} id="{n}">{text}</e{n}>'
    return f'{pad}<e{n} id="{n}"/>'


@pytest.mark.parametrize("seed", range(8), ids=lambda s: f"seed-{s}")
def test_every_element_gets_the_line_of_its_start_tag(seed: int) -> None:
    rng = random.Random(seed)
    ids = itertools.count()
    body = "".join("\n" + _element(rng, 0, ids, 0) for _ in range(30))
    doc = "<root>" + "\n" * rng.choice([65_400, 65_530, 70_000]) + body + "\n</root>\n"
    truth = {
        m.group(1): doc.count("\n", 0, m.start()) + 1 for m in re.finditer(r'<e\d+ id="(\d+)"', doc)
    }
    root = etree.fromstring(doc.encode("utf-8"), safe_xml_parser(huge_tree=True))
    wrong_before = 0
    for element in root.iter():
        key = element.get("id")
        if key is None:
            continue
        assert element_line(element) == truth[key], (key, element.sourceline, truth[key])
        wrong_before += element.sourceline != truth[key]
    assert wrong_before > 0  # lxml alone is off somewhere: the check above could fail


def test_lines_before_65535_are_lxml_s() -> None:
    root = etree.fromstring(b"<r>\n  <a>1</a>\n  <b/>\n</r>", safe_xml_parser())
    assert [element_line(e) for e in root.iter()] == [1, 2, 3]
