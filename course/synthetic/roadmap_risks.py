"""SYNTHETIC risk register for one PPA's digital roadmap (module B4).

The risks are common to digital projects anywhere; their likelihood and impact scores
(1-5) are drawn from illustrative ranges with the dataset's fixed seed. They are not an
assessment of any real PPA.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "roadmap_risks"
DESCRIPTION = (
    "SYNTHETIC risk register for one PPA's digital roadmap: likelihood and impact scores "
    "(1-5) are illustrative, not an assessment of a real PPA."
)

# risk id, risk, initiative it threatens most, (likelihood low, high), (impact low, high), mitigation
_RISKS: list[tuple[str, str, str, tuple[int, int], tuple[int, int], str]] = [
    (
        "R01",
        "Power cuts stop work and damage equipment",
        "I02",
        (3, 4),
        (2, 3),
        "Buy surge protectors and a small backup power unit",
    ),
    (
        "R02",
        "Internet too slow for hybrid meetings",
        "I04",
        (3, 5),
        (4, 5),
        "Test the bandwidth before buying; plan an audio-only fallback",
    ),
    (
        "R03",
        "Trained staff move to other posts",
        "I01",
        (3, 4),
        (3, 4),
        "Train at least two people for each task; keep written guides",
    ),
    (
        "R04",
        "Budget released late in the year",
        "I02",
        (2, 4),
        (3, 4),
        "Phase purchases; agree the timing with the finance office early",
    ),
    (
        "R05",
        "Data lost with no backup",
        "I06",
        (2, 3),
        (4, 5),
        "Apply the 3-2-1 backup rule from the start",
    ),
    (
        "R06",
        "Phishing e-mail opens the door to attackers",
        "I11",
        (3, 4),
        (3, 4),
        "Cybersecurity basics for every new e-mail user",
    ),
    (
        "R07",
        "Few citizens use the online form",
        "I08",
        (2, 3),
        (1, 2),
        "Offer the same form at the ODSC and by phone; announce it on the radio",
    ),
    (
        "R08",
        "Supplier system cannot be changed or exported",
        "I12",
        (1, 2),
        (2, 4),
        "Require data export in open formats in the contract",
    ),
    (
        "R09",
        "No budget to maintain equipment",
        "I02",
        (3, 4),
        (2, 4),
        "Put maintenance in each year's budget line",
    ),
    (
        "R10",
        "Staff prefer the old paper way of working",
        "I06",
        (3, 4),
        (2, 3),
        "Involve staff early; show quick wins; name digital champions",
    ),
]


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC risk register: risk_id, risk, initiative, likelihood, impact, mitigation."""
    rows = [
        {
            "risk_id": ident,
            "risk": risk,
            "initiative": initiative,
            "likelihood": int(rng.integers(lik[0], lik[1] + 1)),
            "impact": int(rng.integers(imp[0], imp[1] + 1)),
            "mitigation": mitigation,
        }
        for ident, risk, initiative, lik, imp, mitigation in _RISKS
    ]
    return pd.DataFrame(rows)
