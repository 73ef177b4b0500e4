"""`guide import`: Markdown, CSV, JSON, YAML and Anki files, ugly ones too, into guide folders that check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.cli import main
from guide.data.imports import ImportOptions, read_source
from guide.data.imports.plan import slug, unique
from guide.data.imports.write import dump
from guide.data.source import parse_yaml
from guide.data.validate import ID_PATTERN, MAX_ID_LENGTH, load_guide
from guide.errors import GuideError, Problems


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def imported(tmp_path: Path, name: str, data: str | bytes, *args: str) -> tuple[int, Path]:
    """Import a file written into tmp_path; the exit code and the new folder."""
    source = write(tmp_path, name, data)
    out = tmp_path / "data" / "imported"
    return main(["import", str(source), "--out", str(out), *args]), out


def questions(folder: Path) -> dict[str, dict[str, object]]:
    """The imported guide's questions by id, as the validator reads them."""
    guide, _ = load_guide(folder)
    return {
        q.id: {
            "topic": q.topic,
            "question": q.question.rstrip("\n"),
            "answer": q.answer.rstrip("\n"),
            "key_points": [k.rstrip("\n") for k in q.key_points],
            "tags": list(q.tags),
            "difficulty": q.difficulty,
        }
        for q in guide.questions
    }


# ---- Markdown ----------------------------------------------------------------------------------

UGLY_MARKDOWN = (
    "\ufeff# DevOps Interview Questions\r\n"
    "\r\n"
    "A preface, and a table of contents: not questions.\r\n"
    "\r\n"
    "## Linux\r\n"
    "\r\n"
    "### 1. What is a process?\r\n"
    "\r\n"
    "A running program, with:\r\n"
    "\r\n"
    "- a PID\r\n"
    "- memory of its own\r\n"
    "\r\n"
    "---\r\n"
    "\r\n"
    "### 12. What does `chmod 755` do?\r\n"
    "\r\n"
    "<details><summary>Answer</summary>\r\n"
    "\r\n"
    "Sets **rwx** for the owner and r-x for the others.\r\n"
    "\r\n"
    "</details>\r\n"
    "\r\n"
    "### 13. A heading with no answer?\r\n"
    "\r\n"
    "## Networking 😀\r\n"
    "\r\n"
    "### What is DNS?\r\n"
    "\r\n"
    "<details>\r\n"
    "<summary>Show the answer</summary>\r\n"
    "It maps names to addresses: 名前 → アドレス.\r\n"
    "</details>\r\n"
    "\r\n"
    "#### An example, inside the answer\r\n"
    "\r\n"
    "```sh\r\n"
    "dig example.com   # ask for A records\r\n"
    "```\r\n"
    "\r\n"
    "### What is DNS?\r\n"
    "\r\n"
    "<details>\r\n"
    "<summary>Show the answer</summary>\r\n"
    "It maps names to addresses: 名前 → アドレス.\r\n"
    "</details>\r\n"
    "\r\n"
    "#### An example, inside the answer\r\n"
    "\r\n"
    "```sh\r\n"
    "dig example.com   # ask for A records\r\n"
    "```\r\n"
)


def test_markdown_topics_and_questions_from_headings_numbered_details_unwrapped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = imported(tmp_path, "bank.md", UGLY_MARKDOWN)
    assert code == 0
    found = questions(out)
    assert list(found) == ["process", "chmod-755", "dns"]
    assert found["process"]["topic"] == "Linux"
    assert found["process"]["question"] == "What is a process?"  # the number goes
    assert found["process"]["answer"] == "A running program, with:\n\n- a PID\n- memory of its own"
    assert found["chmod-755"]["question"] == "What does `chmod 755` do?"
    assert found["chmod-755"]["answer"] == "Sets **rwx** for the owner and r-x for the others."
    assert found["dns"]["topic"] == "Networking 😀"
    assert found["dns"]["answer"] == (
        "It maps names to addresses: 名前 → アドレス.\n\n#### An example, inside the answer\n\n"
        "```sh\ndig example.com   # ask for A records\n```"
    )
    assert "\r" not in (out / "questions" / "01-linux.yaml").read_text()
    guide, _ = load_guide(out)
    assert guide.title == "DevOps Interview Questions"
    report = capsys.readouterr().out
    assert "bank.md → " in report and "3 questions in 2 topics" in report
    assert "bank.md:3:1: skipped: text (line 3) is outside every question; not imported" in report
    assert "bank.md:24:1: skipped: 'A heading with no answer?' has no answer" in report
    assert "bank.md:41:1: skipped: the same question and answer as line 28" in report
    assert "passes guide check" in report


