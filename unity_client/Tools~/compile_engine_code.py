"""Compile the package's engine-side C# with Mono against the stand-ins of Tests/StandIns~.

Each Unity assembly is compiled as its .asmdef defines it: its sources (every .cs under the
asmdef's folder, less folders holding another asmdef and folders Unity skips), its references
and precompiled references resolved by name, UnityEngine unless noEngineReferences, UnityEditor
and UNITY_EDITOR in the Editor, its versionDefines only where the package they name is
installed, its defineConstraints, allowUnsafeCode. A name that is neither one of the package's
asmdefs nor a stand-in of the right kind fails the build, where Unity would drop the reference
silently and fail later with CS0246. A sample of Samples~ without an asmdef compiles as Unity
compiles scripts in Assets/ (Assembly-CSharp): against every auto-referenced assembly.

Every assembly is compiled in every configuration: UNITY_EDITOR and each #if symbol of the
package on and off, each optional package installed (its versionDefine on) or not. The switches
of the generated protobuf/gRPC code, which only older compilers set, are left alone.

    python3 unity_client/Tools~/compile_engine_code.py [--package DIR] [--only ASSEMBLY]

Exit status: 0 every compile succeeded; 2 a compile failed or a reference does not resolve;
3 mcs is missing. unity_client/Tests/compile_engine_code.sh runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# mcs's newest language level; Unity 2021.3 compiles C# 9, of which C# 7.2 is a subset.
LANGVERSION = "7.2"


@dataclass(frozen=True)
class StandIn:
    name: str  # the assembly name, and its folder under Tests/StandIns~
    kind: str  # "engine" (referenced by Unity itself), "dll" (a precompiled reference), "asmdef"
    references: tuple[str, ...] = ()
    auto_referenced: bool = False  # what scripts without an asmdef see


# In build order. Auto-referencing as each ships: NuGet DLLs auto-referenced by default;
# YetAnotherHttpHandler's and gsplat's asmdefs autoReferenced: true; the test framework's false.
STANDINS = [
    StandIn("UnityEngine", "engine", auto_referenced=True),
    StandIn("UnityEditor", "engine", ("UnityEngine",)),
    StandIn("Google.Protobuf", "dll", auto_referenced=True),
    StandIn("Grpc.Core.Api", "dll", auto_referenced=True),
    StandIn("Grpc.Net.Common", "dll", auto_referenced=True),
    StandIn("Grpc.Net.Client", "dll", ("Grpc.Core.Api", "Grpc.Net.Common"), auto_referenced=True),
    StandIn("Cysharp.Net.Http.YetAnotherHttpHandler", "asmdef", auto_referenced=True),
    StandIn("Gsplat", "asmdef", ("UnityEngine",), auto_referenced=True),
    StandIn("nunit.framework", "dll"),
    StandIn("UnityEngine.TestRunner", "asmdef"),
    StandIn("UnityEditor.TestRunner", "asmdef"),
]

# Optional UPM packages (versionDefines "name") and the assemblies they bring: present only in
# the configurations where the versionDefine naming them is on.
OPTIONAL_PACKAGES = {"wu.yize.gsplat": ("Gsplat",)}

# Switches of the generated protobuf and gRPC code for compilers older than Unity's.
GENERATOR_SYMBOLS = {
    "GOOGLE_PROTOBUF_REFSTRUCT_COMPATIBILITY_MODE",
    "GRPC_DISABLE_PROTOBUF_BUFFER_SERIALIZATION",
}

# Above this many toggles the configurations are: none, all, and each toggle alone.
MAX_EXHAUSTIVE_TOGGLES = 5

# Part of the .NET Standard 2.1 profile Unity compiles against; a separate assembly in Mono.
FRAMEWORK_REFERENCES = ["System.Net.Http"]


class BuildError(Exception):
    """A reference that does not resolve, or a compile that fails."""


@dataclass
class Assembly:
    name: str
    folder: Path
    references: list[str]
    precompiled: list[str] | None  # None: overrideReferences false, every auto-referenced DLL
    engine: bool
    editor_only: bool
    auto_referenced: bool
    unsafe: bool
    define_constraints: list[str]
    version_defines: dict[str, str]  # define -> package name
    sees_everything: bool = False  # Assembly-CSharp: references every auto-referenced assembly
    sources: list[Path] = field(default_factory=list)
    symbols: set[str] = field(default_factory=set)


def skipped(part: str) -> bool:
    return part.startswith(".") or part.endswith("~")


def read_asmdef(path: Path) -> Assembly:
    data = json.loads(path.read_text(encoding="utf-8"))
    override = data.get("overrideReferences", False)
    return Assembly(
        name=data["name"],
        folder=path.parent,
        references=list(data.get("references", [])),
        precompiled=list(data.get("precompiledReferences", [])) if override else None,
        engine=not data.get("noEngineReferences", False),
        editor_only=data.get("includePlatforms", []) == ["Editor"],
        auto_referenced=data.get("autoReferenced", True),
        unsafe=data.get("allowUnsafeCode", False),
        define_constraints=list(data.get("defineConstraints", [])),
        version_defines={v["define"]: v["name"] for v in data.get("versionDefines", [])},
    )


def sample_assembly(folder: Path) -> Assembly:
    return Assembly(
        name="Assembly-CSharp(Samples~/" + folder.name + ")",
        folder=folder,
        references=[],
        precompiled=None,
        engine=True,
        editor_only=False,
        auto_referenced=False,
        unsafe=False,
        define_constraints=[],
        version_defines={},
        sees_everything=True,
    )


def sources_of(folder: Path, others: set[Path]) -> list[Path]:
    """Every .cs under folder, less those under another assembly's folder or a skipped one."""
    found = []
    for path in sorted(folder.rglob("*.cs")):
        inner = path.parent.relative_to(folder).parts
        if any(skipped(p) for p in inner):
            continue
        if any(p in others for p in path.parents if folder in p.parents):
            continue
        found.append(path)
    return found


