"""The trainer's grading pipeline on nbgrader: workspace, release, collect, autograde, feedback, reports.

Exposed on the command line as `dgt grade ...`. nbgrader is the engine; its traitlets
configuration is in `nbgrader_config.py` beside this file.
"""
