"""Practice checks and hints for the A2 Safe and secure digital work exercise."""

from __future__ import annotations

import math

import pandas as pd

from course import data, privacy, security
from course.learn import Check, Question, close_to, in_range, is_instance, is_number

#: The candidate passwords of question 4 (the exercise shows the same list).
CANDIDATES = ("Sekong2024!", "k7#Qm2!vR9zL", "qwerty12345678", "T4x!pR8w", "P@ssw0rd2019")

#: The office's current backup plan in question 6 (the exercise shows the same rows).
PLAN = (
    {"copy": "working files", "medium": "computer", "location": "office"},
    {"copy": "weekly backup", "medium": "external_disk", "location": "office"},
)
SHARE_COLUMNS = ("received", "province", "status")


def _weak() -> set[str]:
    return {p for p in CANDIDATES if security.estimate(p).rating == "weak"}


def _flagged_ids() -> set[str]:
    flagged = security.flag_messages(data.synthetic("phishing_messages"))
    return set(flagged.loc[flagged["flag_count"] > 0, "message_id"])


def _is_text_list(value: object) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


def _keeps_plan(value: pd.DataFrame) -> bool:
    rows = {(r["medium"], r["location"]) for r in value.to_dict("records")}
    return all((r["medium"], r["location"]) in rows for r in PLAN)


def _school_rows() -> int:
    requests = data.synthetic("citizen_requests")
    return int((requests["topic"] == "school").sum())


def _masked(value: pd.Series) -> bool:
    phones = list(data.synthetic("citizen_requests")["phone"])
    for shown, real in zip(value, phones, strict=True):
        digits = [c for c in str(shown) if c.isdigit()]
        if len(digits) != 3 or str(shown)[-3:] != real[-3:] or len(str(shown)) != len(real):
            return False
    return True


QUESTIONS = [
    Question(
        name="q1",
        variable="wifi_bits",
        points=1,
        checks=(
            is_number(),
            in_range(0, 500),
            close_to(lambda: security.entropy_bits(8, 36), 0.05, "A2.q1.value"),
        ),
        hints=("A2.q1.hint1", "A2.q1.hint2", "A2.q1.hint3"),
    ),
    Question(
        name="q2",
        variable="phrase_bits",
        points=1,
        checks=(
            is_number(),
            in_range(0, 500),
            close_to(lambda: security.passphrase_bits(5, 7776), 0.05, "A2.q2.value"),
        ),
        hints=("A2.q2.hint1", "A2.q2.hint2"),
    ),
    Question(
        name="q3",
        variable="phrase_years",
        points=1,
        checks=(
            is_number(),
            Check(
                "A2.q3.value",
                lambda v: math.isclose(
                    float(v),
                    security.years_to_try_all(security.passphrase_bits(5), 1e10),
                    rel_tol=0.01,
                ),
            ),
        ),
        hints=("A2.q3.hint1", "A2.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="weak_ones",
        points=1,
        checks=(
            Check("A2.q4.list", _is_text_list),
            Check("A2.q4.members", lambda v: set(v) <= set(CANDIDATES)),
            Check("A2.q4.value", lambda v: set(v) == _weak() and len(v) == len(set(v))),
        ),
        hints=("A2.q4.hint1", "A2.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="suspicious",
        points=2,
        checks=(
            Check("A2.q5.list", _is_text_list),
            Check(
                "A2.q5.members",
                lambda v: set(v) <= set(data.synthetic("phishing_messages")["message_id"]),
            ),
            Check("A2.q5.value", lambda v: set(v) == _flagged_ids() and len(v) == len(set(v))),
        ),
        hints=("A2.q5.hint1", "A2.q5.hint2", "A2.q5.hint3"),
    ),
    Question(
        name="q6",
        variable="better_plan",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("A2.q6.columns", lambda v: {"copy", "medium", "location"} <= set(v.columns)),
            Check("A2.q6.kept", _keeps_plan),
            Check("A2.q6.rule", lambda v: security.check_backup_plan(v).ok),
        ),
        hints=("A2.q6.hint1", "A2.q6.hint2", "A2.q6.hint3"),
    ),
    Question(
        name="q7",
        variable="to_share",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("A2.q7.personal", lambda v: not privacy.personal_columns(v)),
            Check("A2.q7.columns", lambda v: sorted(v.columns) == sorted(SHARE_COLUMNS)),
            Check("A2.q7.rows", lambda v: len(v) == _school_rows()),
        ),
        hints=("A2.q7.hint1", "A2.q7.hint2"),
    ),
    Question(
        name="q8",
        variable="masked_phones",
        points=1,
        checks=(
            is_instance(pd.Series, "check.is_series"),
            Check("A2.q8.length", lambda v: len(v) == len(data.synthetic("citizen_requests"))),
            Check("A2.q8.masked", _masked),
        ),
        hints=("A2.q8.hint1", "A2.q8.hint2"),
    ),
]