def test_markdown_bold_question_lines_and_answer_labels(tmp_path: Path) -> None:
    text = (
        "## Basics\n\n"
        "**Q: What is a container?**\n"
        "A: A process with its own view of the system.\n\n"
        "**Q2:** Why use one?\n\n"
        "**A:** Builds that run the same everywhere.\n\n"
        "**Is this bold line a question?**\n\n"
        "Yes: a bold line that asks is one.\n\n"
        "## Advanced\n\n"
        "**Q: What is an image?**\n\n"
        "Layers, and a manifest.\n"
    )
    code, out = imported(tmp_path, "cards.md", text)
    assert code == 0
    found = questions(out)
    assert [(q["topic"], q["question"], q["answer"]) for q in found.values()] == [
        ("Basics", "What is a container?", "A process with its own view of the system."),
        ("Basics", "Why use one?", "Builds that run the same everywhere."),
        ("Basics", "Is this bold line a question?", "Yes: a bold line that asks is one."),
        ("Advanced", "What is an image?", "Layers, and a manifest."),
    ]


def test_markdown_numbered_headings_among_topic_headings_of_the_same_level(tmp_path: Path) -> None:
    text = (
        "## Basics\n\n## 1. What is X?\n\nX is x.\n\n## 2) What is Y?\n\nY is y.\n\n"
        "## Advanced\n\n## 3. Why Z?\n\nBecause.\n"
    )
    code, out = imported(tmp_path, "numbered.md", text)
    assert code == 0
    found = questions(out)
    assert [(q["topic"], q["question"]) for q in found.values()] == [
        ("Basics", "What is X?"),
        ("Basics", "What is Y?"),
        ("Advanced", "Why Z?"),
    ]


def test_markdown_levels_given_by_options(tmp_path: Path) -> None:
    text = (
        "# Part one\n\n## What is A?\n\nA.\n\n#### Detail\n\nMore on A.\n\n"
        "# Part two\n\n## What is B?\n\nB.\n"
    )
    code, out = imported(tmp_path, "levels.md", text, "--question-level", "2", "--topic-level", "1")
    assert code == 0
    found = questions(out)
    assert [(q["topic"], q["question"], q["answer"]) for q in found.values()] == [
        ("Part one", "What is A?", "A.\n\n#### Detail\n\nMore on A."),
        ("Part two", "What is B?", "B."),
    ]
    code, out = imported(tmp_path, "levels.md", text, "--question-level", "2", "--topic-level", "none")
    assert code == 1  # the folder exists now: never written over
    options = ImportOptions(question_level=2, topic_level=0)
    read = read_source(tmp_path / "levels.md", options)
    assert [r.fields.get("topic") for r in read.records] == [None, None]


def test_markdown_without_questions_is_an_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = imported(tmp_path, "notes.md", "Just a paragraph.\n\nAnd another.\n")
    assert code == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "notes.md:1:1: error: found no questions" in err
    assert err.endswith("guide: 1 error; nothing was written\n")


def test_markdown_headings_without_any_answer_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = imported(tmp_path, "empty.md", "## Topic\n\n### What?\n\n### Why?\n")
    assert code == 1
    assert not out.exists()
    captured = capsys.readouterr()
    assert "empty.md:3:1: skipped: 'What?' has no answer" in captured.out
    assert "empty.md: error: found no question with an answer; nothing was written" in captured.err


# ---- CSV ---------------------------------------------------------------------------------------

UGLY_CSV = (
    "\ufeffQuestion,Answer,Topic,Key points,Tags,Difficulty,Notes\r\n"
    '"What is ""no""?",no,Basics,"- one\r\n- two","sql, joins",Hard,x\r\n'
    ",,,,,,\r\n"
    "C# is #1?,1.0,,,,,\r\n"
    '"Multi\r\nline?","Line 1\r\n\r\nLine 2  \r\nend",Basics,,,expert,\r\n'
    "Empty answer?,,,,,,\r\n"
    "Emoji 😀 and 漢字?,Yes ✓,Basics,,,,\r\n"
    "Emoji 😀 and 漢字?,Yes ✓,Basics,,,,\r\n"
    "Emoji 😀 and 漢字?,Another answer,Basics,,,,\r\n"
)


