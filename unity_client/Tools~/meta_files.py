"""Write the Unity .meta files of the package, with GUIDs derived from each asset's path.

Unity refuses assets without a .meta file in an immutable package (one installed from git), so
every file and folder Unity imports needs one, committed. Deriving the GUID from the path keeps
it stable across machines and regenerations. Unity skips names that start with '.' or end with
'~', and so does this script.

    python unity_client/Tools~/meta_files.py [--check]

--check writes nothing and exits 1 when a .meta file is missing, stale or different.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
NAME = "com.worldstream.client"

IMPORTERS = {
    ".cs": "MonoImporter",
    ".asmdef": "AssemblyDefinitionImporter",
    ".shader": "ShaderImporter",
    ".compute": "ComputeShaderImporter",
    ".hlsl": "ShaderIncludeImporter",
    ".md": "TextScriptImporter",
    ".json": "TextScriptImporter",
    ".xml": "TextScriptImporter",
}
IMPORTER_FIELDS = {
    "MonoImporter": [
        "  serializedVersion: 2",
        "  defaultReferences: []",
        "  executionOrder: 0",
        "  icon: {instanceID: 0}",
    ],
    "ShaderImporter": ["  defaultTextures: []", "  nonModifiableTextures: []"],
}


def ignored(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return any(p.startswith(".") or p.endswith("~") for p in parts) or path.suffix == ".meta"


def assets() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if not ignored(p))


def guid(path: Path) -> str:
    """MD5 of the package name and path: an identifier, not a security measure."""
    relative = path.relative_to(PACKAGE).as_posix()
    return hashlib.md5(f"{NAME}/{relative}".encode()).hexdigest()


def meta_text(path: Path) -> str:
    importer = "DefaultImporter" if path.is_dir() else IMPORTERS.get(path.suffix, "DefaultImporter")
    lines = ["fileFormatVersion: 2", f"guid: {guid(path)}"]
    if path.is_dir():
        lines.append("folderAsset: yes")
    lines += [f"{importer}:", "  externalObjects: {}", *IMPORTER_FIELDS.get(importer, [])]
    # Unity writes these three with a trailing space.
    lines += ["  userData: ", "  assetBundleName: ", "  assetBundleVariant: "]
    return "\n".join(lines) + "\n"


def problems() -> list[str]:
    found = []
    wanted = {Path(f"{p}.meta"): meta_text(p) for p in assets()}
    for meta, text in wanted.items():
        if not meta.exists():
            found.append(f"missing {meta.relative_to(PACKAGE)}")
        elif meta.read_text() != text:
            found.append(f"different {meta.relative_to(PACKAGE)}")
    for meta in PACKAGE.rglob("*.meta"):
        if meta not in wanted and not ignored(meta.with_suffix("")):
            found.append(f"stale {meta.relative_to(PACKAGE)}")
    return found


def write() -> None:
    for path in assets():
        Path(f"{path}.meta").write_text(meta_text(path))
    for meta in PACKAGE.rglob("*.meta"):
        if not Path(str(meta)[: -len(".meta")]).exists():
            meta.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        print("\n".join(found) or "every asset has its .meta file")
        return 1 if found else 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
