"""generate/: Stage 1, new Frames from a photo (seed) and, later, at planned cameras (extend).

Backends sit behind the `Generator` protocol and are chosen by name. Imports reconstruct/ and
below, never world/ or up.
"""

from worldstream.generate.base import Generator, generator_names, get_generator, register
from worldstream.generate.prior import PriorGenerator

register(PriorGenerator.name, PriorGenerator)

__all__ = ["Generator", "generator_names", "get_generator"]
