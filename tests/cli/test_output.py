"""What the CLI prints is what the data says: no markup, no emoji codes turned into pictures."""

from __future__ import annotations

import io

from moneytrail.cli.output import Output, _console


def _printed(*texts: str) -> tuple[str, str]:
    out = Output("fr")
    out.console = _console(False)
    out.err = _console(True)
    out.console.file = io.StringIO()
    out.err.file = io.StringIO()
    out.print(*texts)
    out.warn(texts[0])
    return out.console.file.getvalue(), out.err.file.getvalue()


def test_a_fingerprint_with_cd_in_it_prints_as_written() -> None:
    # A SHA-256 fingerprint in hex pairs contains ":CD:" one time in about 250; rich's emoji
    # codes are case-insensitive, so it used to print a compact-disc picture instead.
    fingerprint = "3C:86:36:75:A8:96:9F:FD:F4:07:5E:CD:C3:A3:B0:8C"
    stdout, stderr = _printed(fingerprint)
    assert fingerprint in stdout and fingerprint in stderr


def test_labels_keep_their_brackets_and_colons() -> None:
    label = "compte [Orange Money] :smile: Aïssata — عائشة"
    stdout, stderr = _printed(label)
    assert label in stdout and label in stderr
