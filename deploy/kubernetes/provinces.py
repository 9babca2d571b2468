"""Write one values overlay per province (deploy/kubernetes/provinces/<code>.yaml) from the course's province table.

Run from the repository's root after the province table changes:

    .venv/bin/python deploy/kubernetes/provinces.py

The 18 provincial-level units come from course/data/files/lao_provinces.csv (the same
table the lessons use; see its PROVENANCE.md). Each overlay gives its province's hub:
its own namespace (named in the header, used with `helm --namespace`), its own host
name, and its own nbgrader course id. tests/test_deploy.py checks that the committed
overlays are exactly what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OVERLAYS = HERE / "provinces"
#: The domain of the province hubs' host names inside the country's network (replace it).
DOMAIN = "dgt-lab.internal"


def slug(iso_code: str) -> str:
    """'LA-VT' -> 'la-vt': the province's part of namespaces, host names and course ids."""
    return iso_code.strip().lower()


def provinces() -> list[tuple[str, str]]:
    """(ISO 3166-2 code, English name) of each province, in the table's order."""
    sys.path.insert(0, str(ROOT))
    from course.data import provinces as table

    frame = table()
    return [(str(code), str(name)) for code, name in zip(frame.code, frame.name_en, strict=True)]


def overlay(iso_code: str, name: str) -> str:
    """The values overlay of one province's hub, as YAML text."""
    code = slug(iso_code)
    return f"""# {name} ({iso_code}): its own hub, in its own namespace. Written by
# deploy/kubernetes/provinces.py from course/data/files/lao_provinces.csv; do not edit.
#
#   kubectl create namespace dgt-{code}
#   kubectl apply -n dgt-{code} -f deploy/kubernetes/exchange.yaml
#   helm upgrade --install dgt <z2jh chart> --namespace dgt-{code} \\
#       -f deploy/kubernetes/values.yaml -f deploy/kubernetes/provinces/{code}.yaml
custom:
  dgt:
    province: {iso_code}
    namespace: dgt-{code}
ingress:
  hosts:
    - {code}.{DOMAIN}
singleuser:
  extraEnv:
    DGT_COURSE_ID: dgt-{code}
"""


def expected() -> dict[str, str]:
    """File name -> text of every overlay."""
    return {f"{slug(code)}.yaml": overlay(code, name) for code, name in provinces()}


def main() -> int:
    from autograder.workspace import write_atomically

    OVERLAYS.mkdir(exist_ok=True)
    files = expected()
    for stale in OVERLAYS.glob("*.yaml"):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        write_atomically(OVERLAYS / name, text)
    print(f"{len(files)} overlays in {OVERLAYS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
