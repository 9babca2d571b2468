"""course.diagrams: the four lesson pictures draw offline, say what they show, and are used with alt text."""

import matplotlib
import nbformat
import pytest

from course import data, diagrams, logframe, roadmap
from course.manifest import curriculum

matplotlib.use("Agg")


def texts(ax) -> str:
    return "\n".join(t.get_text() for t in ax.texts) + ax.get_title()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_toolkit_cycle_has_six_steps_with_their_modules():
    """Six boxes, each naming its course module B2 to B7."""
    drawn = texts(diagrams.toolkit_cycle())
    for module in ("B2", "B3", "B4", "B5", "B6", "B7"):
        assert f"({module})" in drawn


def test_results_chain_shows_each_level_and_the_logframe_statements():
    """Five levels; with the example logframe each box holds that level's statement."""
    drawn = texts(diagrams.results_chain(logframe.example()))
    for level in ("Inputs", "Activities", "Outputs", "Outcomes", "Impact"):
        assert level in drawn
    assert "represented" in drawn and "Green" in drawn and "Orange" in drawn
    assert "What do we do?" in texts(diagrams.results_chain())


def test_swot_grid_lists_the_heaviest_items_of_each_kind():
    """Four labelled boxes; the heaviest item of each kind is shown, a light one is not."""
    drawn = texts(diagrams.swot_grid(top=1))
    for box in ("Strengths", "Weaknesses", "Opportunities", "Threats"):
        assert box in drawn
    assert "online meetings" in drawn and "Leaders support" not in drawn


def test_dependency_network_marks_the_critical_path_in_words_and_colour():
    """One box per initiative; the critical ones are the red boxes; the legend says so."""
    initiatives = data.synthetic("roadmap_initiatives")
    ax = diagrams.dependency_network(initiatives)
    drawn = texts(ax)
    assert all(iid in drawn for iid in initiatives["id"])
    red = [p for p in ax.patches if p.get_facecolor()[:3] == matplotlib.colors.to_rgb("#f4a582")]
    critical = roadmap.critical_path(roadmap.schedule(initiatives))
    assert len(red) == len(critical) == 5
    assert "critical path" in " ".join(t.get_text() for t in ax.get_legend().get_texts())


def test_every_picture_has_alt_text_and_is_used_in_a_lesson_with_it():
    """Each picture's alt text is a sentence; a lesson draws it with that alt in mystnb.image.alt."""
    used = {}
    for module in curriculum().modules:
        for path in module.lesson_paths:
            for cell in nbformat.read(path, as_version=4).cells:
                for name in diagrams.NAMES:
                    if cell.cell_type == "code" and f"diagrams.{name}(" in cell.source:
                        used[name] = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
    assert set(used) == set(diagrams.NAMES)
    for name, alt in used.items():
        assert alt == diagrams.alt_text(name) and len(alt.split()) > 15
