"""nbgrader's configuration for a trainee's pod (installed as /etc/jupyter/nbgrader_config.py in the trainee image).

A trainee only fetches, submits and fetches feedback, so only the course id and the
exchange matter. The course id comes from the province's values overlay
(singleuser.extraEnv.DGT_COURSE_ID); the exchange is the province's ReadWriteMany volume,
mounted at /srv/nbgrader/exchange in every pod of the province's hub (values.yaml).
The trainer's pod uses autograder/nbgrader_config.py instead (JUPYTER_CONFIG_PATH).
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = os.environ.get("DGT_COURSE_ID", "dgt")
c.Exchange.root = os.environ.get("DGT_EXCHANGE", "/srv/nbgrader/exchange")
