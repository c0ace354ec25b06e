"""Errors a user can act on.

A :class:`UserError` is bad input (a missing file, an unknown trait, a flag out of range).
The CLI prints its message as one line and exits with status 2, with no traceback, so
its message must say what is wrong *and* how to fix it.
"""


class UserError(Exception):
    """Bad input from the user; the message is shown as-is, on one line."""
