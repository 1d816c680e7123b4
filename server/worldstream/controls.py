"""Characters that a terminal, a log viewer or a UI acts on instead of showing.

C0 and C1 controls (ESC starts colour, cursor and screen-clearing sequences; newline and tab make
rows and columns), the line and paragraph separators, and the bidirectional embeddings,
overrides and isolates that reorder the text around them. Other format characters (the zero
width joiner inside emoji, a soft hyphen) are left alone: they only shape what is shown.
CreateWorld refuses display names holding one (world/worlds.py); the CLI escapes them in
whatever it prints from a server or a data dir (cli/text.py).
"""

from __future__ import annotations

import unicodedata

_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
# U+202A..U+202E (LRE, RLE, PDF, LRO, RLO) and U+2066..U+2069 (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def is_control(char: str) -> bool:
    return unicodedata.category(char) in _CATEGORIES or char in BIDI_CONTROLS


def first_control(text: str) -> int:
    """The index of the first control character in `text`, or -1."""
    return next((i for i, char in enumerate(text) if is_control(char)), -1)