def test_csv_with_bom_crlf_quoted_newlines_empty_cells_and_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = imported(tmp_path, "bank.csv", UGLY_CSV)
    assert code == 0
    found = questions(out)
    assert list(found) == ["no", "multi-line", "emoji", "emoji-2", "c-is-1"]  # by topic
    assert found["no"] == {
        "topic": "Basics",
        "question": 'What is "no"?',
        "answer": "no",
        "key_points": ["one", "two"],
        "tags": ["sql", "joins"],
        "difficulty": "hard",
    }
    assert found["c-is-1"]["answer"] == "1.0"  # kept as text, not read as a number
    assert found["c-is-1"]["question"] == "C# is #1?"
    assert found["c-is-1"]["topic"] == "General"
    assert found["multi-line"]["question"] == "Multi\nline?"
    assert found["multi-line"]["answer"] == "Line 1\n\nLine 2  \nend"  # the hard break kept
    assert found["multi-line"]["difficulty"] is None
    captured = capsys.readouterr()
    assert "bank.csv:11:1: skipped: 'Empty answer?' has no answer" in captured.out
    assert "bank.csv:13:1: skipped: the same question and answer as line 12" in captured.out
    assert (
        "bank.csv:1:50: warning: column 7, 'Notes' is not a field of a question; ignored"
        " (use it with --map FIELD=Notes)" in captured.err
    )
    assert "bank.csv:6:1: warning: difficulty 'expert' is not easy, medium or hard; left out" in captured.err
    assert (
        "bank.csv:14:1: warning: the same question as line 12 ('emoji') with another answer;"
        " imported as 'emoji-2'" in captured.err
    )


def test_csv_latin1_bytes_are_located_and_read_with_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b"question;answer\nWhat is a caf\xe9?;A place for coffee\n"
    code, out = imported(tmp_path, "latin.csv", data)
    assert code == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "latin.csv:2:14: error: the file is not UTF-8: found the byte 0xe9" in err
    assert "--encoding cp1252" in err
    code, out = imported(tmp_path, "latin.csv", data, "--encoding", "latin-1")
    assert code == 0
    assert questions(out)["cafe"]["question"] == "What is a café?"  # ';' found as the delimiter


def test_csv_header_problems_are_all_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = imported(tmp_path, "bad.csv", "Question,Anwser,question\nq,a,b\n")
    assert code == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "bad.csv:1:17: error: columns 1 ('Question') and 3 ('question') are both 'question'" in err
    assert "bad.csv:1:1: error: the header has no 'answer' column; did you mean 'Anwser'?" in err
    assert "guide: 2 errors; nothing was written" in err


def test_csv_unclosed_quote_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = imported(tmp_path, "quote.csv", 'question,answer\nok?,fine\n"broken,answer\nnext,row\n')
    assert code == 1
    assert "quote.csv:3:1: error: a quote opened in this row is never closed" in capsys.readouterr().err


def test_csv_ids_given_kept_when_valid_else_made_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "id,question,answer\nmy-id,A?,a\nNot Valid!,B?,b\nmy-id,C?,c\n"
    code, out = imported(tmp_path, "ids.csv", text)
    assert code == 0
    assert list(questions(out)) == ["my-id", "not-valid", "my-id-2"]
    err = capsys.readouterr().err
    assert "ids.csv:3:1: warning: id 'Not Valid!' is not a valid id" in err
    assert "ids.csv:4:1: warning: id 'my-id' is taken by an earlier question; this one is 'my-id-2'" in err


def test_csv_list_separator_and_map(tmp_path: Path) -> None:
    text = "Front,Back,Points\nWhat?,This.,a | b | c\n"
    code, out = imported(tmp_path, "sep.csv", text, "--map", "question=Front,answer=Back,key_points=Points",
                         "--list-separator", "|")  # fmt: skip
    assert code == 0
    assert questions(out)["what"]["key_points"] == ["a", "b", "c"]


# ---- JSON and YAML -----------------------------------------------------------------------------


