"""SYNTHETIC survey of citizens in Sekong province's four districts, for building personas (module B3).

One row per respondent: district, urban or rural, sex, age group, ethno-linguistic
family, main language, disability, access to a phone, a smartphone and the internet,
distance to the nearest One Door Service Centre (ODSC) and the preferred channel to
contact the government. The four district names come from the GPAR Sekong project
document; the four ethno-linguistic families (Lao-Tai, Mon-Khmer, Hmong-Mien,
Sino-Tibetan) are the categories used in Lao statistics. Every share, pattern and
number here is invented by code with the dataset's fixed seed: they are NOT the
population shares or the real access of people in Sekong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "citizen_survey"
DESCRIPTION = (
    "SYNTHETIC survey of 800 citizens in Sekong's four districts (access to phone and internet, "
    "language, distance to an ODSC, ...): invented numbers, not real shares of any group."
)

N = 800
DISTRICTS = ("Lamam", "Thateng", "Kaleum", "Dakcheung")
ETHNIC_GROUPS = ("Lao-Tai", "Mon-Khmer", "Hmong-Mien", "Sino-Tibetan")
AGE_GROUPS = ("18-29", "30-44", "45-59", "60+")
CHANNELS = ("visit_odsc", "village_chief", "phone_call", "community_radio", "online")


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC survey table, one row per respondent."""
    district = rng.choice(DISTRICTS, size=N, p=[0.34, 0.26, 0.2, 0.2])
    urban_share = np.select([district == "Lamam", district == "Thateng"], [0.45, 0.2], default=0.1)
    rural = rng.random(N) >= urban_share
    sex = rng.choice(["female", "male"], size=N)
    age = rng.choice(AGE_GROUPS, size=N, p=[0.3, 0.32, 0.23, 0.15])
    ethnic = np.where(
        rural,
        rng.choice(ETHNIC_GROUPS, size=N, p=[0.25, 0.55, 0.1, 0.1]),
        rng.choice(ETHNIC_GROUPS, size=N, p=[0.6, 0.3, 0.05, 0.05]),
    )
    minority = ethnic != "Lao-Tai"
    lao_main = np.where(minority, rng.random(N) < 0.35, rng.random(N) < 0.97)
    older = age == "60+"
    disability = rng.random(N) < np.where(older, 0.2, 0.05)
    female = sex == "female"

    base = 1.6 - 1.0 * rural - 0.5 * minority - 0.3 * female - 1.0 * older - 0.8 * disability
    phone = rng.random(N) < _logistic(base + 1.6)
    smartphone = phone & (rng.random(N) < _logistic(base + 0.3))
    internet = smartphone & (rng.random(N) < _logistic(base + 0.9))

    distance = np.where(rural, rng.gamma(3.0, 8.0, N), rng.gamma(2.0, 1.5, N))
    distance = np.where(
        np.isin(district, ["Kaleum", "Dakcheung"]) & rural, distance * 1.5, distance
    )
    distance = np.round(np.clip(distance, 0.3, 120), 1)

    weights = np.column_stack(
        [
            np.full(N, 3.0) - rural * 1.0,
            1.0 + rural * 2.0 + minority * 1.0 + older * 1.0,
            1.0 + phone * 1.0,
            0.5 + rural * 1.0,
            0.2 + internet * 2.5,
        ]
    )
    weights = weights / weights.sum(axis=1, keepdims=True)
    draws = rng.random(N)
    channel = np.array(
        [
            CHANNELS[int(np.searchsorted(np.cumsum(w), d))]
            for w, d in zip(weights, draws, strict=True)
        ]
    )

    return pd.DataFrame(
        {
            "respondent_id": [f"R{i:04d}" for i in range(1, N + 1)],
            "district": district,
            "area": np.where(rural, "rural", "urban"),
            "sex": sex,
            "age_group": age,
            "ethnic_group": ethnic,
            "main_language": np.where(lao_main, "Lao", "other"),
            "disability": disability,
            "has_phone": phone,
            "has_smartphone": smartphone,
            "uses_internet": internet,
            "distance_km": distance,
            "preferred_channel": channel,
        }
    )
