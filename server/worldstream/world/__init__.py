"""world/: worlds as the domain knows them: creation jobs, loaded Gaussians and tiles, exports.

Imports generate/ and everything below it; never session/ or api/.
"""
