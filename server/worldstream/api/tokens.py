"""Bearer tokens and the tenants they stand for, read from a file or an environment variable.

An entry is `TENANT:TOKEN`: in a file one per line (`#` starts a comment line), in the
WORLDSTREAM_TOKENS variable separated by commas or whitespace. A tenant may have several
tokens (one per machine or per person, to revoke one without the others); a token names one
tenant. Only the SHA-256 of each token is kept in memory, and no message ever quotes a token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from worldstream.errors import InvalidArgument
from worldstream.store.tenants import TENANT_NAME

TOKENS_ENV = "WORLDSTREAM_TOKENS"
MIN_TOKEN_CHARS = 16
log = logging.getLogger("worldstream.auth")
_TOKEN_CHARS = re.compile(r"^[\x21-\x7e]+\Z")  # printable ASCII without spaces: a header value


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True, repr=False)
class TokenTable:
    """Token digests and their tenants. Its repr names tenants, never tokens."""

    entries: tuple[tuple[bytes, str], ...] = ()

    def __repr__(self) -> str:
        return f"TokenTable({len(self.entries)} tokens for tenants {sorted(self.tenants)})"

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def tenants(self) -> set[str]:
        return {tenant for _, tenant in self.entries}

    def resolve(self, token: str) -> str | None:
        """The tenant of `token`, or None. Compares against every entry in constant time per
        entry and never stops early, so timing tells nothing about how close a guess was."""
        presented = _digest(token)
        found: str | None = None
        for digest, tenant in self.entries:
            if hmac.compare_digest(presented, digest):
                found = tenant
        return found

    def merged(self, other: TokenTable) -> TokenTable:
        table = TokenTable(self.entries + other.entries)
        _check_unique(table.entries, "the token sources together")
        return table


def _invalid(source: str, where: str, problem: str) -> InvalidArgument:
    return InvalidArgument(
        "TOKENS_INVALID", f"{source}{where}: {problem}", source=source.split(" ")[0]
    )


def _check_unique(entries: tuple[tuple[bytes, str], ...], source: str) -> None:
    owners: dict[bytes, str] = {}
    for digest, tenant in entries:
        if digest in owners and owners[digest] != tenant:
            # No tenant is named: in an entry written the wrong way round (TOKEN:TENANT) the
            # tenant field holds the token.
            raise _invalid(source, "", "one token is given to two tenants")
        owners[digest] = tenant


def parse_entry(entry: str, source: str, where: str) -> tuple[bytes, str]:
    """One TENANT:TOKEN entry. A refusal quotes no part of the entry: written the wrong way
    round (TOKEN:TENANT), its tenant field is the token (docs/security.md)."""
    tenant, sep, token = entry.partition(":")
    if not sep:
        raise _invalid(source, where, "an entry must be TENANT:TOKEN")
    if not TENANT_NAME.fullmatch(tenant):
        raise _invalid(
            source,
            where,
            "the tenant (before the first ':') must be [a-z][a-z0-9-]{0,62}: lower-case "
            "letters, digits and '-', starting with a letter (is the entry TOKEN:TENANT?)",
        )
    if not _TOKEN_CHARS.fullmatch(token):
        raise _invalid(source, where, "a token must be printable ASCII without spaces")
    if len(token) < MIN_TOKEN_CHARS:
        raise _invalid(source, where, f"the token is shorter than {MIN_TOKEN_CHARS} characters")
    return _digest(token), tenant


def parse_tokens_file(text: str, source: str) -> TokenTable:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append(parse_entry(line, source, f" line {number}"))
    table = TokenTable(tuple(entries))
    _check_unique(table.entries, source)
    return table


def parse_tokens_env(value: str, source: str = TOKENS_ENV) -> TokenTable:
    parts = [p for p in re.split(r"[,\s]+", value) if p]
    entries = [parse_entry(p, source, f" entry {i}") for i, p in enumerate(parts, start=1)]
    table = TokenTable(tuple(entries))
    _check_unique(table.entries, source)
    return table


def load_tokens(path: Path | None = None, env_value: str | None = None) -> TokenTable:
    """Tokens from a file and/or the value of WORLDSTREAM_TOKENS; TOKENS_INVALID on any
    problem, naming the source and line but never the token."""
    table = TokenTable()
    if path is not None:
        try:
            text = Path(path).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidArgument(
                "TOKENS_INVALID", f"cannot read the tokens file {path}: {exc}", source=str(path)
            ) from exc
        try:
            if Path(path).stat().st_mode & 0o077:
                log.warning("tokens file %s is readable by other users; chmod 600 it", path)
        except OSError:
            pass
        table = table.merged(parse_tokens_file(text, str(path)))
    if env_value:
        table = table.merged(parse_tokens_env(env_value))
    return table


def new_token() -> str:
    """A fresh token: 256 random bits, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)
