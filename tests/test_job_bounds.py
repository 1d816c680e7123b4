"""Generation jobs hold nothing heavy once they end: a failure keeps its reason and message, not
its traceback (whose frames hold the world being extended); listeners are let go; and the ended
jobs remembered are bounded in number."""

from __future__ import annotations

import gc
import threading
import weakref
from types import SimpleNamespace

import numpy as np
import pytest

from worldstream.errors import Internal
from worldstream.geometry.camera import Camera
from worldstream.world.jobs import GenerationJobs, JobError

CAMERA = Camera.from_fov(60.0, 64, 48, np.eye(4))


class FakeWorlds:
    """Stands for Worlds: `extend` holds a large array, as the generation of a real world holds
    its copy of the world's splats, then fails with `error` (or adds one view)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error
        self.arrays: list[weakref.ref] = []
        self.extended: list[str] = []

    def extend(self, world_id, cameras, progress, uid=None):
        world_copy = np.ones(4_000_000)  # 32 MB
        self.arrays.append(weakref.ref(world_copy))
        self.extended.append(world_id)
        progress("generate", 0.5, "halfway")
        if self.error is not None:
            raise self.error
        return SimpleNamespace(frames=1, splats=int(world_copy[:10].sum()))


def run_one(jobs: GenerationJobs, world_id: str, region) -> object:
    job, created = jobs.submit(world_id, region, [CAMERA])
    assert created and job.done.wait(30)
    return job


@pytest.mark.parametrize(
    "make_error",
    [
        lambda: RuntimeError("the inpainter ran out of patience"),
        lambda: Internal("STORAGE_IO_ERROR", "the disk failed a write", world="w"),
    ],
    ids=["any-exception", "worldstream-error"],
)
def test_a_failed_job_keeps_its_reason_and_message_but_not_the_world_its_frames_held(make_error):
    # Made here, so that only the job could keep the exception (and its traceback) alive.
    worlds = FakeWorlds(make_error())
    jobs = GenerationJobs(worlds)
    try:
        job = run_one(jobs, "w", "behind")
        worlds.error = None
        gc.collect()
        assert job.state == "failed"
        assert worlds.arrays[0]() is None, "the failed job still holds the world's copy"
        assert isinstance(job.error, JobError)
        if job.error.kind == "Internal":
            assert job.error == JobError(
                "Internal", "STORAGE_IO_ERROR", "the disk failed a write", {"world": "w"}
            )
        else:
            assert job.error == JobError("RuntimeError", "", "the inpainter ran out of patience")
        assert str(job.error) == job.error.message
    finally:
        jobs.shutdown()


def test_an_ended_job_lets_go_of_its_listeners():
    jobs = GenerationJobs(FakeWorlds())
    release = threading.Event()
    real_run = jobs._run
    jobs._run = lambda job: (release.wait(30), real_run(job))
    try:
        job, _ = jobs.submit("w", "left", [CAMERA])
        held = np.ones(4_000_000)  # what a stream's listener keeps alive: its queue, its world
        heard: list[str] = []
        job.listen(lambda j, held=held: heard.append(j.state))
        ref = weakref.ref(held)
        del held
        release.set()
        assert job.done.wait(30)
        gc.collect()
        assert heard[-1] == "done"
        assert ref() is None, "the ended job still holds its listener"
        # A listener that comes later is told at once, and not kept either.
        job.listen(lambda j: heard.append("late"))
        assert heard[-1] == "late" and job._listeners == []
    finally:
        jobs.shutdown()


def test_ended_jobs_are_remembered_up_to_a_bound_least_recently_asked_for_forgotten_first():
    worlds = FakeWorlds()
    jobs = GenerationJobs(worlds)
    jobs.max_ended = 3
    try:
        first = [run_one(jobs, "w", region) for region in "abc"]
        # Asking for region a again gets its ended job (nothing generated), and makes it the
        # most recent: the next job to end pushes out b, not a.
        again, created = jobs.submit("w", "a", [CAMERA])
        assert again is first[0] and not created
        run_one(jobs, "w", "d")
        assert [key[1] for key in jobs._ended] == ["c", "a", "d"]
        # A forgotten region is generated again when asked for.
        assert run_one(jobs, "w", "b") is not first[1]
        assert len(jobs._ended) == 3 and worlds.extended == ["w"] * 5
    finally:
        jobs.shutdown()