def test_json_list_of_objects_with_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {
        "deck": "x",
        "cards": [
            {"front": "What is 1.10?", "back": 1.10, "tags": ["versions"], "extra": {"a": 1}},
            "not an object",
            {"front": "Why?", "back": None},
        ],
    }
    text = json.dumps(data, indent=2).replace("1.1,", "1.10,")  # as a person writes it
    code, out = imported(tmp_path, "cards.json", text, "--map", "question=front,answer=back")
    assert code == 0
    found = questions(out)
    assert found["1-10"]["answer"] == "1.10"
    assert found["1-10"]["tags"] == ["versions"]
    captured = capsys.readouterr()
    assert "cards.json:14:1: skipped: the item is not an object" in captured.out
    assert "cards.json:15:1: skipped: 'Why?' has no answer" in captured.out
    assert "cards.json:4:1: warning: key 'extra' is not a field of a question; ignored" in captured.err


def test_json_without_map_says_which_keys_there_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = imported(tmp_path, "cards.json", '[{"front": "a", "back": "b"}]')
    assert code == 1
    err = capsys.readouterr().err
    assert (
        "cards.json:1:1: error: no object has 'question' (keys found: back, front); map one with --map" in err
    )


def test_json_syntax_error_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = imported(tmp_path, "broken.json", '[\n  {"question": "a", "answer": "b",}\n]\n')
    assert code == 1
    assert "broken.json:2:35: error: invalid JSON: Expecting property name" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[" * 1000 + "]" * 1000, "1:65"),  # Python's decoder would overflow its stack
        ('{"questions": [' + '{"a": ' * 2000 + "1" + "}" * 2000 + "]}", "1:388"),
        ('[\n  "[[[[", ' + "[" * 70 + "]" * 70 + "\n]", "2:74"),  # brackets in a string do not count
    ],
)
def test_json_nested_too_deep_is_located_like_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    code, out = imported(tmp_path, "deep.json", text)
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert f"deep.json:{where}: error: values nested more than 64 levels deep" in err
    assert "Traceback" not in err
    code, _ = imported(tmp_path, "deep.yaml", "q: " + "[" * 100 + "]" * 100)
    assert "deep.yaml:1:67: error: values nested more than 64 levels deep" in capsys.readouterr().err


def test_yaml_list_keeps_plain_values_as_written(tmp_path: Path) -> None:
    text = (
        "questions:\n  - question: Is it?\n    answer: no\n    difficulty: Easy\n"
        "  - question: Version?\n    answer: 1.10\n"
    )
    code, out = imported(tmp_path, "bank.yaml", text)
    assert code == 0
    found = questions(out)
    assert found["it"]["answer"] == "no"
    assert found["it"]["difficulty"] == "easy"
    assert found["version"]["answer"] == "1.10"


def test_yaml_syntax_error_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = imported(tmp_path, "bank.yaml", "- question: a\n  answer: [b\n")
    assert code == 1
    assert "bank.yaml:" in capsys.readouterr().err


# ---- Anki --------------------------------------------------------------------------------------


def test_anki_text_export_with_headers_html_deck_and_tags(tmp_path: Path) -> None:
    text = (
        "#separator:tab\n#html:true\n#deck column:3\n#tags column:4\n"
        "What is <b>HTML</b>?\tA <i>markup</i> language<br>with &amp; entities&nbsp;too"
        "\tInterview::Web\tweb html\n"
        '"A front with a\ttab"\t"A back on\ntwo lines"\tInterview::Web\t\n'
    )
    code, out = imported(tmp_path, "deck.txt", text)
    assert code == 0
    found = questions(out)
    assert found["html"] == {
        "topic": "Web",
        "question": "What is **HTML**?",
        "answer": "A *markup* language\nwith & entities too",
        "key_points": [],
        "tags": ["web", "html"],
        "difficulty": None,
    }
    assert found["front-with-tab"]["answer"] == "A back on\ntwo lines"


def test_anki_plain_lines_are_front_and_back(tmp_path: Path) -> None:
    code, out = imported(tmp_path, "plain.txt", "Front one\tBack one\nFront two\tBack two\n")
    assert code == 0
    assert [q["answer"] for q in questions(out).values()] == ["Back one", "Back two"]


# ---- the folder, the report, the check --------------------------------------------------------


