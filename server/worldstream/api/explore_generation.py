"""One Explore stream's part in generation on demand.

After each view the stream checks, off the event loop, whether the view and the views ahead are
covered, and asks for generation where they are not (`world/planning.py`); jobs are shared by
every session that needs their region (`world/jobs.py`). This follows the jobs the stream asked
for: their progress is news for the client, and the view is not complete while a job for the
region the camera stands in is pending. One plan at a time, always for the latest view.

Results come back through the stream's queue (`PlanDone`, `JobEvent`, `Say`), so the stream
applies them in order with the client's requests, on its own task.
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
from worldstream.world.jobs import GenerationJobs, Job
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
    jobs: list[Job]
    blocking: list[int]  # ids of the jobs the planned view itself waits for


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
        self.waiting: dict[int, Job] = {}  # jobs this stream listens to
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
        view waits for no job."""
        self.enabled = False
        self.blocking.clear()

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
            started, blocking = [], []
            for proposal in proposals:
                job, _ = jobs.submit(world_id, proposal.region, [proposal.camera], world_uid)
                started.append(job)
                if proposal.region == here:
                    blocking.append(job.id)
            return PlanDone(sequence, started, blocking)

        async def run() -> None:
            try:
                done = await self.run_io(work)
            except WorldStreamError as exc:  # e.g. GENERATION_QUEUE_FULL: said as it is
                await self.queue.put(Say(warning(exc.reason, exc.message)))
                done = PlanDone(sequence, [], [])
            except Exception as exc:  # a plan that fails must not end the stream
                await self.queue.put(Say(warning("PLAN_FAILED", f"camera planning failed: {exc}")))
                done = PlanDone(sequence, [], [])
            await self.queue.put(done)

        asyncio.get_running_loop().create_task(run())

    def on_plan(self, done: PlanDone, sequence: int) -> None:
        """A plan came back; `sequence` is the stream's current view."""
        loop = asyncio.get_running_loop()
        self.planning = False
        self.planned = max(self.planned, done.sequence)
        if not self.enabled:
            return  # stopped while the plan ran: nothing of it is followed
        for job in done.jobs:
            if job.id in self.seen:
                continue
            # A job that ended before this stream listened is still heard once (listen calls at
            # once): its end, or its failure, is news to this client.
            self.seen.add(job.id)
            self.waiting[job.id] = job
            job.listen(lambda j: loop.call_soon_threadsafe(self.queue.put_nowait, JobEvent(j)))
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
        self.blocking.discard(job.id)
        if job.state == "failed":
            said.append(
                warning(
                    "GENERATION_FAILED",
                    f"generating views for region {job.region} failed: {job.error}",
                    job=job.id,
                )
            )
        # The world may now cover the view: plan it again.
        self.replan(sequence)
        return said
