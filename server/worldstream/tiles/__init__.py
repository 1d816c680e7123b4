"""tiles/: the world grid, tile payload encodings and chunking for the wire.

Imports render/, store/ and geometry/ of ours; never reconstruct/ or up.
"""
