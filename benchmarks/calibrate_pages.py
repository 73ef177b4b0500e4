"""Fit the page model of `guide stats` (guide/data/pages.py) to real builds, and show how well it fits.

Builds the shipped guides and synthetic banks (generate.py) with the base style, reads from each
part's outline where every question landed (page and height on the page), and fits each question's
height in each part to the counts pages.py makes of its texts, by least squares. The front matter
(cover, how to use, contents) is fitted to the page on which the first topic starts. Prints the
coefficients to paste into pages.py, then the estimated and the real pages of every bank.

    python benchmarks/calibrate_pages.py [--sizes 60,250,1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

from guide.build import Options, build_guide  # noqa: E402
from guide.data import pages  # noqa: E402
from guide.data.model import Guide  # noqa: E402
from guide.data.validate import load_guide  # noqa: E402

REPO = HERE.parent
BOTTOM = 62.36  # the base style's bottom margin (22 mm): the foot of the text
TOP = BOTTOM + pages.FRAME  # where a question at the top of a page has its outline entry


def landings(path: Path) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """(page, y) of each topic and of each question, from a part's outline."""
    pdf = pdfium.PdfDocument(str(path))
    topics: list[tuple[int, float]] = []
    questions: list[tuple[int, float]] = []
    for item in pdf.get_toc():
        dest = item.get_dest()
        if dest is None:
            continue
        _, view = dest.get_view()
        place = (dest.get_index() or 0, float(view[1]))
        (topics if item.level == 0 else questions).append(place)
    pdf.close()
    return topics, questions


def heights(guide: Guide, places: list[tuple[int, float]], *, flowing: bool) -> list[tuple[int, float]]:
    """(question index, height) of every question whose height the next question's place tells."""
    found = []
    index = 0
    for topic in guide.topics:
        for position in range(len(topic.questions)):
            if position + 1 < len(topic.questions):
                (page, y), (next_page, next_y) = places[index], places[index + 1]
                if page == next_page:
                    found.append((index, y - next_y))
                elif flowing:
                    found.append(
                        (index, (y - BOTTOM) + (next_page - page - 1) * pages.FRAME + (TOP - next_y))
                    )
            index += 1
    return found


def least_squares(rows: Sequence[Sequence[float]], targets: Sequence[float]) -> list[float]:
    """The coefficients that minimise the squared error of rows · c against targets (normal equations)."""
    size = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(size)] for i in range(size)]
    b = [sum(r[i] * t for r, t in zip(rows, targets, strict=True)) for i in range(size)]
    for i in range(size):
        a[i][i] += 1e-6  # a count that never varies must not make the system singular
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(a[r][column]))
        a[column], a[pivot] = a[pivot], a[column]
        b[column], b[pivot] = b[pivot], b[column]
        for row in range(column + 1, size):
            factor = a[row][column] / a[column][column]
            for k in range(column, size):
                a[row][k] -= factor * a[column][k]
            b[row] -= factor * b[column]
    result = [0.0] * size
    for row in reversed(range(size)):
        result[row] = (b[row] - sum(a[row][k] * result[k] for k in range(row + 1, size))) / a[row][row]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="60,250,1000", help="synthetic banks to build (default: 60,250,1000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        folders = [REPO / "data" / "ai-engineer", REPO / "data" / "sql-fundamentals"]
        for size in (int(s) for s in args.sizes.split(",")):
            folder = root / f"bank-{size}"
            generate.generate(size, folder, seed=args.seed)
            folders.append(folder)
        banks = []
        study_rows, study_targets, key_rows, key_targets = [], [], [], []
        for folder in folders:
            guide, _ = load_guide(folder)
            result = build_guide(folder, root / "out", Options(quiet=True))
            parts = {}
            for role in ("study_guide", "answer_key"):
                name, count = result.files[role]
                parts[role] = (landings(result.folder / name), count)
            questions = guide.questions
            (study_topics, study_places), study_count = parts["study_guide"]
            (_, key_places), key_count = parts["answer_key"]
            for index, height in heights(guide, study_places, flowing=False):
                q = questions[index]
                study_rows.append(pages.study_features(q.question, q.guidance))
                study_targets.append(height)
            for index, height in heights(guide, key_places, flowing=True):
                q = questions[index]
                key_rows.append(pages.key_features(q.question, q.answer, q.key_points, q.follow_ups))
                key_targets.append(height)
            lines = sum(pages.contents_lines(q.question) for q in questions)
            banks.append((folder.name, guide, study_topics[0][0], lines, study_count, key_count))
        study = _keep_unseen(least_squares(study_rows, study_targets), study_rows, pages.STUDY)
        key = _keep_unseen(least_squares(key_rows, key_targets), key_rows, pages.KEY)
        # The front matter: the first topic's page says how many pages it took; aim for the middle.
        front_rows = [(1.0, lines, len(guide.topics)) for _, guide, _, lines, _, _ in banks]
        front_targets = [(first - 1.5) * pages.FRAME for _, _, first, _, _, _ in banks]
        front = least_squares(front_rows, front_targets)
    print(f"STUDY = ({', '.join(f'{c:.4g}' for c in study)})")
    print(f"KEY = ({', '.join(f'{c:.4g}' for c in key)})")
    print(f"FRONT = ({', '.join(f'{c:.4g}' for c in front)})")
    print(f"(from {len(study_rows)} study-guide and {len(key_rows)} answer-key heights)")
    pages.STUDY, pages.KEY, pages.FRONT = tuple(study), tuple(key), tuple(front)
    print(f"\n{'bank':<20} {'study':>13} {'answer key':>13} {'front':>9}")
    for name, guide, first, _, study_count, key_count in banks:
        got = pages.estimate(guide)
        print(
            f"{name:<20} {got.study_guide:>5} / {study_count:<5} {got.answer_key:>5} / {key_count:<5}"
            f" {got.front:>3} / {first:<3}  ({_error(got.study_guide, study_count)},"
            f" {_error(got.answer_key, key_count)})"
        )
    return 0


def _keep_unseen(
    fitted: list[float], rows: Sequence[Sequence[float]], current: Sequence[float]
) -> list[float]:
    """The fitted coefficients, but the current one of a count that is 0 in every row (nothing to fit)."""
    return [c if any(r[i] for r in rows) else current[i] for i, c in enumerate(fitted)]


def _error(estimated: int, real: int) -> str:
    return f"{(estimated - real) / real:+.0%}" if real else "n/a"


if __name__ == "__main__":
    sys.exit(main())
