"""Learning gain: what the pre-test and the post-test of knowledge show, per trainee and per PPA.

The two tests measure the same objectives with parallel items (see `[[assessment]]` in
course/curriculum.toml). For a trainee graded on both, with scores as a percent of the
test's points:

- the **gain** is post − pre, in percentage points;
- the **normalized gain** is (post − pre) / (100 − pre): the share of what the trainee
  did not yet know that the course taught. It is undefined when the pre-test score is
  already 100 %, and then shown as such, never divided by zero;
- a trainee **improved** when post > pre.

For a group (a PPA, or everyone) the gain and normalized gain are those of the group's
average scores, and the share improved is the share of its trainees who improved. This
is the learning level (level 2 of Kirkpatrick's four levels of training evaluation) that
a training manager reports to the programme. Every string comes from the catalogue; the
chart is inline SVG like the rest of the report, with a word next to every colour.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from statistics import mean

from course.manifest import curriculum
from course.messages import t

esc = html.escape
PRE_COLOUR, POST_COLOUR = "#8c8c8c", "#2166ac"


def normalized_gain(pre: float, post: float, maximum: float = 100.0) -> float | None:
    """(post − pre) / (maximum − pre), or None when pre is already the maximum (undefined)."""
    if pre >= maximum:
        return None
    return (post - pre) / (maximum - pre)


@dataclass(frozen=True)
class Gain:
    """One trainee's (or one group's average) pre-test and post-test scores, in percent."""

    label: str
    ppa: str
    pre: float
    post: float
    trainees: int = 1
    improved: int = 0

    @property
    def gain(self) -> float:
        return self.post - self.pre

    @property
    def normalized(self) -> float | None:
        return normalized_gain(self.pre, self.post)

    @property
    def share_improved(self) -> float:
        return 100.0 * self.improved / self.trainees if self.trainees else 0.0


def trainee_gains(rows) -> list[Gain]:
    """One Gain per trainee graded on both tests (rows are `results.Row`), sorted by trainee."""
    pre_test, post_test = curriculum().assessment("pre"), curriculum().assessment("post")
    if pre_test is None or post_test is None:
        return []
    scores: dict[str, dict[str, object]] = defaultdict(dict)
    for row in rows:
        if row.submitted and row.assignment in (pre_test.id, post_test.id):
            role = "pre" if row.assignment == pre_test.id else "post"
            scores[row.trainee][role] = row
    gains = []
    for trainee in sorted(scores):
        pair = scores[trainee]
        if "pre" in pair and "post" in pair:
            pre, post = pair["pre"], pair["post"]
            gains.append(
                Gain(
                    trainee, pre.ppa, pre.percent, post.percent, 1, int(post.percent > pre.percent)
                )
            )
    return gains


def group_gains(gains: list[Gain]) -> list[Gain]:
    """One Gain per PPA (sorted), then one for all trainees: average scores, count improved."""
    by_ppa: dict[str, list[Gain]] = defaultdict(list)
    for gain in gains:
        by_ppa[gain.ppa or t("grade.report.no_ppa")].append(gain)
    groups = [(ppa, by_ppa[ppa]) for ppa in sorted(by_ppa)]
    if gains:
        groups.append((t("grade.gain.everyone"), gains))
    return [
        Gain(
            label,
            label,
            mean(g.pre for g in members),
            mean(g.post for g in members),
            len(members),
            sum(g.improved for g in members),
        )
        for label, members in groups
    ]


def _fmt(value: float) -> str:
    return f"{value:.0f}%"


def _points(value: float) -> str:
    return f"{value:+.0f}"


def _normal(value: float | None) -> str:
    return t("grade.gain.undefined") if value is None else f"{value:.2f}"


def chart(groups: list[Gain]) -> str:
    """Paired bars per group, pre-test then post-test, each with its word and value beside it."""
    title = t("grade.gain.chart")
    pre_word, post_word = t("grade.gain.pre"), t("grade.gain.post")
    bar, gap, top, label_width, width = 16, 12, 50, 230, 640
    total = top + len(groups) * (2 * bar + gap) + 10
    scale = (width - label_width - 170) / 100
    parts = [
        f"<svg role='img' width='{width}' height='{total}' "
        f"viewBox='0 0 {width} {total}' aria-label='{esc(title)}'>",
        f"<text x='0' y='16' font-size='14' font-weight='bold'>{esc(title)}</text>",
    ]
    for index, (word, colour) in enumerate(((pre_word, PRE_COLOUR), (post_word, POST_COLOUR))):
        x = label_width + index * 140
        parts.append(
            f"<rect x='{x}' y='26' width='14' height='12' fill='{colour}'/>"
            f"<text x='{x + 18}' y='36' font-size='12'>{esc(word)}</text>"
        )
    for index, group in enumerate(groups):
        y = top + index * (2 * bar + gap)
        parts.append(
            f"<text x='{label_width - 6}' y='{y + bar + 4}' font-size='12' "
            f"text-anchor='end'>{esc(group.label[:34])}</text>"
        )
        for offset, (word, colour, value) in enumerate(
            ((pre_word, PRE_COLOUR, group.pre), (post_word, POST_COLOUR, group.post))
        ):
            length = max(0.0, value * scale)
            yy = y + offset * bar
            parts.append(
                f"<rect x='{label_width}' y='{yy + 2}' width='{length:.1f}' height='{bar - 4}' "
                f"fill='{colour}'/><text x='{label_width + length + 6:.1f}' y='{yy + bar - 4}' "
                f"font-size='12'>{esc(word)} {_fmt(value)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _table(header: list[str], body: list[list[str]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def section(rows) -> str:
    """The report's learning-gain section (an explanation if no trainee has both tests yet)."""
    heading = f"<h2>{esc(t('grade.gain.heading'))}</h2><p>{esc(t('grade.gain.help'))}</p>"
    gains = trainee_gains(rows)
    if not gains:
        return heading + f"<p>{esc(t('grade.gain.none'))}</p>"
    groups = group_gains(gains)
    columns = ("pre", "post", "gain", "normalized")
    group_table = _table(
        [t("grade.report.col.ppa"), t("grade.report.col.trainees")]
        + [t(f"grade.gain.col.{c}") for c in columns]
        + [t("grade.gain.col.improved")],
        [
            [
                g.label,
                str(g.trainees),
                _fmt(g.pre),
                _fmt(g.post),
                _points(g.gain),
                _normal(g.normalized),
                _fmt(g.share_improved),
            ]
            for g in groups
        ],
    )
    names = {r.trainee: r.name for r in rows}
    trainee_table = _table(
        [t("grade.report.col.trainee"), t("grade.report.col.name"), t("grade.report.col.ppa")]
        + [t(f"grade.gain.col.{c}") for c in columns],
        [
            [
                g.label,
                names.get(g.label, ""),
                g.ppa,
                _fmt(g.pre),
                _fmt(g.post),
                _points(g.gain),
                _normal(g.normalized),
            ]
            for g in gains
        ],
    )
    undefined = sum(1 for g in gains if g.normalized is None)
    note = f"<p>{esc(t('grade.gain.undefined_note', count=undefined))}</p>" if undefined else ""
    return (
        heading
        + f"<p>{esc(t('grade.gain.summary', count=len(gains)))}</p>"
        + group_table
        + chart(groups)
        + f"<h3>{esc(t('grade.gain.per_trainee'))}</h3>"
        + trainee_table
        + note
    )
