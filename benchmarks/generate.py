"""Write realistic synthetic question banks for benchmarks: deterministic from a seed.

Each question reads like a hand-written interview question: ~22 words of question and ~38 of
guidance (~60 together), a ~90-word Markdown answer (some with a list, inline code, bold or a
code block), 3-5 key points, 2-3 follow-ups, a difficulty and 1-3 tags, spread over 15 topics.
Prose is wrapped at ~88 columns in `|` block scalars, as people write YAML by hand. Questions go
into questions/NN-<topic>[-partK].yaml files of at most ~2 MB (guide refuses files over 16 MiB).

    python benchmarks/generate.py 10000 /tmp/bank-10k [--seed 1]
    python benchmarks/generate.py 1000 /tmp/bank-rich --rich   # formulas, code and images too

With --rich, the same bank (the same random draws) also has a formula or a highlighted code
block in one answer of ten, and a figure (an SVG or a PNG of the bank's folder) in one of fifty.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from pathlib import Path

FILE_LIMIT = 2_000_000  # bytes per questions/ file, well under guide's 16 MiB limit
WRAP = 88

TOPICS: dict[str, list[str]] = {
    "Machine learning fundamentals": [
        "the bias-variance trade-off", "overfitting", "cross-validation", "regularisation",
        "feature scaling", "the curse of dimensionality", "data leakage", "learning curves",
    ],
    "Classical models": [
        "logistic regression", "decision trees", "random forests", "gradient boosting",
        "support vector machines", "k-nearest neighbours", "naive Bayes", "k-means clustering",
    ],
    "Deep learning": [
        "backpropagation", "batch normalisation", "dropout", "residual connections",
        "vanishing gradients", "weight initialisation", "learning-rate warm-up", "mixed precision",
    ],
    "Natural language processing": [
        "subword tokenisation", "word embeddings", "attention", "sequence-to-sequence models",
        "named-entity recognition", "beam search", "text classification", "perplexity",
    ],
    "Computer vision": [
        "convolutions", "pooling layers", "data augmentation", "object detection",
        "semantic segmentation", "transfer learning", "vision transformers", "non-maximum suppression",
    ],
    "Data engineering": [
        "feature stores", "batch pipelines", "streaming ingestion", "schema evolution",
        "data validation", "partitioned tables", "idempotent jobs", "backfills",
    ],
    "Evaluation and metrics": [
        "precision and recall", "ROC AUC", "calibration", "offline evaluation",
        "A/B testing", "confusion matrices", "ranking metrics", "confidence intervals",
    ],
    "MLOps and deployment": [
        "model versioning", "canary releases", "drift monitoring", "model serving",
        "shadow deployments", "reproducible training", "feature skew", "rollback plans",
    ],
    "Probability and statistics": [
        "Bayes' theorem", "maximum likelihood", "hypothesis testing", "the central limit theorem",
        "bootstrapping", "p-values", "conditional independence", "variance estimation",
    ],
    "Optimisation": [
        "gradient descent", "momentum", "the Adam optimiser", "learning-rate schedules",
        "convexity", "second-order methods", "gradient clipping", "early stopping",
    ],
    "Recommender systems": [
        "collaborative filtering", "matrix factorisation", "the cold-start problem",
        "two-tower retrieval", "implicit feedback", "candidate generation", "re-ranking",
        "popularity bias",
    ],
    "Responsible AI": [
        "fairness metrics", "model explainability", "privacy-preserving training", "dataset bias",
        "model cards", "human oversight", "differential privacy", "red-teaming",
    ],
    "System design": [
        "a real-time fraud detector", "a search ranking service", "a feed recommender",
        "a document classifier at scale", "an embedding index", "a labelling pipeline",
        "a batch scoring system", "a low-latency inference API",
    ],
    "Python and software engineering": [
        "generators", "the global interpreter lock", "unit testing of models", "type hints",
        "vectorisation with NumPy", "memory profiling", "packaging and dependencies", "concurrency",
    ],
    "Large language models": [
        "retrieval-augmented generation", "prompt design", "fine-tuning with adapters",
        "hallucination", "context windows", "instruction tuning", "evaluation of generated text",
        "quantisation",
    ],
}  # fmt: skip

OTHERS = [
    "a simpler baseline",
    "a linear model",
    "a rule-based system",
    "a larger model",
    "more data",
    "stronger regularisation",
    "an ensemble",
    "a hand-tuned heuristic",
    "a managed service",
    "an offline batch job",
]
SYMPTOMS = [
    "validation loss rising while training loss falls",
    "a sudden drop in precision",
    "latency spikes at peak traffic",
    "predictions that drift week after week",
    "a gap between offline and online metrics",
    "training that diverges after a few epochs",
    "memory use growing without bound",
    "scores that differ between two identical runs",
]
TASKS = [
    "ranking search results",
    "detecting fraud in payments",
    "forecasting demand",
    "classifying support tickets",
    "moderating user content",
    "recommending articles",
    "scoring credit risk",
    "summarising long documents",
]
METRICS = ["recall at ten", "log loss", "p99 latency", "calibration error", "F1 score", "cost per request"]
TAGS = [
    "generalisation",
    "model-selection",
    "training",
    "evaluation",
    "deployment",
    "statistics",
    "optimisation",
    "data",
    "nlp",
    "vision",
    "fairness",
    "scalability",
    "debugging",
    "python",
    "llm",
    "metrics",
    "architecture",
    "monitoring",
]
NAMES = ["model", "features", "scores", "batch", "labels", "weights", "loader", "index"]

QUESTIONS = [
    "What is {c}, and how would you explain it to a colleague who has so far only worked with {o}?",
    "How does {c} work, and when would you choose it over {o} in a production system for {t}?",
    "Walk me through {c}. What problem does it solve, and what are its most common failure modes?",
    "You see {s} soon after introducing {c}. How would you investigate, and what would you change first?",
    "Compare {c} with {o}: what does each assume, and how do you decide between them when {t}?",
    "Why does {c} matter when {t}, and how would you measure whether it is actually working?",
    "Describe how you would use {c} on a new project about {t}, starting from an empty repository.",
    "What trade-offs does {c} introduce, and how would you explain them to a product manager?",
]
GUIDANCE = [
    "The interviewer wants a precise account of {c}, not only the slogan that comes with it.",
    "Listen for the trade-off between {c} and {o}, with a concrete case where the choice matters.",
    "A strong answer names the assumptions behind {c} and says what happens when they do not hold.",
    "Expect {s} to come up as the warning sign, and a way to detect it before users notice.",
    "Good candidates connect {c} to {t} and put a number on the cost in time, memory or {m}.",
    "Weaker answers stop at the definition; probe for how they would debug it on real data.",
    "Credit answers that separate *measuring* the problem from *fixing* it.",
    "Look for awareness of how {c} behaves as the data grows by an order of magnitude.",
    "Candidates who mention `{n}` handling, monitoring and a rollback plan show production experience.",
    "Listen for {m} as the metric of choice, and for why accuracy alone would mislead here.",
]
ANSWER = [
    "In short, {c} is a way to control what the model learns from a finite sample of data.",
    "It works by trading a little **bias** for a large reduction in **variance** on unseen inputs.",
    "Compared with {o}, it needs more care to tune but usually generalises better when {t}.",
    "The usual warning sign is {s}, which you can catch early with a held-out set and alerts.",
    "In practice you track {m} on a validation split and compare it against the baseline every week.",
    "The main cost is operational: another component to version, monitor and explain to reviewers.",
    "A common mistake is to tune it on the test set, which makes the reported numbers optimistic.",
    "When the data grows by ten times, the cost of {c} grows roughly linearly, which is acceptable.",
    "Start with {o}, measure, and only then introduce {c} if the gap justifies the complexity.",
    "Keep the `{n}` pipeline identical between training and serving, or skew will hide the gains.",
    "The effect is easiest to see on a learning curve: error against the size of the training set.",
    "It is not a cure on its own; combine it with good features and honest evaluation.",
]
POINTS = [
    "Defines {c} precisely, with its assumptions",
    "Names {s} as the typical warning sign",
    "Compares {c} with {o} on cost and accuracy",
    "Measures success with {m} on held-out data",
    "Mentions monitoring and a rollback plan",
    "Separates detecting the problem from fixing it",
    "Explains how the cost grows with data size",
    "Keeps training and serving pipelines consistent",
]
FOLLOW_UPS = [
    "How would your answer change if the data were ten times larger?",
    "What would you monitor in production to know that {c} still works?",
    "How would you explain {c} to a non-technical stakeholder?",
    "When would {o} be the better choice after all?",
    "Which metric other than {m} would you report, and why?",
    "How would you test this component before shipping it?",
]
CODE = [
    "from sklearn.model_selection import cross_val_score\n\nscores = cross_val_score({n}_model, X, y, cv=5)\n"
    'print(f"mean={{scores.mean():.3f}} std={{scores.std():.3f}}")',
    "for epoch in range(epochs):\n    for {n} in loader:\n        loss = step(model, {n})\n"
    "    if early_stop(loss):\n        break",
    "def normalise({n}):\n    mean = {n}.mean(axis=0)\n    std = {n}.std(axis=0) + 1e-8\n"
    "    return ({n} - mean) / std",
    "SELECT user_id, COUNT(*) AS events\nFROM clicks\nWHERE day >= CURRENT_DATE - 7\nGROUP BY user_id;",
]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _wrap(text: str, width: int = WRAP) -> list[str]:
    """Greedy wrap at spaces (faster than textwrap, same result for plain prose)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


