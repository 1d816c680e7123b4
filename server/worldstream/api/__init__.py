"""api/: gRPC servicers, the server, proto <-> domain conversion. Translates; holds no logic.

May import every layer below. Engine frames are converted here (through geometry/engine.py) and
in the per-session tile encoding, never in clients.
"""
