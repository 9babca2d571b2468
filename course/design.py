"""Envisioning and design thinking (module B3): personas, citizen journeys, pain points, HMW, vision.

Personas come from segmenting a survey (never from stereotypes), journeys and pain points
from service-transaction records. The "how might we" and vision checkers give plain
feedback; the words they look for come from the message catalogue, so a translation
can supply its own. Bad input raises `UserError` with a catalogue message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from course import cells, stats
from course.errors import UserError
from course.messages import t

#: SDG targets a vision statement is checked against.
SDG_TARGETS = ("16.6", "16.7", "16.10")
#: Bounds of the frequency score: a share of cases below 5% scores 1, ..., 50% or more scores 5.
FREQUENCY_BOUNDS = (0.05, 0.15, 0.30, 0.50)
JOURNEY_COLUMNS = ("case_id", "service", "step_no", "step", "day", "visits", "minutes")
COST_COLUMNS = ("travel_cost_lak", "fee_lak")
SURVEY_FLAGS = ("has_phone", "has_smartphone", "uses_internet", "disability")


def _at(row: int, column: str, problem: str) -> UserError:
    return UserError(cells.at(row, column, problem))


# Personas ------------------------------------------------------------------------------------


def select(survey: pd.DataFrame, filters: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Return the respondents who match every filter {column: value or list of values}.

    Raises UserError for an unknown column, a value no respondent has, or no match.
    """
    cells.frame(survey, (), "design.what.survey")
    mask = pd.Series(True, index=survey.index)
    for column, wanted in (filters or {}).items():
        if column not in survey.columns:
            raise UserError(
                t("design.error.unknown_column", column=column, known=", ".join(survey.columns))
            )
        values = list(wanted) if isinstance(wanted, list | tuple | set) else [wanted]
        present = set(survey[column].dropna().tolist())
        absent = [v for v in values if v not in present]
        if absent:
            raise UserError(t("design.error.unknown_value", column=column, value=absent[0]))
        mask &= survey[column].isin(values)
    if not mask.any():
        raise UserError(t("design.error.no_match", filters=dict(filters or {})))
    return survey[mask]


