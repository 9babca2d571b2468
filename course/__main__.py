"""`python -m course` runs the `dgt` command line."""

import sys

from course.cli import main

sys.exit(main())