def symbols_of(sources: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in sources:
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            m = re.match(r"\s*#\s*(?:if|elif)\b(.*)", line)
            if m:
                expression = m.group(1).split("//")[0]
                found.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expression))
    return found - {"true", "false"} - GENERATOR_SYMBOLS


def discover(package: Path) -> list[Assembly]:
    """The package's assemblies (asmdefs, and samples without one), in dependency order."""
    assemblies = [
        read_asmdef(p)
        for p in sorted(package.rglob("*.asmdef"))
        if not any(skipped(part) for part in p.relative_to(package).parts[:-1])
    ]
    samples = package / "Samples~"
    if samples.is_dir():
        for folder in sorted(p for p in samples.iterdir() if p.is_dir()):
            inner = sorted(folder.rglob("*.asmdef"))
            if inner:
                assemblies.extend(read_asmdef(p) for p in inner)
            else:
                assemblies.append(sample_assembly(folder))
    folders = {a.folder for a in assemblies}
    for a in assemblies:
        a.sources = sources_of(a.folder, folders - {a.folder})
        a.symbols = symbols_of(a.sources)
    return in_dependency_order(assemblies)


def dependencies(a: Assembly, by_name: dict[str, Assembly]) -> list[Assembly]:
    if a.sees_everything:
        return [b for b in by_name.values() if b.auto_referenced and b is not a]
    return [by_name[r] for r in a.references if r in by_name]


def in_dependency_order(assemblies: list[Assembly]) -> list[Assembly]:
    by_name = {a.name: a for a in assemblies}
    done: list[Assembly] = []

    def visit(a: Assembly, path: tuple[str, ...]) -> None:
        if a in done:
            return
        if a.name in path:
            raise BuildError("assembly reference cycle: " + " -> ".join((*path, a.name)))
        for dep in dependencies(a, by_name):
            visit(dep, (*path, a.name))
        done.append(a)

    for a in assemblies:
        visit(a, ())
    return done


