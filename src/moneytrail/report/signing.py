"""The report's signature (PAdES) and the check of a signed report, both offline.

Why: a prosecutor or a partner FIU who receives a report must be able to tell who issued it and
that not one byte changed since. The SHA-256 the case's trail records proves it only to someone
who can read that trail; a signature inside the PDF travels with the file and any PDF reader
shows it.

Decisions (docs/decisions/0147-signed-reports.md):

* The unit's key is a PKCS#12 file (``.p12`` / ``.pfx``), from its own PKI or made by
  :func:`make_identity` (``moneytrail signature key``): a self-signed certificate, whose SHA-256
  fingerprint partners compare with the one the unit gave them by another channel.
* PAdES baseline B-B, SHA-256: no timestamp authority, no revocation data fetched (no network);
  the signing time is the signer's own clock, and says so.
* The signature is an incremental update appended to the PDF/A-3b report: the report's bytes
  are kept as they are, in front of the signature.
* A check (:func:`verify_pdf`) says, per signature: whether the signed bytes are intact, whether
  the signature is mathematically valid, whether the signer's certificate is one the reader
  trusts (``trusted``: certificates given by the reader, never the system's store) and whether
  anything was added to the file after signing. Revocation is not checked (offline).

Example::

    make_identity(Path("centif.p12"), "CENTIF Mali", "secret", country="ML")
    identity = load_identity(Path("centif.p12"), "secret")
    sign_pdf(Path("rapport.pdf"), Path("rapport-signe.pdf"), identity, "Dossier D-2026-0001")
    [check] = verify_pdf(Path("rapport-signe.pdf"), trusted=[Path("centif.pem")])
    check.verdict  # "trusted"
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moneytrail.errors import BadInputError, UsageError

__all__ = [
    "FIELD",
    "Identity",
    "SignatureCheck",
    "load_identity",
    "make_identity",
    "sign_pdf",
    "verify_pdf",
]

FIELD = "moneytrail"  # the signature field's name in the PDF


@dataclass(frozen=True)
class Identity:
    """A loaded signing key: the signer object pyHanko uses, the certificate's subject and
    the SHA-256 fingerprint of the certificate (hex, upper case, as PDF readers show it)."""

    signer: Any
    subject: str
    fingerprint: str


@dataclass(frozen=True)
class SignatureCheck:
    """What a reader learns from one signature of a PDF.

    ``verdict``: ``trusted`` (intact, valid, signer trusted, nothing added after), ``untrusted``
    (intact and valid, but the certificate is not one the reader said it trusts: compare its
    fingerprint), ``modified`` (valid for what it signed, but bytes were added after it) or
    ``broken`` (the signed bytes changed or the signature does not verify)."""

    field: str
    signer: str
    fingerprint: str
    signed_at: str | None
    reason: str | None
    location: str | None
    intact: bool
    valid: bool
    trusted: bool
    whole_file: bool
    verdict: str
    detail: str | None = None


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate, as ``AB:CD:…`` (the form PDF readers and OpenSSL print)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def subject_of(cert: Any) -> str:
    """The certificate's common name, with its country when it has one: ``CENTIF Mali (ML)``
    (the whole subject when it has no common name)."""
    native = cert.subject.native
    name = native.get("common_name")
    if not name:
        return str(cert.subject.human_friendly)
    country = native.get("country_name")
    return f"{name} ({country})" if country else str(name)


def make_identity(
    out: Path,
    name: str,
    passphrase: str,
    *,
    country: str | None = None,
    days: int = 3 * 365,
) -> tuple[Path, str]:
    """Write a new signing key with a self-signed certificate to ``out`` (PKCS#12, protected by
    ``passphrase``) and the certificate alone beside it (``out`` with ``.pem``), to hand to
    partners; returns the certificate's path and its fingerprint.

    The key is ECDSA P-256 (small signatures, every PDF reader verifies it). ``name`` is the
    certificate's common name (the unit, e.g. "CENTIF Mali"); any script is kept (UTF-8). An
    existing file at either path is never replaced; the key file is readable by its owner only.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    pem = out.with_suffix(".pem")
    for path in (out, pem):  # a unit's key is never replaced by mistake
        if path.exists():
            raise UsageError("signature.error.exists", path=str(path))
    if not name.strip():
        raise UsageError("signature.error.no_name")
    if len(name.strip()) > 64:  # X.520's upper bound for a common name
        raise UsageError("signature.error.long_name", value=name.strip())
    if len(passphrase) < 8:
        raise UsageError("signature.error.short_passphrase")
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name.strip())]
    if country:
        if len(country) != 2 or not country.isalpha():
            raise UsageError("signature.error.bad_country", value=country)
        attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, country.upper()))
    subject = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    _check_name(cert.public_bytes(serialization.Encoding.DER), name.strip())
    encryption = serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
    data = pkcs12.serialize_key_and_certificates(
        name.strip().encode("utf-8"), key, cert, None, encryption
    )
    from moneytrail.files.outputs import atomic_output

    with atomic_output(out) as part:
        part.write_bytes(data)
    out.chmod(0o600)  # the key is encrypted, and readable by its owner alone all the same
    with atomic_output(pem) as part:
        part.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return pem, fingerprint(cert.public_bytes(serialization.Encoding.DER))


