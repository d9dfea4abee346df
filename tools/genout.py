"""Shared by the generators in tools/: write generated text to a path, or to stdout."""

import sys


def emit(text, path=None):
    """Write text to path (LF line endings, UTF-8), or to standard output when path is None."""
    if path is not None:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
