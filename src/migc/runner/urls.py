"""Database URLs: where they come from, and how they are shown without their password."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

REDACTED = "****"

# user:password@ in any URL-like text (also inside error messages that echo a URL)
_URL_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):(?P<password>[^@\s/]+)@")
# password=... in key=value connection strings and in URL query strings
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'(?:[^'\\]|\\.)*'|[^\s&]+)", re.IGNORECASE)


@dataclass(frozen=True)
class DatabaseTarget:
    """A database to connect to, and how the user told us about it."""

    url: str
    source: str  # "--database-url", "DATABASE_URL", the config file's path, or "embedded"

    @property
    def shown(self) -> str:
        return redact_url(self.url)

    @property
    def secrets(self) -> tuple[str, ...]:
        return passwords_in(self.url)


def redact_url(url: str) -> str:
    """`postgresql://user:secret@host/db` -> `postgresql://user:****@host/db`; same for `password=`."""
    text = _URL_USERINFO.sub(lambda m: f"{m['head']}:{REDACTED}@" if m["password"] else m[0], url)
    return _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}{REDACTED}", text)


def passwords_in(url: str) -> tuple[str, ...]:
    """Every password the URL (or PGPASSWORD) carries, raw and percent-decoded, longest first."""
    found: set[str] = set()
    for match in _URL_USERINFO.finditer(url):
        found.add(match["password"])
    for match in _KEYWORD_PASSWORD.finditer(url):
        found.add(match["password"].strip("'"))
    env_password = os.environ.get("PGPASSWORD")
    if env_password:
        found.add(env_password)
    found |= {unquote(p) for p in found}
    return tuple(sorted((p for p in found if len(p) >= 1), key=len, reverse=True))


def redact_text(text: str, secrets: tuple[str, ...]) -> str:
    """Redact URLs in free text (e.g. a driver's error message) and any known password in it."""
    text = redact_url(text)
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


def configured_target(cli_url: str | None, config_url: str | None, config_file: str | None) -> DatabaseTarget | None:
    """`--database-url`, then `DATABASE_URL`, then the config's `database_url`; None means embedded."""
    if cli_url:
        return DatabaseTarget(cli_url, "--database-url")
    env_url = os.environ.get("DATABASE_URL")
    if env_url:
        return DatabaseTarget(env_url, "DATABASE_URL")
    if config_url:
        return DatabaseTarget(config_url, config_file or "config")
    return None
