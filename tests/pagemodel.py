"""Lay blocks and stories out into the page model, without writing a PDF: what tests read as data."""

from __future__ import annotations

from collections.abc import Iterable

from guide.layout import page
from guide.layout.blocks import Block, MarkKind, MarkValue
from guide.layout.kit import Kit
from guide.layout.page import Item, Page
from guide.layout.pager import Pager, PartInfo


class Collect:
    """Where a block draws, outside any pager: every item it adds, and every mark it makes."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.marks: list[tuple[MarkKind, MarkValue]] = []

    def add(self, item: Item) -> None:
        self.items.append(item)

    def mark(self, kind: MarkKind, value: MarkValue) -> None:
        self.marks.append((kind, value))


def drawn_items(block: Block, width: float) -> list[page.TextLine]:
    """The lines of text a block draws at a width."""
    out = Collect()
    block.wrap(width, 1e9)
    block.draw(out, 0.0, 0.0)
    return [item for item in out.items if isinstance(item, page.TextLine)]


def info(part: page.Part = "study", **changes: object) -> PartInfo:
    fields: dict[str, object] = {
        "part": part,
        "title": "Title",
        "edition": "1",
        "folio_prefix": "" if part == "study" else "A-",
        "part_label": "Study guide" if part == "study" else "Answer key",
    }
    fields.update(changes)
    return PartInfo(**fields)  # type: ignore[arg-type]  # changes may be any field: PartInfo checks them


def paginate(
    blocks: Iterable[Block], kit: Kit, part_info: PartInfo | None = None
) -> tuple[list[Page], Pager]:
    """Blocks laid out on pages by a pager, as the model holds them; and the pager, for its anchors."""
    pages: list[Page] = []

    def sink(finished: Page) -> int:
        pages.append(finished)
        return len(pages) - 1

    pager = Pager(kit, part_info or info(), sink)
    pager.run(blocks)
    return pages, pager


def texts(found: Page) -> list[str]:
    """The text of each line on a page, in the order drawn."""
    return ["".join(run.text for run in item.runs) for item in found.items if isinstance(item, page.TextLine)]


def part_pages(guide: object, part: page.Part, style: str = "base") -> list[Page]:
    """A guide's part (every topic, not the front matter) laid out on the page model."""
    from guide.data.model import Guide
    from guide.layout import compose, story
    from guide.layout.kit import make_kit
    from guide.layout.styles import load_theme

    assert isinstance(guide, Guide)
    theme = load_theme(style)
    kit = make_kit(theme)
    pages: list[Page] = []
    for index in range(len(guide.topics)):
        items = compose.topic_items(guide, part, index, note_lines=theme.note_lines)
        found, _ = paginate(story.blocks(items, kit), kit, info(part))
        pages.extend(found)
    return pages
