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
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from worldstream.errors import ResourceExhausted, WorldStreamError
from worldstream.geometry.camera import Camera
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
    state: str = "queued"  # queued -> running -> done | failed
    fraction: float = 0.0
    message: str = ""
    added_frames: int = 0
    added_splats: int = 0
    error: JobError | None = None
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
    the region submits it again."""

    def __init__(self, worlds: Worlds, workers: int = 1, max_jobs: int = 0) -> None:
        # One worker by default: generation is CPU-bound and a second job would only halve the
        # speed of the first.
        self.worlds = worlds
        self.max_jobs = max_jobs  # queued + running; 0 = no limit
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="generate")
        # Keyed by (world instance, region): two worlds that share an id never share a job.
        self._active: dict[tuple[str, Hashable], Job] = {}
        self._ended: OrderedDict[tuple[str, Hashable], Job] = OrderedDict()  # least recent first
        self.max_ended = ENDED_JOBS_KEPT
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.started = 0  # jobs actually started (not joined), for tests and metrics

    def submit(
        self, world_id: str, region: Hashable, cameras: list[Camera], world_uid: str = ""
    ) -> tuple[Job, bool]:
        """The job for this region of this instance of the world: a new one, or the one already
        queued or running.

        Returns the job and whether this call created it. Raises RESOURCE_EXHAUSTED
        (GENERATION_QUEUE_FULL) when `max_jobs` are queued or running already; joining one never
        does.
        """
        key = (world_uid or world_id, region)
        with self._lock:
            job = self._active.get(key)
            if job is None and key in self._ended:
                self._ended.move_to_end(key)
                job = self._ended[key]
            if job is not None:
                return job, False
            if self.max_jobs and len(self._active) >= self.max_jobs:
                raise ResourceExhausted(
                    "GENERATION_QUEUE_FULL",
                    f"{len(self._active)} generation jobs are queued or running; the limit is "
                    f"{self.max_jobs}",
                    limit=self.max_jobs,
                )
            job = Job(next(self._ids), world_id, region, [bounded(c) for c in cameras], world_uid)
            self._active[key] = job
            self.started += 1
        self._pool.submit(self._run, job)
        return job, True

    def _run(self, job: Job) -> None:
        job.state = "running"
        job._report()

        def progress(stage: str, fraction: float, message: str) -> None:
            job.fraction, job.message = fraction, message
            job._report()

        try:
            # Only counts are kept: the grown world lives in Worlds' cache, and ended jobs are
            # remembered per region.
            extension = self.worlds.extend(
                job.world_id, job.cameras, progress, uid=job.world_uid or None
            )
            job.added_frames, job.added_splats = extension.frames, extension.splats
            job.state, job.fraction = "done", 1.0
        except BaseException as exc:  # reported to listeners; the worker lives on
            if not isinstance(exc, WorldStreamError):
                # A bug, or a fault of the generator: its traceback is logged as text, not kept
                # (a log record given the exception would hold its frames for its handlers).
                trace = "".join(traceback.format_exception(exc))
                log.error("generation job %d failed:\n%s", job.id, trace)
            job.error, job.state = JobError.of(exc), "failed"
        finally:
            key = (job.world_uid or job.world_id, job.region)
            with self._lock:
                self._active.pop(key, None)
                self._ended[key] = job
                self._ended.move_to_end(key)
                while len(self._ended) > self.max_ended:
                    self._ended.popitem(last=False)
            job.done.set()
            job._report()

    def forget(self, world_uid: str) -> None:
        """Drop the ended jobs of a world instance (it was deleted). Its queued and running jobs
        end with WORLD_DELETED when they next look at the world, writing nothing."""
        with self._lock:
            for key in [k for k in self._ended if k[0] == world_uid]:
                del self._ended[key]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
