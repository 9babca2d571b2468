"""SYNTHETIC register of citizens' requests to PPA offices, with personal data (module A2).

Used to practise minimising, masking and pseudonymising personal data before a table
is shared. It is shaped like a register an office might keep, pooled from several
provinces for the exercise. Every person is made up: names combine common Lao first
names and family names at random; phone numbers begin "020 00" and ID numbers begin
with "X", both chosen to mark them as made up. Provinces are the real 18
provincial-level units; topics, channels, dates and statuses are drawn at random with
the dataset's fixed seed. None of it describes real requests or real people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "citizen_requests"
DESCRIPTION = (
    "SYNTHETIC register of citizens' requests to PPA offices, with made-up names, "
    "phone numbers and ID numbers, for practising data protection."
)

_FIRST = (
    "Khamla", "Souksavanh", "Bounmy", "Vilayphone", "Phonesavanh", "Keo", "Noy", "Somchanh",
    "Chanthavong", "Manivanh", "Outhai", "Sengdao", "Bouasone", "Thongchanh", "Latsamy", "Ketsana",
)  # fmt: skip
_FAMILY = (
    "Phommachanh", "Sisouphanh", "Vongsa", "Keomany", "Inthavong", "Sayavong", "Douangdy",
    "Phanthavong", "Chanthala", "Sengsouk",
)  # fmt: skip
_TOPICS = ("road", "school", "health centre", "electricity", "water supply", "land", "other")
_TOPIC_WEIGHTS = (0.22, 0.18, 0.14, 0.14, 0.12, 0.12, 0.08)
_CHANNELS = ("letter", "phone", "visit", "meeting with members")
_STATUSES = ("received", "in progress", "answered")
ROWS = 60


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC register: request_id, received, full_name, sex, birth_year, phone,
    id_number, province, topic, channel, status."""
    from course import data

    provinces = list(data.provinces()["name_en"])
    days = np.sort(rng.integers(0, 182, size=ROWS))
    start = pd.Timestamp("2024-01-02")
    rows = []
    for number, day in enumerate(days, start=1):
        received = start + pd.Timedelta(days=int(day))
        age_days = (pd.Timestamp("2024-06-30") - received).days
        status_weights = (0.6, 0.3, 0.1) if age_days < 30 else (0.15, 0.3, 0.55)
        rows.append(
            {
                "request_id": f"R-{number:04d}",
                "received": received.strftime("%Y-%m-%d"),
                "full_name": f"{rng.choice(_FIRST)} {rng.choice(_FAMILY)}",
                "sex": str(rng.choice(["F", "M"])),
                "birth_year": int(rng.integers(1950, 2005)),
                "phone": f"020 00{rng.integers(10, 100)} {rng.integers(1000, 10000)}",
                "id_number": f"X{rng.integers(10_000_000, 100_000_000)}",
                "province": str(rng.choice(provinces)),
                "topic": str(rng.choice(_TOPICS, p=_TOPIC_WEIGHTS)),
                "channel": str(rng.choice(_CHANNELS)),
                "status": str(rng.choice(_STATUSES, p=status_weights)),
            }
        )
    return pd.DataFrame(rows)
