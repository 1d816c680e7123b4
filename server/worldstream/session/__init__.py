"""session/: one client's live view of a world: what to send next, budgets, credits, resume.

Pure decisions over world/ data; the API layer does the I/O. Never imports api/.
"""
