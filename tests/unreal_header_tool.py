"""Stand-in `*.generated.h` files, written at test time for the headers that include one.

UnrealHeaderTool writes these in the engine; none exists here, and none is committed. The macros
in the engine's UObject/ObjectMacros.h (stood in under unreal_client/Tests/EngineStandIns) expand
UCLASS to `CURRENT_FILE_ID_<line>_PROLOG`, GENERATED_BODY to `CURRENT_FILE_ID_<line>_GENERATED_BODY`
and each DECLARE_DYNAMIC_*_DELEGATE to `CURRENT_FILE_ID_<line>_DELEGATE`; a generated header
defines those per line and ends with `#define CURRENT_FILE_ID`. What each macro holds follows what
UHT emits in UE 5 generated headers read in public repositories: a class gets `Super`,
`ThisClass`, `StaticClass()`, private move and copy constructors, an FVTableHelper constructor,
a virtual destructor and, when it declares no constructor, the FObjectInitializer one; a struct
gets `StaticStruct()`; a dynamic delegate gets its `_DelegateWrapper` declaration (which its
Broadcast calls); an enum gets `StaticEnum<>()`. Registration code (gen.cpp) is not written:
the compile is -fsyntax-only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_INCLUDE = re.compile(r'#include "(\w+)\.generated\.h"')
_TYPE = re.compile(
    r"^\s*(class|struct)\s+(?:\w+_API\s+)?(\w+)(?:\s+final)?\s*(?::\s*public\s+(\w+))?"
)
_ENUM = re.compile(r"^\s*enum\s+class\s+(\w+)\s*:\s*(\w+)")
_DELEGATE = re.compile(r"DECLARE_DYNAMIC_MULTICAST_DELEGATE(?:_(\w+))?\((.*)\);")


def _split_args(text: str) -> list[str]:
    args, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            args.append(current.strip())
            current = ""
            continue
        depth += char in "<("
        depth -= char in ">)"
        current += char
    if current.strip():
        args.append(current.strip())
    return args


def _api(header: Path) -> str:
    # The module's export macro, as UHT writes it: <MODULE>_API (defined empty by CoreTypes.h).
    parts = header.parts
    module = parts[parts.index("Source") + 1] if "Source" in parts else "Engine"
    if module == "Runtime":
        module = parts[parts.index("Runtime") + 1]
    return f"{module.upper()}_API"


def _class_body(name: str, base: str, declares_constructor: bool, api: str) -> list[str]:
    body = [
        "public:",
        f"typedef {base} Super;",
        f"typedef {name} ThisClass;",
        f"{api} static UClass* StaticClass();",
    ]
    if not declares_constructor:
        initializer = "const FObjectInitializer& ObjectInitializer = FObjectInitializer::Get()"
        body.append(f"{api} {name}({initializer});")
    body += [
        "private:",
        f"{name}({name}&&);",
        f"{name}(const {name}&);",
        "public:",
        f"{api} {name}(FVTableHelper& Helper);",
        f"{api} virtual ~{name}();",
        "private:",
    ]
    return body


def _define(name: str, lines: list[str]) -> str:
    return f"#define {name} " + " \\\n\t".join(lines) + "\n"


def generated_header(header: Path, file_id: str) -> str:
    """The text of `header`'s generated header, for a header whose CURRENT_FILE_ID is file_id."""
    lines = header.read_text().splitlines()
    api = _api(header)
    out = [
        f"// Written at test time for {header.name} (tests/unreal_header_tool.py).\n",
        '#include "UObject/ObjectMacros.h"\n#include "UObject/ScriptMacros.h"\n',
    ]
    enums: list[tuple[str, str]] = []
    current: tuple[str, str, str] | None = None  # (kind, name, base) of the enclosing type
    for number, line in enumerate(lines, start=1):
        if (match := _TYPE.match(line)) and not line.rstrip().endswith(";"):
            current = (match.group(1), match.group(2), match.group(3) or "")
        if match := _ENUM.match(line):
            enums.append((match.group(1), match.group(2)))
        if "UCLASS(" in line and not line.lstrip().startswith("//"):
            out.append(f"#define {file_id}_{number}_PROLOG\n")
        if "GENERATED_BODY()" in line:
            assert current is not None, f"{header}:{number}: GENERATED_BODY outside a type"
            kind, name, base = current
            if kind == "struct":
                body = [
                    f"friend struct Z_Construct_UScriptStruct_{name}_Statics;",
                    f"{api} static class UScriptStruct* StaticStruct();",
                ]
            else:
                declares = any(
                    re.match(rf"\s*(?:\w+_API\s+)?(?:explicit\s+)?{name}\s*\(", text)
                    for text in lines
                )
                body = _class_body(name, base, declares, api)
            out.append(_define(f"{file_id}_{number}_GENERATED_BODY", body))
        if match := _DELEGATE.search(line):
            args = _split_args(match.group(2))
            delegate, params = args[0], args[1:]
            typed = [f"{params[i]} {params[i + 1]}" for i in range(0, len(params), 2)]
            wrapper = ", ".join([f"const FMulticastScriptDelegate& {delegate[1:]}", *typed])
            out.append(
                _define(
                    f"{file_id}_{number}_DELEGATE",
                    [f"{api} void {delegate}_DelegateWrapper({wrapper});"],
                )
            )
    for enum, underlying in enums:
        out.append(f"enum class {enum} : {underlying};\n")
        out.append(f"template<> {api} UEnum* StaticEnum<{enum}>();\n")
    out += ["#undef CURRENT_FILE_ID\n", f"#define CURRENT_FILE_ID {file_id}\n"]
    return "\n".join(out)


def write_generated_headers(headers: Iterable[Path], out_dir: Path) -> list[Path]:
    """Writes <Name>.generated.h into out_dir for each header that includes one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for header in headers:
        match = _INCLUDE.search(header.read_text())
        if not match:
            continue
        assert match.group(1) == header.stem, f"{header} includes {match.group(1)}.generated.h"
        file_id = "FID_" + re.sub(r"\W", "_", f"{header.parent.name}_{header.name}")
        target = out_dir / f"{header.stem}.generated.h"
        target.write_text(generated_header(header, file_id))
        written.append(target)
    return written
