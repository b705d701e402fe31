"""Hosted loops (闭环) through the generic C surface: one class per loop, built from the
loop's table, so a new loop needs no new binding code.

    lamp = engine.loops["toy"]            # or engine.loops.toy
    r = lamp.flip(actor, unit="C11")      # an event by name; item=None creates one
    lamp.get(r.item)["state"]             # "on"
    lamp.list(state="on", unit="S1")      # items in a subtree
"""

import ctypes
import dataclasses
import json
import time
from typing import Optional

from . import _capi as C
from ._core import check, enc, int_arg, take_string, to_ts


@dataclasses.dataclass(frozen=True)
class LoopOutcome:
    """What an accepted loop command did: its item (the new one for a creating command),
    that item's display id and the event's seq."""
    item: int
    id: str
    seq: int


def _now(now):
    return int(time.time()) if now is None else to_ts(now)


def _item_number(loop, item):
    """An item as a number: an int, or a display id such as "T00000001"."""
    if item is None:
        return 0
    if isinstance(item, str):
        digits = item[len(loop.id_prefix):] if item.startswith(loop.id_prefix) else item
        if not digits.isdigit() or not 0 < int(digits) < 2**64:
            from ._core import InvalidArgument
            raise InvalidArgument("%s: item %r is not an id like %s00000001" % (loop.name, item, loop.id_prefix))
        return int(digits)
    return int_arg(item, "item")


class Loop:
    """One hosted loop of an engine: its table, its events as methods, its queries."""

    def __init__(self, engine, name):
        self._engine = engine
        self.name = name
        self.table = json.loads(take_string(C.jc_engine_loop_table_json, engine._handle, enc(name, "loop")))
        self.id_prefix = self.table["id_prefix"]
        self.events = tuple(e["name"] for e in self.table["events"])
        self.states = tuple(s["name"] for s in self.table["states"])

    def __repr__(self):
        return "<jiceng.Loop %s (%s): %s>" % (self.name, self.table["zh"], ", ".join(self.events))

    def command(self, event, actor, item=None, now=None, **payload):
        """Runs `event` on `item` (None creates an item; then give unit=...). The payload's
        keyword arguments become the event's JSON data (strings, ints, bools, lists, dicts)."""
        out_item = ctypes.c_uint64(0)
        out_seq = ctypes.c_uint64(0)
        a = actor._c()
        data = json.dumps(payload, ensure_ascii=False, allow_nan=False) if payload else None
        check(C.jc_engine_command(ctypes.byref(out_item), ctypes.byref(out_seq), self._engine._handle,
                                  enc(self.name, "loop"), enc(event, "event"), _item_number(self, item),
                                  ctypes.byref(a), enc(data, "payload"), _now(now)))
        return LoopOutcome(out_item.value, "%s%08d" % (self.id_prefix, out_item.value), out_seq.value)

    def query(self, name, min_seq=None, **params):
        """A query by name; returns the parsed JSON answer. ``min_seq``: first wait until the
        engine holds that seq (Engine.await_seq: read-your-writes across servers); every
        query method of a loop takes it."""
        self._engine._read_at(min_seq)
        text = json.dumps(params, ensure_ascii=False, allow_nan=False) if params else None
        return json.loads(take_string(C.jc_engine_query, self._engine._handle, enc(self.name, "loop"),
                                      enc(name, "query"), enc(text, "params")))

    def get(self, item, *, min_seq=None):
        """One item as a dict (id, item, state, state_zh, unit, creator, created, updated, data)."""
        return self.query("get", min_seq=min_seq, item=_item_number(self, item))

    def list(self, state: Optional[str] = None, unit: Optional[str] = None, limit: Optional[int] = None, *,
             min_seq=None):
        """Items, optionally in `state`, in the subtree of `unit`, at most `limit`."""
        params = {}
        if state is not None:
            params["state"] = state
        if unit is not None:
            params["unit"] = unit
        if limit is not None:
            params["limit"] = int_arg(limit, "limit")
        return self.query("list", min_seq=min_seq, **params)["items"]

    def counts(self, *, min_seq=None):
        """Items per state."""
        return self.query("counts", min_seq=min_seq)

    def __getattr__(self, event):
        # An event of the table as a method: loop.flip(actor, item=None, now=None, **payload).
        if event.startswith("_") or event not in self.__dict__.get("events", ()):
            raise AttributeError("loop %s has no event or attribute %r" % (self.__dict__.get("name"), event))

        def run(actor, item=None, now=None, **payload):
            return self.command(event, actor, item=item, now=now, **payload)

        run.__name__ = event
        return run


class Loops:
    """The loops an engine hosts besides petitions: ``engine.loops["toy"]``, ``engine.loops.toy``."""

    def __init__(self, engine):
        self._engine = engine
        self._cache = {}

    def names(self):
        return json.loads(take_string(C.jc_engine_loops_json, self._engine._handle))

    def __iter__(self):
        return iter(self.names())

    def __contains__(self, name):
        return name in self.names()

    def __getitem__(self, name):
        if name not in self._cache:
            if name not in self.names():
                raise KeyError("this engine hosts no loop %r (hosted: %s)" % (name, ", ".join(self.names()) or "none"))
            from .projects import loop_class  # the loops with a class of their own
            self._cache[name] = loop_class(name)(self._engine, name)
        return self._cache[name]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(str(e)) from None
