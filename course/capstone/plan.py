"""The capstone (module B8): one PPA's digital transformation plan, built from the B2-B7 functions.

A `Plan` has five sections, each built from the trainee's own inputs by a function that
checks them (a bad entry raises `UserError` with a catalogue message naming the row and
column where it can):

1. `situation_summary`: maturity scores and gaps (B2), capacity gaps at four levels,
   equipment per staff member and the cost of the hybrid-meeting equipment gap;
2. the vision, a text checked against SDG targets 16.6, 16.7 and 16.10 (B3);
3. `build_roadmap`: the chosen initiatives (`select_initiatives`) ranked, scheduled and
   costed per year against a budget ceiling, with risks and quick wins (B4);
4. `capacity_inclusion`: the staff skills gaps and a costed training plan (B5), the
   digital divides and a channel mix that reaches every group (B6);
5. `me_framework`: SMART indicators (B7), each linked to initiatives by `initiative_id`.

`check_plan` lists every completeness and consistency check with its result; the HTML
and PDF document is made by `course.capstone.report` (`plan_html`, `export`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from course import cells, data, design, indicators, logframe, maturity, roadmap
from course.capstone.sections import (
    CapacityInclusion,
    Roadmap,
    Situation,
    _text,
    unmeasured,
)
from course.errors import UserError
from course.messages import t

#: The sections of a plan, in the order of the document.
SECTIONS = ("situation", "vision", "roadmap", "capacity", "me")


def section_label(section: str) -> str:
    """Return the display name of a section (from the catalogue)."""
    if section not in SECTIONS:
        raise UserError(
            t("capstone.error.unknown_section", value=section, known=", ".join(SECTIONS))
        )
    return t(f"capstone.section.{section}")


# The plan and its checks --------------------------------------------------------------------


@dataclass
class Plan:
    """One PPA's digital transformation plan: five sections, notes, and where the data come from.

    `notes` holds the author's own words per section ({"situation": "...", ...});
    `synthetic` names the SYNTHETIC datasets the plan uses (shown with their label);
    `sources` gives one line per source of real figures or example tables.
    """

    ppa: str
    situation: Situation | None = None
    vision: str | None = None
    roadmap: Roadmap | None = None
    capacity: CapacityInclusion | None = None
    me: pd.DataFrame | None = None
    notes: dict[str, str] = field(default_factory=dict)
    synthetic: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    title: str = ""
    prepared_by: str = ""

    def __post_init__(self) -> None:
        self.ppa = _text(self.ppa, t("capstone.what.ppa"))
        kinds = {
            "situation": Situation,
            "vision": str,
            "roadmap": Roadmap,
            "capacity": CapacityInclusion,
            "me": pd.DataFrame,
        }
        for section, kind in kinds.items():
            value = getattr(self, section)
            if value is not None and not isinstance(value, kind):
                raise UserError(
                    t("capstone.error.section_type", section=section, value=type(value).__name__)
                )
        if not isinstance(self.notes, Mapping):
            raise UserError(t("capstone.error.notes", value=type(self.notes).__name__))
        for key in self.notes:
            section_label(str(key))
        for name in ("title", "prepared_by"):
            if not isinstance(getattr(self, name), str):
                raise UserError(
                    t("capstone.error.text", what=name, value=repr(getattr(self, name)))
                )
        known = data.synthetic_names()
        self.synthetic = (
            [self.synthetic] if isinstance(self.synthetic, str) else list(self.synthetic)
        )
        for name in self.synthetic:
            if name not in known:
                raise UserError(t("error.unknown_dataset", name=name, known=", ".join(known)))
        self.sources = [self.sources] if isinstance(self.sources, str) else list(self.sources)


CHECKS = (
    ("situation", "present"),
    ("situation", "scored"),
    ("vision", "present"),
    ("vision", "sdg"),
    ("roadmap", "present"),
    ("roadmap", "schedule"),
    ("roadmap", "period"),
    ("roadmap", "ceiling"),
    ("capacity", "present"),
    ("capacity", "reach"),
    ("me", "present"),
    ("me", "coverage"),
    ("me", "links"),
    ("me", "smart"),
    ("me", "years"),
    ("data", "sources"),
)


def _schedule_problems(road: Roadmap) -> list[str]:
    """Problems of the timetable: initiatives missing or twice, or starting too early."""
    try:
        needs = roadmap.dependencies(road.initiatives)
    except UserError as error:
        return [str(error)]
    timetable = cells.frame(road.schedule, ("id", "start", "finish"), "roadmap.what.schedule")
    ids = [str(i) for i in timetable["id"]]
    problems = [t("capstone.finding.not_scheduled", id=i) for i in needs if i not in ids]
    problems += [t("capstone.finding.twice", id=i) for i in sorted(set(ids)) if ids.count(i) > 1]
    problems += [t("capstone.finding.not_planned", id=i) for i in ids if i not in needs]
    rows = timetable.drop_duplicates("id").set_index("id")
    for ident, waits_for in needs.items():
        for other in waits_for:
            both = ident in rows.index and other in rows.index
            if both and float(rows.at[ident, "start"]) < float(rows.at[other, "finish"]):
                problems.append(t("capstone.finding.too_early", id=ident, other=other))
    return problems


def _check(plan: Plan, section: str, name: str) -> tuple[bool, str] | None:
    """Run one check: (passed, detail), or None when it does not apply (section missing)."""
    road, me, ideas = plan.roadmap, plan.me, plan.capacity
    if name == "present":
        value = getattr(plan, section)
        present = value is not None and not (isinstance(value, str) and not value.strip())
        return present, "" if present else t(f"capstone.finding.missing.{section}")
    if section == "situation" and plan.situation is not None:
        blank = plan.situation.scores[plan.situation.scores["score"].isna()]["dimension"]
        names = ", ".join(maturity.dimension_label(d) for d in blank)
        return blank.empty, t("capstone.finding.not_scored", dimensions=names) if names else ""
    if section == "vision" and plan.vision and plan.vision.strip():
        table = design.check_vision(plan.vision)
        missing = list(table.loc[~table["covered"], "target"])
        return not missing, t("capstone.finding.sdg", targets=", ".join(missing)) if missing else ""
    if section == "roadmap" and road is not None:
        try:
            return _roadmap_check(road, name)
        except UserError as error:
            return False, str(error)
    if section == "capacity" and ideas is not None:
        short = ideas.channels.table()
        short = short[~short["met"]]
        groups = ", ".join(
            f"{g} ({r:.0%} < {x:.0%})"
            for g, r, x in zip(short["group"], short["reach"], short["target"], strict=True)
        )
        return short.empty, t("capstone.finding.reach", groups=groups) if groups else ""
    if section == "me" and me is not None:
        if name in ("coverage", "links", "years") and road is None:
            return None
        return _me_check(me, road, name)
    if section == "data":
        ok = bool(plan.synthetic or plan.sources)
        return ok, "" if ok else t("capstone.finding.sources")
    return None


def _roadmap_check(road: Roadmap, name: str) -> tuple[bool, str]:
    if name == "schedule":
        problems = _schedule_problems(road)
        return not problems, " ".join(problems)
    if name == "period":
        finish = roadmap.plan_length(road.schedule)
        ok = finish <= road.months and (road.schedule["start"].astype(float) >= 0).all()
        detail = t(
            "capstone.finding.period",
            months=finish,
            period=road.months,
            start=road.start_year,
            end=road.end_year,
        )
        return bool(ok), "" if ok else detail
    budget = roadmap.budget_by_year(road.schedule, road.initiatives, road.start_year)
    over = roadmap.over_ceiling(budget, road.ceiling)
    years = "; ".join(
        t("capstone.finding.year_over", year=y, over=o)
        for y, o in zip(over["year"], over["over"], strict=True)
    )
    return over.empty, t(
        "capstone.finding.ceiling", ceiling=road.ceiling, years=years
    ) if years else ""


def _me_check(me: pd.DataFrame, road: Roadmap | None, name: str) -> tuple[bool, str]:
    try:
        table = cells.frame(me, ("initiative_id",), "capstone.what.indicators")
        clean = indicators.validate_indicators(table)
    except UserError as error:
        return False, str(error)
    links = [roadmap.split_ids(v) for v in table["initiative_id"]]
    if name == "smart":
        gaps = [
            f"{ident} ({', '.join(logframe.smart_gaps(row))})"
            for ident, row in zip(table["indicator_id"], table.to_dict("records"), strict=True)
            if logframe.smart_gaps(row)
        ]
        return not gaps, t("capstone.finding.smart", indicators="; ".join(gaps)) if gaps else ""
    assert road is not None
    if name == "coverage":
        lacking = unmeasured(table, road)
        return not lacking, t(
            "capstone.finding.coverage", ids=", ".join(lacking)
        ) if lacking else ""
    if name == "links":
        bad = [
            f"{ident} → {', '.join(ids) or '–'}"
            for ident, ids in zip(clean["indicator_id"], links, strict=True)
            if not ids or any(i not in road.ids for i in ids)
        ]
        return not bad, t("capstone.finding.links", indicators="; ".join(bad)) if bad else ""
    outside = [
        f"{ident} ({year})"
        for ident, year in zip(clean["indicator_id"], clean["target_year"], strict=True)
        if not road.start_year <= int(year) <= road.end_year
    ]
    detail = t(
        "capstone.finding.years",
        indicators=", ".join(outside),
        start=road.start_year,
        end=road.end_year,
    )
    return not outside, detail if outside else ""


def check_plan(plan: Plan) -> pd.DataFrame:
    """Return every completeness and consistency check of the plan, one row each.

    Columns: section, check (what is checked, in words), ok (True/False), status (the
    word for ok) and detail (what to fix). A check whose section is missing is left out:
    the "present" row already says the section is missing. `findings(plan)` gives only
    what to fix.
    """
    if not isinstance(plan, Plan):
        raise UserError(t("capstone.error.not_a_plan", value=type(plan).__name__))
    rows = []
    for section, name in CHECKS:
        result = _check(plan, section, name)
        if result is None:
            continue
        ok, detail = result
        rows.append(
            {
                "section": t(f"capstone.section.{section}"),
                "check": t(f"capstone.check.{section}.{name}"),
                "ok": bool(ok),
                "status": t("capstone.status.ok" if ok else "capstone.status.fix"),
                "detail": detail,
            }
        )
    return pd.DataFrame(rows, columns=["section", "check", "ok", "status", "detail"])


def findings(plan: Plan) -> list[str]:
    """Return what to fix in the plan, one line per failed check ([] = complete and consistent)."""
    table = check_plan(plan)
    failed = table[~table["ok"]]
    return [f"{c}: {d}" for c, d in zip(failed["check"], failed["detail"], strict=True)]
