"""Question texts kept in a temporary file read back exactly, in this process and in another."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from guide.data.store import Texts, TextStore
from guide.errors import GuideError

# In the order of fields.STORED: title, question, answer, guidance, key points, follow-ups.
VALUES = [
    ("", "What is **bias**?", "Über-fitting, 過学習, تعلم 🙂", "", ("one", "two\nlines"), ()),
    ("A title", "", "x" * 20_000, "Guidance\r\n", (), ("why?",)),
    ("T", "Q", "A", "G", ("only",), ("a", "b", "c")),
]


def test_stored_texts_read_back_as_written() -> None:
    store = TextStore()
    handles = [store.add(values) for values in VALUES]
    for handle, values in zip(handles, VALUES, strict=True):
        assert handle.values() == values
        assert handle == Texts.of(values)
        sizes = [handle.size(name) for name in ("title", "question", "answer", "guidance")]
        assert sizes == [len(v.encode()) for v in values[:4]]
        assert (handle.text("answer"), handle.items("key_points")) == (values[2], values[4])
    store.close()


def test_a_copy_for_another_process_carries_the_texts() -> None:
    store = TextStore()
    handle = store.add(VALUES[0])
    copy = pickle.loads(pickle.dumps(handle))
    store.close()  # the copy no longer needs the file
    assert copy.values() == VALUES[0]


def test_the_store_is_deleted_with_its_last_reader() -> None:
    store = TextStore()
    handle = store.add(VALUES[2])
    file = store.file
    del store
    assert not file.closed  # a question still reads from it
    assert handle.values() == VALUES[2]
    del handle
    assert file.closed


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """TMPDIR on a full disk: the store's file is /dev/full, where every write fails with ENOSPC."""
    import tempfile  # the module guide.data.store makes its file with

    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **_: open("/dev/full", "w+b"))  # noqa: SIM115


def test_a_full_disk_under_tmpdir_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import tempfile

    from conftest import write_guide

    from guide.cli import main

    _full_disk(monkeypatch)
    store = TextStore()
    with pytest.raises(GuideError) as caught:
        store.add(VALUES[1])  # 20 KB: more than the file object's buffer, so written at once
    assert str(caught.value) == (
        f"{tempfile.gettempdir()}: error: cannot keep the questions' texts in a temporary file in"
        f" {tempfile.gettempdir()}: No space left on device; free some space there, or set TMPDIR to a"
        " folder with room"
    )
    store.close()
    source = write_guide(tmp_path / "tricky")
    assert main(["build", str(source), "--out", str(tmp_path / "out"), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.endswith(
        "No space left on device; free some space there, or set TMPDIR to a folder with room\n"
        "guide: 1 error; nothing was written\n"
    )
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "tricky").exists()
