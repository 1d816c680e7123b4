"""The entry points a SPIR-V module declares, read from the binary (SPIR-V spec, section 2.3)."""

from __future__ import annotations

import struct

MAGIC = 0x07230203
OP_ENTRY_POINT = 15

# SPIR-V ExecutionModel values (spec 3.3) for glslang's -S stage names.
EXECUTION_MODELS = {
    "vert": 0,
    "tesc": 1,
    "tese": 2,
    "geom": 3,
    "frag": 4,
    "comp": 5,
}


def entry_points(module: bytes) -> list[tuple[int, str]]:
    """(execution model, name) of every OpEntryPoint in the module."""
    if len(module) < 20 or len(module) % 4:
        raise ValueError("not a SPIR-V module: too short or not whole words")
    order = "<" if struct.unpack_from("<I", module)[0] == MAGIC else ">"
    words = struct.unpack(f"{order}{len(module) // 4}I", module)
    if words[0] != MAGIC:
        raise ValueError("not a SPIR-V module: bad magic number")
    found = []
    at = 5  # the header is five words
    while at < len(words):
        count, opcode = words[at] >> 16, words[at] & 0xFFFF
        if count == 0:
            raise ValueError(f"malformed SPIR-V: zero word count at word {at}")
        if opcode == OP_ENTRY_POINT:
            model = words[at + 1]
            # The name is a nul-terminated UTF-8 literal packed into the words after the id.
            raw = struct.pack(f"{order}{count - 3}I", *words[at + 3 : at + count])
            found.append((model, raw.split(b"\0", 1)[0].decode("utf-8")))
        at += count
    return found
