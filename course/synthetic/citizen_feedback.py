"""Generator of the SYNTHETIC citizen feedback survey (1,200 respondents), shaped like the SUFS."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "citizen_feedback"
DESCRIPTION = (
    "SYNTHETIC citizen feedback survey: 1,200 made-up service users in 6 provinces, shaped "
    "like the Service Users Feedback Survey of 1,200 citizens (GSWG report 2021); not real answers."
)

# 200 respondents per province. Sekong's four districts are real names (see the GPAR
# Sekong document); the other provinces' districts are numbered, not named.
DISTRICTS: dict[str, dict[str, int]] = {
    "Vientiane Capital": {
        "Vientiane Capital D1": 80,
        "Vientiane Capital D2": 70,
        "Vientiane Capital D3": 50,
    },
    "Luang Prabang": {"Luang Prabang D1": 80, "Luang Prabang D2": 70, "Luang Prabang D3": 50},
    "Oudomxay": {"Oudomxay D1": 80, "Oudomxay D2": 70, "Oudomxay D3": 50},
    "Savannakhet": {"Savannakhet D1": 80, "Savannakhet D2": 70, "Savannakhet D3": 50},
    "Salavan": {"Salavan D1": 80, "Salavan D2": 70, "Salavan D3": 50},
    "Sekong": {"Lamam": 70, "Thateng": 55, "Kaleum": 40, "Dakcheung": 35},
}
SERVICES = {
    "health": 0.30,
    "education": 0.25,
    "civil_registration": 0.20,
    "transport": 0.15,
    "business_licence": 0.10,
}
SERVICE_EFFECT = {
    "health": -0.15,
    "education": 0.15,
    "civil_registration": 0.05,
    "transport": -0.35,
    "business_licence": -0.10,
}
AGE_GROUPS = {"18-29": 0.26, "30-44": 0.36, "45-59": 0.26, "60+": 0.12}
AGE_EFFECT = {"18-29": -0.10, "30-44": 0.0, "45-59": 0.05, "60+": 0.15}
ETHNIC_GROUPS = {"Lao-Tai": 0.55, "Mon-Khmer": 0.25, "Hmong-Mien": 0.12, "Sino-Tibetan": 0.08}


def _scale(latent: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(latent), 1, 5)


def _with_missing(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    values = values.astype(float)
    values[rng.random(len(values)) < share] = np.nan
    return values


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return 1,200 made-up respondents with satisfaction scores from 1 (very poor) to 5 (very good)."""
    provinces, districts, urban_chance = [], [], []
    for province, parts in DISTRICTS.items():
        for position, (district, size) in enumerate(parts.items()):
            provinces += [province] * size
            districts += [district] * size
            chance = 0.9 if province == "Vientiane Capital" else (0.6 if position == 0 else 0.2)
            urban_chance += [chance] * size
    n = len(provinces)
    area = np.where(rng.random(n) < np.array(urban_chance), "urban", "rural")
    sex = rng.permutation(np.array(["female", "male"] * (n // 2)))
    age = rng.choice(list(AGE_GROUPS), size=n, p=list(AGE_GROUPS.values()))
    ethnic = rng.choice(list(ETHNIC_GROUPS), size=n, p=list(ETHNIC_GROUPS.values()))
    service = rng.choice(list(SERVICES), size=n, p=list(SERVICES.values()))

    district_effect = {d: rng.normal(0, 0.15) for d in dict.fromkeys(districts)}
    district_effect["Dakcheung"] = -0.35
    latent = (
        3.60
        + np.array([SERVICE_EFFECT[s] for s in service])
        + np.where(area == "rural", -0.40, 0.0)
        + np.where(ethnic == "Lao-Tai", 0.0, -0.20)
        + np.array([AGE_EFFECT[a] for a in age])
        + np.array([district_effect[d] for d in districts])
        + rng.normal(0, 0.95, n)
    )
    language = np.where(ethnic == "Lao-Tai", 0.0, -0.30)
    return pd.DataFrame(
        {
            "respondent_id": [f"R{i:04d}" for i in range(1, n + 1)],
            "province": provinces,
            "district": districts,
            "area": area,
            "sex": sex,
            "age_group": age,
            "ethnic_group": ethnic,
            "service": service,
            "satisfaction": _with_missing(rng, _scale(latent), 0.01),
            "waiting_time": _with_missing(rng, _scale(latent - 0.35 + rng.normal(0, 0.8, n)), 0.03),
            "staff_helpful": _with_missing(
                rng, _scale(latent + 0.20 + rng.normal(0, 0.8, n)), 0.02
            ),
            "clear_information": _with_missing(
                rng, _scale(latent - 0.10 + language + rng.normal(0, 0.8, n)), 0.02
            ),
        }
    )
