"""Notebooks are committed clean: no outputs, no execution counts, stable metadata."""

import json

import pytest

from course.manifest import repo_root
from course.publish.authoring import NOTEBOOK_METADATA

NOTEBOOKS = sorted(
    p
    for top in ("modules", "exercises", "course/apps")
    for p in (repo_root() / top).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(repo_root())))
def test_notebook_is_clean(path):
    """No outputs, no execution counts, and only the standard notebook metadata."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert notebook["metadata"] == NOTEBOOK_METADATA
