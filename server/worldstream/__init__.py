"""worldstream: one photo in, a walkable Gaussian-splat world out, streamed to game engines.

Layers (dependencies point down only; ../DESIGN.md): api > session > world > generate >
reconstruct > tiles > render > store > geometry. `errors` is a leaf every layer may raise from.
"""

__version__ = "0.1.0"
