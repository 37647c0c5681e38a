"""Which encoding a text file is in, decided the same way for every reader.

Why a fixed order instead of a statistical guess: the files an FIU in the Sahel receives are
UTF-8 (recent exports), Windows-1252 (Excel and bank software on French Windows) or, rarely,
Latin-1. A statistical detector given a short French text picks encodings of other regions
(CP775, CP850, KOI8-R...) and garbles accented headers and names without a word. So:

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. else strict UTF-8; a text that is UTF-8 but for a few damaged bytes (most of its non-ASCII
   bytes form valid UTF-8 sequences) stays UTF-8, so the reader refuses it at the damaged
   byte's line instead of garbling every accented name as Windows-1252;
3. else Windows-1252, when every byte is defined in it. It also reads Latin-1 text exactly:
   the two differ only on bytes 0x80-0x9F, which are control characters in Latin-1 and never
   appear in a Latin-1 text;
4. else (bytes CP1252 leaves undefined: 0x81, 0x8D, 0x8F, 0x90, 0x9D) the text comes from
   older software: CP850, the DOS code page of French Windows consoles and of bank exports
   written by DOS-era programs, is taken when what it decodes is plausible text (the
   characters beyond ASCII are letters, not box-drawing graphics);
5. else the file is refused as unreadable, and the analyst names the encoding.

No statistical detector is used: on short French texts they pick Cyrillic or Baltic code pages.
The encoding chosen is recorded with the source (``sources.mapping``) so the analyst sees it.

An analyst with a file in another encoding says so (``encoding:`` in the mapping, or
``--encoding``); that is then the only one tried. Decision 0125 records this rule.

>>> guess_encoding("Expéditeur".encode("cp1252"))
'cp1252'
>>> guess_encoding("Expéditeur".encode("utf-8"))
'utf-8'
>>> guess_encoding("\ufeffDate".encode("utf-16"))
'utf-16'
"""

from __future__ import annotations

import codecs
import re

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACKS = ("utf-8", "cp1252")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH = re.compile(rb"[\x80-\xff]")
LEGACY = "cp850"
# Share of the non-ASCII characters a legacy decoding must turn into letters to be believed.
PLAUSIBLE_LETTERS = 0.9


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` announces, else ``None``."""
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name
    return None


def is_binary(data: bytes) -> bool:
    """NUL bytes in a text without a UTF-16/32 byte-order mark: not a text file."""
    return b"\x00" in data[:4096] and bom_encoding(data) not in ("utf-16", "utf-32")


def guess_encoding(data: bytes, truncated: bool = False) -> str | None:
    """The encoding of ``data`` by the fixed order above, ``None`` when none fits.

    ``truncated``: ``data`` is a sample cut from a longer file, so its last character may be
    incomplete (at most 3 bytes are ignored when testing UTF-8).
    """
    announced = bom_encoding(data)
    if announced:
        return announced
    for name in FALLBACKS:
        if decodes(data, name, truncated):
            return name
        if name == "utf-8" and damaged_utf8(data):
            return name
    beyond = [c for c in data.decode(LEGACY) if ord(c) > 127]
    letters = sum(c.isalpha() for c in beyond)
    return LEGACY if letters >= PLAUSIBLE_LETTERS * len(beyond) else None


def damaged_utf8(data: bytes) -> bool:
    """Whether most non-ASCII bytes of ``data`` form UTF-8 sequences (UTF-8 with a few bad
    bytes, not a single-byte encoding: French CP1252 text has lone accented bytes).

    >>> damaged_utf8("Aïssata Maïga".encode() + bytes([255]))
    True
    >>> damaged_utf8("Maïga".encode("cp1252"))
    False
    """
    high = len(_HIGH.findall(data))
    in_sequences = sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    return high > 0 and in_sequences >= 0.8 * high


def decodes(data: bytes, encoding: str, truncated: bool = False) -> bool:
    """Whether ``data`` is valid ``encoding`` (a cut last character tolerated if truncated)."""
    for cut in range(4 if truncated else 1):
        try:
            data[: len(data) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` of a whole file: ``encoding`` if given (strict), else the guess.

    Raises ``UnicodeDecodeError`` (or ``LookupError`` for an unknown name) when the given
    encoding does not fit or no encoding of the fixed order does.
    """
    name = encoding or guess_encoding(data)
    if name is None:
        raise UnicodeDecodeError("utf-8/cp1252", data[:1], 0, 1, NOT_WESTERN)
    return data.decode(name), codecs.lookup(name).name


NOT_WESTERN = "neither UTF-8 nor Windows-1252/Latin-1: give the file's encoding"


def sniff_text(head: bytes) -> str:
    """The first bytes of a file as text for format sniffing, in the encoding of the fixed order.

    Never fails: a cut last character or undecodable bytes become U+FFFD (a sniffer only needs
    the header line).
    """
    name = guess_encoding(head, truncated=True) or "cp1252"
    return head.decode(name, errors="replace").lstrip("\ufeff")
