"""course.situation: capacity gaps, ICT inventory, stakeholders, SWOT, benchmarking and bad input."""

import pandas as pd
import pytest

from course import data, situation
from course.errors import UserError


@pytest.fixture
def findings():
    return pd.DataFrame(
        {
            "level": ["individual", "institutional", "organisational", "societal"],
            "finding": [
                "Few staff use shared folders",
                "No digital plan",
                "No ICT post",
                "Low reach",
            ],
            "current": [2, 1, 2, 4],
            "target": [4, 3, 3, 3],
            "importance": [3, 5, 4, 2],
        }
    )


def test_capacity_gaps_in_priority_order(findings):
    """gap = max(target - current, 0), priority = gap × importance, highest priority ranked 1."""
    table = situation.capacity_gaps(findings)
    assert list(table["finding"]) == [
        "No digital plan",
        "Few staff use shared folders",
        "No ICT post",
        "Low reach",
    ]
    assert list(table["gap"]) == [2, 2, 1, 0]
    assert list(table["priority"]) == [10, 6, 4, 0]
    assert list(table["rank"]) == [1, 2, 3, 4]


def test_capacity_gap_ties_follow_the_level_order():
    """Equal priority and gap: institutional before organisational before individual."""
    table = situation.capacity_gaps(
        pd.DataFrame(
            {
                "level": ["individual", "institutional"],
                "finding": ["a", "b"],
                "current": [1, 1],
                "target": [2, 2],
                "importance": [3, 3],
            }
        )
    )
    assert list(table["level"]) == ["institutional", "individual"]


def test_gaps_by_level_lists_all_four_levels(findings):
    """Each of the four levels appears once, with its count and total priority."""
    table = situation.gaps_by_level(situation.capacity_gaps(findings)).set_index("level")
    assert list(table.index) == list(situation.CAPACITY_LEVELS)
    assert table.loc["institutional", "priority"] == 10


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("level", "national", r"Row 2, column 'level': 'national' is not allowed"),
        ("current", 7, r"Row 2, column 'current': the value 7 is not a number from 1 to 5"),
        ("target", "high", r"Row 2, column 'target'"),
        ("finding", " ", r"Row 2, column 'finding': the cell is empty"),
    ],
)
def test_capacity_gaps_bad_rows_name_row_and_column(findings, column, value, message):
    """An unknown level, a score outside 1..5 or an empty finding names the row and column."""
    bad = findings.astype(object)
    bad.loc[1, column] = value
    with pytest.raises(UserError, match=message):
        situation.capacity_gaps(bad)


def test_capacity_gaps_refuse_empty_and_incomplete_tables(findings):
    """An empty table or one without the importance column gives a plain message."""
    with pytest.raises(UserError, match="has no rows"):
        situation.capacity_gaps(findings.iloc[0:0])
    with pytest.raises(UserError, match="has no column"):
        situation.capacity_gaps(findings.drop(columns="importance"))
    with pytest.raises(UserError, match="should be a table"):
        situation.capacity_gaps([1, 2])


# ICT inventory ------------------------------------------------------------------------------

INVENTORY = pd.DataFrame(
    {
        "province": ["Sekong", "Sekong", "Sekong", "Attapeu", "Attapeu"],
        "device_type": ["desktop", "laptop", "desktop", "desktop", "webcam"],
        "purchase_year": [2019, 2023, 2015, 2019, 2022],
        "status": ["working", "working", "broken", "working", "working"],
    }
)
STAFF = pd.DataFrame(
    {"province": ["Sekong", "Attapeu"], "staff": [20, 10], "meeting_rooms": [1, 2]}
)


def test_equipment_per_staff_counts_working_computers():
    """Sekong: 2 working computers for 20 staff; Attapeu: 1 for 10; broken ones do not count."""
    table = situation.equipment_per_staff(INVENTORY, STAFF).set_index("province")
    assert table.loc["Sekong", "devices"] == 2
    assert table.loc["Sekong", "per_staff"] == pytest.approx(0.1)
    assert table.loc["Attapeu", "per_staff"] == pytest.approx(0.1)
    everything = situation.equipment_per_staff(INVENTORY, STAFF, working_only=False)
    assert everything.set_index("province").loc["Sekong", "devices"] == 3


