"""course.egdi_peers: the B1 functions on the real EGDI data."""

import pytest

from course import data, egdi_peers
from course.errors import UserError


def test_egdi_is_the_mean_of_its_components():
    """The survey's EGDI equals the mean of OSI, HCI and TII (to the published rounding)."""
    assert egdi_peers.egdi_from_components(0.32648, 0.46084, 0.53382) == pytest.approx(
        0.44038, abs=1e-5
    )


def test_change_and_series():
    """Lao PDR's EGDI rose by 0.17667 from 2010 to 2024."""
    assert egdi_peers.change("LAO", 2010, 2024) == pytest.approx(0.17667, abs=1e-9)
    assert list(egdi_peers.series("LAO").index) == [2010, 2012, 2014, 2016, 2018, 2022, 2024]


def test_peer_table_and_position():
    """In 2024 ASEAN had ten members (Timor-Leste joined in 2025): Lao PDR is 10th of 10."""
    table = egdi_peers.peer_table(2024)
    assert list(table["iso3"])[:2] == ["SGP", "THA"]
    assert list(table["position"]) == list(range(1, 11))
    assert "TLS" not in set(table["iso3"])
    assert egdi_peers.position("LAO", 2024) == 10
    with pytest.raises(UserError, match="not in the list of peers"):
        egdi_peers.position("TLS", 2024)
    # Asked for by name, a later member can still be compared.
    eleven = egdi_peers.peer_table(2024, data.asean())
    assert len(eleven) == 11 and egdi_peers.position("TLS", 2024, data.asean()) == 11


def test_component_gaps_use_the_other_peers_of_that_year():
    """Gaps are Lao PDR minus the median of the nine other members of 2024."""
    gaps = egdi_peers.component_gaps("LAO", 2024).set_index("component")
    assert gaps.loc["osi", "peers"] == pytest.approx(0.72796, abs=1e-6)
    assert gaps.loc["osi", "gap"] == pytest.approx(-0.40148, abs=1e-6)
    assert gaps.loc["hci", "gap"] == pytest.approx(-0.26472, abs=1e-6)
    assert gaps.loc["tii", "gap"] == pytest.approx(-0.34415, abs=1e-6)


def test_holding_back():
    """The online service index holds Lao PDR back in 2024; in 2010 infrastructure did."""
    assert egdi_peers.holding_back("LAO", 2024) == "osi"
    assert egdi_peers.holding_back("LAO", 2010) == "tii"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: egdi_peers.series("XXX"), "no country with the code 'XXX'"),
        (lambda: egdi_peers.series("LAO", "speed"), "no measure called 'speed'"),
        (lambda: egdi_peers.value("LAO", 2020), "no survey year 2020"),
        (lambda: egdi_peers.component_gaps("LAO", 2024, statistic="mode"), "'median' or 'mean'"),
        (lambda: egdi_peers.holding_back("SSD", 2010), "published no value"),
    ],
)
def test_bad_input_gets_a_clear_message(call, message):
    """Unknown countries, measures, years and statistics raise UserError with plain words."""
    with pytest.raises(UserError, match=message):
        call()