def configurations(assemblies: list[Assembly]) -> list[frozenset[str]]:
    constraints = {d for a in assemblies for d in a.define_constraints}
    toggles = {"UNITY_EDITOR"} | {s for a in assemblies for s in a.symbols}
    toggles |= {d for a in assemblies for d in a.version_defines}
    ordered = sorted(toggles - constraints)
    if len(ordered) > MAX_EXHAUSTIVE_TOGGLES:
        return [frozenset(), frozenset(ordered), *(frozenset({t}) for t in ordered)]
    return [
        frozenset(c) for n in range(len(ordered) + 1) for c in itertools.combinations(ordered, n)
    ]


def mcs(out: Path, sources: list[Path], refs: list[str], defines: list[str], unsafe: bool) -> str:
    """Compiles a library; returns the compiler's warnings."""
    args = ["mcs", "-nologo", "-langversion:" + LANGVERSION, "-target:library", "-out:" + str(out)]
    if unsafe:
        args.append("-unsafe")
    if defines:
        args.append("-define:" + ";".join(defines))
    args += ["-r:" + r for r in refs] + [str(s) for s in sources]
    run = subprocess.run(args, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise BuildError((run.stdout + run.stderr).strip())
    return "\n".join(line for line in run.stdout.splitlines() if ": warning CS" in line)


class Builder:
    def __init__(self, package: Path, work: Path) -> None:
        self.package = package
        self.work = work
        self.standins: dict[str, Path] = {}
        self.kinds = {s.name: s for s in STANDINS}
        self.cache: dict[str, Path] = {}
        self.assemblies: dict[str, Assembly] = {}

    def build_standins(self) -> None:
        root = self.package / "Tests" / "StandIns~"
        for s in STANDINS:
            sources = sorted((root / s.name).glob("*.cs"))
            if not sources:
                raise BuildError("no stand-in sources in " + str(root / s.name))
            out = self.work / "standins" / (s.name + ".dll")
            out.parent.mkdir(parents=True, exist_ok=True)
            refs = [str(self.standins[d]) for d in s.references] + FRAMEWORK_REFERENCES
            try:
                mcs(out, sources, refs, [], unsafe=False)
            except BuildError as e:
                raise BuildError("stand-in " + s.name + " does not compile:\n" + str(e)) from e
            self.standins[s.name] = out

    def installed(self, config: frozenset[str]) -> set[str]:
        """Stand-ins of the optional packages installed in this configuration."""
        present: set[str] = set()
        for a in self.assemblies.values():
            for define, package in a.version_defines.items():
                if define in config:
                    present.update(OPTIONAL_PACKAGES[package])
        return present

    def present(self, name: str, installed: set[str]) -> bool:
        optional = {n for names in OPTIONAL_PACKAGES.values() for n in names}
        return name not in optional or name in installed

    def resolve(
        self, a: Assembly, name: str, kind: str, built: dict[str, Path], installed: set[str]
    ) -> list[str]:
        if kind == "asmdef" and name in self.assemblies:
            if name not in built:
                raise BuildError(f"{a.name} references {name}, not built in this configuration")
            return [str(built[name])]
        standin = self.kinds.get(name)
        if standin is not None and standin.kind == kind:
            # Unity drops the reference to a package that is not installed.
            return [str(self.standins[name])] if self.present(name, installed) else []
        what, expected = (
            ("reference", "asmdef") if kind == "asmdef" else ("precompiled reference", "DLL")
        )
        raise BuildError(
            f"{a.name}: unknown assembly {what} '{name}': not one of the package's asmdefs nor a"
            f" stand-in {expected} of Tests/StandIns~ (Unity drops it; code using it fails, CS0246)"
        )

    def references(
        self, a: Assembly, editor: bool, built: dict[str, Path], installed: set[str]
    ) -> list[str]:
        refs = list(FRAMEWORK_REFERENCES)
        if a.engine:
            refs.append(str(self.standins["UnityEngine"]))
            if editor:
                refs.append(str(self.standins["UnityEditor"]))
        for name in a.references:
            refs += self.resolve(a, name, "asmdef", built, installed)
        if a.precompiled is not None:
            for dll in a.precompiled:
                refs += self.resolve(a, dll.removesuffix(".dll"), "dll", built, installed)
        else:
            refs += [
                str(self.standins[s.name])
                for s in STANDINS
                if s.auto_referenced and s.kind == "dll" and self.present(s.name, installed)
            ]
        if a.sees_everything:
            refs += [
                str(self.standins[s.name])
                for s in STANDINS
                if s.auto_referenced and s.kind == "asmdef" and self.present(s.name, installed)
            ]
            refs += [str(p) for n, p in built.items() if self.assemblies[n].auto_referenced]
        return refs

    def compile(
        self, a: Assembly, config: frozenset[str], built: dict[str, Path]
    ) -> tuple[list[str], str]:
        """Compiles a (once per distinct input); returns its defines and new warnings."""
        editor = a.editor_only or "UNITY_EDITOR" in config
        version = {d for b in self.assemblies.values() for d in b.version_defines}
        defines = {s for s in config if s in a.symbols and s not in version}
        defines |= {d for d in a.version_defines if d in config}
        defines |= set(a.define_constraints) | ({"UNITY_EDITOR"} if editor else set())
        ordered = sorted(defines)
        refs = self.references(a, editor, built, self.installed(config))
        key = "\n".join([a.name, *ordered, *refs, str(a.unsafe)])
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        warnings = ""
        if digest not in self.cache:
            out = self.work / "package" / digest / (a.name + ".dll")
            out.parent.mkdir(parents=True, exist_ok=True)
            warnings = mcs(out, a.sources, refs, ordered, a.unsafe)
            self.cache[digest] = out
        built[a.name] = self.cache[digest]
        return ordered, warnings

    def run(self, only: str | None) -> int:
        assemblies = discover(self.package)
        self.assemblies = {a.name: a for a in assemblies}
        for a in assemblies:
            for package in a.version_defines.values():
                if package not in OPTIONAL_PACKAGES:
                    raise BuildError(a.name + ": versionDefines name an unknown package " + package)
        if only is not None:
            if only not in self.assemblies:
                raise BuildError("no assembly named " + only)
            wanted = needed(self.assemblies[only], self.assemblies)
            assemblies = [a for a in assemblies if a.name in wanted]
        self.build_standins()
        failures = 0
        for config in configurations(assemblies):
            built: dict[str, Path] = {}
            failed: set[str] = set()
            label = "{" + ", ".join(sorted(config)) + "}"
            for a in assemblies:
                if a.editor_only and "UNITY_EDITOR" not in config:
                    continue
                deps = dependencies(a, self.assemblies)
                broken = ", ".join(sorted(d.name for d in deps if d.name in failed))
                if broken:
                    failures += 1
                    failed.add(a.name)
                    print(f"FAIL {a.name} in {label}: not compiled, {broken} failed")
                    continue
                try:
                    defines, warnings = self.compile(a, config, built)
                except BuildError as e:
                    failures += 1
                    failed.add(a.name)
                    print(f"FAIL {a.name} in {label}")
                    print("  " + str(e).replace("\n", "\n  "))
                    continue
                print(f"ok   {a.name} in {label} defines [{', '.join(defines)}]")
                if warnings:
                    print("  " + warnings.replace("\n", "\n  "))
        return 2 if failures else 0


def needed(a: Assembly, by_name: dict[str, Assembly]) -> set[str]:
    names = {a.name}
    for dep in dependencies(a, by_name):
        names |= needed(dep, by_name)
    return names


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--package", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--only", help="build this assembly and what it references, nothing else")
    args = parser.parse_args(argv)
    if shutil.which("mcs") is None:
        print("mcs not found: install Mono's compiler (Debian: mono-devel)", file=sys.stderr)
        return 3
    with tempfile.TemporaryDirectory() as work:
        try:
            return Builder(args.package.resolve(), Path(work)).run(args.only)
        except BuildError as e:
            print("FAIL " + str(e))
            return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
