"""Digital Government Transformation Lab: the Python package behind the lessons, exercises, apps and CLI.

Importing `course` stays light: no nbgrader, Voila, Jupyter Book or plotting library is
imported here. Import the submodules you need (`course.data`, `course.learn`, ...).
"""

__version__ = "0.1.0"