class _Writer:
    """Sentences filled from one question's context, until a word budget is spent."""

    def __init__(self, rng: random.Random, concept: str) -> None:
        self.rng = rng
        self.fill = {
            "c": concept,
            "o": rng.choice(OTHERS),
            "s": rng.choice(SYMPTOMS),
            "t": rng.choice(TASKS),
            "m": rng.choice(METRICS),
            "n": rng.choice(NAMES),
        }

    def sentence(self, pool: list[str]) -> str:
        text = self.rng.choice(pool).format(**self.fill)
        return text[0].upper() + text[1:]

    def prose(self, pool: list[str], words: int) -> str:
        out: list[str] = []
        count = 0
        picks = self.rng.sample(pool, len(pool))
        while count < words:
            text = picks[len(out) % len(picks)].format(**self.fill)
            text = text[0].upper() + text[1:]
            out.append(text)
            count += len(text.split())
        return " ".join(out)


def _block(key: str, text: str, indent: str) -> list[str]:
    """A `key: |` block scalar; text lines are already wrapped, blank lines kept."""
    lines = [f"{indent}{key}: |"]
    lines += [f"{indent}  {line}" if line else "" for line in text.split("\n")]
    return lines


FORMULAS = (
    r"$$E\big[(y - \hat{y})^2\big] = \mathrm{Bias}[\hat{y}]^2 + \mathrm{Var}[\hat{y}] + \sigma^2$$",
    r"The loss $L(w) = \frac{1}{N} \sum_{i=1}^{N} (y_i - w^\top x_i)^2 + \lambda \Vert w \Vert^2$ is convex.",
    r"$$\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}$$",
    r"Precision is $\frac{TP}{TP + FP}$ and recall $\frac{TP}{TP + FN}$.",
)
RICH_CODE = (
    "```python\ndef train(model, data, epochs={n}):\n    for epoch in range(epochs):\n"
    "        loss = model.step(data)  # one pass\n    return loss\n```",
    "```sql\nSELECT user_id, COUNT(*) AS n\nFROM events\nWHERE day > {n}\nGROUP BY user_id;\n```",
)
FIGURES = ("figures/curve.svg", "figures/bars.png", "figures/matrix.svg")


