"""Text from a server or a data dir, made safe to print on a terminal.

A display name is anyone's text: an escape sequence in it would recolour, move the cursor or
clear the screen, and a newline or tab would print a row or column that is not there. Every
control character (worldstream/controls.py) is shown as a Python-style escape, and a backslash
as two, so the output says exactly what the text holds.
"""

from __future__ import annotations

from worldstream.controls import first_control, is_control


def _escape(char: str) -> str:
    if char == "\\":
        return "\\\\"
    if not is_control(char):
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every character a terminal would act on instead of show escaped."""
    if first_control(text) < 0 and "\\" not in text:
        return text
    return "".join(_escape(char) for char in text)
