"""JSON values embedded in free text, found in time linear in the text's length.

`json.JSONDecoder.raw_decode` is tried at each `{` and `[`. An attempt reads until its value ends
or fails, so unterminated nested brackets (`[1,[1,[1,...`) would read the rest of the text once per
bracket, and very deep nesting overflows the decoder's recursion. The reading is budgeted to a
few passes over the text; past the budget no further JSON is looked for: a text that needs more
holds no JSON worth keeping verbatim.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

# Characters read by all attempts together, as multiples of the text's length.
SCAN_PASSES = 8
# What an attempt that overflowed the recursion limit is charged: it read at least one character
# per nesting level, and the limit is about a thousand levels.
DEEP_ATTEMPT_CHARS = 1000
_OPEN = re.compile(r"[{\[]")


def json_values(
    text: str, keep: Callable[[int, int, object], bool]
) -> list[tuple[int, int, object]]:
    """(start, end, value) of each JSON value that `keep(start, end, value)` accepts; the search
    resumes after an accepted value, and one character after any other attempt."""
    decoder = json.JSONDecoder()
    found: list[tuple[int, int, object]] = []
    budget = SCAN_PASSES * len(text)
    pos = 0
    while budget > 0:
        match = _OPEN.search(text, pos)
        if match is None:
            break
        start = match.start()
        pos = start + 1
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            budget -= exc.pos - start + 1
            continue
        except RecursionError:
            budget -= DEEP_ATTEMPT_CHARS
            continue
        budget -= end - start
        if keep(start, end, value):
            found.append((start, end, value))
            pos = end
    return found