def _rich(number: int) -> str:
    """What a rich bank adds to an answer: a formula or code (one in ten), a figure (one in fifty)."""
    parts = []
    if number % 10 == 0:
        k = number // 10
        parts.append(FORMULAS[k % 4] if k % 2 == 0 else RICH_CODE[k % 2].format(n=number % 97))
    if number % 50 == 0:
        parts.append(f"![Figure for question {number}]({FIGURES[(number // 50) % 3]})")
    return "\n\n".join(parts)


def _figures(folder: Path) -> None:
    """The figures a rich bank shows: two SVGs and a PNG."""
    figures = folder / "figures"
    figures.mkdir()
    curve = " ".join(f"{x},{100 - 80 * (x / 200) ** 2:.1f}" for x in range(0, 201, 10))
    (figures / "curve.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">'
        f'<polyline points="{curve}" fill="none" stroke="#1d4f7a" stroke-width="2"/>'
        '<text x="120" y="115" font-size="10" text-anchor="middle">epochs</text></svg>\n',
        encoding="utf-8",
    )
    (figures / "matrix.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160">'
        + "".join(
            f'<rect x="{20 + 60 * c}" y="{20 + 60 * r}" width="60" height="60"'
            f' fill="#{"cfe3cf" if r == c else "f2d4cf"}" stroke="#1c1c1c"/>'
            for r in range(2)
            for c in range(2)
        )
        + "</svg>\n",
        encoding="utf-8",
    )
    from PIL import Image

    picture = Image.new("RGB", (300, 150), "white")
    for k in range(5):
        picture.paste((29, 79, 122), (20 + 55 * k, 140 - 25 * (k + 1), 60 + 55 * k, 140))
    picture.save(figures / "bars.png")


