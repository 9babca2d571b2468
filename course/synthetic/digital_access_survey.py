"""Generator of the SYNTHETIC digital access survey (module B6): phones, internet and online services."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "digital_access_survey"
DESCRIPTION = (
    "SYNTHETIC household survey of 2,000 made-up people aged 15+ in 6 provinces: access to "
    "phones and the internet, use of online public services, radio; not real figures for Laos."
)

PROVINCES = {
    "Vientiane Capital": 0.80,
    "Luang Prabang": 0.35,
    "Oudomxay": 0.25,
    "Savannakhet": 0.30,
    "Salavan": 0.20,
    "Sekong": 0.25,
}  # chance that a respondent lives in an urban area (made up)
AGE_GROUPS = {"15-24": 0.27, "25-39": 0.33, "40-59": 0.27, "60+": 0.13}
ETHNIC_GROUPS = {"Lao-Tai": 0.55, "Mon-Khmer": 0.25, "Hmong-Mien": 0.12, "Sino-Tibetan": 0.08}
SIZE = 2000


def _chance(logit: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-logit))


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return 2,000 made-up people; 1 = yes, 0 = no in the access columns."""
    province = rng.choice(list(PROVINCES), size=SIZE)
    urban = rng.random(SIZE) < np.array([PROVINCES[p] for p in province])
    female = rng.random(SIZE) < 0.5
    age = rng.choice(list(AGE_GROUPS), size=SIZE, p=list(AGE_GROUPS.values()))
    ethnic = rng.choice(list(ETHNIC_GROUPS), size=SIZE, p=list(ETHNIC_GROUPS.values()))
    older, young = age == "60+", age == "15-24"
    middle = age == "40-59"
    disability = rng.random(SIZE) < np.where(older, 0.25, 0.06)
    minority = ethnic != "Lao-Tai"
    rural = ~urban

    phone = rng.random(SIZE) < _chance(
        2.2
        - 0.8 * rural
        - 0.3 * female
        - 1.4 * older
        + 0.3 * young
        - 0.6 * minority
        - 0.8 * disability
    )
    smart = phone & (
        rng.random(SIZE)
        < _chance(
            1.3
            - 1.0 * rural
            - 0.3 * female
            + 0.8 * young
            - 0.6 * middle
            - 1.6 * older
            - 0.7 * minority
            - 0.7 * disability
        )
    )
    internet = smart & (rng.random(SIZE) < _chance(2.0 - 0.4 * rural - 0.9 * older))
    online = internet & (
        rng.random(SIZE) < _chance(-0.9 + 0.6 * urban - 0.3 * young - 0.5 * older - 0.4 * minority)
    )
    radio = rng.random(SIZE) < _chance(-0.4 + 0.7 * rural + 0.5 * older + 0.3 * minority)
    return pd.DataFrame(
        {
            "person_id": [f"P{i:04d}" for i in range(1, SIZE + 1)],
            "province": province,
            "area": np.where(urban, "urban", "rural"),
            "sex": np.where(female, "female", "male"),
            "age_group": age,
            "ethnic_group": ethnic,
            "disability": np.where(disability, "yes", "no"),
            "has_phone": phone.astype(int),
            "has_smartphone": smart.astype(int),
            "used_internet": internet.astype(int),
            "used_online_service": online.astype(int),
            "listens_radio": radio.astype(int),
        }
    )
