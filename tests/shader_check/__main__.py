"""Every shader job of both plugins, one line each: cd tests && python -m shader_check"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from shader_check import bindings, unity, unreal
from shader_check.compile import compile_job
from shader_check.toolchain import missing_shader_tools, tool_versions


def main() -> int:
    missing = missing_shader_tools()
    if missing:
        print(missing)
        return 2
    print(tool_versions())
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        unity_jobs = [
            job for program in unity.discover() for job in unity.jobs(program, Path(scratch))
        ]
        unreal_jobs = [
            (shader, job)
            for shader in unreal.discover()
            for job in unreal.jobs(shader, Path(scratch))
        ]
        for shader, job in [(None, job) for job in unity_jobs] + unreal_jobs:
            result = compile_job(job)
            problems = bindings.problems(shader, result.reflection) if shader and result.ok else []
            ok = result.ok and not problems
            failures += not ok
            print(("ok      " if ok else "FAILED  ") + job.label)
            if not result.ok:
                print(result.report())
            for problem in problems:
                print(f"  binding: {problem}")
    print(f"{len(unity_jobs) + len(unreal_jobs)} jobs, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