def test_share_older_than_n_years():
    """In 2025, devices from 2019 and 2015 are older than 5 years; 2022 and 2023 are not."""
    table = situation.share_older_than(INVENTORY, 5, 2025).set_index("province")
    assert table.loc["Sekong", "older"] == 2
    assert table.loc["Sekong", "share"] == pytest.approx(2 / 3)
    assert table.loc["Attapeu", "share"] == pytest.approx(0.5)
    exact = situation.share_older_than(INVENTORY, 6, 2025).set_index("province")
    assert exact.loc["Sekong", "older"] == 1  # a 2019 device is exactly 6 years old: not older


def test_hybrid_needs_and_cost():
    """Needs scale with meeting rooms; only missing devices are costed at the unit price."""
    kit = {"laptop": 1, "webcam": 1}
    needs = situation.hybrid_needs(INVENTORY, STAFF, kit).set_index(["province", "device_type"])
    assert needs.loc[("Sekong", "webcam"), "missing"] == 1
    assert needs.loc[("Attapeu", "webcam"), "needed"] == 2
    assert needs.loc[("Attapeu", "webcam"), "missing"] == 1
    assert needs.loc[("Sekong", "laptop"), "missing"] == 0
    prices = pd.DataFrame({"device_type": ["laptop", "webcam"], "unit_price_usd": [800, 150]})
    costed = situation.cost_gap(needs.reset_index(), prices)
    assert costed["cost"].sum() == 800 * 2 + 150 * 2


def test_shipped_inventory_is_shaped_by_the_2019_batch():
    """The SYNTHETIC inventory covers the 18 provinces, and 2019 is its most common purchase year."""
    inventory = data.synthetic("ppa_ict_inventory")
    assert set(inventory["province"]) == set(data.provinces()["name_en"])
    assert inventory["purchase_year"].mode().iloc[0] == 2019
    costed = situation.cost_gap(
        situation.hybrid_needs(inventory, data.synthetic("ppa_staff")),
        data.synthetic("ict_unit_prices"),
    )
    assert costed["cost"].sum() > 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: situation.share_older_than(INVENTORY, -1, 2025), "number of years is -1"),
        (lambda: situation.share_older_than(INVENTORY, 5, 2018), r"Row 1, column 'purchase_year'"),
        (
            lambda: situation.equipment_per_staff(INVENTORY.assign(status="lost"), STAFF),
            r"Row 1, column 'status': 'lost' is not allowed",
        ),
        (
            lambda: situation.equipment_per_staff(INVENTORY, pd.concat([STAFF, STAFF])),
            "lists Sekong twice",
        ),
        (lambda: situation.hybrid_needs(INVENTORY, STAFF, {"webcam": -1}), "asks for -1"),
        (
            lambda: situation.cost_gap(
                situation.hybrid_needs(INVENTORY, STAFF, {"webcam": 1}),
                pd.DataFrame({"device_type": ["laptop"], "unit_price_usd": [800]}),
            ),
            "no price for: webcam",
        ),
        (
            lambda: situation.cost_gap(
                situation.hybrid_needs(INVENTORY, STAFF, {"webcam": 1}),
                pd.DataFrame({"device_type": ["webcam"], "unit_price_usd": [-5]}),
            ),
            r"Row 1, column 'unit_price_usd'",
        ),
    ],
)
def test_inventory_bad_input(call, message):
    """Negative years, future purchases, unknown statuses, duplicates, bad kits and prices are refused."""
    with pytest.raises(UserError, match=message):
        call()


