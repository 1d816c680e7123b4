"""store/: persistence: the SQLite catalog and one directory of files per world.

Every file write is atomic (temp name, fsync, rename). Knows records and arrays, not Gaussians;
imports only `errors` of ours.
"""
