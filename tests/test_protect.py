"""`guide build --protect-key`: the answers open only with the password, which is never shown."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from pdfcheck import pdf_dict
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
    version = pdf_dict(reader.trailer["/Encrypt"])["/V"]
    assert isinstance(version, int) and version == 5  # AES-256
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
        read: dict[str, dict[str, dict[str, object]]] = json.loads(
            (root / "sql-fundamentals" / "manifest.json").read_text(encoding="utf-8")
        )
        return read

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


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("ﬁsh", "U+FB01, a form of a character that PDF 2.0 replaces by the plain one"),
        ("ｐｗ12", "U+FF50, a form of a character that PDF 2.0 replaces by the plain one"),
        ("pa\u0308sswo\u0308rd", "an accent typed as a character of its own (U+0308)"),
        ("a\u3000b", "U+3000, a space that PDF 2.0 turns into a plain one"),
        ("pw😀", "U+1F600, a character unknown to the rules PDF 2.0 applies to passwords"),
        ("a" * 128, "longer than 127 bytes in UTF-8"),
        ("é" * 70, "longer than 127 bytes in UTF-8"),
    ],
    ids=["ligature", "full-width", "decomposed", "ideographic-space", "emoji", "128-ascii", "140-bytes"],
)
def test_a_password_pdf_readers_treat_differently_is_refused_unshown(
    tmp_path: Path, password: str, words: str
) -> None:
    """pypdf prepares a password (SASLprep) and cuts it to 127 bytes; PDFium uses it as typed. Such a
    password would give files that Chrome's viewer does not open: refused, from a file or the
    environment, and never shown."""
    with pytest.raises(GuideError) as caught:
        read_password(None, {PASSWORD_VARIABLE: password})
    message = str(caught.value)
    assert message.startswith(f"{PASSWORD_VARIABLE}: error: {PASSWORD_VARIABLE} ")
    assert words in message
    assert password not in message
    file = tmp_path / "pw"
    file.write_text(password + "\n", encoding="utf-8")
    with pytest.raises(GuideError) as caught:
        read_password(file, {})
    assert str(caught.value).startswith(f"{file}: error: the password file ") and words in str(caught.value)


def test_a_password_of_127_bytes_opens_the_files_in_pdfium() -> None:
    password = "é" * 63 + "a"  # 127 bytes
    assert read_password(None, {PASSWORD_VARIABLE: password}) == password
    data = encrypt(_pdf("the model answer"), password)
    pdf = pdfium.PdfDocument(data, password=password)
    assert len(pdf) == 1
    pdf.close()


def test_encrypted_files_are_opened_by_pdfium_before_they_are_published(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file pypdf opens with the password but PDFium does not fails the build: here 'ﬁsh', which
    pypdf prepares to 'fish' on both sides, let through by a disabled input check."""
    import guide.pdf.protect

    monkeypatch.setattr(guide.pdf.protect, "check_password", lambda *args: None)
    with pytest.raises(GuideError, match="read back by pypdf and by PDFium"):
        encrypt(_pdf("the model answer"), "ﬁsh")


def test_the_password_is_in_no_environment_a_started_process_gets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-back processes start without it; and while a command runs, its own environment has
    none, so no process it forks or starts gets it either."""
    import functools
    import subprocess

    import guide.build
    from guide import parallel
    from guide.errors import Location
    from guide.pdf import verify

    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    started: list[dict[str, str]] = []
    real = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> object:  # passes on whatever Popen takes
        started.append(dict(kwargs["env"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)  # the module guide.parallel starts processes with
    checks = [functools.partial(verify.check, []), functools.partial(verify.check, [])]
    assert parallel.run(checks, Location("g"), how="fresh") == [[], []]  # the read-back's way
    assert len(started) == 2 and all(PASSWORD_VARIABLE not in env for env in started)

    seen: list[str | None] = []

    def build_guide(*args: object) -> object:
        import os

        seen.append(os.environ.get(PASSWORD_VARIABLE))
        raise GuideError([])

    monkeypatch.setattr(guide.build, "build_guide", build_guide)
    cli.main(["build", str(SQL), "--out", "unused", "--protect-key", "-q"])
    assert seen == [None]
    import os

    assert os.environ[PASSWORD_VARIABLE] == PASSWORD  # given back when the command ends


def _feed_fifo(fifo: Path, data: bytes, seconds: float) -> None:
    """Write to a named pipe whenever a reader opens it, for a while: what a hanging read would wait for."""
    import errno
    import os
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # no reader yet
                raise
            time.sleep(0.01)
            continue
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


def test_a_pipe_as_password_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "pw"
    os.mkfifo(fifo)
    feeder = threading.Thread(target=_feed_fifo, args=(fifo, b"secret\n", 2.0))
    feeder.start()
    try:
        with pytest.raises(GuideError) as caught:
            read_password(fifo, {})
    finally:
        feeder.join()
    assert str(caught.value) == (
        f"{fifo}: error: the password file is a pipe or device, not a file; write the password to a file"
        " and give that"
    )


def test_a_linked_or_oversized_password_file_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.write_text("secret\n", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(GuideError, match="the password file is a symbolic link"):
        read_password(link, {})
    big = tmp_path / "big"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(GuideError, match="the password file is 5,000 bytes or more; it holds the password"):
        read_password(big, {})


def test_dev_zero_as_password_file_is_one_clear_error(tmp_path: Path) -> None:
    """Read without a limit, /dev/zero fills the memory: a separate process, its memory capped."""
    result = _guide_capped(["build", str(SQL), "--protect-key", "--password-file", "/dev/zero"], tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "/dev/zero: error: the password file is a pipe or device, not a file; write the password to a file"
        " and give that\nguide: 1 error; nothing was written\n",
    )


def _guide_capped(argv: list[str], cwd: Path) -> Any:
    """`python -m guide ARGV` in `cwd`, with at most 1 GiB of memory and 120 seconds."""
    import os
    import resource
    import subprocess
    import sys

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDE_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "guide", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
        check=False,
    )
