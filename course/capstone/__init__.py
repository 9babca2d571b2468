"""The capstone (module B8): one PPA's digital transformation plan, built from the B2-B7 functions.

Lessons and the exercise use this package as one module, `from course import capstone`:

- `course.capstone.sections`: the five section builders, each checking the trainee's
  inputs (`situation_summary`, `build_roadmap`, `capacity_inclusion`, `me_framework`, ...);
- `course.capstone.plan`: the `Plan` that holds them, and `check_plan` / `findings`, its
  completeness and consistency checks;
- `course.capstone.report`: the plan as one self-contained HTML document and a PDF
  (`plan_html`, `export`).

Imports go one way: sections <- plan <- report; this file only gathers their public names.
"""

from course.capstone.plan import CHECKS, SECTIONS, Plan, check_plan, findings, section_label
from course.capstone.report import export, plan_html
from course.capstone.sections import (
    CapacityInclusion,
    Roadmap,
    Situation,
    add_indicators,
    answers_from_table,
    build_roadmap,
    capacity_inclusion,
    example_new_indicators,
    link_indicators,
    me_framework,
    select_initiatives,
    situation_summary,
    unmeasured,
)

__all__ = [
    "CHECKS",
    "SECTIONS",
    "CapacityInclusion",
    "Plan",
    "Roadmap",
    "Situation",
    "add_indicators",
    "answers_from_table",
    "build_roadmap",
    "capacity_inclusion",
    "check_plan",
    "example_new_indicators",
    "export",
    "findings",
    "link_indicators",
    "me_framework",
    "plan_html",
    "section_label",
    "select_initiatives",
    "situation_summary",
    "unmeasured",
]