def profile(survey: pd.DataFrame, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the facts for one persona: the segment's size and its key shares.

    Keys: n, share_of_survey, women, age_60_plus, rural, other_language, disability,
    has_phone, has_smartphone (with smartphone_low/high, a 95% Wilson interval),
    uses_internet, median_distance_km, top_channel. A column the survey lacks gives NaN.
    """
    group = select(survey, filters)
    n = len(group)

    def share(column: str, value: Any = True) -> float:
        return float((group[column] == value).mean()) if column in group else math.nan

    result: dict[str, Any] = {
        "n": n,
        "share_of_survey": n / len(survey),
        "women": share("sex", "female"),
        "age_60_plus": share("age_group", "60+"),
        "rural": share("area", "rural"),
        "other_language": share("main_language", "other"),
        "disability": share("disability"),
        "has_phone": share("has_phone"),
        "has_smartphone": share("has_smartphone"),
        "uses_internet": share("uses_internet"),
        "median_distance_km": float(group["distance_km"].median())
        if "distance_km" in group
        else math.nan,
        "top_channel": str(group["preferred_channel"].mode().iloc[0])
        if "preferred_channel" in group
        else "",
    }
    if "has_smartphone" in group:
        estimate = stats.proportion_ci(int(group["has_smartphone"].sum()), n)
        result["smartphone_low"], result["smartphone_high"] = estimate.low, estimate.high
    return result


def personas(survey: pd.DataFrame, segments: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Return one row of `profile` facts per named segment, e.g.

    ``personas(survey, {"Older women": {"sex": "female", "age_group": "60+"}})``.
    The first column, `persona`, holds the segment's name.
    """
    if not segments:
        raise UserError(t("design.error.no_segments"))
    rows = [{"persona": name, **profile(survey, filters)} for name, filters in segments.items()]
    return pd.DataFrame(rows)


def segment(survey: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Return, per group of `by`, the count n and the shares with a phone, a smartphone and internet.

    Also the median distance to an ODSC where the survey has it. Sorted by the share
    using the internet, lowest first: the groups furthest from digital channels.
    """
    columns = [by] if isinstance(by, str) else list(by)
    cells.frame(survey, columns, "design.what.survey")
    flags = [c for c in ("has_phone", "has_smartphone", "uses_internet") if c in survey]
    aggregations: dict[str, tuple[str, str]] = {"n": (columns[0], "size")}
    aggregations.update({flag: (flag, "mean") for flag in flags})
    if "distance_km" in survey:
        aggregations["median_distance_km"] = ("distance_km", "median")
    table = survey.groupby(columns).agg(**aggregations).reset_index()
    order = "uses_internet" if "uses_internet" in table else "n"
    return table.sort_values(order, ignore_index=True)


# Citizen journey -------------------------------------------------------------------------------


def _transactions(transactions: pd.DataFrame, service: str | None) -> pd.DataFrame:
    cells.frame(transactions, (*JOURNEY_COLUMNS, "problem"), "design.what.transactions")
    if service is None:
        return transactions
    services = sorted(transactions["service"].dropna().unique())
    if service not in services:
        raise UserError(
            t("design.error.unknown_service", service=service, known=", ".join(services))
        )
    return transactions[transactions["service"] == service]


def _cost(rows: pd.DataFrame) -> pd.Series:
    present = [c for c in COST_COLUMNS if c in rows.columns]
    return rows[present].sum(axis=1) if present else pd.Series(0.0, index=rows.index)


def _has_problem(rows: pd.DataFrame) -> pd.Series:
    return rows["problem"].fillna("").astype(str).str.strip() != ""


def case_totals(transactions: pd.DataFrame, service: str | None = None) -> pd.DataFrame:
    """Return one row per case: case_id, service, steps, days, visits, minutes, cost_lak, problems.

    days counts from the first step's day to the last step's day (both included);
    cost_lak adds travel costs and fees; problems counts steps where a problem was met.
    """
    rows = _transactions(transactions, service).copy()
    rows["cost_lak"] = _cost(rows)
    rows["has_problem"] = _has_problem(rows)
    table = rows.groupby(["case_id", "service"]).agg(
        steps=("step_no", "size"),
        first=("day", "min"),
        last=("day", "max"),
        visits=("visits", "sum"),
        minutes=("minutes", "sum"),
        cost_lak=("cost_lak", "sum"),
        problems=("has_problem", "sum"),
    )
    table["days"] = table["last"] - table["first"] + 1
    table = table.drop(columns=["first", "last"]).reset_index()
    columns = ["case_id", "service", "steps", "days", "visits", "minutes", "cost_lak", "problems"]
    return table[columns]


def journey(transactions: pd.DataFrame, service: str) -> pd.DataFrame:
    """Return the journey map of one service: one row per step, in order.

    Columns: step_no, step, cases, visits, minutes, cost_lak (means per case),
    problem_share (share of cases meeting a problem at that step) and top_problem.
    """
    rows = _transactions(transactions, service).copy()
    rows["cost_lak"] = _cost(rows)
    rows["has_problem"] = _has_problem(rows)
    table = rows.groupby(["step_no", "step"]).agg(
        cases=("case_id", "nunique"),
        visits=("visits", "mean"),
        minutes=("minutes", "mean"),
        cost_lak=("cost_lak", "mean"),
        problem_share=("has_problem", "mean"),
    )
    problems = rows[rows["has_problem"]]
    top = problems.groupby("step_no")["problem"].agg(lambda s: s.value_counts().index[0])
    table = table.reset_index()
    table["top_problem"] = table["step_no"].map(top).fillna("")
    return table


def journey_summary(transactions: pd.DataFrame, service: str) -> dict[str, float]:
    """Return the typical case of one service: cases and the median days, visits, minutes, cost.

    Also share_with_problem: the share of cases that met at least one problem.
    """
    totals = case_totals(transactions, service)
    return {
        "cases": len(totals),
        "days": float(totals["days"].median()),
        "visits": float(totals["visits"].median()),
        "minutes": float(totals["minutes"].median()),
        "cost_lak": float(totals["cost_lak"].median()),
        "share_with_problem": float((totals["problems"] > 0).mean()),
    }


def journey_chart(journey_table: pd.DataFrame, service: str, ax=None):
    """Bar chart of minutes per step with the share of cases meeting a problem; returns the Axes.

    `service` names the service in the title. The data are SYNTHETIC, and the chart says so.
    """
    import matplotlib.pyplot as plt

    from course import charts

    cells.frame(journey_table, ("step", "minutes", "problem_share"), "design.what.journey")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.8))
    labels = [
        f"{n}. {s}" for n, s in zip(journey_table["step_no"], journey_table["step"], strict=True)
    ]
    ax.barh(labels[::-1], journey_table["minutes"][::-1], color="#2166ac")
    for y, (minutes, share) in enumerate(
        zip(journey_table["minutes"][::-1], journey_table["problem_share"][::-1], strict=True)
    ):
        ax.text(
            minutes + 1,
            y,
            t("design.chart.step_label", minutes=minutes, share=share),
            va="center",
            fontsize=8,
        )
    ax.set_xlabel(t("design.chart.minutes"))
    ax.set_xlim(0, max(journey_table["minutes"].max() * 1.6, 10))
    ax.set_title(t("design.chart.journey_title", service=service))
    charts.synthetic_note(ax, "odsc_transactions")
    return ax


# Pain points -----------------------------------------------------------------------------------


def frequency_score(share: float) -> int:
    """Return a frequency score 1..5 for the share of cases that meet a problem (0..1).

    Below 5% -> 1, below 15% -> 2, below 30% -> 3, below 50% -> 4, otherwise 5.
    """
    if isinstance(share, bool | str) or share is None:
        raise UserError(t("design.error.share", value=repr(share)))
    value = float(share)
    if math.isnan(value) or not 0 <= value <= 1:
        raise UserError(t("design.error.share", value=repr(share)))
    return 1 + sum(value >= bound for bound in FREQUENCY_BOUNDS)


def pain_points(transactions: pd.DataFrame, service: str | None = None) -> pd.DataFrame:
    """Return problem, cases, share (of all cases) and frequency (1..5), most frequent first."""
    rows = _transactions(transactions, service)
    total = rows["case_id"].nunique()
    problems = rows[_has_problem(rows)]
    counts = problems.groupby("problem")["case_id"].nunique().rename("cases").reset_index()
    counts["share"] = counts["cases"] / total
    counts["frequency"] = [frequency_score(s) for s in counts["share"]]
    return counts.sort_values(["cases", "problem"], ascending=[False, True], ignore_index=True)


def prioritise(pain: pd.DataFrame) -> pd.DataFrame:
    """Score pain points: score = frequency × severity (each 1..5), highest first, with a rank.

    `pain` has the columns problem, frequency and severity. Ties keep the input order.
    """
    cells.frame(pain, ("problem", "frequency", "severity"), "design.what.pain_points")
    rows = []
    for index, record in enumerate(pain.to_dict("records"), start=1):
        problem = record["problem"]
        if (
            problem is None
            or (isinstance(problem, float) and math.isnan(problem))
            or not str(problem).strip()
        ):
            raise _at(index, "problem", t("design.error.blank"))
        values = {}
        for column in ("frequency", "severity"):
            value = record[column]
            ok = not isinstance(value, bool | str) and value is not None
            number = float(value) if ok else math.nan
            if not ok or math.isnan(number) or not number.is_integer() or not 1 <= number <= 5:
                raise _at(index, column, t("design.error.scale", value=repr(value)))
            values[column] = int(number)
        rows.append({**record, **values})
    table = pd.DataFrame(rows)
    table["score"] = table["frequency"] * table["severity"]
    table = table.sort_values("score", ascending=False, kind="stable", ignore_index=True)
    table["rank"] = range(1, len(table) + 1)
    return table


# "How might we" and the vision ----------------------------------------------------------------


def _words(key: str) -> list[str]:
    return [w.strip().lower() for w in t(key).split(",") if w.strip()]


def how_might_we(action: str, user: str, goal: str) -> str:
    """Return a "how might we" statement: How might we <action> for <user> so that <goal>?"""
    parts = {"action": action, "user": user, "goal": goal}
    for name, value in parts.items():
        if not isinstance(value, str) or not value.strip():
            raise UserError(t("design.error.hmw_part", part=name))
    clean = {k: v.strip().rstrip(".?!") for k, v in parts.items()}
    return t("design.hmw.template", **clean)


def check_hmw(statement: str) -> list[str]:
    """Return the problems with a "how might we" statement, in plain words ([] = none found).

    It should start with "How might we", end with "?", say who it is for, leave the
    solution open (no app, website, system...), and be 8 to 35 words long.
    """
    if not isinstance(statement, str):
        raise UserError(t("design.error.text", value=type(statement).__name__))
    text = " ".join(statement.split())
    words = re.findall(r"[\w'-]+", text.lower())
    problems = []
    if not text.lower().startswith(t("design.hmw.start").lower()):
        problems.append(t("design.hmw.problem.start"))
    if not text.endswith("?"):
        problems.append(t("design.hmw.problem.question"))
    if not any(w in words for w in _words("design.hmw.user_words")):
        problems.append(t("design.hmw.problem.user"))
    solutions = sorted({w for w in words if w in _words("design.hmw.solution_words")})
    if solutions:
        problems.append(t("design.hmw.problem.solution", words=", ".join(solutions)))
    if not 8 <= len(words) <= 35:
        problems.append(t("design.hmw.problem.length", count=len(words)))
    return problems


def check_vision(text: str) -> pd.DataFrame:
    """Return, for SDG targets 16.6, 16.7 and 16.10, whether the vision speaks to each.

    Columns: target, focus (what the target asks for), covered, words (the words
    found). A word counts when it starts with one of the target's stems in the catalogue.
    """
    if not isinstance(text, str) or not text.strip():
        raise UserError(t("design.error.text", value=repr(text)))
    tokens = re.findall(r"[\w'-]+", text.lower())
    rows = []
    for target in SDG_TARGETS:
        key = target.replace(".", "_")
        stems = _words(f"design.sdg.t{key}.stems")
        found = sorted({w for w in tokens if any(w.startswith(s) for s in stems)})
        rows.append(
            {
                "target": target,
                "focus": t(f"design.sdg.t{key}.focus"),
                "covered": bool(found),
                "words": ", ".join(found),
            }
        )
    return pd.DataFrame(rows)


def vision_feedback(text: str) -> list[str]:
    """Return plain feedback on a vision statement: missing targets, length, who it serves."""
    table = check_vision(text)
    words = re.findall(r"[\w'-]+", text.lower())
    feedback = [
        t("design.vision.missing", target=row.target, focus=row.focus)
        for row in table.itertuples()
        if not row.covered
    ]
    if len(words) > 60:
        feedback.append(t("design.vision.long", count=len(words)))
    if len(words) < 12:
        feedback.append(t("design.vision.short", count=len(words)))
    if not any(w in words for w in _words("design.hmw.user_words")):
        feedback.append(t("design.vision.people"))
    return feedback
