"""Read the complete edition back: both parts in one file, one outline, page labels, links both ways."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from conftest import Built, titles
from pdfcheck import Link, Pdf, front_matter, ink_box, norm

GUIDES = ("ai-engineer", "tricky", "minimal")


def key_offset(b: Built) -> int:
    """Index of the answer key's first page in the complete edition: right after the study guide,
    since the base style prints on one side (a style printed on both pads to a right-hand page)."""
    return len(b.study)


@pytest.fixture(scope="module", params=GUIDES)
def edition(request: pytest.FixtureRequest, built: Callable[[str], Built]) -> Built:
    return built(request.param)


def test_pages_are_the_parts_one_after_the_other(edition: Built) -> None:
    """Pages: the study guide, then the answer key, with no blank page between (printed on one side)."""
    study, key, complete = edition.study, edition.key, edition.complete
    offset = key_offset(edition)
    assert len(complete) == offset + len(key)
    assert complete.texts[: len(study)] == study.texts
    assert complete.texts[offset:] == key.texts
    boxes = [tuple(p.mediabox) for p in complete.reader.pages]
    assert set(boxes) == {tuple(study.reader.pages[0].mediabox)}
    if offset > len(study):
        assert complete.texts[len(study)] == ""
        assert ink_box(complete.render([len(study)], 0.25)[0]) is None
    assert edition.manifest["files"]["complete"]["pages"] == len(complete)


def test_pages_look_the_same_as_in_the_parts(edition: Built) -> None:
    """Merging changes no page's appearance (fonts renamed, links rewritten, nothing else)."""
    study, key, complete = edition.study, edition.key, edition.complete
    offset = key_offset(edition)
    merged = complete.render(list(range(len(complete))), 0.4)
    parts = study.render(list(range(len(study))), 0.4) + key.render(list(range(len(key))), 0.4)
    indices = [*range(len(study)), *range(offset, len(complete))]
    for index, picture in zip(indices, parts, strict=True):
        assert merged[index].tobytes() == picture.tobytes(), index


def test_both_page_count_parities_are_tested(built: Callable[[str], Built]) -> None:
    """The synthetic guides give one study guide of each parity: with and without the blank page."""
    assert {len(built(g).study) % 2 for g in ("tricky", "minimal")} == {0, 1}


def test_outline_has_both_parts(edition: Built) -> None:
    """Two top items, 'Study guide' and 'Answer key'; topics and questions under each, on their pages."""
    complete = edition.complete
    offset = key_offset(edition)
    expected = []
    for title, pages in (
        ("Study guide", range(len(edition.study))),
        ("Answer key", range(offset, len(complete))),
    ):
        headings = complete.headings_in(pages)
        expected.append((0, title, pages.start))
        for topic in edition.guide.topics:
            expected.append((1, topic.title, headings[topic.questions[0].number]))
            expected += [
                (2, f"{q.number}. {titles(edition.guide)[q.number]}", headings[q.number])
                for q in topic.questions
            ]
    assert [(i.level, norm(i.title), i.page) for i in complete.outline] == expected
    assert [(i.level, i.title, i.page) for i in complete.pdfium_outline] == [
        (i.level, i.title, i.page) for i in complete.outline
    ]


def test_page_labels_continue(edition: Built) -> None:
    """Labels: the study guide's, then the answer key's (A-i …, A-1 …), all distinct."""
    study, key, complete = edition.study, edition.key, edition.complete
    offset = key_offset(edition)
    labels = complete.labels
    assert labels[: len(study)] == study.labels
    assert labels[offset:] == key.labels
    assert len(set(labels)) == len(labels)
    assert key.labels[0] == "A-i" and "1" in study.labels and "A-1" in key.labels


def _question_beside(pdf: Pdf, links: list[Link]) -> list[int]:
    """The number of the question whose heading sits level with each link, to its left."""
    beside = pdf.text_in([(link.page, (0, link.rect[1], link.rect[0], link.rect[3])) for link in links])
    numbers = []
    for text in beside:
        match = re.match(r"QUESTION (\d+)\b", text)
        assert match, text
        numbers.append(int(match.group(1)))
    return numbers


