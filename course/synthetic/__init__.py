"""The synthetic-data generator: realistic but invented datasets, each with a fixed seed.

Every dataset here is SYNTHETIC. It is shaped like the real thing (a PPA's ICT
inventory, a staff skills survey, a citizen feedback survey, ...) but its numbers are
made up by code and are never facts about Laos, its institutions or its people.

Each generator is a module in this package that defines:

- `NAME`: the dataset name (the file is `course/data/files/synthetic/<NAME>.csv`);
- `DESCRIPTION`: one line that starts with "SYNTHETIC";
- `generate(rng: numpy.random.Generator) -> pandas.DataFrame`.

`generate_all()` (the CLI: `dgt data generate`) rewrites every file; the seed of each
dataset is fixed and derived from its name, so the files come out byte for byte the same,
and adding a generator never changes the others. The files are committed.
"""

from __future__ import annotations

import importlib
import pkgutil
import zlib
from pathlib import Path
from types import ModuleType

BASE_SEED = 20240520  # the first day of the PPAs' 2024 Innovation Conference


def seed_for(name: str) -> int:
    """Return the fixed seed of the dataset `name`."""
    return BASE_SEED + zlib.crc32(name.encode("utf-8"))


def generators() -> dict[str, ModuleType]:
    """Return every generator module, by dataset name."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "generate"):
            if not str(module.DESCRIPTION).startswith("SYNTHETIC"):
                raise ValueError(f"{info.name}: DESCRIPTION must start with 'SYNTHETIC'")
            found[module.NAME] = module
    return dict(sorted(found.items()))


def generate(name: str):
    """Return the dataset `name` as a DataFrame, freshly generated with its fixed seed."""
    import numpy as np

    module = generators()[name]
    frame = module.generate(np.random.default_rng(seed_for(name)))
    frame.attrs["synthetic"] = True
    frame.attrs["description"] = module.DESCRIPTION
    return frame


def to_csv_text(frame) -> str:
    """Serialise a dataset the one way every generated file is written."""
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def generate_all(folder: Path | None = None) -> list[Path]:
    """Write every dataset as CSV (atomically) and return the paths written."""
    from course.data import SYNTHETIC_DIR

    folder = SYNTHETIC_DIR if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in generators():
        path = folder / f"{name}.csv"
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_text(to_csv_text(generate(name)), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