def _check_name(der: bytes, name: str) -> None:
    """Refuse a name the checks of a signature could not compare with itself: LDAP string
    preparation (RFC 4518) forbids right-to-left letters beside left-to-right ones in one
    value, so ``CENTIF محمد`` would make every signature of the key fail to verify."""
    from asn1crypto import x509

    cert = x509.Certificate.load(der)
    try:
        cert.subject == cert.issuer  # noqa: B015 - the comparison prepares both names
    except ValueError as exc:
        raise UsageError("signature.error.mixed_scripts", value=name) from exc


def load_identity(path: Path, passphrase: str | None) -> Identity:
    """The signing key in the PKCS#12 file ``path``; a clear error when the file is missing,
    is not PKCS#12 or the passphrase is wrong (the two cannot be told apart)."""
    from pyhanko.sign import signers

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError("signature.error.key_unreadable", path=str(path), detail=str(exc)) from exc
    secret = passphrase.encode("utf-8") if passphrase is not None else None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=secret)
    except ValueError as exc:
        raise UsageError("signature.error.key_locked", path=str(path)) from exc
    cert = signer.signing_cert
    return Identity(signer, subject_of(cert), fingerprint(cert.dump()))


def sign_pdf(
    source: Path, target: Path, identity: Identity, reason: str, location: str | None = None
) -> None:
    """Append a PAdES signature of ``source`` by ``identity`` and write the result to ``target``
    (a file the caller writes atomically; ``source`` is left as it is)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    with source.open("rb") as handle, target.open("wb") as out:
        writer = IncrementalPdfFileWriter(handle, strict=False)
        _same_producer(writer)
        signers.sign_pdf(writer, meta, signer=identity.signer, output=out)


def _same_producer(writer: Any) -> None:
    """Keep the signed revision's metadata PDF/A-consistent: pyHanko rewrites the XMP with
    ``pdf:Producer`` = its own name but appends its name to the document information's
    ``/Producer``, and PDF/A wants the two equal. Naming pyHanko alone in both (the last tool
    that wrote the file) keeps every other entry as WeasyPrint wrote it."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    try:
        old = writer.prev.trailer_view["/Info"]
    except KeyError:
        return
    info = generic.DictionaryObject({key: value for key, value in old.items()})  # type: ignore[no-untyped-call]
    info[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
    writer.set_info(info)


def _trust_roots(paths: Sequence[Path]) -> list[Any]:
    """Certificates (PEM or DER; several per PEM file) the reader trusts."""
    from asn1crypto import pem, x509

    roots: list[Any] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError("signature.error.trust_unreadable", path=str(path)) from exc
        try:
            if pem.detect(data):
                roots += [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, True)]
            else:
                roots.append(x509.Certificate.load(data))
            for cert in roots:
                cert.native  # noqa: B018 - parse now: a bad file fails here, not in the check
        except (ValueError, TypeError) as exc:
            raise UsageError("signature.error.trust_unreadable", path=str(path)) from exc
    return roots


