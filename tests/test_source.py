"""The YAML loader: values with exact 1-based locations; hostile or broken files refused with a message."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

import guide.data.source
from guide.data.source import ALIAS_BUDGET, MAX_DEPTH, Node, load_yaml, max_file_bytes, parse_yaml
from guide.errors import Location, Problems

GUIDE = """\
title: Test guide
edition: 2025.1
questions:
  - id: bagging
    answer: |
      Bootstrap
    tags: [a, 'b']
"""


def parse(text: str) -> tuple[Node | None, list[str]]:
    problems = Problems()
    node = parse_yaml(text, "f.yaml", problems)
    return node, [str(p) for p in problems.items]


def parsed(text: str) -> Node:
    node, problems = parse(text)
    assert problems == []
    assert node is not None
    return node


def load(path: Path, max_bytes: int | None = None) -> tuple[Node | None, list[str]]:
    problems = Problems()
    node = load_yaml(path, "f.yaml", problems, max_bytes=max_bytes)
    return node, [str(p) for p in problems.items]


def where(node: Node) -> tuple[int, int]:
    return node.location.line, node.location.column


def layout(node: Node) -> list[tuple[str, tuple[int, int]]]:
    """Every key and value with its place, depth first: what two equal files must share."""
    found: list[tuple[str, tuple[int, int]]] = []
    stack = [("", node)]
    while stack:
        name, item = stack.pop()
        found.append((f"{name}={item.kind}:{item.text}", where(item)))
        for key, (key_where, value) in item.entries.items():
            found.append((f"key {key}", (key_where.line, key_where.column)))
            stack.append((key, value))
        stack.extend((f"{name}[{i}]", value) for i, value in enumerate(item.items))
    return found


# ---- locations ---------------------------------------------------------------------------------


def test_locations_are_one_based_and_exact() -> None:
    """Lines and columns count from 1, as editors show them."""
    root = parsed(GUIDE)
    assert where(root) == (1, 1)
    title_key, title = root.entries["title"]
    assert (title_key.line, title_key.column) == (1, 1)
    assert where(title) == (1, 8)
    questions = root.entries["questions"][1]
    assert where(questions) == (4, 3)
    question = questions.items[0]
    assert where(question) == (4, 5)
    assert where(question.entries["id"][1]) == (4, 9)
    assert where(question.entries["answer"][1]) == (5, 13)
    tags = question.entries["tags"][1]
    assert [where(t) for t in tags.items] == [(7, 12), (7, 15)]
    assert root.location == Location("f.yaml", 1, 1)


def test_crlf_gives_the_same_locations_as_lf() -> None:
    """A file saved with Windows line ends reads exactly like one with Unix line ends."""
    assert layout(parsed(GUIDE.replace("\n", "\r\n"))) == layout(parsed(GUIDE))


def test_crlf_syntax_errors_are_placed_like_lf() -> None:
    """Errors in a CRLF file name the same line and column."""
    broken = "a: 1\nb: [x,\n  c: 'open\n"
    assert parse(broken.replace("\n", "\r\n"))[1] == parse(broken)[1] != []


@pytest.mark.parametrize("end", ["\r\n", "\r"])
def test_cr_and_crlf_files_place_every_problem_on_the_lines_an_editor_shows(tmp_path: Path, end: str) -> None:
    """Windows (CRLF) and old Mac (CR) line ends: values, control characters and bytes that are not
    UTF-8 are all placed as in the same file with LF."""
    assert layout(parsed(GUIDE.replace("\n", end))) == layout(parsed(GUIDE))
    bad = "a: x\nb: y\nc: z\x07\n"
    assert parse(bad.replace("\n", end))[1] == parse(bad)[1] != []
    nel = "a: x\nb: y\u0085z\n"
    assert parse(nel.replace("\n", end))[1] == parse(nel)[1] != []
    lf, other = tmp_path / "lf.yaml", tmp_path / "other.yaml"
    lf.write_bytes(b"a: x\nb: y\nc: caf\xe9\n")
    other.write_bytes(b"a: x\nb: y\nc: caf\xe9\n".replace(b"\n", end.encode()))
    assert load(other)[1] == [p.replace("lf.yaml", "other.yaml") for p in load(lf)[1]] != []


def test_bom_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 byte order mark (Windows editors add one) is read past, without moving columns."""
    path = tmp_path / "guide.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GUIDE.encode())
    node, problems = load(path)
    assert problems == []
    assert node is not None
    assert layout(node) == layout(parsed(GUIDE))
    assert layout(parsed("\ufeff" + GUIDE)) == layout(parsed(GUIDE))


