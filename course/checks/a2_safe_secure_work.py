"""Practice checks and hints for the A2 Safe and secure digital work exercise."""

from __future__ import annotations

import pandas as pd

from course import data, privacy, security
from course.learn import (
    Check,
    Questions,
    close_to,
    has_columns,
    in_range,
    is_number,
    is_series,
    is_table,
    length,
    same_set,
    text_list,
    within,
)

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


q = Questions("A2")

QUESTIONS = [
    q(
        "q1",
        "wifi_bits",
        hints=3,
        checks=[
            is_number(),
            in_range(0, 500),
            close_to(lambda: security.entropy_bits(8, 36), 0.01, "value"),
        ],
    ),
    q(
        "q2",
        "phrase_bits",
        hints=3,
        checks=[
            is_number(),
            in_range(0, 500),
            close_to(lambda: security.passphrase_bits(5, 7776), 0.01, "value"),
        ],
    ),
    q(
        "q3",
        "phrase_years",
        hints=2,
        checks=[
            is_number(),
            close_to(
                lambda: security.years_to_try_all(security.passphrase_bits(5), 1e10), 0.5, "value"
            ),
        ],
    ),
    q(
        "q4",
        "weak_ones",
        hints=2,
        checks=[text_list(), within(lambda: CANDIDATES), same_set(_weak)],
    ),
    q(
        "q5",
        "suspicious",
        points=2,
        hints=3,
        checks=[
            text_list(),
            within(lambda: data.synthetic("phishing_messages")["message_id"]),
            same_set(_flagged_ids),
        ],
    ),
    q(
        "q6",
        "better_plan",
        points=2,
        hints=3,
        checks=[
            is_table(),
            has_columns("copy", "medium", "location"),
            Check("kept", _keeps_plan),
            Check("rule", lambda v: security.check_backup_plan(v).ok),
        ],
    ),
    q(
        "q7",
        "to_share",
        points=2,
        hints=3,
        checks=[
            is_table(),
            Check("personal", lambda v: not privacy.personal_columns(v)),
            Check("columns", lambda v: sorted(v.columns) == sorted(SHARE_COLUMNS)),
            length(_school_rows, "rows"),
        ],
    ),
    q(
        "q8",
        "masked_phones",
        hints=3,
        checks=[
            is_series(),
            length(lambda: len(data.synthetic("citizen_requests"))),
            Check("masked", _masked),
        ],
    ),
]
