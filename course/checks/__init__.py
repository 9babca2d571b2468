"""Question definitions for each module's exercise, one file per module id.

`course.checks.b1_foundations` holds the questions of module "B1-foundations", and so
on: the module id, lower-cased with "-" turned into "_". Each file defines `QUESTIONS`,
a list of `course.learn.Question`. Hidden tests are not here: they live only in the
trainer's source notebook under exercises/.

The rules every exercise follows (tests/test_graded_questions.py and test_hints.py hold them):

- A computed number is declared once: `close_to(expected, tolerance)` or `count(expected)`.
  Its hidden test compares with the same tolerance: `assert ex.agrees("q3", x, 0.2222)`.
- A choice question uses `one_of(choices)`: the trainee's checks stop there (a valid
  choice, never which is right) and the hidden test alone decides.
- Hints climb from a nudge to a last hint that starts "Worked example on other data:";
  no hint, check message or rubric shows a graded answer.
"""
