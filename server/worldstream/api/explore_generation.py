"""One Explore stream's part in generation on demand.

After each view the stream checks, off the event loop, whether the view and the views ahead are
covered, and asks for generation where they are not (`world/planning.py`); jobs are shared by
every session that needs their region (`world/jobs.py`). This follows the jobs the stream asked
for: their progress is news for the client, and the view is not complete while a job for the
region the camera stands in is pending. One plan at a time, always for the latest view.

Results come back through the stream's queue (`PlanDone`, `JobEvent`, `Say`), so the stream
applies them in order with the client's requests, on its own task.

Every job a plan asks for is claimed (`GenerationJobs.submit`) and given back when the stream no
longer follows it: when it ends, when the stream half-closes, or when the stream ends. A queued
job that no stream claims any more is cancelled, so jobs do not run on for a client that left.
A refusal (the queue or the tenant's share of it full, the world at its growth budget) stops the
plan there; it is said once, as a warning, until a plan is accepted again.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from worldstream.api.explore_start import warning
from worldstream.errors import WorldStreamError
from worldstream.geometry.camera import Camera
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.world.jobs import GenerationJobs, Job, JobError
from worldstream.world.planning import PlanSettings, TimedPose, plan, region_of
from worldstream.world.worlds import LoadedWorld

RECENT_POSES = 4


@dataclass(frozen=True)
class JobEvent:
    job: Job


@dataclass(frozen=True)
class Say:
    response: pb.ExploreResponse


@dataclass(frozen=True)
class PlanDone:
    sequence: int
    jobs: list[Job]  # each with a claim of this stream's
    blocking: list[int]  # ids of the jobs the planned view itself waits for
    refused: JobError | None = None  # why the plan stopped short, if it did


class GenerationFollower:
    def __init__(
        self,
        enabled: bool,
        jobs: GenerationJobs,
        run_io: Callable[..., Awaitable],
        queue: asyncio.Queue,
    ) -> None:
        self.enabled = enabled
        self.jobs = jobs
        self.run_io = run_io
        self.queue = queue
        self.poses: collections.deque[TimedPose] = collections.deque(maxlen=RECENT_POSES)
        self.waiting: dict[int, tuple[Job, Callable]] = {}  # jobs followed, and their listeners
        self.unapplied: list[PlanDone] = []  # plans done but not yet applied: claims to give back
        self.closed = False  # the stream ended: nothing more is followed
        self.refusal_said = ""  # the reason of the last refusal said, until a plan is accepted
        self.seen: set[int] = set()
        self.blocking: set[int] = set()  # ...of which the current view waits for
        self.planning = False  # a coverage plan is running
        self.planned = -1  # the view sequence the last plan was for
        self.settings = PlanSettings()

    @property
    def pending(self) -> int:
        """Jobs the current view waits for."""
        return len(self.blocking)

    def on_view(self, camera: Camera) -> None:
        self.poses.append(TimedPose(time.monotonic(), camera))
        self.blocking.clear()

    def stop(self) -> None:
        """The client will send no more views (it half-closed): nothing more is planned, and its
        view waits for no job; the jobs it followed are given back."""
        self.enabled = False
        self.blocking.clear()
        self._give_back()

    def close(self) -> None:
        """The stream has ended: every job it claimed is given back."""
        self.closed = True
        self.enabled = False
        self._give_back()

    def _give_back(self) -> None:
        for job, listener in self.waiting.values():
            job.unlisten(listener)
            self.jobs.release(job)
        self.waiting.clear()
        for done in self.unapplied:
            for job in done.jobs:
                self.jobs.release(job)
        self.unapplied.clear()

    def is_current(self, sequence: int) -> bool:
        # Without generation there is nothing to plan; with it, a view is not reported before
        # its coverage is known, so "complete" never precedes the job that would fill it.
        return not self.enabled or self.planned >= sequence

    def replan(self, sequence: int) -> None:
        """The world changed (or a job ended): the view `sequence` is to be planned again."""
        self.planned = min(self.planned, sequence - 1)

    def maybe_plan(self, sequence: int, loaded: LoadedWorld) -> None:
        if self.enabled and not self.planning and self.planned < sequence:
            self._start(sequence, loaded)

    def _start(self, sequence: int, loaded: LoadedWorld) -> None:
        self.planning = True
        poses = list(self.poses)
        memory = loaded.memory
        world_id, world_uid = loaded.record.id, loaded.record.uid
        jobs, settings = self.jobs, self.settings

        def work() -> PlanDone:
            proposals = plan(poses, lambda camera: 1.0 - memory.coverage(camera), settings)
            here = region_of(poses[-1].camera, settings)
            started, blocking, refused = [], [], None
            for proposal in proposals:
                try:
                    job, _ = jobs.submit(world_id, proposal.region, [proposal.camera], world_uid)
                except WorldStreamError as exc:  # e.g. GENERATION_QUEUE_FULL: the plan stops
                    refused = JobError.of(exc)
                    break
                started.append(job)
                if proposal.region == here:
                    blocking.append(job.id)
            return PlanDone(sequence, started, blocking, refused)

        async def run() -> None:
            try:
                done = await self.run_io(work)
            except Exception as exc:  # a plan that fails must not end the stream
                await self.queue.put(Say(warning("PLAN_FAILED", f"camera planning failed: {exc}")))
                done = PlanDone(sequence, [], [])
            if self.closed:  # the stream ended while the plan ran
                for job in done.jobs:
                    self.jobs.release(job)
                return
            self.unapplied.append(done)
            said = self._refusal(done)
            if said is not None:
                await self.queue.put(Say(said))
            await self.queue.put(done)

        asyncio.get_running_loop().create_task(run())

    def _refusal(self, done: PlanDone) -> pb.ExploreResponse | None:
        """The warning for a plan's refusal, unless the same was said since a plan was last
        accepted (given a job that has yet to run): a camera that keeps moving would otherwise
        hear it at every view."""
        if done.refused is None:
            if any(not job.done.is_set() for job in done.jobs):
                self.refusal_said = ""
            return None
        return self._say_refusal(done.refused)

    def _say_refusal(self, refused: JobError) -> pb.ExploreResponse | None:
        if refused.reason == self.refusal_said:
            return None
        self.refusal_said = refused.reason
        return warning(refused.reason, refused.message, **refused.metadata)

    def on_plan(self, done: PlanDone, sequence: int) -> None:
        """A plan came back; `sequence` is the stream's current view."""
        loop = asyncio.get_running_loop()
        self.unapplied = [d for d in self.unapplied if d is not done]
        self.planning = False
        self.planned = max(self.planned, done.sequence)
        for job in done.jobs:
            if not self.enabled or job.id in self.seen:
                self.jobs.release(job)  # stopped, or this stream's claim on it is held already
                continue
            # A job that ended before this stream listened is still heard once (listen calls at
            # once): its end, or its failure, is news to this client.
            self.seen.add(job.id)

            def listener(j: Job) -> None:
                loop.call_soon_threadsafe(self.queue.put_nowait, JobEvent(j))

            self.waiting[job.id] = (job, listener)
            job.listen(listener)
        if not self.enabled:
            return  # stopped while the plan ran: nothing of it is followed
        if done.sequence == sequence:
            # A job that has ended still blocks until this stream has handled its end, so the
            # client hears of it (a failure warning) before the view is called complete.
            self.blocking = {i for i in done.blocking if i in self.waiting}

    def on_job(self, job: Job, sequence: int) -> list[pb.ExploreResponse]:
        """A job this stream follows moved on: what the client is told of it."""
        if job.id not in self.waiting:
            return []
        progress = pb.Progress(stage=job.state, fraction=job.fraction, message=job.message)
        news = pb.GenerationProgress(job=str(job.id), progress=progress)
        said = [pb.ExploreResponse(generation=news)]
        if not job.done.is_set():
            return said
        del self.waiting[job.id]
        self.jobs.release(job)
        self.blocking.discard(job.id)
        if job.state == "failed":
            said.append(
                warning(
                    "GENERATION_FAILED",
                    f"generating views for region {job.region} failed: {job.error}",
                    job=job.id,
                )
            )
        elif job.state == "cancelled" and job.error is not None:
            # Refused when its turn came (the world reached its growth budget meanwhile).
            refusal = self._say_refusal(job.error)
            if refusal is not None:
                said.append(refusal)
        # The world may now cover the view: plan it again.
        self.replan(sequence)
        return said
