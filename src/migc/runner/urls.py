"""Database URLs: where they come from, and how they are shown without their password."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

REDACTED = "****"

# libpq's URI designators (conninfo_uri_parse); anything else is a key=value string
_URI = re.compile(r"^(?P<prefix>postgres(?:ql)?://)(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
# user:password@ in URL-like free text (an error message echoing a URL): up to the last @ of the
# run of non-blank characters, since a raw '/', '@' or ':' may be part of the password
_TEXT_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):(?P<password>\S+)@")
# password=... in key=value strings (quoted with backslash escapes, or bare with backslash escapes)
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'(?:[^'\\]|\\.)*'?|(?:[^\s'\\]|\\.)+)",
                               re.IGNORECASE)
# password=... in a URL's query string: up to the next '&'
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)(?P<password>[^&]*)", re.IGNORECASE)
_FRAGMENT_SPLIT = re.compile(r"[/@:?#&=\s]+")


@dataclass(frozen=True)
class DatabaseTarget:
    """A database to connect to, and how the user told us about it."""

    url: str
    source: str  # "--database-url", "DATABASE_URL", the config file's path, or "embedded"

    @property
    def shown(self) -> str:
        return redact_url(self.url)

    @functools.cached_property
    def secrets(self) -> tuple[str, ...]:
        return passwords_in(self.url)


def _userinfo_password(rest: str) -> tuple[int, int] | None:
    """Where the password may be in a URL's part after `scheme://`: from after the first ':' up to
    the LAST '@'. libpq itself ends the user info at the first '@' or '/' (conninfo_uri_parse_options),
    so a raw '@' or '/' in a password splits it into user info, host, port and path; what counts as
    the password here covers every reading."""
    at = rest.rfind("@")
    if at < 0:
        return None
    colon = rest.find(":", 0, at)
    return (colon + 1, at) if colon >= 0 else None


def redact_url(url: str) -> str:
    """`postgresql://user:secret@host/db` -> `postgresql://user:****@host/db`; `password=...` in
    key=value strings and in a URL's query string -> `password=****`."""
    match = _URI.match(url.strip())
    if match is None:
        return _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}{REDACTED}", url)
    prefix, rest = match["prefix"], match["rest"]
    span = _userinfo_password(rest)
    if span is not None:
        rest = rest[: span[0]] + REDACTED + rest[span[1]:]
    return prefix + _QUERY_PASSWORD.sub(lambda m: f"{m['head']}{REDACTED}", rest)


def ambiguous_password(url: str) -> bool:
    """Does the URL's password hold a raw '@', '/' or blank? libpq would read part of it as the
    host, the port or the database name (and echo it in its errors). A port followed by a path
    (`host:5432/db@x`, a database name with '@') is not a password."""
    match = _URI.match(url.strip())
    if match is None:
        return False
    rest = match["rest"]
    span = _userinfo_password(rest)
    if span is None:
        return False
    password = rest[span[0]: span[1]]
    if not re.search(r"[@/\s]", password):
        return False
    return not re.match(r"\d*/[^@]*$", password) or "@" in rest[: span[0]]


def passwords_in(url: str) -> tuple[str, ...]:
    """Every password the URL (or PGPASSWORD) carries, as written, percent-decoded, unescaped, and
    as libpq itself reads it; with the pieces of one that a raw '/', '@' or blank splits (libpq
    may echo them as a host, port or database name). Longest first."""
    found: set[str] = set()
    match = _URI.match(url.strip())
    if match is not None:
        rest = match["rest"]
        span = _userinfo_password(rest)
        if span is not None:
            found.add(rest[span[0]: span[1]])
        found |= {m["password"] for m in _QUERY_PASSWORD.finditer(rest)}
    else:
        for m in _KEYWORD_PASSWORD.finditer(url):
            value = m["password"]
            if value.startswith("'"):
                value = value[1:-1] if value.endswith("'") and len(value) > 1 else value[1:]
            found.add(value)
            found.add(re.sub(r"\\(.)", r"\1", value))
    found.add(os.environ.get("PGPASSWORD", ""))
    found |= _libpq_password(url)
    found |= {unquote(p) for p in found}
    found |= {piece for p in found for piece in _FRAGMENT_SPLIT.split(p) if len(piece) >= 3}
    return tuple(sorted((p for p in found if p), key=len, reverse=True))


def _libpq_password(url: str) -> set[str]:
    try:
        from psycopg.conninfo import conninfo_to_dict

        password = conninfo_to_dict(url).get("password")
    except Exception:  # noqa: BLE001 - not parseable: the other readings cover it
        return set()
    return {str(password)} if password else set()


def redact_text(text: str, secrets: tuple[str, ...]) -> str:
    """Redact URLs in free text (e.g. a driver's error message) and any known password in it."""
    text = _TEXT_USERINFO.sub(lambda m: f"{m['head']}:{REDACTED}@", text)
    text = _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}{REDACTED}", text)
    for secret in secrets:
        if len(secret) >= 3:  # a 1-2 character password would blank out ordinary words
            text = text.replace(secret, REDACTED)
    return text


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database (URL or key=value form)."""
    if "://" in url:
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "dbname"]
        # %20, not +, for a space: libpq decodes only %XX in a URL (a socket directory may hold spaces)
        encoded = urlencode(query, safe="/", quote_via=quote)
        return urlunsplit((parts.scheme, parts.netloc, "/" + quote(dbname), encoded, parts.fragment))
    kept = re.sub(r"\bdbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", "", url).strip()
    return f"{kept} dbname='{dbname}'".strip()


def database_name(url: str) -> str | None:
    if "://" in url:
        parts = urlsplit(url)
        for key, value in parse_qsl(parts.query):
            if key == "dbname":
                return value
            return unquote(parts.path.lstrip("/")) or None
    match = re.search(r"\bdbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", url)
    return match.group(1).strip("'") if match else None


def configured_target(cli_url: str | None, config_url: str | None, config_file: str | None,
                      cli_source: str = "--database-url") -> DatabaseTarget | None:
    """`--database-url` (or the command's own URL argument, `cli_source`), then `DATABASE_URL`,
    then the config's `database_url`; None means embedded."""
    if cli_url:
        return DatabaseTarget(cli_url, cli_source)
    env_url = os.environ.get("DATABASE_URL")
    if env_url:
        return DatabaseTarget(env_url, "DATABASE_URL")
    if config_url:
        return DatabaseTarget(config_url, config_file or "config")
    return None
