"""The working-day calendar (工作日历): official holidays and make-up working days 2004–2026, and
the provisional rule (statutory holidays, Decree No. 798) for the ten years after."""

import ctypes

from . import _capi as C
from ._core import (_Handle, CalendarMode, DayKind, buffer_string, take_json, check, enc, int_arg, from_jc_date, from_jc_day, from_ts, to_jc_date, to_jc_day,
                    to_ts)


def _new_calendar():
    h = C.jc_calendar_p()
    check(C.jc_calendar_new(ctypes.byref(h)))
    return h


class Calendar(_Handle):
    """A working-day calendar. ``Calendar.china()`` is the official schedule; ``Calendar()``
    is empty. Close with ``close()``, ``with`` or garbage collection. A calendar borrowed from
    an engine (``engine.calendar``) is a read-only view: it keeps the engine alive, and once the
    engine is closed it raises instead of reading freed memory."""

    _view_of = ("jc_engine_calendar", "jc_calendar_p")

    def __init__(self, _handle=None, _engine=None):
        self._own_or_view(_handle, _engine, _new_calendar)

    @classmethod
    def china(cls):
        h = C.jc_calendar_p()
        check(C.jc_calendar_china(ctypes.byref(h)))
        return cls(h)

    @classmethod
    def from_csv(cls, text, source_name="calendar.csv"):
        cal = cls()
        cal.load_csv(text, source_name)
        return cal

    _what = "calendar"

    def _release(self, h):
        C.jc_calendar_free(h)

    def load_csv(self, text, source_name="calendar.csv"):
        data = enc(text, "text")
        check(C.jc_calendar_load_csv(self._handle, data, len(data), enc(source_name, "source_name")))

    def set_weekend_only(self, on=True):
        """``set_mode(WEEKEND_ONLY)`` when on, else back to ``PROVISIONAL`` (the default)."""
        check(C.jc_calendar_set_weekend_only(self._handle, 1 if on else 0))

    @property
    def mode(self):
        """The CalendarMode in force."""
        out = ctypes.c_int()
        check(C.jc_calendar_get_mode(ctypes.byref(out), self._handle))
        return CalendarMode(out.value)

    def set_mode(self, mode):
        """Sets the CalendarMode (a member, its value or its name, e.g. "strict")."""
        check(C.jc_calendar_set_mode(self._handle, int(CalendarMode.of(mode))))

    def is_provisional(self, day):
        """True when the answer for ``day`` comes from the provisional rule, not a published
        schedule: it may change when that year's official schedule is loaded."""
        out = ctypes.c_int()
        check(C.jc_calendar_is_provisional(ctypes.byref(out), self._handle, to_jc_date(day)))
        return bool(out.value)

    def coverage(self, today):
        """The official years, the provisional days and a ``warning`` (None unless the official
        table ends within 60 days of ``today``), as a dict."""
        return take_json(C.jc_calendar_coverage_json, self._handle, to_jc_date(today, "today"))

    @property
    def years(self):
        a, b = ctypes.c_int(), ctypes.c_int()
        check(C.jc_calendar_years(ctypes.byref(a), ctypes.byref(b), self._handle))
        return (a.value, b.value)

    def is_workday(self, day):
        out = ctypes.c_int()
        check(C.jc_calendar_is_workday_day(ctypes.byref(out), self._handle, to_jc_day(day)))
        return bool(out.value)

    def day_kind(self, day):
        out = ctypes.c_int()
        check(C.jc_calendar_day_kind(ctypes.byref(out), self._handle, to_jc_date(day)))
        return DayKind(out.value)

    def add_workdays(self, day, n):
        """The n-th working day after ``day`` (n = 0: ``day`` or the next working day;
        n < 0: before). Passes day numbers (jc_day), the cheapest form to convert."""
        out = C.jc_day()
        check(C.jc_calendar_add_workdays_day(ctypes.byref(out), self._handle, to_jc_day(day),
                                                   int_arg(n, "n", ctypes.c_int)))
        return from_jc_day(out.value)

    def workdays_between(self, a, b):
        out = ctypes.c_int()
        check(C.jc_calendar_workdays_between(ctypes.byref(out), self._handle, to_jc_date(a), to_jc_date(b)))
        return out.value

    def next_workday(self, day):
        out = C.jc_date()
        check(C.jc_calendar_next_workday(ctypes.byref(out), self._handle, to_jc_date(day)))
        return from_jc_date(out)

    def holiday_name(self, day):
        """English name of the holiday on ``day``, or None."""
        name = buffer_string(C.jc_calendar_holiday_name, self._handle, to_jc_date(day), size=64)
        return name or None

    def deadline_after(self, start, duration, due_minute_of_day=-1):
        """The deadline ``duration`` ("2h", "15d", "5wd") after ``start`` (aware datetime)."""
        out = ctypes.c_int64()
        check(C.jc_calendar_deadline_after(ctypes.byref(out), self._handle, to_ts(start, "start"), enc(duration, "duration"),
                                           int_arg(due_minute_of_day, "due_minute_of_day", ctypes.c_int)))
        return from_ts(out.value)