def _lands_on_heading(pdf: Pdf, link: Link, number: int) -> bool:
    """The destination's top is just above the heading of question number."""
    assert link.target is not None and link.top is not None
    width = float(pdf.reader.pages[link.target].mediabox.width)
    band = pdf.text_in([(link.target, (0, link.top - 16, width, link.top))])[0]
    return re.match(rf"QUESTION {number}\b", band) is not None


def test_questions_and_answers_link_both_ways(edition: Built) -> None:
    """Each question links to its answer and back, landing at the heading; the page label shown is true."""
    complete = edition.complete
    offset = key_offset(edition)
    count = len(edition.guide.questions)
    body = [link for link in complete.links if link.page not in _front_pages(edition) and link.uri is None]
    assert all(link.file is None for link in complete.links)
    assert len(body) == 2 * count
    forward = [link for link in body if link.page < offset]
    back = [link for link in body if link.page >= offset]
    shown = complete.text_in([(link.page, link.rect) for link in body])
    for links, numbers, pages, word in (
        (forward, _question_beside(complete, forward), range(offset, len(complete)), "Answer"),
        (back, _question_beside(complete, back), range(len(edition.study)), "Question"),
    ):
        assert numbers == list(range(1, count + 1))
        headings = complete.headings_in(pages)
        for link, number in zip(links, numbers, strict=True):
            assert link.target == headings[number], (word, number)
            assert _lands_on_heading(complete, link, number), (word, number)
            assert shown[body.index(link)] == f"{word}: page {complete.labels[link.target]}"


def _front_pages(edition: Built) -> set[int]:
    """Cover, introduction and contents of both parts: the pages before each part's first footer."""
    offset = key_offset(edition)
    return {*range(front_matter(edition.study)), *range(offset, offset + front_matter(edition.key))}


def test_contents_links_stay_in_their_part(edition: Built) -> None:
    """The contents of each part link to the headings of that part, landing on them."""
    complete = edition.complete
    offset = key_offset(edition)
    front = _front_pages(edition)
    for links, pages in (
        ([link for link in complete.links if link.page in front and link.page < offset], range(offset)),
        (
            [link for link in complete.links if link.page in front and link.page >= offset],
            range(offset, len(complete)),
        ),
    ):
        assert len(links) == len(edition.guide.topics) + len(edition.guide.questions)
        shown = complete.text_in([(link.page, link.rect) for link in links])
        headings = complete.headings_in(pages)
        for link, entry in zip(links, shown, strict=True):
            assert link.target is not None and link.target in pages
            match = re.match(r"(\d+)\. ", entry)
            if match:
                assert link.target == headings[int(match.group(1))], entry
                assert _lands_on_heading(complete, link, int(match.group(1))), entry
            assert entry.endswith(" " + complete.labels[link.target]), entry


def test_pdfium_resolves_links_like_pypdf(edition: Built) -> None:
    """PDFium finds the same links, going to the same pages."""
    complete = edition.complete
    assert [link.key for link in complete.pdfium_links] == [link.key for link in complete.links]


def test_every_link_of_the_parts_is_in_the_book(edition: Built) -> None:
    """The complete edition makes its links from what the layout recorded: the same links as the
    parts' own files, on the same pages and rectangles, web addresses included, none more."""
    offset = key_offset(edition)

    def where(links: list[Link], shift: int = 0) -> list[tuple[int, tuple[float, ...], str | None]]:
        return sorted((link.page + shift, tuple(round(v, 1) for v in link.rect), link.uri) for link in links)

    both = where(edition.study.links) + where(edition.key.links, offset)
    assert where(edition.complete.links) == sorted(both)
    if edition.guide.id == "tricky":
        assert any(link.uri for link in edition.complete.links)  # the web link of the tricky guide
