"""generate/: Stage 1, new Frames from a photo (seed) and at planned cameras (extend).

Backends sit behind the `Generator` protocol and are chosen by name. Imports reconstruct/ and
below, never world/ or up.
"""

from worldstream.generate.base import (
    Generator,
    GeneratorOptions,
    SeedInfo,
    WorldMemory,
    generator_names,
    get_generator,
    register,
)
from worldstream.generate.classic import ClassicGenerator
from worldstream.generate.prior import FloorBackdropDepth

register(ClassicGenerator.name, lambda options: ClassicGenerator(options=options))
register("prior", lambda options: _prior())


def _prior() -> ClassicGenerator:
    generator = ClassicGenerator(FloorBackdropDepth())
    generator.name = "prior"
    return generator


__all__ = [
    "Generator",
    "GeneratorOptions",
    "SeedInfo",
    "WorldMemory",
    "generator_names",
    "get_generator",
]
