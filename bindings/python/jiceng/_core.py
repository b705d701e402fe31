"""The Pythonic layer's machinery: typed exceptions, status checks, string and buffer
helpers, enums, time conversion."""

import array as _array
import ctypes
import datetime as _dt
import enum
import json
import operator
import re
import time as _time

from . import _capi as C

CST = _dt.timezone(_dt.timedelta(hours=8), "CST")


class _Handle:
    """Owns one library handle: ``close()`` (also on ``with`` exit and garbage collection)
    releases it through ``_release``; ``_handle`` raises once closed.

    A view of an engine's object (``engine.org``, ``engine.calendar``) owns nothing: it keeps
    the engine and asks it for the handle at each call (``_view_of`` names the C getter and
    the handle type), so it follows a replaced graph and raises once the engine is closed."""

    _h = None
    _what = "handle"
    _engine = None
    _view_of = None  # ("jc_engine_org", "jc_org_p") on classes that can be engine views

    def _own_or_view(self, handle, engine, new):
        """Sets up an owned handle (``handle``, or ``new()`` when None) or a view of ``engine``."""
        self._engine = engine
        if engine is None:
            self._h = handle if handle is not None else new()

    def _release(self, h):
        raise TypeError("a handle class must define _release")

    def close(self):
        h = getattr(self, "_h", None)
        self._h = None
        if h is not None:
            self._release(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _at(self, min_seq):
        """The ``min_seq`` of a view's query: first wait until the engine holds that seq
        (Engine.await_seq, read-your-writes across servers). An owned handle has no journal
        to wait for."""
        if min_seq is None:
            return
        if self._engine is None:
            raise InvalidArgument("min_seq: this %s is not an engine's view; it has no journal to wait for"
                                  % self._what)
        self._engine._read_at(min_seq)

    @property
    def _handle(self):
        if self._engine is not None:
            if getattr(self._engine, "_tailing", False):
                raise FailedPrecondition(
                    "engine.%s cannot be read while the engine tails its journal (engine.tailing): the "
                    "tailing thread may replace it at any moment; read it after the with block" % self._what)
            getter, kind = self._view_of
            h = getattr(C, kind)()
            check(getattr(C, getter)(ctypes.byref(h), self._engine._handle))
            return h
        if self._h is None:
            raise ValueError("%s is closed" % self._what)
        return self._h


# --- exceptions ------------------------------------------------------------------------------

class JicengError(Exception):
    """Base of every error the library reports; ``code`` is the jc_status name."""

    code = "UNKNOWN"
    status = C.JC_UNKNOWN

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class Cancelled(JicengError):
    code, status = "CANCELLED", C.JC_CANCELLED


class InvalidArgument(JicengError, ValueError):
    code, status = "INVALID_ARGUMENT", C.JC_INVALID_ARGUMENT


class DeadlineExceeded(JicengError):
    code, status = "DEADLINE_EXCEEDED", C.JC_DEADLINE_EXCEEDED


class NotFound(JicengError, LookupError):
    code, status = "NOT_FOUND", C.JC_NOT_FOUND


class AlreadyExists(JicengError):
    code, status = "ALREADY_EXISTS", C.JC_ALREADY_EXISTS


class PermissionDenied(JicengError):
    code, status = "PERMISSION_DENIED", C.JC_PERMISSION_DENIED


class ResourceExhausted(JicengError):
    code, status = "RESOURCE_EXHAUSTED", C.JC_RESOURCE_EXHAUSTED


class IllegalTransition(JicengError):
    """FAILED_PRECONDITION: the state machine (or a guard, cap, window) refuses the command."""
    code, status = "FAILED_PRECONDITION", C.JC_FAILED_PRECONDITION


FailedPrecondition = IllegalTransition


class Aborted(JicengError):
    code, status = "ABORTED", C.JC_ABORTED


class OutOfRange(JicengError, ValueError):
    code, status = "OUT_OF_RANGE", C.JC_OUT_OF_RANGE


class Unimplemented(JicengError):
    code, status = "UNIMPLEMENTED", C.JC_UNIMPLEMENTED


class InternalError(JicengError):
    code, status = "INTERNAL", C.JC_INTERNAL


class Unavailable(JicengError):
    code, status = "UNAVAILABLE", C.JC_UNAVAILABLE


class DataLoss(JicengError):
    code, status = "DATA_LOSS", C.JC_DATA_LOSS


class Unauthenticated(JicengError):
    code, status = "UNAUTHENTICATED", C.JC_UNAUTHENTICATED


_ERRORS = {cls.status: cls for cls in (
    Cancelled, JicengError, InvalidArgument, DeadlineExceeded, NotFound, AlreadyExists, PermissionDenied,
    ResourceExhausted, IllegalTransition, Aborted, OutOfRange, Unimplemented, InternalError, Unavailable,
    DataLoss, Unauthenticated)}


def error_for(status, message):
    cls = _ERRORS.get(status, JicengError)
    return cls(message, status)


# The C layer prefixes its messages with the C function ("jc_engine_submit: ..."); a Python
# caller never called that function, so the prefix goes (kept as ``c_function``).
_C_PREFIX = re.compile(r"^((?:jc_[a-z0-9_]+: )+)")


def check(rc):
    """Raises the typed exception for a non-OK jc_status, with the library's message (the
    C function's name, which means nothing to a Python caller, is moved to ``c_function``)."""
    if rc != C.JC_OK:
        message = (C.jc_last_error() or b"").decode("utf-8", "replace")
        m = _C_PREFIX.match(message)
        err = error_for(rc, message[m.end():] if m else message)
        err.c_function = m.group(1).split(":")[0] if m else None
        raise err


# --- strings ----------------------------------------------------------------------------------

def enc(s, what):
    """A string argument (str or bytes) -> UTF-8 bytes for C (None stays None).

    ``what`` names the argument in errors. A NUL inside raises InvalidArgument: C reads a
    string up to its first NUL, so ``"R-1\\0x"`` would act as ``"R-1"``. Every string that
    goes to C passes here (the bulk columns through ``string_column``)."""
    if s is None:
        return None
    if isinstance(s, str):
        b = s.encode("utf-8", "surrogatepass")
    elif isinstance(s, bytes):
        b = s
    else:
        raise TypeError("%s must be str, got %s" % (what, type(s).__name__))
    if b"\0" in b:
        raise InvalidArgument("%s contains a NUL character at byte %d (C would cut it there)"
                              % (what, b.index(b"\0")))
    return b


def _int_range(ctype):
    bits = 8 * ctypes.sizeof(ctype)
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if ctype(-1).value == -1 else (0, (1 << bits) - 1)


_INT_RANGES = {t: _int_range(t) for t in (ctypes.c_uint64, ctypes.c_int64, ctypes.c_int, ctypes.c_uint,
                                          ctypes.c_uint32, ctypes.c_int32, ctypes.c_size_t)}
U64_MAX = _INT_RANGES[ctypes.c_uint64][1]
I64_MIN, I64_MAX = _INT_RANGES[ctypes.c_int64]


def key_arg(key, what):
    """A MAC key for C: None (no key) or bytes-like, passed with its length (any byte, a NUL
    included, is key material). A str is refused: its bytes would depend on an encoding."""
    if key is None:
        return None, 0
    if isinstance(key, str) or not isinstance(key, (bytes, bytearray, memoryview)):
        raise TypeError("%s must be bytes (the key's raw bytes), got %s" % (what, type(key).__name__))
    b = bytes(key)
    if not b:
        raise InvalidArgument("%s is empty: pass None for no key" % what)
    return b, len(b)


def int_arg(v, what, ctype=ctypes.c_uint64):
    """An integer argument for C, checked against ``ctype``'s range: ctypes would wrap an
    int outside it silently (``2**64 + 1`` as a ``uint64_t`` is 1). ``what`` names the
    argument in errors: InvalidArgument out of range, TypeError for a non-integer. Every
    integer that goes to C passes here (timestamps through ``to_ts``)."""
    if type(v) is not int:
        try:
            v = operator.index(v)
        except TypeError:
            raise TypeError("%s must be an int, got %s" % (what, type(v).__name__)) from None
    lo, hi = _INT_RANGES[ctype]
    if not lo <= v <= hi:
        raise InvalidArgument("%s = %d is out of range: the C argument takes %d..%d" % (what, v, lo, hi))
    return v


_DISPLAY_ID = re.compile(r"P([0-9]{1,20})")


def petition_arg(v, what="petition"):
    """A petition id: the int or the display id the library prints (``"P00000001"``)."""
    if isinstance(v, str):
        m = _DISPLAY_ID.fullmatch(v)
        if m is None:
            raise InvalidArgument("%s %r is not a petition id: give the int (1) or the display id (P00000001)"
                                  % (what, v))
        return int_arg(int(m.group(1)), what)
    return int_arg(v, what)


def display_id(petition):
    """The display id of a petition (``"P00000042"``) given the int or the display id: the
    form petition JSON writes in "id", "merged_into", "merged_from" and an event's "petition"."""
    return "P%08d" % petition_arg(petition)


def string_column(seq, n, what, keep, optional=False):
    """A sequence of ``n`` str (None allowed where ``optional``) as a ``char*[n]`` for
    the bulk calls. ``keep`` receives the objects the pointers point into (it must
    outlive the call). A str holding a NUL raises InvalidArgument naming its index (C would
    silently cut it there).

    All str: joined and encoded by C-level built-ins and split by the library
    (jc_strings_split) — about 4x faster than building a ``c_char_p`` array element by
    element, which dominated bulk submits."""
    if len(seq) != n:
        raise ValueError("%s has %d entries, expected %d" % (what, len(seq), n))
    try:
        joined = "\0".join(seq)  # TypeError when an entry is not a str
    except TypeError:
        joined = None
    if joined is not None:
        buf = joined.encode("utf-8", "surrogatepass") + b"\0"
        arr = (ctypes.c_char_p * n)()
        # A str holding a NUL makes the count differ: refused, then found below.
        if C.jc_strings_split(arr, n, buf, len(buf)) == C.JC_OK:
            keep.append(buf)
            keep.append(arr)
            return arr
    # Mixed entries (None, bytes) or an embedded NUL: one by one, repeated values once.
    cache = {}
    out = []
    for i, v in enumerate(seq):
        b = cache.get(v) if isinstance(v, (str, bytes)) else None
        if b is None:
            if v is None and optional:
                out.append(None)
                continue
            b = enc(v, "%s[%d]" % (what, i)) if v is not None else None
            if b is None:
                raise TypeError("%s[%d] must be str, got None" % (what, i))
            if b"\0" in b:
                raise InvalidArgument("%s[%d] contains a NUL character (C would cut it there)" % (what, i))
            cache[v] = b
        out.append(b)
    arr = (ctypes.c_char_p * n)(*out)
    keep.append(arr)
    return arr


def same_string_column(s, n, what, keep):
    """One str for all ``n`` entries, as a ``char*[n]`` of the same pointer."""
    b = enc(s, what)
    if b is None:
        return None
    if b"\0" in b:
        raise InvalidArgument("%s contains a NUL character (C would cut it there)" % what)
    keep.append(b)
    ptrs = _array.array("Q", [ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p).value]) * n
    keep.append(ptrs)
    return (ctypes.c_char_p * n).from_buffer(ptrs)


