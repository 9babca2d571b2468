"""`dgt classroom`: JupyterHub for a training room on one offline machine, with real system accounts."""
