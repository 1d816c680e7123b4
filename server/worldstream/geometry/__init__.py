"""geometry/: cameras, poses, engine frames, Gaussians as data: small pure functions.

Imports nothing of ours. Every coordinate convention is converted here and nowhere else.
"""