def test_an_existing_folder_is_never_written_over(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data" / "imported"
    out.mkdir(parents=True)
    (out / "mine.txt").write_text("keep me")
    code, _ = imported(tmp_path, "bank.csv", "question,answer\nq?,a\n")
    assert code == 1
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    assert "never writes over one" in capsys.readouterr().err
    empty = tmp_path / "data" / "empty"
    empty.mkdir()
    assert main(["import", str(tmp_path / "bank.csv"), "--out", str(empty)]) == 1
    assert not any(empty.iterdir())
    assert not [p for p in (tmp_path / "data").iterdir() if p.name.startswith(".")]  # no work folder left


def test_the_default_folder_is_named_after_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "My Interview Bank (2024).csv", "question,answer\nq?,a\n")
    assert main(["import", "My Interview Bank (2024).csv"]) == 0
    assert (tmp_path / "data" / "my-interview-bank-2024" / "guide.yaml").is_file()


def test_a_new_folder_that_does_not_check_says_what_to_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Amharic: no shipped font has Ethiopic.
    code, out = imported(tmp_path, "amharic.csv", "question,answer\nHow do you greet?,ሰላም\n")
    assert code == 1
    assert (out / "guide.yaml").is_file()  # written, and the report says what to fix in it
    err = capsys.readouterr().err
    assert f"{out}/questions/01-general.yaml:" in err
    assert "U+1230" in err
    assert f"(it was written): fix them, then run `guide check {out}`" in err


def test_an_imported_guide_builds(tmp_path: Path) -> None:
    code, out = imported(tmp_path, "bank.md", UGLY_MARKDOWN)
    assert code == 0
    assert main(["build", str(out), "--out", str(tmp_path / "output"), "--quiet"]) == 0


def test_many_warnings_are_cut_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = "".join(f"Question {n}?,Answer {n}\n" for n in range(20))
    code, out = imported(tmp_path, "many.csv", "question,answer\n" + rows)
    assert code == 0
    err = capsys.readouterr().err
    assert err.count("warning:") == 10
    assert f"guide: … and 30 more warnings; `guide check {out}` lists them all" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--map", "qestion=front"], "'qestion' is not a field; did you mean 'question'?"),
        (["--map", "question"], "'question' is not FIELD=NAME"),
        (["--question-level", "7"], "'7' is not a heading level 1-6, or 'bold'"),
        (["--encoding", "nosuch"], "'nosuch' is not an encoding"),
        (["--format", "docx"], "invalid choice: 'docx'"),
    ],
)
def test_usage_errors_exit_2(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "bank.csv", "question,answer\nq?,a\n")
    assert main(["import", str(source), *arguments]) == 2
    assert message in capsys.readouterr().err


def test_unknown_suffix_asks_for_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, "bank.dat", "question,answer\nq?,a\n")
    assert main(["import", str(source), "--out", str(tmp_path / "x")]) == 1
    assert "bank.dat: error: cannot tell the format from the name" in capsys.readouterr().err
    assert main(["import", str(source), "--out", str(tmp_path / "x"), "--format", "csv"]) == 0


def test_missing_source_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "none.csv"), "--out", str(tmp_path / "x")]) == 1
    assert "none.csv: error: file not found" in capsys.readouterr().err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--help"]) == 0
    assert "--map FIELD=NAME" in capsys.readouterr().out


