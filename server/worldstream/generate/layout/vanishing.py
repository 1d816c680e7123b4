"""Three orthogonal vanishing directions (the Manhattan frame) from line segments and a known K.

Method: hypothesise and score, in the spirit of the 2-line exhaustive search of Lu et al. 2017
("2-Line Exhaustive Searching for Real-Time Vanishing Point Estimation in Manhattan World") and
the orthogonal-triplet RANSAC of Zhang et al.: with K known, a segment is a great circle of
directions (its interpretation plane, normal n). Two segments meet in a first direction
d1 = n_i x n_j; a third segment picks the second on the great circle orthogonal to d1,
d2 = d1 x n_k; the third is d3 = d1 x d2. Hypotheses come from segment triples drawn with
probability proportional to length (long segments are the reliable ones), and each is scored by
the length-weighted, truncated-quadratic consistency of every segment with its nearest direction:
the image angle between the segment and the line from its midpoint to that vanishing point,
inliers below `angle_deg`. The best triple is refined by least squares over the inliers within
the tighter `refine_angle_deg`: the best-supported direction is the unit d minimising
sum w (n . d)^2, the second the same within the plane orthogonal to the first, the third their
cross product, so the frame stays exactly orthogonal. The weight is the squared length: a
segment's normal is known to an angle that shrinks with its length, and weighting by length alone
let the many short, jagged segments of a small image pull the directions by a degree or two.

`score_hypotheses` is the vectorised scorer; `score_hypotheses_reference` is the same rule as a
readable loop, kept for the tests that compare the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from worldstream.generate.layout.lines import Segments


@dataclass(frozen=True)
class ManhattanFrame:
    """Three orthogonal directions in camera axes and the segments that support each."""

    directions: np.ndarray  # [3, 3] rows: unit directions (camera axes), a rotation's rows
    support: np.ndarray  # [3] inlier segment length per direction, pixels
    inliers: np.ndarray  # [3] inlier segment count per direction
    assignment: np.ndarray  # [N] index of the direction each segment supports, -1 none
    score: float  # the winning hypothesis' score after refinement


@dataclass(frozen=True)
class VanishingConfig:
    angle_deg: float = 2.0  # a segment supports a vanishing point within this image angle
    refine_angle_deg: float = 1.0  # tighter: only the cleanest segments refine the directions
    hypotheses: int = 1500  # segment triples drawn
    refine_rounds: int = 3
    seed: int = 0  # the draw is seeded: the same photo always gives the same frame


def vanishing_angles_sin(segments: Segments, K: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """|sin| of the image angle between each segment and the line from its midpoint to the
    vanishing point of each direction: [..., N] for directions [..., 3]."""
    v = directions @ K.T  # [..., 3] homogeneous vanishing points
    m = segments.midpoint  # [N, 2]
    t = segments.direction  # [N, 2]
    wx = v[..., None, 0] - m[:, 0] * v[..., None, 2]  # [..., N]
    wy = v[..., None, 1] - m[:, 1] * v[..., None, 2]
    norm = np.hypot(wx, wy)
    cross = np.abs(t[:, 0] * wy - t[:, 1] * wx)
    # A vanishing point on the segment's midpoint says nothing about it: count it inconsistent.
    return np.where(norm > 1e-9, cross / np.maximum(norm, 1e-9), 1.0)


def _consistency(sin_angle: np.ndarray, sin_threshold: float) -> np.ndarray:
    """Truncated quadratic: 1 for a perfect fit, 0 at and beyond the threshold."""
    return np.maximum(0.0, 1.0 - (sin_angle / sin_threshold) ** 2)


def score_hypotheses(
    segments: Segments, K: np.ndarray, frames: np.ndarray, angle_deg: float
) -> np.ndarray:
    """Score [M] of frames [M, 3, 3]: sum over segments of length x best consistency."""
    sin_thr = math.sin(math.radians(angle_deg))
    s = vanishing_angles_sin(segments, K, frames)  # [M, 3, N]
    best = _consistency(s.min(axis=1), sin_thr)  # [M, N]
    return best @ segments.length


def score_hypotheses_reference(
    segments: Segments, K: np.ndarray, frames: np.ndarray, angle_deg: float
) -> np.ndarray:
    """The same score as `score_hypotheses`, one hypothesis, direction and segment at a time."""
    sin_thr = math.sin(math.radians(angle_deg))
    scores = np.zeros(len(frames))
    for h, frame in enumerate(frames):
        for i in range(len(segments)):
            p0, p1 = segments.p0[i], segments.p1[i]
            mid = 0.5 * (p0 + p1)
            t = (p1 - p0) / np.linalg.norm(p1 - p0)
            best = 1.0
            for d in frame:
                v = K @ d
                w = v[:2] - mid * v[2]
                norm = math.hypot(w[0], w[1])
                sin = abs(t[0] * w[1] - t[1] * w[0]) / norm if norm > 1e-9 else 1.0
                best = min(best, sin)
            consistency = max(0.0, 1.0 - (best / sin_thr) ** 2)
            scores[h] += consistency * np.linalg.norm(p1 - p0)
    return scores


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def draw_hypotheses(
    normals: np.ndarray, lengths: np.ndarray, count: int, rng: np.random.Generator
) -> np.ndarray:
    """Orthogonal frames [M, 3, 3] from segment triples (the first two meet in d1, the third
    fixes d2 on d1's orthogonal great circle); degenerate triples are dropped."""
    p = lengths / lengths.sum()
    idx = rng.choice(len(normals), size=(count, 3), p=p)
    d1 = np.cross(normals[idx[:, 0]], normals[idx[:, 1]])
    d2 = np.cross(d1, normals[idx[:, 2]])
    ok = (np.linalg.norm(d1, axis=1) > 1e-3) & (np.linalg.norm(d2, axis=1) > 1e-6)
    d1, d2 = _unit(d1[ok]), d2[ok]
    d2 = _unit(d2 - (d2 * d1).sum(axis=1, keepdims=True) * d1)
    d3 = np.cross(d1, d2)
    return np.stack([d1, d2, d3], axis=1)


def _least_squares_direction(
    normals: np.ndarray, weights: np.ndarray, orthogonal_to: np.ndarray | None
) -> np.ndarray:
    """Unit d minimising sum w (n . d)^2, optionally constrained to be orthogonal to a vector."""
    M = (normals * weights[:, None]).T @ normals
    if orthogonal_to is None:
        return np.linalg.eigh(M)[1][:, 0]
    # Restrict to the plane orthogonal to `orthogonal_to`: a 2x2 problem in its basis.
    basis = np.linalg.svd(orthogonal_to.reshape(1, 3))[2][1:]  # [2, 3]
    small = basis @ M @ basis.T
    return np.linalg.eigh(small)[1][:, 0] @ basis


def assign(
    segments: Segments, K: np.ndarray, directions: np.ndarray, angle_deg: float
) -> np.ndarray:
    """Index [N] of the direction each segment is consistent with (nearest), -1 for none."""
    s = vanishing_angles_sin(segments, K, directions)  # [3, N]
    best = s.argmin(axis=0)
    ok = s.min(axis=0) < math.sin(math.radians(angle_deg))
    return np.where(ok, best, -1)


def refine(
    segments: Segments, K: np.ndarray, directions: np.ndarray, angle_deg: float, rounds: int
) -> np.ndarray:
    normals, lengths = segments.normals(K), segments.length
    weights = lengths**2
    for _ in range(rounds):
        labels = assign(segments, K, directions, angle_deg)
        support = np.array([lengths[labels == c].sum() for c in range(3)])
        order = np.argsort(-support)
        a, b = order[0], order[1]
        if (labels == a).sum() < 2 or (labels == b).sum() < 2:
            break
        da = _least_squares_direction(normals[labels == a], weights[labels == a], None)
        db = _least_squares_direction(normals[labels == b], weights[labels == b], da)
        new = np.empty((3, 3))
        # Keep each direction's sign and slot so the refinement never permutes the frame.
        new[a] = da * np.sign(da @ directions[a] or 1.0)
        new[b] = db * np.sign(db @ directions[b] or 1.0)
        c = 3 - a - b
        third = np.cross(new[a], new[b])
        new[c] = third * np.sign(third @ directions[c] or 1.0)
        directions = new
    return directions


def estimate_manhattan_frame(
    segments: Segments, K: np.ndarray, config: VanishingConfig | None = None
) -> ManhattanFrame | None:
    """The best-supported Manhattan frame, or None with fewer than three segments."""
    config = config or VanishingConfig()
    if len(segments) < 3:
        return None
    rng = np.random.default_rng(config.seed)
    frames = draw_hypotheses(segments.normals(K), segments.length, config.hypotheses, rng)
    if len(frames) == 0:
        return None
    scores = np.concatenate(
        [
            score_hypotheses(segments, K, frames[i : i + 256], config.angle_deg)
            for i in range(0, len(frames), 256)
        ]
    )
    best = frames[int(np.argmax(scores))]
    best = refine(segments, K, best, config.refine_angle_deg, config.refine_rounds)
    labels = assign(segments, K, best, config.angle_deg)
    lengths = segments.length
    return ManhattanFrame(
        directions=best,
        support=np.array([lengths[labels == c].sum() for c in range(3)]),
        inliers=np.array([(labels == c).sum() for c in range(3)]),
        assignment=labels,
        score=float(score_hypotheses(segments, K, best[None], config.angle_deg)[0]),
    )


@dataclass(frozen=True)
class Orientation:
    """The Manhattan frame named: world up and two horizontal directions, in camera axes."""

    up: np.ndarray  # [3] unit; about (0, -1, 0) for a level camera (camera y points down)
    h1: np.ndarray  # [3] unit horizontal, the one nearer the camera's x axis, x component >= 0
    h2: np.ndarray  # [3] unit horizontal, h1 x up (so that (h1, up, h2) is right-handed)
    order: tuple[int, int, int]  # indices into ManhattanFrame.directions of (up, h1, h2)


def orient(frame: ManhattanFrame) -> Orientation:
    """Name the directions: the vertical is the one nearest the image's vertical (photos are
    taken roughly upright), signed to point up, i.e. towards camera -y."""
    d = frame.directions
    v = int(np.argmax(np.abs(d[:, 1])))
    up = -d[v] * np.sign(d[v, 1])
    rest = [i for i in range(3) if i != v]
    a = max(rest, key=lambda i: abs(d[i, 0]))
    b = rest[0] if a == rest[1] else rest[1]
    h1 = d[a] * (1.0 if d[a, 0] >= 0 else -1.0)
    h2 = np.cross(h1, up)
    return Orientation(up=up, h1=h1, h2=h2, order=(v, a, b))