# Stakeholders and SWOT ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("power", "interest", "expected"),
    [
        (5, 5, "manage_closely"),
        (5, 2, "keep_satisfied"),
        (2, 5, "keep_informed"),
        (3, 3, "monitor"),
        (4, 3, "keep_satisfied"),
    ],
)
def test_quadrants(power, interest, expected):
    """Scores above 3 are high; 3 itself, the middle, is not."""
    assert situation.quadrant(power, interest) == expected


def test_stakeholder_grid_sorts_by_attention_needed():
    """Manage closely first; inside a quadrant, the larger power + interest first."""
    table = situation.stakeholder_grid(
        pd.DataFrame(
            {
                "stakeholder": ["Villagers", "Governor's office", "PPA members", "Telecom company"],
                "power": [2, 4, 5, 4],
                "interest": [4, 4, 5, 2],
            }
        )
    )
    assert list(table["stakeholder"]) == [
        "PPA members",
        "Governor's office",
        "Telecom company",
        "Villagers",
    ]
    assert list(table["quadrant"]) == [
        "manage_closely",
        "manage_closely",
        "keep_satisfied",
        "keep_informed",
    ]


def test_stakeholder_bad_scores():
    """A power of 9 names the row and column."""
    with pytest.raises(UserError, match=r"Row 1, column 'power'"):
        situation.stakeholder_grid(
            pd.DataFrame({"stakeholder": ["A"], "power": [9], "interest": [2]})
        )


def test_swot_actions_pair_the_heaviest_items():
    """Each strategy pairs the top internal with the top external items, heaviest first."""
    swot = pd.DataFrame(
        {
            "kind": ["strength", "strength", "weakness", "opportunity", "threat"],
            "item": [
                "Committed leaders",
                "Young staff",
                "Old computers",
                "Donor support",
                "Power cuts",
            ],
            "weight": [3, 5, 4, 5, 2],
        }
    )
    table = situation.swot_actions(swot, top=1)
    assert list(table["strategy"]) == ["SO", "ST", "WO", "WT"]
    assert table.loc[0, "internal"] == "Young staff"
    assert "Donor support" in table.loc[0, "prompt"]
    assert len(situation.swot_actions(swot, top=2)) == 2 * 1 + 2 * 1 + 1 + 1


def test_swot_bad_kind():
    """A kind outside the four SWOT kinds names the row and column."""
    with pytest.raises(UserError, match=r"Row 1, column 'kind': 'risk' is not allowed"):
        situation.swot_actions(pd.DataFrame({"kind": ["risk"], "item": ["x"]}))


def test_benchmark_priority_puts_online_services_first():
    """On the real 2024 EGDI data, Lao PDR's largest gap to the ASEAN median is the OSI."""
    table = situation.benchmark_priority("LAO", 2024)
    assert list(table["component"]) == ["osi", "tii", "hci"]
    assert list(table["priority"]) == [1, 2, 3]


def test_charts_draw():
    """The stakeholder and equipment charts draw with catalogue labels."""
    import matplotlib

    matplotlib.use("Agg")
    grid = situation.stakeholder_grid(
        pd.DataFrame({"stakeholder": ["A"], "power": [4], "interest": [2]})
    )
    assert situation.stakeholder_chart(grid).get_xlabel().startswith("Interest")
    table = situation.equipment_per_staff(
        data.synthetic("ppa_ict_inventory"), data.synthetic("ppa_staff")
    )
    assert len(situation.per_staff_chart(table).patches) == 18


def test_example_tables_load_and_unknown_names_are_refused():
    """The made-up example tables load and pass their own checks; an unknown name lists the known ones."""
    assert situation.example_names() == [
        "capacity_findings",
        "stakeholders",
        "stakeholders_website",
        "swot",
    ]
    assert len(situation.capacity_gaps(situation.example("capacity_findings"))) == 8
    assert len(situation.stakeholder_grid(situation.example("stakeholders"))) == 10
    assert len(situation.stakeholder_grid(situation.example("stakeholders_website"))) == 8
    assert len(situation.swot_actions(situation.example("swot"))) == 16
    with pytest.raises(UserError, match=r"no example table called 'budget'.*swot"):
        situation.example("budget")
