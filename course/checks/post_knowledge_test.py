"""Practice checks of the post-test of knowledge (POST-knowledge-test): the form of each answer only.

See `course.checks.knowledge_test`: the post-test and the pre-test measure the same objectives
with parallel items; the right answers are in the hidden tests of the source notebook.
"""

from course.checks.knowledge_test import questions

QUESTIONS = questions()