# ---- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "quoted"),
    [
        ("text", "str", False),
        ("no", "bool", False),
        ("'no'", "str", True),
        ('"no"', "str", True),
        ("12:30", "int", False),
        ("2024-01-02", "timestamp", False),
        ("2025.1", "float", False),
        ("~", "null", False),
        ("", "null", False),
        ("! 12", "str", False),
        ("!!str 12", "str", False),
        ("|\n  block", "str", False),
        ("=", "str", False),
    ],
)
def test_scalar_kinds_follow_yaml_1_1(value: str, kind: str, quoted: bool) -> None:
    """Plain scalars resolve as PyYAML's safe loader does; quotes and block scalars are text."""
    node = parsed(f"k: {value}\n").entries["k"][1]
    assert (node.kind, node.quoted) == (kind, quoted)


@pytest.mark.parametrize("number", ["2025.1", "1.10", "1.0", "007", "1_000"])
def test_numbers_keep_their_source_text(number: str) -> None:
    """A number keeps the text as written, so 1.10 is not turned into 1.1."""
    assert parsed(f"edition: {number}\n").entries["edition"][1].text == number


def test_empty_file_is_a_null_node() -> None:
    """An empty file (or only comments) is a null at 1:1, not a failure with no message."""
    for text in ("", "# nothing yet\n", "\n\n"):
        node = parsed(text)
        assert (node.kind, node.location) == ("null", Location("f.yaml", 1, 1))


def test_describe_names_types_for_messages() -> None:
    assert parsed("[1]").describe() == "a list"
    assert parsed("a: 1").describe() == "a mapping"
    assert parsed("yes").describe() == "a boolean"


# ---- structure problems ------------------------------------------------------------------------


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    """YAML keeps the last of two equal keys silently; we say so."""
    node, problems = parse("a: 1\nb: 2\na: 3\n")
    assert problems == [
        "f.yaml:3:1: error: duplicate key 'a' (first at line 1); YAML would keep only the last,"
        " so remove or rename one"
    ]
    assert node is not None
    assert node.entries["a"][1].text == "1"


def test_duplicate_keys_in_nested_mappings() -> None:
    _, problems = parse("q:\n  - id: a\n    id: b\n")
    assert problems[0].startswith("f.yaml:3:5: error: duplicate key 'id' (first at line 2)")


def test_a_list_as_key_is_refused_once() -> None:
    _, problems = parse("? [a]\n: 1\n")
    assert problems == ["f.yaml:1:3: error: a key must be plain text, found a list; write the key as text"]


def test_merge_keys_are_refused() -> None:
    _, problems = parse("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert problems == [
        "f.yaml:3:3: error: merge keys ('<<') are not supported; write the fields out in full"
    ]


def test_multiple_documents_are_refused() -> None:
    node, problems = parse("a: 1\n---\nb: 2\n")
    assert node is None
    assert problems[0].startswith("f.yaml:2:1: error: a second YAML document starts here")


def test_a_leading_document_marker_is_fine() -> None:
    assert parsed("---\na: 1\n").kind == "map"


def test_unknown_alias() -> None:
    node, problems = parse("a: *nope\n")
    assert node is None
    assert problems == [
        "f.yaml:1:4: error: unknown alias '*nope': no anchor '&nope' comes before it;"
        " define '&nope' earlier, or write the value out"
    ]


def test_alias_inside_its_own_anchor() -> None:
    _, problems = parse("a: &x [1, *x]\n")
    assert problems[0].startswith("f.yaml:1:11: error: the alias '*x' is inside the value it refers to")


def test_aliases_within_budget_are_shared_values() -> None:
    root = parsed("a: &x [1, 2]\nb: *x\n")
    assert root.entries["b"][1].items[1].text == "2"


def test_alias_bomb_is_refused_quickly() -> None:
    """A 'billion laughs' file expands to 10**9 values; it is refused within the alias budget."""
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    start = time.perf_counter()
    node, problems = parse(text)
    assert time.perf_counter() - start < 10  # a bound on a hang, not a speed target: the work takes ms
    assert node is None
    assert len(problems) == 1
    assert f"more than {ALIAS_BUDGET:,} values" in problems[0]


def test_aliases_count_the_text_they_expand_to() -> None:
    """A small file that repeats one long text by alias holds as much text as the copies: the file-size
    limit counts them, so a 2 KB file cannot become a bank of megabytes."""
    text = f"a: &long {'x' * 1000}\nb: [" + ", ".join(["*long"] * 20) + "]\n"
    assert len(text) < 1200
    problems = Problems()
    assert parse_yaml(text, "f.yaml", problems, max_bytes=10_000) is None
    assert [str(p) for p in problems.items] == [
        "f.yaml:2:61: error: aliases here expand the file's text past 9.8 KiB, the limit of a file, which"
        " counts every copy an alias makes; write the value out where it is needed, or raise the limit"
        " with --max-file-size"
    ]
    assert parse_yaml(text, "f.yaml", Problems(), max_bytes=30_000) is not None


