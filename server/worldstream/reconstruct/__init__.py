"""reconstruct/: Stage 2, Frames -> Gaussians; and Frames -> surface meshes and colliders.

Imports tiles/, render/, store/ and geometry/ of ours; never generate/, world/ or up.
"""
