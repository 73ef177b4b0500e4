"""Problems inside a text (an image, a formula) are reported where they were typed: the line and
column within the field, through YAML's block, plain and quoted scalars and their escapes; the
field's start only where no exact place can be given."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide import cli
from guide.data import places
from guide.errors import Location

BANK = r"""title: Places
edition: "1"
date: 2026-01-01
questions:
  - id: q1
    topic: T
    question: What?
    guidance: g
    key_points: [k]
    answer: |
      Line one is fine.

      Line three is fine too.

      Here is a broken one: $\frac{a}{$ indeed.
      And ![missing](figures/nope.png) here.
      And a bad one ![abs](/etc/passwd) and ![up](../x.png).
  - id: q2
    topic: T
    question: "Bad in a double-quoted string: \"q\" \u00e9 ![m](n1.png) and $\\badcmd$"
    guidance: 'It''s here: ![m](n2.png)'
    key_points:
      - fine
      - "also ![m](n3.png)"
    follow_ups: [one, 'two ![m](n4.png)', "three $\\nope$"]
    answer: >
      Folded scalar line one
      and line two with ![m](n5.png)
      and $\unknownthing$.
  - id: q3
    topic: T
    question: Plain, with an accent é ![m](n6.png) and a table?
    guidance: &shared "An alias ![m](n7.png)"
    key_points: [k]
    answer: |
      | a | b |
      |---|---|
      | x | ![m](n8.png) <img src="n9.png"> |

      <div>
        <img src="n10.png">
        In HTML, $\badhtml$ too.
      </div>
  - id: q4
    topic: T
    title: Named $\badtitle$
    question: Q?
    guidance: g
    key_points: [k]
    answer: a
"""


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], bank: str, newline: str = "\n") -> list[str]:
    folder = tmp_path / "g"
    folder.mkdir(parents=True)
    (folder / "guide.yaml").write_bytes(bank.replace("\n", newline).encode())
    cli.main(["check", "-v", str(folder)])
    return [
        line.split("guide.yaml:", 1)[1]
        for line in capsys.readouterr().err.splitlines()
        if "guide.yaml:" in line
    ]


EXPECTED = [
    "16:11: error: question 'q1', answer: the image 'figures/nope.png' does not exist",
    "17:21: error: question 'q1', answer: the image '/etc/passwd' is an absolute path",
    "17:45: error: question 'q1', answer: the image '../x.png' climbs out of the guide folder",
    "20:60: error: question 'q2', question: the image 'n1.png' does not exist",
    "21:28: error: question 'q2', guidance: the image 'n2.png' does not exist",
    "24:15: error: question 'q2', key points: the image 'n3.png' does not exist",
    "25:28: error: question 'q2', follow ups: the image 'n4.png' does not exist",
    "28:25: error: question 'q2', answer: the image 'n5.png' does not exist",
    "32:39: error: question 'q3', question: the image 'n6.png' does not exist",
    "33:33: error: question 'q3', guidance: the image 'n7.png' does not exist",
    "38:13: error: question 'q3', answer: the image 'n8.png' does not exist",
    "38:26: error: question 'q3', answer: the image 'n9.png' does not exist",
    "41:9: error: question 'q3', answer: the image 'n10.png' does not exist",
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_an_image_is_reported_where_it_was_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], newline: str
) -> None:
    found = check(tmp_path, capsys, BANK, newline)
    assert [line.split(" (looked", 1)[0].split(":", 1)[1] for line in found if "does not exist" in line] == [
        line.split(":", 1)[1] for line in EXPECTED if "does not exist" in line
    ]
    for want in EXPECTED:
        assert any(line.startswith(want) for line in found), (want, found)


def test_a_formula_that_cannot_be_typeset_is_reported_where_it_was_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = BANK.replace("![", "[").replace("<img", "<i")  # no image errors: the formulas are checked
    found = [line.split(" (", 1)[0] for line in check(tmp_path, capsys, bank) if "formula" in line]
    assert found == [
        "15:29: warning: question 'q1', answer: cannot typeset the formula $\\frac{a}{$",
        "20:76: warning: question 'q2', question: cannot typeset the formula $\\badcmd$",
        "25:49: warning: question 'q2', follow_ups: cannot typeset the formula $\\nope$",
        "29:11: warning: question 'q2', answer: cannot typeset the formula $\\unknownthing$",
        "42:18: warning: question 'q3', answer: cannot typeset the formula $\\badhtml$",
        "46:18: warning: question 'q4', title: cannot typeset the formula $\\badtitle$",
    ]


def test_a_place_that_cannot_be_followed_is_the_field_s_start(tmp_path: Path) -> None:
    source = tmp_path / "f.yaml"
    source.write_text('a: "x \\u0041 ![i](p.png)"\nb: *x\n', encoding="utf-8")
    value = "x A ![i](p.png)"
    assert places.place(Location(str(source), 1, 4), value, 4) == Location(str(source), 1, 14)
    assert places.place(Location(str(source), 1, 4), value, 2) == Location(str(source), 1, 7)  # the escape
    # An alias's value was written elsewhere; a value the file does not hold (changed since).
    assert places.place(Location(str(source), 2, 4), value, 4) == Location(str(source), 2, 4)
    assert places.place(Location(str(source), 1, 4), "other text", 6) == Location(str(source), 1, 4)
    assert places.place(Location(str(tmp_path / "gone.yaml"), 1, 4), value, 4).line == 1


def test_the_guide_s_description_has_its_images_checked_and_placed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = BANK.replace(
        'edition: "1"\n', 'edition: "1"\ndescription: |\n  How to use it.\n\n  ![a map](map.png)\n'
    )
    found = check(tmp_path, capsys, bank)
    assert found[0].startswith("6:3: error: the guide's description: the image 'map.png' does not exist"), (
        found
    )
    bank = bank.replace("![", "[").replace("<img", "<i").replace("How to use it.", "Use $\\nothing$ well.")
    found = check(tmp_path / "again", capsys, bank)
    assert found[0].startswith("4:7: warning: the guide's description: cannot typeset the formula"), found