def _question(
    rng: random.Random, number: int, topic: str, concepts: list[str], rich: bool = False
) -> tuple[str, list[str]]:
    concept = rng.choice(concepts)
    w = _Writer(rng, concept)
    qid = f"{_slug(concept)[:40]}-{number:06d}"
    question = w.sentence(QUESTIONS)
    guidance = "\n".join(_wrap(w.prose(GUIDANCE, max(16, int(rng.gauss(32, 6))))))
    # Answer: ~90 words in 1-3 paragraphs, sometimes a list, a code block, inline code.
    budget = max(45, int(rng.gauss(80, 12)))
    paragraphs: list[str] = []
    has_list = rng.random() < 0.3
    list_words = 0
    if has_list:
        items = [s.format(**w.fill) for s in rng.sample(POINTS, 3)]
        list_words = sum(len(i.split()) for i in items)
    prose = w.prose(ANSWER, budget - list_words).split(". ")
    cut = sorted(rng.sample(range(1, len(prose)), min(len(prose) - 1, rng.randint(0, 2))))
    start = 0
    for end in [*cut, len(prose)]:
        chunk = ". ".join(prose[start:end])
        if chunk and not chunk.endswith("."):
            chunk += "."
        paragraphs.append("\n".join(_wrap(chunk)))
        start = end
    if has_list:
        bullet = "1." if rng.random() < 0.3 else "-"
        listing = "\n".join(f"{bullet} {item}" for item in items)
        paragraphs.insert(min(1, len(paragraphs)), "The points to cover:\n\n" + listing)
    if rng.random() < 0.15:
        code = rng.choice(CODE).format(n=w.fill["n"])
        lang = "sql" if code.startswith("SELECT") else "python"
        paragraphs.insert(len(paragraphs) - 1 if len(paragraphs) > 1 else 1, f"```{lang}\n{code}\n```")
    if rich and _rich(number):
        paragraphs.append(_rich(number))
    answer = "\n\n".join(paragraphs)
    points = [w.sentence(POINTS) for _ in range(rng.randint(3, 5))]
    follow = [w.sentence(FOLLOW_UPS) for _ in range(rng.randint(2, 3))]
    tags = rng.sample(TAGS, rng.randint(1, 3))
    difficulty = rng.choices(("easy", "medium", "hard"), weights=(3, 5, 2))[0]
    lines = [
        f"- id: {qid}",
        f"  topic: {topic}",
        f"  difficulty: {difficulty}",
        f"  tags: [{', '.join(tags)}]",
        *_block("question", question, "  "),
        *_block("guidance", guidance, "  "),
        *_block("answer", answer, "  "),
        "  key_points:",
        *(f"    - {json.dumps(p, ensure_ascii=False)}" for p in points),
        "  follow_ups:",
        *(f"    - {json.dumps(f, ensure_ascii=False)}" for f in follow),
        "",
    ]
    return topic, lines


