"""Generation jobs are bounded: once they end they hold nothing heavy (a failure keeps its reason
and message, not its traceback, whose frames hold the world being extended; listeners are let go;
the ended jobs remembered are bounded in number); a tenant holds at most its share of the queue; a
queued job nobody wants is cancelled; and worlds grow only within their budgets."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from worldstream.errors import Internal, NotFound, ResourceExhausted
from worldstream.geometry.camera import Camera
from worldstream.store.catalog import WorldRecord
from worldstream.world.growth_budget import GrowthLimits
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


# -- shares of the queue, claims, growth budgets ---------------------------------------------------


class CatalogWorlds:
    """Stands for Worlds and their catalog: rows by id; `extend` waits for `gate`, then grows the
    world by `grows` splats."""

    def __init__(self, *records: WorldRecord, grows: int = 100) -> None:
        self.rows = {r.id: r for r in records}
        self.store = SimpleNamespace(catalog=self)
        self.grows = grows
        self.gate = threading.Event()
        self.arrived = threading.Event()
        self.extended: list[str] = []

    def get(self, world_id: str, tenant: str | None = None) -> WorldRecord:
        if world_id not in self.rows:
            raise NotFound("WORLD_NOT_FOUND", world_id)
        return self.rows[world_id]

    def list(self, page_size: int, page_token: str = "", tenant: str | None = None):
        return [r for r in self.rows.values() if tenant in (None, r.tenant)], ""

    def extend(self, world_id, cameras, progress, uid=None):
        self.arrived.set()
        assert self.gate.wait(30), "the gate was never opened"
        self.extended.append(world_id)
        row = self.rows[world_id]
        self.rows[world_id] = replace(row, splat_count=row.splat_count + self.grows)
        return SimpleNamespace(frames=1, splats=self.grows)


def world(world_id: str, tenant: str, splats: int = 1000) -> WorldRecord:
    return WorldRecord(world_id, state="ready", splat_count=splats, tenant=tenant, uid=world_id)


def submit(jobs: GenerationJobs, record: WorldRecord, region):
    return jobs.submit(record.id, region, [CAMERA], record.uid)


def test_a_tenant_holds_at_most_its_share_of_the_generation_queue_and_others_get_theirs():
    a, b = world("a-lobby", "studio-a"), world("b-lobby", "studio-b")
    worlds = CatalogWorlds(a, b)
    jobs = GenerationJobs(worlds, max_jobs=8, max_jobs_per_tenant=2)
    try:
        first, _ = submit(jobs, a, "r1")  # runs, held at the gate
        submit(jobs, a, "r2")  # queued
        with pytest.raises(ResourceExhausted) as refused:
            submit(jobs, a, "r3")
        assert refused.value.reason == "GENERATION_QUEUE_FULL"
        assert refused.value.metadata == {"tenant": "studio-a", "limit": "2"}
        joined, created = submit(jobs, a, "r1")  # joining a job takes no place
        assert joined is first and not created
        _, created = submit(jobs, b, "r1")  # another tenant is not held back by the first
        assert created
        worlds.gate.set()
        assert first.done.wait(30)
        deadline = time.monotonic() + 30
        while True:  # places free as the jobs end
            try:
                submit(jobs, a, "r3")
                break
            except ResourceExhausted:
                assert time.monotonic() < deadline
                time.sleep(0.01)
    finally:
        worlds.gate.set()
        jobs.shutdown()


def test_a_queued_job_nobody_wants_any_more_is_cancelled_and_gives_its_place_back():
    a = world("a-lobby", "studio-a")
    worlds = CatalogWorlds(a)
    jobs = GenerationJobs(worlds, max_jobs=8, max_jobs_per_tenant=2)
    try:
        running, _ = submit(jobs, a, "r1")
        assert worlds.arrived.wait(30)  # running, held at the gate
        queued, _ = submit(jobs, a, "r2")
        shared, _ = submit(jobs, a, "r2")  # a second session joins it: two claims
        assert shared is queued
        heard: list[str] = []
        queued.listen(lambda j: heard.append(j.state))
        jobs.release(queued)
        assert queued.state == "queued"  # one session still wants it
        jobs.release(queued)
        assert queued.state == "cancelled" and queued.done.is_set() and heard == ["cancelled"]
        assert queued.error.reason == "GENERATION_CANCELLED"
        # Its place is free at once, and the region is not remembered as generated.
        again, created = submit(jobs, a, "r2")
        assert created and again is not queued
        # A running job is not stopped: it finishes its view.
        jobs.release(running)
        worlds.gate.set()
        assert running.done.wait(30) and running.state == "done"
        assert again.done.wait(30)
        assert worlds.extended == ["a-lobby", "a-lobby"]  # r1 and the r2 asked for again
    finally:
        worlds.gate.set()
        jobs.shutdown()


def test_a_world_at_its_growth_budget_gets_no_new_job_and_a_queued_one_is_refused_at_its_turn():
    a = world("a-lobby", "studio-a", splats=950)
    worlds = CatalogWorlds(a, grows=100)
    jobs = GenerationJobs(worlds, growth=GrowthLimits(max_world_splats=1000))
    try:
        first, _ = submit(jobs, a, "r1")
        assert worlds.arrived.wait(30)
        queued, _ = submit(jobs, a, "r2")  # 950 < 1000: accepted
        worlds.gate.set()
        assert first.done.wait(30) and queued.done.wait(30)
        # The first job took the world past its budget: the second never ran.
        assert worlds.extended == ["a-lobby"] and worlds.rows["a-lobby"].splat_count == 1050
        assert (queued.state, queued.error.reason) == ("cancelled", "WORLD_GROWTH_LIMIT")
        with pytest.raises(ResourceExhausted) as refused:
            submit(jobs, a, "r3")
        assert refused.value.reason == "WORLD_GROWTH_LIMIT"
        assert refused.value.metadata == {"world": "a-lobby", "splats": "1050", "limit": "1000"}
        # A refused job is not remembered: once there is room, the region may be generated.
        assert ("a-lobby", "r2") not in jobs._ended
    finally:
        worlds.gate.set()
        jobs.shutdown()


def test_a_tenants_worlds_together_grow_only_to_the_tenants_budget():
    a1, a2 = world("a-one", "studio-a", 3000), world("a-two", "studio-a", 3000)
    b = world("b-one", "studio-b", 3000)
    worlds = CatalogWorlds(a1, a2, b)
    worlds.gate.set()
    jobs = GenerationJobs(worlds, growth=GrowthLimits(max_tenant_splats=5000))
    try:
        with pytest.raises(ResourceExhausted) as refused:
            submit(jobs, a1, "r1")
        assert refused.value.reason == "WORLD_GROWTH_LIMIT"
        assert refused.value.metadata == {
            "world": "a-one",
            "tenant": "studio-a",
            "splats": "6000",
            "limit": "5000",
        }
        job, created = submit(jobs, b, "r1")  # studio-b's worlds hold 3000
        assert created and job.done.wait(30) and job.state == "done"
    finally:
        jobs.shutdown()
