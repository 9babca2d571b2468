"""The synthetic datasets: committed files equal a fresh generation, and say they are synthetic."""

import pytest

from course import data, synthetic

NAMES = list(synthetic.generators())


def test_every_generator_has_a_committed_file_and_vice_versa():
    """Each generator's CSV is committed, and no CSV lacks its generator."""
    assert sorted(NAMES) == data.synthetic_names()


@pytest.mark.parametrize("name", NAMES)
def test_committed_file_is_byte_for_byte_a_fresh_generation(name):
    """Regenerating with the fixed seed gives exactly the committed file."""
    committed = (data.SYNTHETIC_DIR / f"{name}.csv").read_text(encoding="utf-8")
    assert synthetic.to_csv_text(synthetic.generate(name)) == committed


@pytest.mark.parametrize("name", NAMES)
def test_dataset_says_it_is_synthetic(name):
    """The generator's description and the loaded table's label say SYNTHETIC."""
    assert synthetic.generators()[name].DESCRIPTION.startswith("SYNTHETIC")
    table = data.synthetic(name)
    assert table.attrs["synthetic"] is True
    assert "SYNTHETIC" in data.synthetic_label(name)


def test_seeds_are_fixed_and_distinct():
    """Seeds depend only on the dataset name."""
    assert synthetic.seed_for("a") == synthetic.seed_for("a") != synthetic.seed_for("b")
