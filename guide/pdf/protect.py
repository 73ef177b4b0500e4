"""Turn finished PDFs into copies that open only with a password (AES-256), and find that password.

Encryption is the very last step of a build: its salts and keys are random, so an encrypted
file differs from run to run while every other file of the edition stays byte-reproducible.
The password is never printed, logged or put in a message.
"""

from __future__ import annotations

import hashlib
import io
import os
import stringprep
import unicodedata
from collections.abc import Collection, Mapping
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter

from guide.errors import GuideError, Location, Problem, display_path
from guide.files import Refused, read_regular
from guide.pdf.assemble import Edition, write_output

PASSWORD_VARIABLE = "GUIDE_KEY_PASSWORD"
# Every file that holds the answers: the interviewer's packet has each one's key points and its
# first paragraph.
PROTECTED_ROLES = ("answer_key", "complete", "interviewer")
ALGORITHM = "AES-256"  # PDF 2.0's AES-256 (revision 6), not RC4 (pypdf's default) nor the older R5
# PDF 2.0 keeps the first 127 bytes of a password; PDFium (Chrome's viewer) compares all of them.
MAX_PASSWORD_BYTES = 127
MAX_PASSWORD_FILE_BYTES = 1024  # a password file holds the password, and perhaps a newline


def read_password(file: Path | None, environ: Mapping[str, str] | None = None) -> str:
    """The password from `file` (one trailing newline dropped) or else $GUIDE_KEY_PASSWORD.

    GuideError, without the password in it, when there is none or it is one that a PDF reader
    could not be relied on to accept as typed (see check_password).
    """
    where = Location("guide")
    if file is not None:
        where = Location(str(file))
        try:
            # Never through a link, and only a regular file: a pipe or /dev/zero would hang the
            # build or fill its memory.
            raw = read_regular(file, MAX_PASSWORD_FILE_BYTES, follow_links=False)
        except Refused as refused:
            raise GuideError([Problem(where, _refused(refused, file))]) from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise GuideError([Problem(where, f"cannot read the password file: {reason}")]) from None
        try:
            password = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise GuideError([Problem(where, "the password file is not UTF-8 text")]) from None
        password = password.removesuffix("\n").removesuffix("\r")
        if not password:
            raise GuideError([Problem(where, "the password file is empty")])
        check_password(password, where, "the password file")
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
    check_password(password, Location(PASSWORD_VARIABLE), PASSWORD_VARIABLE)
    return password


def _refused(refused: Refused, file: Path) -> str:
    if refused.why == "folder":
        return "the password file is a folder; give the file that holds the password"
    if refused.why == "special":
        return "the password file is a pipe or device, not a file; write the password to a file and give that"
    if refused.why == "link":
        return (
            f"the password file is a symbolic link (to '{os.readlink(file)}'); guide reads a password only"
            " from the file itself: give its own path"
        )
    return (
        f"the password file is {refused.size:,} bytes or more; it holds the password alone (at most"
        f" {MAX_PASSWORD_BYTES} bytes): check that {display_path(file)} is the right file"
    )


def check_password(password: str, where: Location, source: str) -> None:
    """Refuse, without showing it, a password that would lock the files for good or open them in
    some readers only.

    PDF 2.0 has a password prepared (SASLprep: 'ﬁ' becomes 'fi', full-width letters plain ones,
    a letter and its accent one character) and cut to 127 bytes before use; pypdf does so, but
    PDFium, the engine of Chrome's viewer, uses the bytes as typed. A password that SASLprep
    changes or refuses, or longer than 127 bytes, would then open a file in one reader and not
    in the other: it is refused here, so that the password as typed opens the files everywhere.
    """
    _check_typable(password, where, source)
    try:
        prepared = saslprep(password)
    except ValueError as exc:
        raise GuideError([Problem(where, f"{source} {exc}; choose another password")]) from None
    if prepared != password:
        raise GuideError(
            [
                Problem(
                    where,
                    f"{source} holds {_changed(password)}; not every reader does (Chrome's viewer uses"
                    " the password as typed), so the files would open in some readers and not in others:"
                    " type the password in plain characters (NFKC), or choose another",
                )
            ]
        )
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise GuideError(
            [
                Problem(
                    where,
                    f"{source} holds a password longer than {MAX_PASSWORD_BYTES} bytes in UTF-8, the most a"
                    " PDF password holds (some readers cut it short, others refuse it); choose a shorter one",
                )
            ]
        )


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