def int_column(values, n, what, conv):
    """One value for all, or a sequence of ``n``, converted by ``conv`` (an enum's ``of``,
    ``bool``) once per distinct value, as an ``array("i")``."""
    if isinstance(values, (int, str)) or hasattr(values, "name"):
        return _array.array("i", [int(conv(values))]) * n
    if len(values) != n:
        raise ValueError("%s has %d entries, expected %d" % (what, len(values), n))
    try:
        table = {v: int(conv(v)) for v in set(values)}
    except TypeError:  # unhashable entries: convert one by one
        return _array.array("i", [int(conv(v)) for v in values])
    return _array.array("i", map(table.__getitem__, values))


def ts_column(times, n, what="times"):
    """A sequence of ``n`` timestamps (int UTC seconds or aware datetimes) as ``array("q")``."""
    if len(times) != n:
        raise ValueError("%s has %d entries, expected %d" % (what, len(times), n))
    try:
        if isinstance(times, range) or all(type(t) is int for t in times):
            return _array.array("q", times)
    except OverflowError:  # found below, with its index
        pass
    return _array.array("q", [to_ts(t, "%s[%d]" % (what, i)) for i, t in enumerate(times)])


def id_column(ids, what="petitions"):
    """A sequence of petition ids as ``array("Q")`` (an ``array("Q")`` as it is); an id
    outside uint64_t raises InvalidArgument naming its index (the array would raise a bare
    OverflowError)."""
    if isinstance(ids, _array.array) and ids.typecode == "Q":
        return ids
    try:
        return _array.array("Q", ids)
    except (OverflowError, TypeError):
        return _array.array("Q", [petition_arg(v, "%s[%d]" % (what, i)) for i, v in enumerate(ids)])


