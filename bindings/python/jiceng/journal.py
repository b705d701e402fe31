"""The durable journal (事件日志) on its own: open a journal file, verify its hash chain."""

import ctypes
import dataclasses
import os
from typing import Optional

from . import _capi as C
from ._core import _Handle, buffer_string, check, enc, int_arg, key_arg, take_json

_SYNC = {"full": 0, "normal": 1, "off": 2}


@dataclasses.dataclass(frozen=True)
class ChainReport:
    events: int
    last_seq: int
    snapshots: int
    latest_snapshot: Optional[int]
    head: str
    states_derived: int = 0  # snapshots whose state was re-derived from the events (0 with fast=True)


class Journal(_Handle):
    """A journal file opened for audit (``read_only=True`` by default). ``key``: the MAC key of
    a keyed journal (bytes, docs/journal.md "Keyed MAC"); required to open one, refused for a
    journal written without one."""

    def __init__(self, path, read_only=True, create_if_missing=False, sync="full", busy_timeout_ms=5000, key=None):
        o = C.jc_journal_options()
        check(C.jc_journal_options_init(ctypes.byref(o), C.JC_JOURNAL_OPTIONS_VERSION))
        o.read_only = 1 if read_only else 0
        o.create_if_missing = 1 if create_if_missing else 0
        o.sync = _SYNC[sync]
        o.busy_timeout_ms = int_arg(busy_timeout_ms, "busy_timeout_ms", ctypes.c_int)
        k, n = key_arg(key, "key")
        h = C.jc_journal_p()
        check(C.jc_journal_open_keyed(ctypes.byref(h), enc(os.fspath(path), "path"), ctypes.byref(o), k, n))
        self._h = h

    _what = "journal"

    def _release(self, h):
        C.jc_journal_free(h)

    def verify(self, fast=False):
        """Walks the whole hash chain, the head and every snapshot, and re-derives each
        snapshot's state from the events; raises DataLoss naming the first bad seq or snapshot.
        ``fast=True`` skips the re-derivation (``states_derived`` is then 0): a snapshot
        rewritten with its hashes recomputed passes it, unless the journal is keyed."""
        r = C.jc_chain_report()
        derived = ctypes.c_uint64()
        check(C.jc_journal_verify_ex(ctypes.byref(r), ctypes.byref(derived), self._handle,
                                     C.JC_VERIFY_FAST if fast else 0))
        return ChainReport(r.events, r.last_seq, r.snapshots, r.latest_snapshot if r.has_snapshot else None,
                           r.head.decode(), derived.value)

    @property
    def last_seq(self):
        out = ctypes.c_uint64()
        check(C.jc_journal_last_seq(ctypes.byref(out), self._handle))
        return out.value

    @property
    def snapshot_count(self):
        out = ctypes.c_uint64()
        check(C.jc_journal_snapshot_count(ctypes.byref(out), self._handle))
        return out.value

    def latest_snapshot(self):
        """{"seq", "time", "digest"} of the newest snapshot, or None."""
        return take_json(C.jc_journal_latest_snapshot_json, self._handle)


def sha256_hex(data):
    data = data.encode() if isinstance(data, str) else bytes(data)
    return buffer_string(C.jc_sha256_hex, data, len(data), size=65)
