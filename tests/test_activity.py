"""The record of practice checks and hints: chained in the notebook's outputs, so edits show."""

from __future__ import annotations

import json

from course import activity
from course.learn import Exercise

MODULE = "A1-working-with-data"


def session(tmp_path, monkeypatch) -> dict:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(activity.GRADING_ENV, raising=False)
    ex = Exercise(MODULE)
    ex.check("q1", 3)
    ex.hint("q1")
    ex.hint("q1")
    _, metadata = ex.check("q1", 149)._repr_mimebundle_()
    return metadata


def notebook_with(metadata: dict) -> dict:
    return {"cells": [{"cell_type": "code", "outputs": [{"metadata": metadata}]}]}


def test_checks_and_hints_are_counted_per_question(tmp_path, monkeypatch):
    """Two checks and hints up to level 2 for q1; nothing for q2."""
    summary = activity.summarise(MODULE, notebook_with(session(tmp_path, monkeypatch)))
    assert summary == activity.Summary("recorded", {"q1": 2}, {"q1": 2})


def test_any_hand_edit_breaks_the_chain(tmp_path, monkeypatch):
    """A changed level, a removed entry or another module's name: the record no longer verifies."""
    for edit in (
        lambda entries: entries[2].update(detail=1),
        lambda entries: entries.pop(1),
        lambda entries: entries[0].update(q="q2"),
    ):
        metadata = session(tmp_path, monkeypatch)
        edit(metadata[activity.METADATA_KEY]["entries"])
        assert activity.summarise(MODULE, notebook_with(metadata)).state == "edited"
    assert activity.summarise(MODULE, {"cells": []}).state == "none"


def test_a_new_kernel_goes_on_from_the_saved_notebook(tmp_path, monkeypatch):
    """After a restart the record continues from the one the saved notebook holds."""
    metadata = session(tmp_path, monkeypatch)
    (tmp_path / "A1-working-with-data.ipynb").write_text(json.dumps(notebook_with(metadata)))
    ex = Exercise(MODULE)
    _, again = ex.hint("q9")._repr_mimebundle_()
    entries = again[activity.METADATA_KEY]["entries"]
    assert len(entries) == 5 and entries[:4] == metadata[activity.METADATA_KEY]["entries"]
    both = {"cells": [*notebook_with(metadata)["cells"], *notebook_with(again)["cells"]]}
    assert activity.summarise(MODULE, both).hints == {"q1": 2, "q9": 1}


def test_a_grading_kernel_records_nothing(tmp_path, monkeypatch):
    """With DGT_GRADING set (the grader's kernels), checks and hints carry no record."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(activity.GRADING_ENV, "1")
    ex = Exercise(MODULE)
    assert ex.check("q1", 149)._repr_mimebundle_()[1] == {}
    assert ex.hint("q1")._repr_mimebundle_()[1] == {}
    assert ex.record.entries == []