# ---- ids and YAML text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "What is the difference between L1 and L2 regularisation?",
            "difference-between-l1-and-l2-regularisation",
        ),
        ("How do you detect overfitting?", "detect-overfitting"),
        ("Naïve Bayes: straße, Ærø?", "naive-bayes-strasse-aero"),
        ("What is it?", "it"),
        ("What?", "what"),
    ],
)
def test_slugs(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_slugs_of_text_without_latin_letters_are_stable_and_valid() -> None:
    first = slug("什么是数据库索引？")
    assert first == slug("什么是数据库索引？")
    assert first.startswith("q-") and ID_PATTERN.match(first)
    assert slug("😀") != first


@given(st.text(min_size=1, max_size=300))
@settings(max_examples=200)
def test_any_slug_is_a_valid_id_with_room_for_a_suffix(text: str) -> None:
    made = unique(slug(text), {slug(text)})
    assert ID_PATTERN.match(made) and len(made) <= MAX_ID_LENGTH


# Characters a bank may hold (no C0/C1 controls but tab and newline, which the validator refuses
# anyway), biased to those that trouble YAML.
_TEXT = st.lists(
    st.one_of(
        st.sampled_from([*" \t\n#:-?&*!|>'\"%@`,[]{}\\~", "no", "yes", "1.0", "null", "C# is #1", "\u2028"]),
        st.characters(blacklist_categories=("Cs", "Cc")),
    ),
    min_size=1,
    max_size=40,
).map("".join)


@given(_TEXT)
@settings(max_examples=300)
def test_written_text_reads_back_exactly(text: str) -> None:
    problems = Problems()
    value = text + "\n" if "\n" in text else text
    node = parse_yaml(dump({"answer": value}), "x.yaml", problems)
    assert not problems.items, problems.items
    assert node is not None
    written = node.entries["answer"][1]
    assert written.kind == "str"
    assert written.text == value


@pytest.mark.parametrize(
    "text", ["no", "C# is #1", "1.0", "key: value", "- item", "  leading", "trailing  ", "@at"]
)
def test_values_yaml_would_misread_are_quoted(text: str) -> None:
    line = dump({"answer": text})
    assert line != f"answer: {text}\n"
    node = parse_yaml(line, "x.yaml", Problems())
    assert node is not None and node.entries["answer"][1].text == text


def test_multi_line_text_is_a_literal_block() -> None:
    assert dump({"answer": "First line\n\n- a list\n"}) == "answer: |\n  First line\n\n  - a list\n"


def test_a_guide_error_from_reading_lists_every_problem(tmp_path: Path) -> None:
    source = write(tmp_path, "bad.csv", "Question,Anwser,Question\n")
    with pytest.raises(GuideError) as caught:
        read_source(source, ImportOptions())
    assert len(caught.value.errors) == 2


# ---- the README --------------------------------------------------------------------------------

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_import_examples_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shlex
    import shutil

    shutil.copytree(README.parent / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    commands = [line for line in README.read_text().splitlines() if line.startswith("guide import docs/")]
    assert len(commands) == 4
    for command in commands:
        assert main(shlex.split(command)[1:]) == 0, command
    shutil.rmtree(tmp_path / "data" / "devops")
    capsys.readouterr()
    assert main(shlex.split(commands[0])[1:]) == 0
    out = capsys.readouterr().out.splitlines()
    text = README.read_text()
    shown = text[text.index("docs/examples/devops-questions.md → ") :].split("```")[0].splitlines()
    assert shown[:8] == out[:8]  # the report, as the README shows it
    assert shown[-1] == out[-1]


def test_a_file_too_large_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path, "big.csv", "question,answer\n" + "q?,a\n" * 100)
    with pytest.raises(GuideError) as caught:
        read_source(source, ImportOptions(max_bytes=100))
    assert "big.csv: error: the file is larger than 100 bytes, the most guide imports; split it" in str(
        caught.value
    )


def test_a_level_with_no_headings_says_which_levels_there_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = imported(tmp_path, "bank.md", "## Topic\n\n### Q?\n\nA.\n", "--question-level", "4")
    assert code == 1
    assert "bank.md:1:1: error: found no questions: no heading of level 4 (levels in the file: 2, 3)" in (
        capsys.readouterr().err
    )


def test_a_large_markdown_bank_reads_every_question(tmp_path: Path) -> None:
    """Thousands of questions: every one found, each with its own answer and topic."""
    parts = []
    for topic in range(20):
        parts.append(f"## Topic {topic}\n")
        parts.extend(
            f"### {topic * 250 + n}. Question {topic}-{n}?\n\nAnswer {topic}-{n}.\n" for n in range(250)
        )
    source = write(tmp_path, "big.md", "\n".join(parts))
    read = read_source(source, ImportOptions())
    assert len(read.records) == 5000
    assert read.records[-1].fields == {
        "question": "Question 19-249?",
        "answer": "Answer 19-249.",
        "topic": "Topic 19",
    }
    assert not read.skipped


def test_a_map_naming_no_column_is_an_error_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = imported(tmp_path, "cards.csv", "Front,Back\nq?,a\n", "--map", "question=Frnt,answer=Back")
    assert code == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "cards.csv:1:1: error: --map question=Frnt: the file has no 'Frnt'; did you mean 'front'?" in err
