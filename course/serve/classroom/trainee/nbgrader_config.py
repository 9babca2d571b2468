"""nbgrader's settings in a trainee's server: the classroom's exchange and course, nothing of the trainer's.

The hub's spawner sets the environment (course/serve/classroom/spawn.py). The trainee's
student id is their roster id, so `dgt grade collect` matches the submission.
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.Exchange.root = os.environ.get("DGT_EXCHANGE", "/srv/dgt-classroom/exchange")
c.CourseDirectory.course_id = os.environ.get("DGT_COURSE_ID", "dgt")
c.CourseDirectory.student_id = os.environ.get("DGT_TRAINEE_ID", "*")
# Fetched exercises and feedback go into the home, one folder per exercise.
c.CourseDirectory.root = os.environ.get("HOME", ".")