GUIDE_YAML = """\
title: Synthetic Interview Study Guide ({n:,} questions)
subtitle: A generated bank for benchmarks, seed {seed}
edition: "2026.{seed}"
date: 2026-01-15
authors: [benchmarks/generate.py]
language: en
description: |
  A synthetic bank of {n:,} interview questions over {topics} topics, generated
  deterministically for benchmarks. Each question has **guidance**, a model answer,
  key points and follow-up questions.
topics:
{topic_lines}
"""


def generate(
    n: int, out: Path, *, seed: int = 1, file_limit: int = FILE_LIMIT, rich: bool = False
) -> dict[str, int]:
    """Write a guide folder with n questions to `out` (replaced if present); return some sizes."""
    rng = random.Random(f"guide-bench-{seed}-{n}")
    names = list(TOPICS)
    # Every topic gets a question when n >= 15; the rest are spread unevenly, as in real banks.
    weights = [1.0 + (i % 5) * 0.3 for i in range(len(names))]
    assigned = names[: min(n, len(names))] + rng.choices(names, weights=weights, k=max(0, n - len(names)))
    per_topic: dict[str, list[list[str]]] = {t: [] for t in names}
    for number, topic in enumerate(assigned, 1):
        _, lines = _question(rng, number, topic, TOPICS[topic], rich)
        per_topic[topic].append(lines)
    if out.exists():
        shutil.rmtree(out)
    qdir = out / "questions"
    qdir.mkdir(parents=True)
    if rich:
        _figures(out)
    used = [t for t in names if per_topic[t]]
    topic_lines = "\n".join(f"  - {t}" for t in used)
    (out / "guide.yaml").write_text(
        GUIDE_YAML.format(n=n, seed=seed, topics=len(used), topic_lines=topic_lines), encoding="utf-8"
    )
    files = 0
    total = 0
    for index, topic in enumerate(names, 1):
        chunks: list[list[str]] = []
        size = 0
        for lines in per_topic[topic]:
            text = "\n".join(lines) + "\n"
            if not chunks or size + len(text.encode()) > file_limit:
                chunks.append([f"# Topic: {topic}\n\n"])
                size = len(chunks[-1][0])
            chunks[-1].append(text)
            size += len(text.encode())
        for part, chunk in enumerate(chunks, 1):
            suffix = f"-part{part:02d}" if len(chunks) > 1 else ""
            data = "".join(chunk).encode()
            (qdir / f"{index:02d}-{_slug(topic)}{suffix}.yaml").write_bytes(data)
            files += 1
            total += len(data)
    return {"questions": n, "files": files, "bytes": total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int, help="number of questions")
    parser.add_argument("out", type=Path, help="guide folder to write (replaced if present)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file-limit", type=int, default=FILE_LIMIT, help="bytes per questions/ file")
    parser.add_argument("--rich", action="store_true", help="formulas, highlighted code and figures too")
    args = parser.parse_args(argv)
    info = generate(args.n, args.out, seed=args.seed, file_limit=args.file_limit, rich=args.rich)
    print(f"{args.out}: {info['questions']:,} questions in {info['files']} files, {info['bytes']:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
