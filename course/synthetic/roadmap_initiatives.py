"""SYNTHETIC initiative catalogue for one PPA's digital roadmap (module B4).

The initiatives are ideas a Provincial People's Assembly might consider; none of them
is a real plan. Costs (million LAK), durations (months) and the 1-5 scores are drawn
from illustrative ranges with the dataset's fixed seed, so they are not facts about
any PPA, nor real prices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "roadmap_initiatives"
DESCRIPTION = (
    "SYNTHETIC initiative catalogue for one PPA's digital roadmap: costs in million LAK "
    "and 1-5 scores are illustrative, not real plans or prices."
)

# id, name, area, depends_on, (cost low, high), (months low, high), impact, feasibility, urgency
# The scores are centres; the generator moves each by at most one step, within 1..5.
_CATALOGUE: list[tuple[str, str, str, str, tuple[int, int], tuple[int, int], int, int, int]] = [
    ("I01", "Basic ICT skills training for all staff", "people", "", (60, 90), (3, 4), 4, 5, 5),
    ("I02", "Replace old office computers", "technology", "", (250, 350), (4, 6), 4, 3, 4),
    (
        "I03",
        "Reliable internet connection for the office",
        "technology",
        "",
        (80, 140),
        (2, 3),
        5,
        3,
        5,
    ),
    ("I04", "Hybrid meeting room", "technology", "I02;I03", (180, 260), (3, 4), 5, 3, 4),
    ("I05", "Shared folders and file-naming rules", "process", "I01", (5, 15), (1, 2), 3, 5, 3),
    ("I06", "Digital archive of session minutes", "data", "I05;I02", (90, 150), (6, 8), 4, 3, 2),
    (
        "I07",
        "Assembly web page with published decisions",
        "citizens",
        "I03;I11",
        (60, 100),
        (3, 5),
        4,
        3,
        3,
    ),
    ("I08", "Citizen feedback form and hotline", "citizens", "I07", (30, 60), (2, 3), 5, 4, 3),
    (
        "I09",
        "Passwords, backups and cybersecurity basics",
        "process",
        "I01",
        (10, 25),
        (1, 2),
        4,
        5,
        3,
    ),
    (
        "I10",
        "Personnel records moved from spreadsheets to a database",
        "data",
        "I09;I02",
        (120, 200),
        (6, 9),
        3,
        2,
        2,
    ),
    (
        "I11",
        "Official e-mail accounts for all staff",
        "technology",
        "I03",
        (20, 40),
        (1, 2),
        3,
        4,
        4,
    ),
    (
        "I12",
        "Petition and complaint tracking system",
        "citizens",
        "I08;I09",
        (150, 250),
        (6, 9),
        5,
        2,
        3,
    ),
    ("I13", "Open data page of assembly statistics", "data", "I07;I06", (40, 80), (3, 4), 3, 3, 1),
    ("I14", "Community radio summaries of sessions", "citizens", "I04", (25, 50), (2, 3), 4, 4, 2),
    (
        "I15",
        "Network of digital champions, one per division",
        "people",
        "I01",
        (10, 20),
        (2, 3),
        3,
        5,
        3,
    ),
    ("I16", "Document portal for assembly members", "data", "I06;I11", (100, 160), (4, 6), 4, 2, 2),
]


def _nudge(rng: np.random.Generator, centre: int) -> int:
    return int(np.clip(centre + rng.choice([-1, 0, 0, 1]), 1, 5))


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC catalogue: id, name, area, cost, duration, depends_on, impact,
    feasibility, urgency."""
    rows = []
    for ident, name, area, depends, cost, months, impact, feasibility, urgency in _CATALOGUE:
        rows.append(
            {
                "id": ident,
                "name": name,
                "area": area,
                "cost": int(rng.integers(cost[0], cost[1] + 1) // 5 * 5),
                "duration": int(rng.integers(months[0], months[1] + 1)),
                "depends_on": depends,
                "impact": _nudge(rng, impact),
                "feasibility": _nudge(rng, feasibility),
                "urgency": _nudge(rng, urgency),
            }
        )
    return pd.DataFrame(rows)
