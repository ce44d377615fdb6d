"""The few libpq calls a migration run needs, through ctypes: a run's connection without psycopg.

Importing psycopg costs about 80 ms (it brings asyncio, logging, importlib.metadata, its type
system); loading the same libpq directly costs about 8. `migc up` and `migc down` spend most of
their start-up there, so their session talks to libpq itself when it can (session.connect with
`direct=True`); everything else, and every case this module declines, goes through psycopg.

The library is the one psycopg's binary package ships (the same libpq psycopg would use), on
Linux and macOS only; elsewhere, or when it is missing or cannot be loaded, `load()` returns
None. The objects mirror the parts of psycopg.pq's PGconn / PGresult that session.py uses, with
the same names, so that session.py drives either one.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import CFUNCTYPE, POINTER, Structure, c_char_p, c_int, c_uint, c_void_p
from typing import Any

# ConnStatusType, ExecStatusType, PGTransactionStatusType: as in libpq-fe.h (and psycopg.pq)
CONNECTION_OK = 0
COMMAND_OK, TUPLES_OK, COPY_OUT, COPY_IN, FATAL_ERROR = 1, 2, 3, 4, 7
TRANS_IDLE, TRANS_ACTIVE = 0, 1
# error fields (postgres_ext.h)
DIAG_SQLSTATE, DIAG_MESSAGE_PRIMARY, DIAG_MESSAGE_DETAIL = ord("C"), ord("M"), ord("D")
DIAG_MESSAGE_HINT, DIAG_STATEMENT_POSITION, DIAG_CONTEXT = ord("H"), ord("P"), ord("W")

DISABLE_ENV = "MIGC_NO_LIBPQ"  # set to 1 to run every session through psycopg (tests)


class _ConninfoOption(Structure):
    _fields_ = [
        ("keyword", c_char_p),
        ("envvar", c_char_p),
        ("compiled", c_char_p),
        ("val", c_char_p),
        ("label", c_char_p),
        ("dispchar", c_char_p),
        ("dispsize", c_int),
    ]


_NoticeProcessor = CFUNCTYPE(None, c_void_p, c_char_p)
_SIGNATURES: dict[str, tuple[list[Any], Any]] = {
    "PQconnectdbParams": ([POINTER(c_char_p), POINTER(c_char_p), c_int], c_void_p),
    "PQconninfoParse": ([c_char_p, POINTER(c_void_p)], POINTER(_ConninfoOption)),
    "PQconninfoFree": ([POINTER(_ConninfoOption)], None),
    "PQfreemem": ([c_void_p], None),
    "PQstatus": ([c_void_p], c_int),
    "PQerrorMessage": ([c_void_p], c_char_p),
    "PQserverVersion": ([c_void_p], c_int),
    "PQparameterStatus": ([c_void_p, c_char_p], c_char_p),
    "PQtransactionStatus": ([c_void_p], c_int),
    "PQsocket": ([c_void_p], c_int),
    "PQsendQuery": ([c_void_p, c_char_p], c_int),
    "PQflush": ([c_void_p], c_int),
    "PQconsumeInput": ([c_void_p], c_int),
    "PQisBusy": ([c_void_p], c_int),
    "PQgetResult": ([c_void_p], c_void_p),
    "PQputCopyEnd": ([c_void_p, c_char_p], c_int),
    "PQgetCopyData": ([c_void_p, POINTER(c_void_p), c_int], c_int),
    "PQgetCancel": ([c_void_p], c_void_p),
    "PQcancel": ([c_void_p, c_char_p, c_int], c_int),
    "PQfreeCancel": ([c_void_p], None),
    "PQfinish": ([c_void_p], None),
    "PQsetNoticeProcessor": ([c_void_p, _NoticeProcessor, c_void_p], c_void_p),
    "PQresultStatus": ([c_void_p], c_int),
    "PQresultErrorField": ([c_void_p, c_int], c_char_p),
    "PQresultErrorMessage": ([c_void_p], c_char_p),
    "PQcmdStatus": ([c_void_p], c_char_p),
    "PQnfields": ([c_void_p], c_int),
    "PQntuples": ([c_void_p], c_int),
    "PQfname": ([c_void_p, c_int], c_char_p),
    "PQftype": ([c_void_p, c_int], c_uint),
    "PQgetvalue": ([c_void_p, c_int, c_int], c_char_p),
    "PQgetisnull": ([c_void_p, c_int, c_int], c_int),
    "PQclear": ([c_void_p], None),
}
_lib: Any = None
_tried = False
_quiet = _NoticeProcessor(lambda _arg, _message: None)  # notices are not printed (psycopg drops them too)


def load() -> Any:
    """The libpq library with its signatures declared, or None (see the module's docstring)."""
    global _lib, _tried
    if _tried:
        return _lib
    _tried = True
    if os.environ.get(DISABLE_ENV) == "1" or sys.platform not in ("linux", "darwin"):
        return None
    found = _bundled_libpq()
    if found is None:
        return None
    try:
        lib = ctypes.CDLL(found)
        for name, (argtypes, restype) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.argtypes = argtypes
            function.restype = restype
    except (OSError, AttributeError):
        return None
    _lib = lib
    return lib


def _bundled_libpq() -> str | None:
    """The libpq in psycopg-binary's wheel: beside the package as auditwheel puts it (Linux), or
    inside it as delocate does (macOS). (A plain walk of sys.path: importlib.util and glob would
    cost more start-up than the rest of this module.)"""
    for entry in sys.path:
        package = os.path.join(entry or ".", "psycopg_binary")
        if not os.path.isdir(package):
            continue
        for directory, suffix in ((package + ".libs", ".so"), (os.path.join(package, ".dylibs"), ".dylib")):
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                continue
            for name in names:
                if name.startswith("libpq") and suffix in name:
                    return os.path.join(directory, name)
        return None  # the package that Python would import has no libpq beside it
    return None


def parse_conninfo(lib: Any, conninfo: str) -> dict[str, str]:
    """A URL or `key=value` string as libpq reads it; ValueError with libpq's reason if invalid."""
    error = c_void_p()
    options = lib.PQconninfoParse(conninfo.encode(), ctypes.byref(error))
    if not options:
        reason = ctypes.string_at(error.value).decode("utf-8", "replace").strip() if error.value else "invalid"
        if error.value:
            lib.PQfreemem(error)
        raise ValueError(reason)
    try:
        found: dict[str, str] = {}
        i = 0
        while options[i].keyword is not None:
            if options[i].val is not None:
                found[options[i].keyword.decode()] = options[i].val.decode("utf-8", "replace")
            i += 1
        return found
    finally:
        lib.PQconninfoFree(options)


class PGresult:
    def __init__(self, lib: Any, ptr: int) -> None:
        self._lib = lib
        self._ptr = ptr

    def __del__(self) -> None:
        if self._ptr:
            self._lib.PQclear(self._ptr)
            self._ptr = 0

    @property
    def status(self) -> int:
        return int(self._lib.PQresultStatus(self._ptr))

    def error_field(self, code: int) -> bytes | None:
        value: bytes | None = self._lib.PQresultErrorField(self._ptr, code)
        return value

    @property
    def error_message(self) -> bytes:
        return self._lib.PQresultErrorMessage(self._ptr) or b""

    @property
    def command_status(self) -> bytes | None:
        value: bytes | None = self._lib.PQcmdStatus(self._ptr)
        return value

    @property
    def nfields(self) -> int:
        return int(self._lib.PQnfields(self._ptr))

    @property
    def ntuples(self) -> int:
        return int(self._lib.PQntuples(self._ptr))

    def fname(self, column: int) -> bytes | None:
        value: bytes | None = self._lib.PQfname(self._ptr, column)
        return value

    def ftype(self, column: int) -> int:
        return int(self._lib.PQftype(self._ptr, column))

    def get_value(self, row: int, column: int) -> bytes | None:
        if self._lib.PQgetisnull(self._ptr, row, column):
            return None
        value: bytes = self._lib.PQgetvalue(self._ptr, row, column)
        return value


class PGcancel:
    def __init__(self, lib: Any, ptr: int) -> None:
        self._lib = lib
        self._ptr = ptr

    def cancel(self) -> None:
        error = ctypes.create_string_buffer(256)
        try:
            if not self._lib.PQcancel(self._ptr, error, len(error)):
                raise OSError(error.value.decode("utf-8", "replace"))
        finally:
            self._lib.PQfreeCancel(self._ptr)


class PGconn:
    """A blocking-mode libpq connection (sending a query blocks until it is sent; results are
    read as they come, without blocking, by session.py)."""

    def __init__(self, lib: Any, params: dict[str, str]) -> None:
        self._lib = lib
        keywords = (c_char_p * (len(params) + 1))(*[k.encode() for k in params], None)
        values = (c_char_p * (len(params) + 1))(*[v.encode() for v in params.values()], None)
        self._ptr: int = lib.PQconnectdbParams(keywords, values, 0)
        if not self._ptr:
            raise MemoryError("libpq could not allocate a connection")
        lib.PQsetNoticeProcessor(self._ptr, _quiet, None)

    @property
    def status(self) -> int:
        return int(self._lib.PQstatus(self._ptr)) if self._ptr else 1

    @property
    def error_message(self) -> bytes:
        return (self._lib.PQerrorMessage(self._ptr) or b"") if self._ptr else b"connection closed"

    @property
    def server_version(self) -> int:
        return int(self._lib.PQserverVersion(self._ptr))

    @property
    def transaction_status(self) -> int:
        return int(self._lib.PQtransactionStatus(self._ptr)) if self._ptr else 4

    @property
    def socket(self) -> int:
        return int(self._lib.PQsocket(self._ptr))

    def parameter_status(self, name: bytes) -> bytes | None:
        value: bytes | None = self._lib.PQparameterStatus(self._ptr, name)
        return value

    def send_query(self, command: bytes) -> None:
        if not self._lib.PQsendQuery(self._ptr, command):
            raise OSError(self.error_message.decode("utf-8", "replace"))

    def flush(self) -> int:
        result = int(self._lib.PQflush(self._ptr))
        if result < 0:
            raise OSError(self.error_message.decode("utf-8", "replace"))
        return result

    def consume_input(self) -> None:
        if not self._lib.PQconsumeInput(self._ptr):
            raise OSError(self.error_message.decode("utf-8", "replace"))

    def is_busy(self) -> bool:
        return bool(self._lib.PQisBusy(self._ptr))

    def get_result(self) -> PGresult | None:
        ptr = self._lib.PQgetResult(self._ptr)
        return PGresult(self._lib, ptr) if ptr else None

    def put_copy_end(self, error: bytes | None = None) -> None:
        if self._lib.PQputCopyEnd(self._ptr, error) < 0:
            raise OSError(self.error_message.decode("utf-8", "replace"))

    def get_copy_data(self, async_: int) -> tuple[int, bytes]:
        buffer = c_void_p()
        size = int(self._lib.PQgetCopyData(self._ptr, ctypes.byref(buffer), async_))
        if buffer.value:
            self._lib.PQfreemem(buffer)
        if size == -2:
            raise OSError(self.error_message.decode("utf-8", "replace"))
        return size, b""

    def get_cancel(self) -> PGcancel:
        ptr = self._lib.PQgetCancel(self._ptr)
        if not ptr:
            raise OSError("cannot cancel: the connection is closed")
        return PGcancel(self._lib, ptr)

    def finish(self) -> None:
        if self._ptr:
            self._lib.PQfinish(self._ptr)
            self._ptr = 0

    def __del__(self) -> None:
        self.finish()
