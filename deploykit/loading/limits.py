"""Bounds on what a spec file may be: size, nesting, YAML alias expansion.

A service spec is a few kilobytes (reference/eas.md §1.13, §6; reference/modelarts.md §1.9);
these bounds sit far above any real file and far below what would make a validator hang or
run out of memory on a hostile or corrupted input (issue #2, "Bad input"). Each one is a
named constant so the messages, the tests and the docs quote the same number.
"""

from __future__ import annotations

import sys

# The largest spec file we read. Real specs are under 100 KiB; 16 MiB leaves room for a
# generated file with a huge inline `model_config` and still bounds memory.
MAX_SPEC_BYTES = 16 * 1024 * 1024

# The deepest nesting of objects/arrays we accept. The deepest real spec path is about
# 8 levels (sinker.config.maxcompute.*, ModelArts apis[].response.data.properties...items);
# 128 is generous, and stays well below Python's recursion limit, which the C `json`
# module, PyYAML's composer and pydantic all hit around 1000.
MAX_DEPTH = 128

# How many YAML nodes may be reached through aliases (`*name`). Anchors in real specs share
# an env list or a resource block (tens of nodes); a "billion laughs" document reaches 10^9.
# Counting expanded nodes, not alias tokens, catches both the wide and the deep variants.
MAX_ALIAS_NODES = 10_000


# The most digits an integer may have: Python converts no longer integer to or from text
# (sys.get_int_max_str_digits(), 4300 by default; PYTHONINTMAXSTRDIGITS changes it, 0 means
# no limit). A longer one cannot be parsed from JSON, nor printed in any report.
MAX_INTEGER_DIGITS: int = getattr(sys, "get_int_max_str_digits", lambda: 0)()


def describe_size(size: int) -> str:
    """``16777216`` → ``"16 MiB"``: sizes in messages are read by people."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MiB"
    if size >= 1024:
        return f"{size / 1024:.3g} KiB"
    return f"{size} bytes"