def test_aliases_count_the_nesting_they_bring() -> None:
    """An alias of a value nested 40 deep, placed 30 deep, nests 70 levels: refused like written nesting."""
    anchored = "a: &deep " + "[" * 40 + "]" * 40 + "\n"
    node, problems = parse(anchored + "b: " + "[" * 30 + "*deep" + "]" * 30 + "\n")
    assert node is None
    assert problems == [
        f"f.yaml:2:34: error: this alias nests its values more than {MAX_DEPTH} levels deep; a guide needs"
        " only a few levels: flatten the structure"
    ]
    assert parsed(anchored + "b: " + "[" * 20 + "*deep" + "]" * 20 + "\n").kind == "map"


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "a: " + "{x: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "- " * 10_000 + "x\n",
    ],
    ids=["flow-lists", "flow-mappings", "block-lists"],
)
def test_deep_nesting_is_refused_without_crashing(text: str) -> None:
    """Nesting 10,000 levels deep is refused with a message, not a RecursionError."""
    start = time.perf_counter()
    node, problems = parse(text)
    assert time.perf_counter() - start < 10  # a bound on a hang, not a speed target: the work takes ms
    assert node is None
    assert len(problems) == 1
    assert f"nested more than {MAX_DEPTH} levels deep" in problems[0]


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    assert parsed("[" * depth + "]" * depth).kind == "seq"


def test_unsupported_tags_are_reported_once_and_marked() -> None:
    """A python/object tag is refused; the value is marked so the validator does not report it again."""
    root, problems = parse("a: !!python/object:os.system {}\nb: !!binary aGk=\nc: !custom x\n")
    assert problems == [
        f"f.yaml:{line}:4: error: unsupported YAML tag '{tag}': guide files hold only text, lists and"
        " mappings; remove the tag"
        for line, tag in ((1, "!!python/object:os.system"), (2, "!!binary"), (3, "!custom"))
    ]
    assert root is not None
    assert [root.entries[k][1].kind for k in "abc"] == ["other", "other", "other"]


# ---- syntax errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "words"),
    [
        ("a: [1, 2\nb: 3\n", "1:4", "the list opened with '[' here is not closed"),
        ("a: {x: 1\nb: 3\n", "1:4", "the mapping opened with '{' here is not closed"),
        ("a:\n\tb: 1\n", "2:1", "a tab in the indentation; YAML indents with spaces only"),
        ("a:\n  - x\n\t- y\n", "3:1", "a tab in the indentation"),
        ("a:\n    b: 1\n  c: 2\n", "3:3", "bad indentation"),
        ("a:\n  - x\n  b: 1\n", "3:3", "bad indentation"),
        ("a: b\n- c\n", "2:1", "expected a key, found a list item"),
        ("a: [1]]\n", "1:7", "found ']' with no opening bracket"),
        ("a: Note: this\n", "1:8", "found ': ' inside a value that is not in quotes"),
        ("a: 'open\nb: c\n", "1:4", "the value opened with ' here is never closed; add the closing '"),
        ('a: "\\q"\n', "1:5", "unknown escape '\\q'"),
        ('a: "x \\ud800 y"\n', "1:7", "'\\ud800' is not a character"),
        ("a: @x\n", "1:4", "a value cannot start with '@'; put the whole value in quotes"),
        ("a: `x`\n", "1:4", "a value cannot start with '`'"),
        ("a: b\nc\nd: e\n", "2:1", "expected ':' after a key"),
        ("a: !x!y z\n", "1:4", "unknown YAML tag '!x!y'"),
        ("a: 1\n...\nb: 2\n", "3:1", "text after the end of the document"),
        ("[core]\nrepositoryformatversion = 0\n", "1:1", "this looks like an INI file ('[section]' lines"),
        ("[a, b]\nc: d\n", "2:1", "more text after a value that was already complete (a file holds one"),
        ("a: |x\n", "1:5", "after '|' or '>' the text must start on the next line"),
        ("a: *\n", "1:4", "'*' starts an alias and must be followed by a name"),
    ],
)
def test_syntax_errors_say_where_and_how_to_fix(text: str, place: str, words: str) -> None:
    node, problems = parse(text)
    assert node is None
    assert len(problems) == 1
    assert problems[0].startswith(f"f.yaml:{place}: error: invalid YAML: {words}")


