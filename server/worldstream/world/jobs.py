"""Generation jobs: one per (world, region), shared by everyone who asks, run off the event loop.

A job extends a world at some cameras (`Worlds.extend`). Asking for a region that already has a
queued or running job joins it instead of starting another, so two sessions walking towards the
same doorway cause one generation; asking for a region whose job has ended gets that ended job,
so a view that generation cannot cover completely is not generated again and again. Listeners
hear progress and the end from the worker thread; callers that live on an event loop hop back
onto it themselves.

An ended job is a light record: counts, its state, and of a failure only `JobError` (class,
reason, message), never the exception, whose traceback holds the frames of the generation that
failed and with them a world's arrays (eleven failures once kept 1.8 GB). Its listeners are
dropped when it ends, and at most `ENDED_JOBS_KEPT` ended jobs are remembered, least recently
asked for forgotten first (a forgotten region may be generated again).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import traceback
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from worldstream.errors import NotFound, ResourceExhausted, WorldStreamError
from worldstream.geometry.camera import Camera
from worldstream.store.catalog import WorldRecord
from worldstream.world.growth_budget import GrowthBudget, GrowthLimits
from worldstream.world.worlds import Worlds

log = logging.getLogger("worldstream.jobs")
Listener = Callable[["Job"], None]
ENDED_JOBS_KEPT = 1024
MAX_GENERATED_SIDE_PX = 1024
"""Longest side of a generated frame. A job's camera comes from a client's viewport, which the
client chooses: without this bound one view declaring a 16K viewport would have the server
render and inpaint 268 million pixels. Larger cameras are scaled down (same view, same field
of view); the seed is made at 640 px, so this costs no detail the world has."""


def bounded(camera: Camera, max_side: int = MAX_GENERATED_SIDE_PX) -> Camera:
    longest = max(camera.width, camera.height)
    if longest <= max_side:
        return camera
    scale = max_side / longest
    return camera.resized(max(1, round(camera.width * scale)), max(1, round(camera.height * scale)))


@dataclass(frozen=True)
class JobError:
    """What a failed job keeps of its error."""

    kind: str  # the exception's class name
    reason: str  # a WorldStreamError's reason; "" for any other exception
    message: str
    metadata: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    @classmethod
    def of(cls, exc: BaseException) -> JobError:
        if isinstance(exc, WorldStreamError):
            return cls(type(exc).__name__, exc.reason, exc.message, dict(exc.metadata))
        return cls(type(exc).__name__, "", str(exc) or type(exc).__name__)


@dataclass
class Job:
    id: int
    world_id: str
    region: Hashable
    cameras: list[Camera]
    world_uid: str = ""  # the instance it extends; a job never touches a later world of its id
    state: str = "queued"  # queued -> running -> done | failed; queued -> cancelled
    fraction: float = 0.0
    message: str = ""
    added_frames: int = 0
    added_splats: int = 0
    error: JobError | None = None
    tenant: str = ""  # the world's owner, whose share of the queue the job takes
    claims: int = 0  # callers that want it (GenerationJobs.submit / release)
    done: threading.Event = field(default_factory=threading.Event)
    _listeners: list[Listener] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def listen(self, listener: Listener) -> None:
        """Hear every later progress report; called at once if the job has already ended."""
        with self._lock:
            ended = self.done.is_set()
            if not ended:
                self._listeners.append(listener)
        if ended:
            listener(self)

    def unlisten(self, listener: Listener) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def _report(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
            if self.done.is_set():
                # The last report: an ended job holds on to no listener (each holds a stream).
                self._listeners.clear()
        for listener in listeners:
            # A listener's failure must not stop the job or the other listeners.
            with contextlib.suppress(Exception):
                listener(self)


class GenerationJobs:
    """Jobs live in memory only: a job cut off by a crash is not resumed, but the world it was
    extending is intact (its manifest is written last), and the next session whose view needs
    the region submits it again.

    No client can take the queue for itself: a tenant may have `max_jobs_per_tenant` jobs queued
    or running, and a world grows only within its budget (`growth_budget.py`). A job runs only
    while someone wants it: every `submit` is a claim, given back with `release`, and a queued
    job whose claims are all given back (its sessions ended) is cancelled. A running job
    finishes its view (a job is one view) and ends.
    """

    def __init__(
        self,
        worlds: Worlds,
        workers: int = 1,
        max_jobs: int = 0,
        max_jobs_per_tenant: int = 0,
        growth: GrowthLimits | None = None,
    ) -> None:
        # One worker by default: generation is CPU-bound and a second job would only halve the
        # speed of the first.
        self.worlds = worlds
        self.max_jobs = max_jobs  # queued + running; 0 = no limit
        self.max_jobs_per_tenant = max_jobs_per_tenant  # 0 = no limit
        growth = growth or GrowthLimits()
        self.budget = GrowthBudget(worlds.store.catalog, growth) if growth.any else None
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="generate")
        # Keyed by (world instance, region): two worlds that share an id never share a job.
        self._active: dict[tuple[str, Hashable], Job] = {}
        self._ended: OrderedDict[tuple[str, Hashable], Job] = OrderedDict()  # least recent first
        self.max_ended = ENDED_JOBS_KEPT
        self._by_tenant: Counter[str] = Counter()  # active jobs per tenant
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.started = 0  # jobs actually started (not joined), for tests and metrics

    @staticmethod
    def _key(job: Job) -> tuple[str, Hashable]:
        return (job.world_uid or job.world_id, job.region)

    def submit(
        self, world_id: str, region: Hashable, cameras: list[Camera], world_uid: str = ""
    ) -> tuple[Job, bool]:
        """The job for this region of this instance of the world: a new one, or the one already
        queued or running (or ended), with a claim on it that the caller gives back with
        `release` once it no longer wants the job.

        Returns the job and whether this call created it. Raises RESOURCE_EXHAUSTED when a new
        job would be needed and `max_jobs` are queued or running already, or the world's tenant
        has its share `max_jobs_per_tenant` (GENERATION_QUEUE_FULL), or the world has reached
        its growth budget (WORLD_GROWTH_LIMIT); joining a job never does.
        """
        key = (world_uid or world_id, region)
        with self._lock:
            job = self._joined(key)
            if job is not None:
                return job, False
        record = self._record(world_id, world_uid)  # read from the catalog, outside the lock
        if record is not None and self.budget is not None:
            self.budget.check(record)
        tenant = record.tenant if record is not None else ""
        with self._lock:
            job = self._joined(key)  # asked for meanwhile
            if job is not None:
                return job, False
            self._check_room(tenant)
            job = Job(next(self._ids), world_id, region, [bounded(c) for c in cameras], world_uid)
            job.tenant, job.claims = tenant, 1
            self._active[key] = job
            self._by_tenant[tenant] += 1
            self.started += 1
        self._pool.submit(self._run, job)
        return job, True

    def _joined(self, key: tuple[str, Hashable]) -> Job | None:
        job = self._active.get(key)
        if job is not None:
            job.claims += 1
            return job
        if key in self._ended:
            self._ended.move_to_end(key)
            return self._ended[key]
        return None

    def _record(self, world_id: str, world_uid: str) -> WorldRecord | None:
        """The world's catalog row, when a limit needs it; None when it is not this instance
        (the job then ends WORLD_DELETED without writing)."""
        if self.budget is None and not self.max_jobs_per_tenant:
            return None
        try:
            record = self.worlds.store.catalog.get(world_id)
        except NotFound:
            return None
        if world_uid and record.uid != world_uid:
            return None
        return record

    def _check_room(self, tenant: str) -> None:
        if self.max_jobs and len(self._active) >= self.max_jobs:
            raise ResourceExhausted(
                "GENERATION_QUEUE_FULL",
                f"{len(self._active)} generation jobs are queued or running; the limit is "
                f"{self.max_jobs}",
                limit=self.max_jobs,
            )
        share = self.max_jobs_per_tenant
        if share and self._by_tenant[tenant] >= share:
            raise ResourceExhausted(
                "GENERATION_QUEUE_FULL",
                f"tenant {tenant} has {self._by_tenant[tenant]} generation jobs queued or "
                f"running; a tenant's share of the queue is {share}",
                tenant=tenant,
                limit=share,
            )

    def release(self, job: Job) -> None:
        """Give back a claim `submit` gave. A queued job nobody claims any more is cancelled:
        it never runs, and its region is not remembered as generated."""
        with self._lock:
            job.claims = max(0, job.claims - 1)
            if job.claims or job.state != "queued":
                return
            error = JobError("", "GENERATION_CANCELLED", "no session wants this region any more")
            self._end(job, "cancelled", error)
        self._ended_report(job)

    def _end(self, job: Job, state: str, error: JobError | None) -> None:
        """Under the lock: the job leaves the queue; only a job that ran is remembered."""
        job.state, job.error = state, error
        key = self._key(job)
        if self._active.get(key) is job:
            del self._active[key]
            self._by_tenant[job.tenant] -= 1
            if self._by_tenant[job.tenant] <= 0:
                del self._by_tenant[job.tenant]
        if state in ("done", "failed"):
            self._ended[key] = job
            self._ended.move_to_end(key)
            while len(self._ended) > self.max_ended:
                self._ended.popitem(last=False)

    @staticmethod
    def _ended_report(job: Job) -> None:
        job.done.set()
        job._report()

    def _run(self, job: Job) -> None:
        try:
            # The world may have reached its budget since the job was queued (other jobs).
            record = self._record(job.world_id, job.world_uid)
            if record is not None and self.budget is not None:
                self.budget.check(record)
        except WorldStreamError as exc:
            with self._lock:
                refused = job.state == "queued"  # not cancelled meanwhile
                if refused:
                    self._end(job, "cancelled", JobError.of(exc))
            if refused:
                self._ended_report(job)
            return
        with self._lock:
            if job.state != "queued":
                return  # cancelled while it waited for a worker
            job.state = "running"
        job._report()

        def progress(stage: str, fraction: float, message: str) -> None:
            job.fraction, job.message = fraction, message
            job._report()

        state, error = "done", None
        try:
            # Only counts are kept: the grown world lives in Worlds' cache, and ended jobs are
            # remembered per region.
            extension = self.worlds.extend(
                job.world_id, job.cameras, progress, uid=job.world_uid or None
            )
            job.added_frames, job.added_splats = extension.frames, extension.splats
            job.fraction = 1.0
        except BaseException as exc:  # reported to listeners; the worker lives on
            if not isinstance(exc, WorldStreamError):
                # A bug, or a fault of the generator: its traceback is logged as text, not kept
                # (a log record given the exception would hold its frames for its handlers).
                trace = "".join(traceback.format_exception(exc))
                log.error("generation job %d failed:\n%s", job.id, trace)
            state, error = "failed", JobError.of(exc)
        finally:
            with self._lock:
                self._end(job, state, error)
            self._ended_report(job)

    def forget(self, world_uid: str) -> None:
        """Drop the ended jobs of a world instance (it was deleted). Its queued and running jobs
        end with WORLD_DELETED when they next look at the world, writing nothing."""
        with self._lock:
            for key in [k for k in self._ended if k[0] == world_uid]:
                del self._ended[key]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
