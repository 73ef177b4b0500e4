"""Draw the AI-engineer guide's figures as SVG, into this folder: python data/ai-engineer/figures/make.py

The SVG files are committed, so `make guide` needs nothing beyond them; run this again after a
change here. Standard library only; text is DejaVu Sans (guide draws SVG text in it).
"""

from __future__ import annotations

import math
from pathlib import Path

HERE = Path(__file__).parent
INK, GREY, LIGHT, BLUE, RED, GREEN = "#1c1c1c", "#6b6f75", "#d5d8dc", "#1d4f7a", "#a33a2a", "#2f6b2f"
FONT = 'font-family="DejaVu Sans"'


def svg(width: int, height: int, body: list[str]) -> str:
    head = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    return "\n".join([head, *body, "</svg>", ""])


def text(x: float, y: float, value: str, size: float = 11, anchor: str = "middle", colour: str = INK,
         bold: bool = False) -> str:  # fmt: skip
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" text-anchor="{anchor}"'
            f' fill="{colour}"{weight}>{value}</text>')  # fmt: skip


def polyline(points: list[tuple[float, float]], colour: str, width: float = 2, dash: str = "") -> str:
    data = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{data}" fill="none" stroke="{colour}" stroke-width="{width}"{dashed}/>'


def arrow(x1: float, y1: float, x2: float, y2: float, colour: str = INK) -> str:
    angle = math.atan2(y2 - y1, x2 - x1)
    left = (x2 - 8 * math.cos(angle - 0.4), y2 - 8 * math.sin(angle - 0.4))
    right = (x2 - 8 * math.cos(angle + 0.4), y2 - 8 * math.sin(angle + 0.4))
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="1.5"/>'
            f'<polygon points="{x2:.1f},{y2:.1f} {left[0]:.1f},{left[1]:.1f} {right[0]:.1f},{right[1]:.1f}"'
            f' fill="{colour}"/>')  # fmt: skip


def bias_variance() -> str:
    """Error against model complexity: bias² falls, variance rises, their sum is a U; the best
    complexity at its minimum, underfitting to the left and overfitting to the right."""
    left, top, width, height = 60, 20, 400, 200
    xs = [i / 100 for i in range(5, 96)]
    bias = [0.9 * math.exp(-3.2 * x) + 0.02 for x in xs]
    variance = [0.03 + 0.6 * x**3 for x in xs]
    noise = 0.08
    total = [b + v + noise for b, v in zip(bias, variance, strict=True)]

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * width, top + height - y / 1.0 * height

    best = xs[total.index(min(total))]
    body = [
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="{LIGHT}"/>',
        polyline([at(x, y) for x, y in zip(xs, bias, strict=True)], BLUE),
        polyline([at(x, y) for x, y in zip(xs, variance, strict=True)], RED),
        polyline([at(x, noise) for x in xs], GREY, 1.5, "5 4"),
        polyline([at(x, y) for x, y in zip(xs, total, strict=True)], INK, 2.5),
        polyline([at(best, 0), at(best, 1)], GREY, 1, "3 3"),
        text(at(0.2, 0.3)[0], at(0.2, 0.3)[1], "bias²", colour=BLUE),
        text(at(0.8, 0.2)[0], at(0.8, 0.2)[1], "variance", colour=RED),
        text(at(0.2, 0.11)[0], at(0.2, 0.11)[1], "irreducible error σ²", colour=GREY, size=10),
        text(at(0.33, 0.64)[0], at(0.33, 0.64)[1], "total error", bold=True),
        text(at(best, 1)[0], top - 6, "best fit", size=10, colour=GREY),
        text(left + 60, top + height + 34, "← underfitting", size=10, colour=GREY),
        text(left + width - 60, top + height + 34, "overfitting →", size=10, colour=GREY),
        text(left + width / 2, top + height + 18, "model complexity"),
        f'<text x="22" y="{top + height / 2:.1f}" {FONT} font-size="11" text-anchor="middle"'
        f' transform="rotate(-90 22 {top + height / 2:.1f})" fill="{INK}">expected error</text>',
    ]
    return svg(480, 265, body)