def verify_pdf(path: Path, trusted: Sequence[Path] = ()) -> list[SignatureCheck]:
    """Check every signature of the PDF ``path`` (none: an empty list), trusting only the
    certificates in ``trusted``; never fetches anything.

    A file that cannot be read as a PDF (truncated, damaged, not a PDF) is refused; a signature
    whose check fails for any reason of its content (damaged signature data, a signed range
    that does not add up, a stream that does not inflate) is ``broken``, with the reason. A file
    that still holds a signature's byte range but whose signature pyHanko no longer finds (its
    form field or signature dictionary damaged) is one ``broken`` signature, not "unsigned": a
    recipient must learn that a signed report was altered, not that it never was signed."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = _trust_roots(trusted)
    try:
        with path.open("rb") as handle, _quiet():
            # pyHanko parses bytes an attacker or a damaged disk may have changed anywhere, and
            # what it raises then is not a closed set: PdfError, ValueError, KeyError, zlib.error,
            # but also AttributeError (a cross-reference stream read as a plain dictionary),
            # AssertionError (its own "/Type /XRef" check), NotImplementedError (a filter name
            # with a flipped letter), all seen by flipping every byte of a signed report. Any
            # exception from the parser means the file is damaged; only pyHanko runs here.
            try:
                signatures = list(PdfFileReader(handle, strict=False).embedded_signatures)
            except Exception as exc:
                raise BadInputError(
                    "signature.error.not_pdf", path=str(path), detail=_reason(exc)
                ) from exc
            if not signatures and _holds_byte_range(path):
                return [_lost_signature()]
            checks = []
            for signature in signatures:
                context = ValidationContext(
                    trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
                )
                try:
                    status = validate_pdf_signature(signature, context)
                except Exception as exc:  # the signature's own bytes are damaged: not valid
                    checks.append(_unverifiable(signature, _reason(exc)))
                    continue
                checks.append(_check(signature, status))
            return checks
    except OSError as exc:
        raise UsageError("signature.error.unreadable", path=str(path), detail=str(exc)) from exc


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*\d+\s+\d+\s+\d+\s+\d+\s*\]")


def _holds_byte_range(path: Path) -> bool:
    """Whether the file still holds a signature's byte range (``/ByteRange [a b c d]``, which
    only a signature dictionary carries)."""
    return _BYTE_RANGE.search(path.read_bytes()) is not None


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _lost_signature() -> SignatureCheck:
    """The one check of a signed file whose signature can no longer be found."""
    return _broken({"field": "", "reason": None, "location": None}, None)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko logs an untrusted certificate as a warning with a traceback; the check reports
    it in its own words, so those loggers are silenced while it runs."""
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _unverifiable(signature: Any, detail: str) -> SignatureCheck:
    """A signature whose structure does not verify (wrong certificate reference, damaged
    signed attributes): broken, with pyHanko's reason."""
    return _broken(_named(signature), detail)


def _broken(named: dict[str, Any], detail: str | None) -> SignatureCheck:
    return SignatureCheck(
        **named,
        signer="",
        fingerprint="",
        signed_at=None,
        intact=False,
        valid=False,
        trusted=False,
        whole_file=False,
        verdict="broken",
        detail=detail,
    )


def _check(signature: Any, status: Any) -> SignatureCheck:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    cert = status.signing_cert
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact, valid, trusted = bool(status.intact), bool(status.valid), bool(status.trusted)
    if not (intact and valid):
        verdict = "broken"
    elif not whole:
        verdict = "modified"
    else:
        verdict = "trusted" if trusted else "untrusted"
    when = status.signer_reported_dt
    return SignatureCheck(
        **_named(signature),
        signer=subject_of(cert) if cert is not None else "",
        fingerprint=fingerprint(cert.dump()) if cert is not None else "",
        signed_at=when.isoformat() if when is not None else None,
        intact=intact,
        valid=valid,
        trusted=trusted,
        whole_file=whole,
        verdict=verdict,
    )


def _named(signature: Any) -> dict[str, Any]:
    """The signature's field, and the reason and place its signer wrote in it."""
    sig = signature.sig_object
    reason, location = sig.get("/Reason"), sig.get("/Location")
    return {
        "field": str(signature.field_name),
        "reason": None if reason is None else str(reason),
        "location": None if location is None else str(location),
    }
