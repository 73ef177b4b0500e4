"""Question texts kept in a temporary file read back exactly, in this process and in another."""

from __future__ import annotations

import pickle

from guide.data.store import Texts, TextStore

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
