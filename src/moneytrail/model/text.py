"""Text rules the value types share in Python and in SQL: which characters are blanks, and how a
constant text chosen by the code is written into SQL.

Why one list of blanks: Python's ``str.split()`` and ``\\s`` know 29 white-space characters
(no-break space, narrow no-break space, ideographic space...), an SQL engine's ``\\s`` and
``trim`` know fewer (RE2's ``\\s`` is ``[\\t\\n\\f\\r ]``). A value rule that removes blanks in both
languages names :data:`BLANKS` in both, so that a thin space pasted from a PDF is a blank on
either side.

>>> sql_text("l'an")
"'l''an'"
"""

from __future__ import annotations

BLANKS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character for which Python's ``str.isspace()`` is true (tested), in code-point order."""


def sql_text(text: str) -> str:
    """``text`` as an SQL string literal (quotes doubled).

    Only for constants chosen by the code (character lists, regular expressions); user values
    are bound parameters.
    """
    return "'" + text.replace("'", "''") + "'"
