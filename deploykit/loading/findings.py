"""DK0xx: findings about the input file itself, before any platform's rules run.

Declared here, with the code that detects them; ``deploykit rules`` lists them with the rest.
"""

from __future__ import annotations

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.errors import SpecError
from deploykit.loading.limits import MAX_INTEGER_DIGITS

UNREADABLE = rule(
    "DK001",
    Severity.ERROR,
    "any",
    "file cannot be read or parsed (missing, unreadable, a link loop, not UTF-8, broken JSON/YAML,"
    " too large)",
    source="issue #2 'Bad input'; RFC 8259 §8.1 (JSON text is UTF-8)",
)

# An error: a file we cannot attribute to a platform was not checked at all, and calling it
# valid would be a silent pass. `--platform` settles it.
UNKNOWN_PLATFORM = rule(
    "DK002",
    Severity.ERROR,
    "any",
    "cannot tell which platform the spec is for (EAS or ModelArts)",
    source="PRODUCT.md 'Command-line contract' (platform detection); reference/eas.md §1.1",
)

# A warning, not an error: JSON parsers (Python's json, Go's encoding/json) keep the last
# value without a word, so the platform accepts the file and deploys it with the later
# value; but the earlier value is silently lost, which is almost never what the author
# meant. RFC 8259 §4: names "SHOULD be unique". `--strict` makes it an error.
DUPLICATE_KEY = rule(
    "DK003",
    Severity.WARNING,
    "any",
    "the same key appears twice in one object; only the last value is used",
    source="RFC 8259 §4; PyYAML and Python json keep the last value silently",
)


def duplicate_key(pointer: str, key: str, position: tuple[int, int], first_line: int) -> Diagnostic:
    """A DK003 placed on the later key, naming the line of the earlier one (whose value is
    lost). Only the key is named: the value may be a secret such as ``dockerAuth``."""
    line, column = position
    return DUPLICATE_KEY(
        pointer,
        f"duplicate key `{key}` (first on line {first_line}): only this later value is used, "
        f"the earlier one is silently ignored",
        suggestion=f"keep one `{key}` entry: delete or merge the other",
        anchor="key",
        line=line,
        column=column,
    )


# Refused unread, not merely unreadable: opening a FIFO waits for a writer (forever, in CI),
# and a device or socket is not a file anyone saved a spec in. A pipe is read with `-`.
NOT_A_REGULAR_FILE = rule(
    "DK005",
    Severity.ERROR,
    "any",
    "the path is a FIFO, socket or device, not a regular file; it is not read",
    source="issue #13 (validate hung on a FIFO); POSIX stat S_ISREG",
)

# Python refuses to convert integers of more digits than sys.get_int_max_str_digits() (4300
# by default, CVE-2020-10735) to or from text, and no field of either platform holds a
# number anywhere near that size (the largest are 64-bit: reference/eas.md §1, the
# alibabacloud-go/eas-20210701 request models).
INTEGER_OUT_OF_RANGE = rule(
    "DK006",
    Severity.ERROR,
    "any",
    "an integer is too long to be any spec value (more digits than Python converts, 4300)",
    source="issue #13; Python sys.int_info.default_max_str_digits (CVE-2020-10735)",
)

def out_of_range(
    digits: int, path: str, *, pointer: str, line: int | None, column: int | None
) -> SpecError:
    """A DK006 refusal: the integer at ``pointer`` is ``digits`` digits long. The digits are
    not echoed (they may be a secret, and would not fit on a line)."""
    return SpecError(
        f"integer of {digits} digits is out of range: no spec value is that large "
        f"(deploykit reads integers of at most {MAX_INTEGER_DIGITS} digits)",
        path=path,
        line=line,
        column=column,
        pointer=pointer,
        hint="write the intended number; a long identifier must be a quoted string",
        rule=INTEGER_OUT_OF_RANGE.id,
    )


# Every loading rule by id: a SpecError names the one that reports it (`SpecError.rule`).
BY_ID = {r.id: r for r in (UNREADABLE, NOT_A_REGULAR_FILE, INTEGER_OUT_OF_RANGE)}


# A warning: the value is probably what the author meant (`enable_grpc: yes`), but not
# always (`name: no`, a version `1.10` vs `1_0`), and JSON and YAML 1.2 readers (including
# the platforms' consoles) see a different value or reject it.
YAML_11_VALUE = rule(
    "DK004",
    Severity.WARNING,
    "any",
    "a plain YAML value is a boolean or number only under YAML 1.1 rules (yes/no/on/off, 0755)",
    source="YAML 1.1 bool/int types (yaml.org/type/bool.html, /int.html); YAML 1.2 §10.3.2",
)


def yaml_11_value(
    pointer: str, written: str, value: object, position: tuple[int, int]
) -> Diagnostic:
    line, column = position
    shown = "true" if value is True else "false" if value is False else str(value)
    return YAML_11_VALUE(
        pointer,
        f"`{written}` is read as {shown} by a YAML 1.1 rule that JSON and YAML 1.2 do not share",
        suggestion=f'write `{shown}` if that is meant, or quote it ("{written}") for the text',
        line=line,
        column=column,
    )
