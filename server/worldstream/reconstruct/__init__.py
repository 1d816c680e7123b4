"""reconstruct/: Stage 2, Frames -> Gaussians (and, later, meshes).

Imports tiles/, render/, store/ and geometry/ of ours; never generate/, world/ or up.
"""