def take_string(fn, *args):
    """Calls fn(char **out, *args) and returns the library string as str (freed)."""
    out = ctypes.c_void_p()
    check(fn(ctypes.byref(out), *args))
    try:
        return ctypes.string_at(out.value).decode("utf-8") if out.value else ""
    finally:
        C.jc_string_free(out)


def take_json(fn, *args):
    return json.loads(take_string(fn, *args))


def buffer_string(fn, *args, size=128):
    """Calls fn(buf, size, &len, *args) under the caller-buffer rules, growing once."""
    n = ctypes.c_size_t(0)
    buf = ctypes.create_string_buffer(size)
    rc = fn(buf, size, ctypes.byref(n), *args)
    if rc == C.JC_OUT_OF_RANGE and n.value + 1 > size:
        buf = ctypes.create_string_buffer(n.value + 1)
        rc = fn(buf, n.value + 1, ctypes.byref(n), *args)
    check(rc)
    return buf.raw[:n.value].decode("utf-8")


def buffer_array(fn, ctype, *args, size=64):
    """Calls fn(buf, capacity, &count, *args) for an array, growing once."""
    n = ctypes.c_size_t(0)
    arr = (ctype * size)()
    rc = fn(arr, size, ctypes.byref(n), *args)
    if rc == C.JC_OUT_OF_RANGE and n.value > size:
        arr = (ctype * n.value)()
        rc = fn(arr, n.value, ctypes.byref(n), *args)
    check(rc)
    return list(arr[:n.value])


