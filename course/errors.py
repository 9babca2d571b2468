"""The one error type for mistakes a person can fix: bad input, a wrong file, a typo."""


class UserError(Exception):
    """An error caused by input, with a message a trainee or trainer can act on.

    The CLI prints `str(error)` as one line and exits non-zero, with no traceback.
    """
