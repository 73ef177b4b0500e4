"""`guide build --protect-key`: the answers open only with the password, which is never shown."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from guide import cli
from guide.build import Options
from guide.errors import GuideError
from guide.pdf.protect import PASSWORD_VARIABLE, encrypt, read_password

ROOT = Path(__file__).resolve().parent.parent
SQL = ROOT / "data" / "sql-fundamentals"
PASSWORD = "correct horse ✓ battery"


def _pdf(text: str) -> bytes:
    out = io.BytesIO()
    canv = Canvas(out, invariant=1)
    canv.drawString(72, 720, text)
    canv.showPage()
    canv.save()
    return out.getvalue()


def test_encrypted_file_opens_with_the_password_only() -> None:
    data = encrypt(_pdf("the model answer"), PASSWORD)
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    assert not reader.decrypt("")
    assert not reader.decrypt("wrong")
    assert reader.decrypt(PASSWORD)
    assert "the model answer" in reader.pages[0].extract_text()
    assert reader.trailer["/Encrypt"]["/V"] == 5  # AES-256
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(data)
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(data, password="wrong")
    pdf = pdfium.PdfDocument(data, password=PASSWORD)
    try:
        assert "the model answer" in pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()


def test_password_from_file_drops_one_trailing_newline(tmp_path: Path) -> None:
    file = tmp_path / "pw"
    file.write_bytes(b"secret\n")
    assert read_password(file, {}) == "secret"
    file.write_bytes(b"secret\r\n")
    assert read_password(file, {}) == "secret"
    file.write_bytes("späced ".encode())
    assert read_password(file, {PASSWORD_VARIABLE: "other"}) == "späced "  # the file wins
    assert read_password(None, {PASSWORD_VARIABLE: "from-env"}) == "from-env"


@pytest.mark.parametrize("content", [None, b"", b"\n"])
def test_missing_or_empty_password_is_an_error(tmp_path: Path, content: bytes | None) -> None:
    file = None
    if content is not None:
        file = tmp_path / "pw"
        file.write_bytes(content)
    with pytest.raises(GuideError) as caught:
        read_password(file, {PASSWORD_VARIABLE: ""})
    message = str(caught.value)
    assert ("empty" in message) if file else (PASSWORD_VARIABLE in message and "--password-file" in message)


def test_build_protects_the_answers_and_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Key and complete edition encrypted and marked in the manifest; the study guide byte-identical."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    plain, locked = tmp_path / "plain", tmp_path / "locked"
    assert cli.main(["build", str(SQL), "--out", str(plain), "-q"]) == 0
    assert cli.main(["build", str(SQL), "--out", str(locked), "--protect-key"]) == 0
    captured = capsys.readouterr()
    assert PASSWORD not in captured.out + captured.err
    assert "answer key, encrypted" in captured.out

    def manifest(root: Path) -> dict[str, dict[str, dict[str, object]]]:
        return json.loads((root / "sql-fundamentals" / "manifest.json").read_text(encoding="utf-8"))

    files, plain_files = manifest(locked)["files"], manifest(plain)["files"]
    assert "encrypted" not in files["study_guide"]
    assert files["study_guide"]["sha256"] == plain_files["study_guide"]["sha256"]
    for role in ("answer_key", "complete"):
        entry = files[role]
        assert entry["encrypted"] is True
        data = (locked / "sql-fundamentals" / str(entry["path"])).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        reader = PdfReader(io.BytesIO(data))
        assert reader.is_encrypted and not reader.decrypt("")
        assert reader.decrypt(PASSWORD)
        assert len(reader.pages) == entry["pages"] == plain_files[role]["pages"]
        assert reader.page_labels == PdfReader(plain / "sql-fundamentals" / str(entry["path"])).page_labels


def test_build_with_password_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    file = tmp_path / "password.txt"
    file.write_text(PASSWORD + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", str(SQL), "--out", str(out), "-q", "--protect-key", "--password-file", str(file)]
    assert cli.main(args) == 0
    key = next((out / "sql-fundamentals").glob("*-answer-key.pdf"))
    pdf = pdfium.PdfDocument(key, password=PASSWORD)
    pdf.close()


def test_build_without_password_fails_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    out = tmp_path / "out"
    assert cli.main(["build", str(SQL), "--out", str(out), "--protect-key"]) == 1
    err = capsys.readouterr().err
    assert f"--protect-key needs a password: set {PASSWORD_VARIABLE} or give --password-file FILE" in err
    assert not out.exists()


def test_options_never_show_the_password() -> None:
    assert PASSWORD not in repr(Options(key_password=PASSWORD))


def test_password_file_needs_protect_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["build", str(SQL), "--out", str(tmp_path), "--password-file", "pw"]) == 2
    assert "--protect-key" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "code"), [(b"secret\n\n", "U+000A"), (b"se\tcret", "U+0009")])
def test_a_password_no_one_can_type_is_refused_unshown(tmp_path: Path, content: bytes, code: str) -> None:
    """A second line or a tab in the password would lock the files for good: refused, and not echoed."""
    file = tmp_path / "pw"
    file.write_bytes(content)
    with pytest.raises(GuideError) as caught:
        read_password(file, {})
    assert str(caught.value) == (
        f"{file}: error: the password file holds a character no one can type as a password ({code});"
        " give the password alone, on one line"
    )
    with pytest.raises(GuideError) as caught:
        read_password(None, {PASSWORD_VARIABLE: content.decode()})
    assert str(caught.value).startswith("GUIDE_KEY_PASSWORD: error: GUIDE_KEY_PASSWORD holds a character")
    assert code in str(caught.value) and "cret" not in str(caught.value)
