"""Pictures for the lessons: the toolkit cycle, the results chain, a SWOT grid, the dependency network.

Each function draws with matplotlib (offline, no files fetched), returns the Axes, and has
alt text in the message catalogue: `alt_text(name)` gives it, and a lesson puts it in the
cell metadata (`mystnb.image.alt`) and under the picture. Every colour comes with a word.
Matplotlib is imported inside each function, so `import course` stays light.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from course import roadmap, situation
from course.messages import t

NAMES = ("toolkit_cycle", "results_chain", "swot_grid", "dependency_network")
STAGES = (
    "situation",
    "envisioning",
    "strategy",
    "capacities",
    "inclusion",
    "monitoring",
)
LEVELS = ("input", "activity", "output", "outcome", "impact")
SWOT_BOXES = (("strength", "#d9f0d3"), ("weakness", "#fde0dd"))
SWOT_OUTSIDE = (("opportunity", "#deebf7"), ("threat", "#fee8c8"))
CRITICAL, OTHER = "#b2182b", "#4393c3"


def alt_text(name: str) -> str:
    """Return the alt text of one picture (a sentence that says what the picture shows)."""
    return t(f"diagram.{name}.alt")


def _axes(ax, size: tuple[float, float]):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
    ax.set_axis_off()
    return ax


def _box(ax, x: float, y: float, text: str, colour: str, width: float = 1.6, height=0.8):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.05",
            facecolor=colour,
            edgecolor="#333333",
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=8, wrap=True)


def _arrow(ax, start: tuple[float, float], end: tuple[float, float], colour="#333333"):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2, "shrinkA": 4, "shrinkB": 4},
    )


def toolkit_cycle(ax=None):
    """Draw the six steps of the UN DESA / UNPOG toolkit as a cycle, with the course module of each."""
    ax = _axes(ax, (7, 6))
    count = len(STAGES)
    radius = 2.4
    points = []
    for index, stage in enumerate(STAGES):
        angle = math.pi / 2 - 2 * math.pi * index / count
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        points.append((x, y))
        label = "\n".join(textwrap.wrap(t(f"diagram.toolkit_cycle.{stage}"), 16))
        _box(ax, x, y, label, "#deebf7", width=1.9, height=1.0)
    for index in range(count):
        (x0, y0), (x1, y1) = points[index], points[(index + 1) % count]
        _arrow(
            ax,
            (x0 + 0.3 * (x1 - x0), y0 + 0.3 * (y1 - y0)),
            (x0 + 0.7 * (x1 - x0), y0 + 0.7 * (y1 - y0)),
        )
    ax.text(0, 0, t("diagram.toolkit_cycle.centre"), ha="center", va="center", fontsize=9)
    ax.set_xlim(-3.6, 3.6)
    ax.set_ylim(-3.4, 3.4)
    ax.set_aspect("equal")
    ax.set_title(t("diagram.toolkit_cycle.title"))
    return ax


def results_chain(logframe: pd.DataFrame | None = None, ax=None):
    """Draw the five levels of a results chain, left to right; with a logframe, its statements."""
    statements: dict[str, str] = {}
    if logframe is not None:
        for level, statement in zip(logframe["level"], logframe["statement"], strict=True):
            statements.setdefault(str(level), str(statement))
    ax = _axes(ax, (11, 3.2))
    for index, level in enumerate(LEVELS):
        x = index * 2.2
        title = t(f"diagram.results_chain.{level}")
        detail = statements.get(level, t(f"diagram.results_chain.{level}_question"))
        text = title + "\n\n" + "\n".join(textwrap.wrap(detail, 18))
        controlled = index < 3
        _box(ax, x, 0, text, "#d9f0d3" if controlled else "#fee8c8", width=2.0, height=1.9)
        if index:
            _arrow(ax, (x - 2.2 + 1.0, 0), (x - 1.0, 0))
    ax.text(2.2, -1.35, t("diagram.results_chain.controlled"), ha="center", fontsize=8)
    ax.text(7.7, -1.35, t("diagram.results_chain.influenced"), ha="center", fontsize=8)
    ax.set_xlim(-1.2, 10.0)
    ax.set_ylim(-1.7, 1.3)
    ax.set_title(t("diagram.results_chain.title"))
    return ax


def swot_grid(swot: pd.DataFrame | None = None, top: int = 3, ax=None):
    """Draw a SWOT list as a 2 x 2 grid: inside (top row) and outside (bottom), heaviest first."""
    table = situation.example("swot") if swot is None else swot
    ax = _axes(ax, (9, 6))
    for row, boxes in enumerate((SWOT_BOXES, SWOT_OUTSIDE)):
        for column, (kind, colour) in enumerate(boxes):
            items = table[table["kind"] == kind].sort_values(
                "weight", ascending=False, kind="stable"
            )
            lines = [
                "\n  ".join(textwrap.wrap(f"• {item} ({weight})", 38))
                for item, weight in zip(items["item"][:top], items["weight"][:top], strict=True)
            ]
            x, y = column * 4.6, -row * 3.0
            _box(ax, x, y, "", colour, width=4.4, height=2.8)
            ax.text(
                x - 2.05,
                y + 1.2,
                t(f"diagram.swot_grid.{kind}"),
                fontsize=10,
                va="top",
                fontweight="bold",
            )
            ax.text(x - 2.05, y + 0.7, "\n".join(lines), fontsize=8, va="top")
    ax.text(-2.6, 0, t("diagram.swot_grid.inside"), rotation=90, va="center", fontsize=9)
    ax.text(-2.6, -3.0, t("diagram.swot_grid.outside"), rotation=90, va="center", fontsize=9)
    ax.set_xlim(-2.9, 7.0)
    ax.set_ylim(-4.6, 1.6)
    ax.set_title(t("diagram.swot_grid.title"))
    return ax


def _layers(needs: dict[str, list[str]], order: list[str]) -> dict[str, int]:
    layer: dict[str, int] = {}
    for iid in order:
        layer[iid] = 1 + max((layer[d] for d in needs[iid]), default=-1)
    return layer


def dependency_network(initiatives: pd.DataFrame, ax=None, note: str | None = None):
    """Draw which initiative waits for which: an arrow runs from the one that comes first.

    Columns are steps (an initiative sits one step right of the last one it waits for).
    The critical path (no slack, `roadmap.schedule`) is red and labelled; the rest blue.
    """
    from matplotlib.patches import Patch

    needs = roadmap.dependencies(initiatives)
    order = roadmap.topological_order(initiatives)
    critical = set(roadmap.critical_path(roadmap.schedule(initiatives)))
    layer = _layers(needs, order)
    rows: dict[int, int] = {}
    place: dict[str, tuple[float, float]] = {}
    for iid in order:
        row = rows.get(layer[iid], 0)
        rows[layer[iid]] = row + 1
        place[iid] = (layer[iid] * 2.4, -row * 1.1)
    ax = _axes(ax, (12, 1.1 * max(rows.values()) + 2))
    names = dict(zip(roadmap.validate(initiatives)["id"], initiatives["name"], strict=True))
    for iid, waits_for in needs.items():
        for first in waits_for:
            colour = CRITICAL if iid in critical and first in critical else "#777777"
            _arrow(
                ax,
                (place[first][0] + 0.9, place[first][1]),
                (place[iid][0] - 0.9, place[iid][1]),
                colour,
            )
    for iid, (x, y) in place.items():
        label = iid + "\n" + "\n".join(textwrap.wrap(str(names[iid]), 20)[:2])
        _box(ax, x, y, label, "#f4a582" if iid in critical else "#d1e5f0", width=1.8, height=0.9)
    ax.legend(
        handles=[
            Patch(
                facecolor="#f4a582",
                edgecolor=CRITICAL,
                label=t("diagram.dependency_network.critical"),
            ),
            Patch(
                facecolor="#d1e5f0", edgecolor=OTHER, label=t("diagram.dependency_network.other")
            ),
        ],
        loc="lower right",
        fontsize=8,
    )
    ax.set_xlim(-1.2, max(x for x, _ in place.values()) + 1.2)
    ax.set_ylim(min(y for _, y in place.values()) - 0.9, 0.8)
    ax.set_title(t("diagram.dependency_network.title"))
    if note:
        ax.figure.text(0.01, 0.01, note, fontsize=7)
    return ax