_UCD = unicodedata.ucd_3_2_0  # stringprep's Unicode: SASLprep (RFC 4013) is defined on Unicode 3.2
_PROHIBITED = (
    stringprep.in_table_c12, stringprep.in_table_c21, stringprep.in_table_c22, stringprep.in_table_c3,
    stringprep.in_table_c4, stringprep.in_table_c5, stringprep.in_table_c6, stringprep.in_table_c7,
    stringprep.in_table_c8, stringprep.in_table_c9, stringprep.in_table_a1,
)  # fmt: skip


def saslprep(password: str) -> str:
    """The password as PDF 2.0 has it prepared (RFC 4013); ValueError, naming the character, if refused."""
    mapped = "".join(
        " " if stringprep.in_table_c12(c) else c for c in password if not stringprep.in_table_b1(c)
    )
    prepared = _UCD.normalize("NFKC", mapped)
    for c in prepared:
        if any(table(c) for table in _PROHIBITED):
            what = "a character unknown to" if stringprep.in_table_a1(c) else "a character refused by"
            raise ValueError(
                f"holds U+{ord(c):04X}, {what} the rules PDF 2.0 applies to passwords (SASLprep, Unicode 3.2)"
            )
    right_to_left = [stringprep.in_table_d1(c) for c in prepared]
    if any(right_to_left) and (
        any(stringprep.in_table_d2(c) for c in prepared) or not (right_to_left[0] and right_to_left[-1])
    ):
        raise ValueError(
            "mixes right-to-left and left-to-right characters in a way PDF 2.0's password rules"
            " (SASLprep) refuse"
        )
    return prepared


def _changed(password: str) -> str:
    """Name what SASLprep changes in a password, by code point (never the password itself)."""
    for c in password:
        if stringprep.in_table_b1(c):
            return f"U+{ord(c):04X}, an invisible character that PDF 2.0 removes"
        if stringprep.in_table_c12(c):
            return f"U+{ord(c):04X}, a space that PDF 2.0 turns into a plain one"
        if _UCD.normalize("NFKC", c) != c:
            return f"U+{ord(c):04X}, a form of a character that PDF 2.0 replaces by the plain one"
    mark = next((c for c in password if unicodedata.category(c).startswith("M")), None)
    if mark is not None:
        code = f"U+{ord(mark):04X}"
        return f"an accent typed as a character of its own ({code}), which PDF 2.0 joins to its letter"
    return "characters that PDF 2.0 rewrites"


def owner_password(password: str) -> str:
    """The owner password, derived from the user password so that whoever set it can recover it."""
    return hashlib.sha256(f"guide owner password\0{password}".encode()).hexdigest()


def encrypt(data: bytes, password: str) -> bytes:
    """The same PDF, encrypted with AES-256: it opens with `password` and not without, in pypdf and PDFium."""
    check_password(password, Location("guide"), "the password")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=owner_password(password), algorithm=ALGORITHM)
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
    """Read the encrypted file back with pypdf and with PDFium (Chrome's viewer): each must refuse to
    open it without the password, and open it, every page, with it."""
    pages = len(PdfReader(io.BytesIO(plain)).pages)
    reader = PdfReader(io.BytesIO(encrypted))
    locked = reader.is_encrypted and not reader.decrypt("")
    opened = bool(reader.decrypt(password)) and len(reader.pages) == pages
    if not (
        locked
        and opened
        and _pdfium_pages(encrypted, "") is None
        and _pdfium_pages(encrypted, password) == pages
    ):
        raise GuideError(
            [
                Problem(
                    Location("guide"),
                    "an encrypted file does not open as it should with the password, read back by pypdf and"
                    " by PDFium; this is a bug in guide",
                )
            ]
        )


def _pdfium_pages(data: bytes, password: str) -> int | None:
    """How many pages PDFium finds in a file opened with `password`; None if it does not open."""
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError:
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()
