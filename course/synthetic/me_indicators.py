"""Generator of the SYNTHETIC indicator table of an example PPA's digital plan (module B7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.indicators import INDICATOR_COLUMNS

NAME = "me_indicators"
DESCRIPTION = (
    "SYNTHETIC indicators of an example PPA's digital transformation plan: made-up baselines "
    "and targets for teaching monitoring and evaluation; not real figures of any PPA."
)

COLUMNS = [*INDICATOR_COLUMNS, "level", "source", "frequency"]

# Written out by hand so that the tracking table shows every status; no random numbers.
ROWS = [
    (
        "DT-01",
        "Share of PPA plenary and committee meetings held hybrid or online",
        "%",
        "increase",
        15,
        2021,
        60,
        2026,
        "output",
        "PPA secretariat meeting log",
        "yearly",
    ),
    (
        "DT-02",
        "Share of PPA staff who pass the basic digital skills test",
        "%",
        "increase",
        20,
        2021,
        80,
        2026,
        "output",
        "Training records of the PPA secretariat",
        "yearly",
    ),
    (
        "DT-03",
        "Average days to reply to a citizen petition",
        "days",
        "decrease",
        45,
        2021,
        20,
        2026,
        "outcome",
        "PPA petition register",
        "yearly",
    ),
    (
        "DT-04",
        "Number of PPA services a citizen can start online",
        "services",
        "increase",
        0,
        2021,
        6,
        2026,
        "output",
        "PPA website records",
        "yearly",
    ),
    (
        "DT-05",
        "Share of service users satisfied (4 or 5 out of 5)",
        "%",
        "increase",
        55,
        2021,
        70,
        2026,
        "outcome",
        "Citizen feedback survey",
        "every 2 years",
    ),
    (
        "DT-06",
        "Share of PPA meeting records published within 7 days",
        "%",
        "increase",
        10,
        2021,
        90,
        2026,
        "output",
        "PPA website records",
        "yearly",
    ),
    (
        "DT-07",
        "Share of PPA ICT equipment items out of order",
        "%",
        "decrease",
        30,
        2021,
        10,
        2026,
        "output",
        "ICT equipment inventory",
        "yearly",
    ),
    (
        "DT-08",
        "Share of women among participants in PPA public consultations",
        "%",
        "increase",
        30,
        2021,
        50,
        2026,
        "outcome",
        "Consultation attendance lists",
        "yearly",
    ),
    (
        "DT-09",
        "Hours per month without internet at the PPA office",
        "hours",
        "decrease",
        40,
        2021,
        8,
        2026,
        "output",
        "ICT unit outage log",
        "yearly",
    ),
    (
        "DT-10",
        "Share of villages that received PPA meeting news by radio or loudspeaker",
        "%",
        "increase",
        20,
        2021,
        70,
        2026,
        "outcome",
        "District information office reports",
        "yearly",
    ),
]


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the indicator table (the rows above; `rng` is not needed)."""
    del rng
    return pd.DataFrame(ROWS, columns=COLUMNS)
