"""Question definitions for each module's exercise, one file per module id.

`course.checks.b1_foundations` holds the questions of module "B1-foundations", and so
on: the module id, lower-cased with "-" turned into "_". Each file defines `QUESTIONS`,
a list of `course.learn.Question`. Hidden tests are not here: they live only in the
trainer's source notebook under exercises/.
"""
