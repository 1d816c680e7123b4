"""Compiles the plugin's module rules against the UnrealBuildTool stand-in
(unreal_client/Tests/UbtStandIn) with Mono's mcs and runs their constructors with mono."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "unreal_client"
STAND_IN = PLUGIN / "Tests" / "UbtStandIn"
RUNNER_SOURCE = STAND_IN / "RulesRunner.cs"


def mono_tools() -> tuple[str, str] | None:
    mcs, mono = shutil.which("mcs"), shutil.which("mono")
    return (mcs, mono) if mcs and mono else None


def rules_files(plugin: Path = PLUGIN) -> list[Path]:
    return sorted((plugin / "Source").rglob("*.Build.cs")) + sorted(
        (plugin / "Source").rglob("*.Target.cs")
    )


def mcs(args: list[str]) -> subprocess.CompletedProcess[str]:
    # -warnaserror: UBT compiles rules with warnings on, and a warning here is worth a look.
    command = ["mcs", "-warn:4", "-warnaserror", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@dataclass(frozen=True)
class StandIn:
    directory: Path

    @property
    def library(self) -> Path:
        return self.directory / "UnrealBuildTool.dll"

    @property
    def runner(self) -> Path:
        return self.directory / "RulesRunner.exe"

    def compile_rules(
        self, files: list[Path], name: str = "Rules"
    ) -> subprocess.CompletedProcess[str]:
        out = self.directory / f"{name}.dll"
        return mcs(["-target:library", f"-r:{self.library}", f"-out:{out}", *map(str, files)])

    def run(self, rules: Path, targets: list[tuple[str, ...]]) -> list[dict[str, Any]]:
        """One JSON record per (target, module): what each rules constructor added, or the
        exception it threw."""
        lines = "".join("\t".join(target) + "\n" for target in targets)
        result = subprocess.run(
            ["mono", str(self.runner), str(rules)],
            input=lines,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]


def build_stand_in(directory: Path) -> StandIn:
    """UnrealBuildTool.dll from the stand-in sources, then the runner against it."""
    stand_in = StandIn(directory)
    sources = sorted(p for p in STAND_IN.glob("*.cs") if p != RUNNER_SOURCE)
    library = mcs(["-target:library", f"-out:{stand_in.library}", *map(str, sources)])
    assert library.returncode == 0, library.stdout + library.stderr
    runner = mcs([f"-r:{stand_in.library}", f"-out:{stand_in.runner}", str(RUNNER_SOURCE)])
    assert runner.returncode == 0, runner.stdout + runner.stderr
    return stand_in