def test_raw_control_characters_are_placed_in_characters_not_bytes() -> None:
    """libyaml counts bytes; the message counts characters, as an editor does."""
    _, problems = parse("a: ééé\nb: x\x07\n")
    assert problems == [
        "f.yaml:2:5: error: the file contains U+0007 (bell, a control character), which YAML does not allow"
        " and cannot be printed; delete it"
    ]


def test_lone_surrogate_in_text_is_refused_not_raised() -> None:
    """Text that did not come from a file can hold a lone surrogate; it is reported, not a crash."""
    _, problems = parse("a: x\nb: \ud800\n")
    assert problems == [
        "f.yaml:2:4: error: the text contains a lone surrogate, half of a UTF-16 pair and not a character"
    ]


# ---- files -------------------------------------------------------------------------------------


def test_not_utf8_names_line_column_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("title: ok\nanswer: caf\u00e9\n".encode("latin-1"))
    node, problems = load(path)
    assert node is None
    assert problems == [
        "f.yaml:2:12: error: the file is not UTF-8: expected UTF-8 text, found the byte 0xe9"
        " (perhaps Latin-1 or Windows-1252); save the file as UTF-8"
    ]


def test_not_utf8_column_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("a: é".encode() + b" \xe9\n")
    assert load(path)[1][0].startswith("f.yaml:1:6: error: the file is not UTF-8")


def test_utf16_is_named(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    assert load(path)[1] == ["f.yaml:1:1: error: the file is UTF-16, expected UTF-8; save it as UTF-8"]


def test_missing_file(tmp_path: Path) -> None:
    assert load(tmp_path / "none.yaml") == (None, ["f.yaml: error: file not found"])


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert load(tmp_path) == (
        None,
        ["f.yaml: error: expected a YAML file, found a folder; rename the folder or move it away"],
    )


def test_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert load(tmp_path / "a.yaml") == (
        None,
        [
            "f.yaml: error: the file is a symbolic link that leads back to itself;"
            " point it at a real file or delete it"
        ],
    )


def test_dangling_symlink(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to("gone.yaml")
    assert load(tmp_path / "a.yaml")[1] == [
        "f.yaml: error: the file is a symbolic link to 'gone.yaml', which does not exist; fix or delete it"
    ]


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """Reading a named pipe would wait forever; it is refused instead."""
    fifo = tmp_path / "q.yaml"
    os.mkfifo(fifo)
    assert load(fifo)[1] == [
        "f.yaml: error: expected a YAML file, found a special file (a pipe or device); replace it"
    ]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 does not stop root, so the refusal is simulated."""
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\n")

    def refuse(path: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(guide.data.source, "read_regular", refuse)
    assert load(path) == (
        None,
        ["f.yaml: error: cannot read the file: permission denied; make it readable (chmod a+r)"],
    )


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    assert load(path, max_bytes=1048)[1] == [
        "f.yaml: error: the file is 2.0 KiB, over the limit of 1.0 KiB; split its questions across files"
        " in questions/, or raise the limit with --max-file-size"
    ]
    assert load(path, max_bytes=2003)[1] == [
        "f.yaml: error: the file is 2,004 bytes, over the limit of 2,003 bytes; split its questions across"
        " files in questions/, or raise the limit with --max-file-size"
    ]
    assert load(path, max_bytes=2004)[1] == []


def test_size_limit_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDE_MAX_FILE_MB", "0.5")
    assert max_file_bytes() == 512 * 1024
    monkeypatch.delenv("GUIDE_MAX_FILE_MB")
    assert max_file_bytes() == 16 * 1024 * 1024


@pytest.mark.parametrize("value", ["lots", "0", "-1", "nan", "inf"])
def test_a_size_limit_that_is_not_a_size_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """A mistyped GUIDE_MAX_FILE_MB is an error, not silently the default."""
    monkeypatch.setenv("GUIDE_MAX_FILE_MB", value)
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\n")
    problems = Problems()
    assert load_yaml(path, "f.yaml", problems) is not None
    assert load_yaml(path, "f.yaml", problems) is not None
    assert [str(p) for p in problems.items] == [
        f"GUIDE_MAX_FILE_MB: error: GUIDE_MAX_FILE_MB must be a number of MiB above 0, such as 16,"
        f" found '{value}'; fix it or unset it"
    ]


@pytest.mark.parametrize("value", ["nan", "1e400", "inf", "-1", "0", "lots"])
def test_a_size_flag_that_is_not_a_size_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """--max-file-size is checked as GUIDE_MAX_FILE_MB is: nan and 1e400 once raised from int()."""
    from guide.cli import main

    (tmp_path / "g").mkdir()
    assert main(["check", str(tmp_path / "g"), "--max-file-size", value]) == 2
    assert f"argument --max-file-size: '{value}' is not a size in MiB above 0" in capsys.readouterr().err
