"""Storage faults as typed errors: a full disk or a read-only data directory gets a precise
reason instead of a bare OSError, and the caller can tell them from a bug.

Only the errors an operator can act on are translated; anything else propagates unchanged.
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
from collections.abc import Iterator

from worldstream.errors import FailedPrecondition, Internal, ResourceExhausted, WorldStreamError

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}
# SQLite primary result codes (the low byte of the extended code).
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 8, 10, 13, 14


def storage_full(what: str) -> WorldStreamError:
    return ResourceExhausted(
        "STORAGE_FULL", f"the server's data directory is full ({what}); nothing was changed"
    )


def not_writable(what: str) -> WorldStreamError:
    return FailedPrecondition(
        "STORAGE_NOT_WRITABLE",
        f"the server's data directory is read-only or not writable ({what}); nothing was changed",
    )


def from_os_error(exc: OSError, what: str) -> WorldStreamError | None:
    if exc.errno in _FULL:
        return storage_full(what)
    if exc.errno in _NOT_WRITABLE:
        return not_writable(what)
    if exc.errno == errno.EIO:
        return Internal("STORAGE_IO_ERROR", f"the data directory failed to read or write ({what})")
    return None


def from_sqlite_error(exc: sqlite3.Error, what: str) -> WorldStreamError | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary == _SQLITE_FULL:
        return storage_full(what)
    if primary in (_SQLITE_READONLY, _SQLITE_CANTOPEN):
        return not_writable(what)
    if primary == _SQLITE_IOERR:
        return Internal("STORAGE_IO_ERROR", f"the catalog failed to read or write ({what})")
    return None


@contextlib.contextmanager
def storage_errors(what: str) -> Iterator[None]:
    """Translate the storage faults raised inside the block; `what` names the operation in the
    message (never a server path: clients see it)."""
    try:
        yield
    except OSError as exc:
        mapped = from_os_error(exc, what)
        if mapped is None:
            raise
        raise mapped from exc
    except sqlite3.Error as exc:
        mapped = from_sqlite_error(exc, what)
        if mapped is None:
            raise
        raise mapped from exc
