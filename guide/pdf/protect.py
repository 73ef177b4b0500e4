"""Turn finished PDFs into copies that open only with a password (AES-256), and find that password.

Encryption is the very last step of a build: its salts and keys are random, so an encrypted
file differs from run to run while every other file of the edition stays byte-reproducible.
The password is never printed, logged or put in a message.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import unicodedata
from collections.abc import Collection, Mapping
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from guide.errors import GuideError, Location, Problem
from guide.pdf.assemble import Edition, write_output

PASSWORD_VARIABLE = "GUIDE_KEY_PASSWORD"
PROTECTED_ROLES = ("answer_key", "complete")  # every file that holds the answers
ALGORITHM = "AES-256"  # PDF 2.0's AES-256 (revision 6), not RC4 (pypdf's default) nor the older R5


def read_password(file: Path | None, environ: Mapping[str, str] | None = None) -> str:
    """The password from `file` (one trailing newline dropped) or else $GUIDE_KEY_PASSWORD; never empty."""
    where = Location("guide")
    if file is not None:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise GuideError(
                [Problem(Location(str(file)), f"cannot read the password file: {reason}")]
            ) from None
        try:
            password = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise GuideError([Problem(Location(str(file)), "the password file is not UTF-8 text")]) from None
        password = password.removesuffix("\n").removesuffix("\r")
        if not password:
            raise GuideError([Problem(Location(str(file)), "the password file is empty")])
        _check_typable(password, Location(str(file)), "the password file")
        return password
    password = (os.environ if environ is None else environ).get(PASSWORD_VARIABLE, "")
    if not password:
        raise GuideError(
            [
                Problem(
                    where,
                    f"--protect-key needs a password: set {PASSWORD_VARIABLE} or give --password-file FILE",
                )
            ]
        )
    _check_typable(password, Location(PASSWORD_VARIABLE), PASSWORD_VARIABLE)
    return password


def _check_typable(password: str, where: Location, source: str) -> None:
    """A password nobody could type into a PDF reader (a second line, a tab) is refused, unshown."""
    bad = next((c for c in password if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")), None)
    if bad is not None:
        raise GuideError(
            [
                Problem(
                    where,
                    f"{source} holds a character no one can type as a password (U+{ord(bad):04X});"
                    " give the password alone, on one line",
                )
            ]
        )


def owner_password(password: str) -> str:
    """The owner password, derived from the user password so that whoever set it can recover it."""
    return hashlib.sha256(f"guide owner password\0{password}".encode()).hexdigest()


def encrypt(data: bytes, password: str) -> bytes:
    """The same PDF, encrypted with AES-256: it opens with `password` and not without."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    # pypdf logs its password normalisation (SASLprep) warnings itself; only the CLI speaks.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        writer.encrypt(user_password=password, owner_password=owner_password(password), algorithm=ALGORITHM)
    finally:
        pypdf_log.setLevel(level)
    out = io.BytesIO()
    writer.write(out)
    encrypted = out.getvalue()
    _check(encrypted, data, password)
    return encrypted


def protect(edition: Edition, password: str, roles: Collection[str] = PROTECTED_ROLES) -> Edition:
    """The edition with the files of the given roles encrypted in place; the others unchanged."""
    files = []
    for plain in edition.files:
        if plain.role not in roles:
            files.append(plain)
            continue
        encrypted = encrypt(plain.path.read_bytes(), password)
        # A new file, not the old one rewritten: it may be linked from elsewhere.
        plain.path.unlink()
        files.append(write_output(plain.role, plain.path, encrypted, plain.pages))
    return Edition(edition.guide, tuple(files))


def _check(encrypted: bytes, plain: bytes, password: str) -> None:
    """Read the encrypted file back: it must refuse to open without the password and open with it."""
    reader = PdfReader(io.BytesIO(encrypted))
    locked = reader.is_encrypted and not reader.decrypt("")
    opened = bool(reader.decrypt(password))
    if not (locked and opened and len(reader.pages) == len(PdfReader(io.BytesIO(plain)).pages)):
        raise GuideError(
            [Problem(Location("guide"), "an encrypted file failed its check; this is a bug in guide")]
        )