# --- enums ------------------------------------------------------------------------------------

class _NamedEnum(enum.IntEnum):
    @classmethod
    def of(cls, value):
        """Accepts a member, its int value or its name ("in_progress")."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls[value.upper()]
            except KeyError:
                raise InvalidArgument("%r is not a %s (one of %s)" % (
                    value, cls.__name__, ", ".join(m.name.lower() for m in cls))) from None
        try:
            return cls(value)
        except ValueError:
            raise InvalidArgument("%r is not a %s" % (value, cls.__name__)) from None

    def __str__(self):
        return self.name.lower()


class Role(_NamedEnum):
    RESIDENT = 0
    GRID_WORKER = 1
    HUB_HEAD = 2
    BUILDING_LEADER = 3
    COMMUNITY_SECRETARY = 4
    COMMUNITY_STAFF = 5
    RED_STEWARD_LEAD = 6
    STREET_OFFICER = 7
    DISTRICT_OFFICER = 8
    PROPERTY_COMPANY = 9
    SYSTEM = 10


class State(_NamedEnum):
    RECEIVED = 0
    ACCEPTED = 1
    REJECTED = 2
    MERGED = 3
    DISPATCHED = 4
    IN_PROGRESS = 5
    RESOLVED = 6
    CLOSED = 7
    WITHDRAWN = 8


class Event(_NamedEnum):
    SUBMIT = 0
    ACCEPT = 1
    REJECT = 2
    MERGE = 3
    DISPATCH = 4
    SIGN = 5
    RETURN = 6
    ESCALATE = 7
    REQUEST_EXTENSION = 8
    GRANT_EXTENSION = 9
    DENY_EXTENSION = 10
    URGE = 11
    SUPERVISE = 12
    RESOLVE = 13
    EVALUATE = 14
    REOPEN = 15
    CLOSE = 16
    WITHDRAW = 17
    MARK_OVERDUE = 18
    LOAD_ORG = 19
    SET_POLICY = 20
    LOAD_CALENDAR = 21
    SET_CALENDAR = 22
    LOOP = 23
    SUPPORT = 24
    WITHDRAW_SUPPORT = 25


class Urgency(_NamedEnum):
    NORMAL = 0
    URGENT = 1


class Severity(_NamedEnum):
    MINOR = 0
    MAJOR = 1
    CRITICAL = 2


class Channel(_NamedEnum):
    ONLINE_PLATFORM = 0
    WECHAT_ACCOUNT = 1
    MINI_PROGRAM = 2
    PHOTO_REPORT = 3
    DOOR_TO_DOOR = 4
    MEETING = 5
    HOTLINE = 6


class Satisfaction(_NamedEnum):
    SATISFIED = 0
    BASICALLY_SATISFIED = 1
    UNSATISFIED = 2


class ReopenKind(_NamedEnum):
    REOPEN = 0
    REVIEW = 1
    RE_REVIEW = 2


class CalendarMode(_NamedEnum):
    """How a calendar answers outside its official years: PROVISIONAL (the default) by the
    statutory holidays of Decree No. 798 for ten years, marked provisional; STRICT refuses;
    WEEKEND_ONLY counts Mon–Fri."""
    PROVISIONAL = 0
    STRICT = 1
    WEEKEND_ONLY = 2


class DayKind(_NamedEnum):
    WORKDAY = 0
    WEEKEND = 1
    HOLIDAY = 2
    MAKEUP_WORKDAY = 3


# --- dates and time ---------------------------------------------------------------------------

def to_jc_date(d, what="day"):
    if isinstance(d, str):
        out = C.jc_date()
        check(C.jc_date_parse(ctypes.byref(out), enc(d, what)))
        return out
    if isinstance(d, _dt.datetime):
        raise TypeError("a calendar day is a datetime.date, not a datetime.datetime")
    if not isinstance(d, _dt.date):
        raise TypeError("expected datetime.date, got %s" % type(d).__name__)
    return C.jc_date(d.year, d.month, d.day)


_ORDINAL_OFFSET = C.JC_DAY_ORDINAL_OFFSET
_date_type = _dt.date
_datetime_type = _dt.datetime


def to_jc_day(d, what="day"):
    """A datetime.date (or "YYYY-MM-DD") -> jc_day (days since 1970-01-01)."""
    if type(d) is _date_type:  # the common case first, without isinstance chains
        return d.toordinal() - _ORDINAL_OFFSET
    if isinstance(d, str):
        out = C.jc_day()
        check(C.jc_day_from_date(ctypes.byref(out), to_jc_date(d, what)))  # strict parse, then the day number
        return out.value
    if isinstance(d, _datetime_type):
        raise TypeError("a calendar day is a datetime.date, not a datetime.datetime")
    if not isinstance(d, _date_type):
        raise TypeError("expected datetime.date, got %s" % type(d).__name__)
    return d.toordinal() - _ORDINAL_OFFSET


def from_jc_day(n):
    return _date_type.fromordinal(n + _ORDINAL_OFFSET)


def from_jc_date(d):
    return _dt.date(d.year, d.month, d.day)


def to_ts(t, what="now"):
    """An aware datetime (or int UTC seconds, within int64_t) -> int UTC seconds; ``what``
    names the argument in errors. For ``now``, None (every command's default) is the
    current time: a default of 0 (1970) could only fail."""
    if t is None and what == "now":
        return int(_time.time())
    if isinstance(t, bool):
        raise TypeError("%s must be an aware datetime or int seconds" % what)
    if isinstance(t, int):
        if not I64_MIN <= t <= I64_MAX:
            return int_arg(t, what, ctypes.c_int64)  # raises, naming the argument
        return t
    if isinstance(t, _dt.datetime):
        if t.tzinfo is None or t.tzinfo.utcoffset(t) is None:
            raise InvalidArgument("%s %s is naive; give it a tzinfo (e.g. jiceng.CST or timezone.utc)" % (what, t))
        return int(t.timestamp())
    raise TypeError("%s must be an aware datetime or int seconds, got %s" % (what, type(t).__name__))


def from_ts(t):
    """int UTC seconds -> aware datetime in China Standard Time (None for JC_NO_DEADLINE)."""
    if t is None or t == C.JC_NO_DEADLINE:
        return None
    return _dt.datetime.fromtimestamp(t, CST)
