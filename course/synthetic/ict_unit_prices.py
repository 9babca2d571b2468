"""SYNTHETIC, illustrative unit prices of ICT equipment in US dollars (module B2).

Round numbers of a plausible order of magnitude, for practising how to cost an
equipment gap. They are not quotes, market prices or procurement rules; a real plan
uses prices from the province's own procurement. No randomness: the table is fixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "ict_unit_prices"
DESCRIPTION = (
    "SYNTHETIC illustrative unit prices of ICT equipment in USD, for practice only; "
    "not quotes or market prices."
)

_PRICES = [
    ("desktop", 650),
    ("laptop", 800),
    ("printer", 300),
    ("projector", 550),
    ("router", 120),
    ("ups", 110),
    ("webcam", 150),
    ("speakerphone", 180),
]


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC price table: device_type, unit_price_usd (rng unused: fixed values)."""
    return pd.DataFrame(_PRICES, columns=["device_type", "unit_price_usd"])
