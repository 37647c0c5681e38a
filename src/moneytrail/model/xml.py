"""The one way moneytrail parses XML it is given: no entities, no DTD, no network.

Why one factory: every XML reader (ISO 20022, goAML, the goAML validator) must refuse the same
attacks (XXE, billion laughs, a DTD fetched from the network); a setting forgotten in one of
them is a hole. Readers differ only in what they may keep (comments inside values) and in how
large a text node may be (a 300 MiB multi-report goAML file needs ``huge_tree``).

>>> parser = safe_xml_parser()
>>> from lxml import etree
>>> etree.fromstring("<a>Traoré</a>".encode(), parser).text
'Traoré'
>>> etree.fromstring(b'<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>', parser).text is None
True
"""

from __future__ import annotations

from lxml import etree


def safe_xml_parser(
    *, huge_tree: bool = False, remove_comments: bool = True, remove_blank_text: bool = False
) -> etree.XMLParser:
    """A parser that resolves no entity, loads no DTD, opens no connection, drops processing
    instructions (and comments unless ``remove_comments`` is false). ``remove_blank_text``
    also drops the blank text between elements (faster, but libxml2 then loses every line past
    65,535: see :func:`element_line`)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge_tree,
        remove_comments=remove_comments,
        remove_pis=True,
        remove_blank_text=remove_blank_text,
    )


_BIG = 65_535
"""libxml2 keeps an element's line in 16 bits: from this line on it stores this value and, when
asked, reads the line of a neighbouring node instead (``xmlGetLineNo``)."""


def element_line(element: etree._Element) -> int | None:
    """The line of ``element``'s start tag, also past line 65,535 where lxml's ``sourceline``
    is off.

    Why: libxml2 (2.14) stores 65,535 for an element on a later line and answers with the line
    of a neighbour: its first child, else the node after it, else the node before it (five
    levels at most, else 65,535). A text node's line is the one where libxml2 delivered it, at
    its *end*: an element followed on the next line by its first child is reported one line
    down (every element of an indented file past line 65,535), so a long goAML report or
    sanctions list named the wrong line. Here the same walk is made, without the five-level
    limit, and the lines a text node spans are taken back off. Checked against the bytes on
    random indented documents (``tests/model/test_xml_lines.py``). Assumptions: the parser
    kept blank text (with ``remove_blank_text`` the walk lands on later elements and nothing
    can be corrected), a text node next to the element is delivered whole (true of the short
    runs of indentation between elements), and a start tag fits on one line. Where libxml2
    read the node *before* (an empty last child without text around it, compact XML) its
    answer is kept.
    """
    line = element.sourceline
    if not isinstance(line, int):
        return None
    if line < _BIG:
        return line
    found = _walk(element)
    return found if found is not None else line


def _walk(node: etree._Element) -> int | None:
    """The line of ``node`` (reported 65,535 or more) from the node libxml2 reads instead."""
    for _ in range(100_000):  # a chain of empty elements each read through the next one
        if node.text is not None:  # first child: a text node starting where the tag ends
            return _text_start(node, node.text)
        if len(node):  # first child: an element whose start tag follows at once
            return _line_at(node[0])
        if node.tail is not None:  # next node: the text after the element, on its line
            return _text_start(node, node.tail)
        after = node.getnext()
        if after is None:
            return None  # libxml2 read the node before: its answer is kept
        line = after.sourceline  # next node: an element that starts where this one ends
        if not isinstance(line, int):
            return None
        if line < _BIG:
            return line
        node = after
    return None


def _text_start(node: etree._Element, text: str) -> int | None:
    """The line where ``text`` (the text node libxml2 read for ``node``) starts: the line it
    gave ``node`` was the one where that text ended."""
    reported = node.sourceline
    if not isinstance(reported, int):
        return None
    return reported - text.count("\n")


def _line_at(node: etree._Element) -> int | None:
    line = node.sourceline
    if not isinstance(line, int):
        return None
    return line if line < _BIG else _walk(node)
