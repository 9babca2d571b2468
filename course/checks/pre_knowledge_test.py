"""Practice checks of the pre-test of knowledge (PRE-knowledge-test): the form of each answer only.

See `course.checks.knowledge_test`: the pre-test and the post-test measure the same objectives
with parallel items; the right answers are in the hidden tests of the source notebook.
"""

from course.checks.knowledge_test import questions

QUESTIONS = questions()