def activations() -> str:
    """Sigmoid, tanh and ReLU on one scale, each with its range."""
    panels = [
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z)), "range (0, 1)", (-0.2, 1.2)),
        ("tanh", math.tanh, "range (−1, 1)", (-1.2, 1.2)),
        ("ReLU", lambda z: max(0.0, z), "range [0, ∞)", (-0.5, 3.5)),
    ]
    body: list[str] = []
    for index, (name, f, span, (low, high)) in enumerate(panels):
        left, top, width, height = 20 + index * 160, 28, 140, 120

        def at(z: float, y: float, left: int = left, low: float = low, high: float = high) -> tuple[float, float]:
            return left + (z + 4) / 8 * width, top + height - (y - low) / (high - low) * height

        body.append(f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="{LIGHT}"/>')
        body.append(polyline([at(-4, 0), at(4, 0)], GREY, 1))
        body.append(polyline([at(0, low), at(0, high)], GREY, 1))
        for level in {"sigmoid": (0, 1), "tanh": (-1, 1), "ReLU": (0,)}[name]:
            body.append(polyline([at(-4, level), at(4, level)], GREY, 1, "3 3"))
        body.append(polyline([at(z / 10, f(z / 10)) for z in range(-40, 41) if f(z / 10) <= high], BLUE, 2.5))
        body.append(text(left + width / 2, top - 10, name, bold=True))
        body.append(text(left + width / 2, top + height + 18, span, size=10, colour=GREY))
    return svg(500, 175, body)


def confusion_matrix() -> str:
    """Predicted against actual, with the false positive as Type I and the false negative as Type II."""
    left, top, cell = 130, 50, 120
    cells = [
        (0, 0, "True positive", "", GREEN),
        (1, 0, "False negative", "Type II error (β)", RED),
        (0, 1, "False positive", "Type I error (α)", RED),
        (1, 1, "True negative", "", GREEN),
    ]
    body = [
        text(left + cell, top - 28, "predicted", bold=True),
        text(left + cell / 2, top - 8, "positive"),
        text(left + 1.5 * cell, top - 8, "negative"),
        f'<text x="40" y="{top + cell:.1f}" {FONT} font-size="11" font-weight="bold" text-anchor="middle"'
        f' transform="rotate(-90 40 {top + cell:.1f})" fill="{INK}">actual</text>',
        text(left - 10, top + cell / 2 + 4, "positive", anchor="end"),
        text(left - 10, top + 1.5 * cell + 4, "negative", anchor="end"),
    ]
    for column, row, name, error, colour in cells:
        x, y = left + column * cell, top + row * cell
        body.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{colour}" fill-opacity="0.12"'
                    f' stroke="{INK}" stroke-width="1.2"/>')  # fmt: skip
        body.append(text(x + cell / 2, y + cell / 2 - (6 if error else -4), name, bold=True))
        if error:
            body.append(text(x + cell / 2, y + cell / 2 + 14, error, size=10, colour=RED))
    return svg(390, 300, body)


def unrolled_rnn() -> str:
    """An RNN cell unrolled over three steps: the same weights at each, the hidden state carried on."""
    body: list[str] = []
    steps = ["t−1", "t", "t+1"]
    for index, step in enumerate(steps):
        x = 80 + index * 150
        body.append(f'<rect x="{x - 35}" y="80" width="70" height="50" rx="8" fill="{BLUE}" fill-opacity="0.12"'
                    f' stroke="{BLUE}" stroke-width="1.5"/>')  # fmt: skip
        body.append(text(x, 110, "RNN"))
        body.append(f'<circle cx="{x}" cy="190" r="18" fill="none" stroke="{INK}" stroke-width="1.2"/>')
        body.append(text(x, 194, f"x<tspan font-size=\"8\" dy=\"3\">{step}</tspan>"))
        body.append(arrow(x, 172, x, 132))
        body.append(f'<circle cx="{x}" cy="30" r="18" fill="none" stroke="{INK}" stroke-width="1.2"/>')
        body.append(text(x, 34, f"y<tspan font-size=\"8\" dy=\"3\">{step}</tspan>"))
        body.append(arrow(x, 78, x, 50))
        body.append(arrow(x + 36, 105, x + 112, 105, BLUE))
        body.append(text(x + 74, 98, f"h<tspan font-size=\"8\" dy=\"3\">{step}</tspan>", size=10, colour=BLUE))
    body.append(arrow(-10 + 20, 105, 43, 105, BLUE))
    body.append(text(240, 235, "the same weights W, U, V at every step", size=10, colour=GREY))
    return svg(520, 245, body)


FIGURES = {
    "bias-variance.svg": bias_variance,
    "activations.svg": activations,
    "confusion-matrix.svg": confusion_matrix,
    "unrolled-rnn.svg": unrolled_rnn,
}

if __name__ == "__main__":
    for name, draw in FIGURES.items():
        (HERE / name).write_text(draw(), encoding="utf-8")
        print(HERE / name)
