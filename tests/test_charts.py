"""Shared chart helpers (course.charts)."""

import matplotlib

from course import charts, data, design, situation

matplotlib.use("Agg")


def test_a_chart_of_synthetic_data_says_so_under_its_axes():
    """Both the journey and the equipment chart carry their data set's SYNTHETIC label."""
    journey = design.journey(data.synthetic("odsc_transactions"), "business licence")
    equipment = situation.equipment_per_staff(
        data.synthetic("ppa_ict_inventory"), data.synthetic("ppa_staff")
    )
    for ax, name in (
        (design.journey_chart(journey, "business licence"), "odsc_transactions"),
        (situation.per_staff_chart(equipment), "ppa_ict_inventory"),
    ):
        notes = [text.get_text() for text in ax.texts]
        assert data.synthetic_label(name) in notes
        assert "SYNTHETIC" in data.synthetic_label(name).upper()


def test_synthetic_note_sits_below_the_axes():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    charts.synthetic_note(ax, "ppa_staff")
    note = ax.texts[-1]
    assert note.get_text() == data.synthetic_label("ppa_staff")
    assert note.xyann[1] < 0  # offset downwards, out of the plotting area
