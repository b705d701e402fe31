"""The journal's integrity switches from Python (issue 17, item 6).

``Journal.verify()`` re-derives every snapshot's state from the events; ``verify(fast=True)``
skips that and says so (``states_derived == 0``). ``Engine(journal=..., journal_key=KEY)`` and
``Journal(path, key=KEY)`` open a keyed journal, whose head and snapshots carry an HMAC an
editor of the file cannot recompute. A snapshot forged as such an editor would (a text in its
state replaced, its digest and row hash recomputed here with sqlite3 and hashlib) is caught by
the default verify, passes the fast one on a plain journal, and passes nothing on a keyed one.
A missing or wrong key is refused and changes nothing."""

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import struct
import tempfile
import unittest

import jiceng
from jiceng import Actor, Role

MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
RESIDENT = Actor("R-1", Role.RESIDENT)
KEY = b"python host key\x00thirty-two bytes"
OTHER_KEY = b"another key, also 32 bytes long!"


def make_journal(path, key=None):
    """A journal with the sample district, three petitions and a snapshot at the head."""
    with jiceng.Engine(policy="suzhou-sip", journal=path, journal_key=key) as e:
        e.org.load_sample(now=MON - dt.timedelta(days=1))
        for i in range(3):
            e.petitions.submit(RESIDENT, location="H-G01B01-0101", category="noise", text="楼下噪音扰民",
                               now=MON + dt.timedelta(hours=i))
        e.journal_snapshot()
        return e.digest()


def forge_latest_snapshot(path, old="噪音".encode(), new="安静".encode()):
    """Rewrites the newest snapshot's state and recomputes its digest and row hash; its seq."""
    db = sqlite3.connect(path)
    try:
        seq, time, anchor, state = db.execute(
            "SELECT seq, time, anchor, state FROM snapshots ORDER BY seq DESC LIMIT 1").fetchone()
        assert old in state
        state = state.replace(old, new, 1)
        digest = hashlib.sha256(state).hexdigest()
        row = hashlib.sha256(b"jiceng-snapshot/1" + struct.pack(">QQ", seq, time) + anchor + digest.encode()).digest()
        db.execute("UPDATE snapshots SET state = ?, digest = ?, hash = ? WHERE seq = ?", (state, digest, row, seq))
        db.commit()
        return seq
    finally:
        db.close()


def file_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


class JournalIntegrityTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jiceng_integrity_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def test_default_verify_catches_a_forged_snapshot_the_fast_mode_skips_it(self):
        p = self.path("plain.db")
        make_journal(p)
        with jiceng.Journal(p) as j:
            self.assertEqual(j.verify().states_derived, 1)
        seq = forge_latest_snapshot(p)
        with jiceng.Journal(p) as j:
            with self.assertRaises(jiceng.DataLoss) as cm:
                j.verify()
            self.assertIn("snapshot at seq %d: its state (digest " % seq, str(cm.exception))
            fast = j.verify(fast=True)
            self.assertEqual(fast.states_derived, 0)
            self.assertEqual(fast.snapshots, 1)

    def test_a_keyed_journal_round_trips_and_a_forged_snapshot_passes_nothing(self):
        p = self.path("keyed.db")
        live = make_journal(p, KEY)
        with jiceng.Engine(journal=p, journal_key=bytearray(KEY)) as e:
            self.assertEqual(e.digest(), live)
        with jiceng.Journal(p, key=KEY) as j:
            r = j.verify()
            self.assertEqual((r.snapshots, r.states_derived), (1, 1))
            self.assertEqual(j.verify(fast=True).states_derived, 0)
        seq = forge_latest_snapshot(p)
        with jiceng.Journal(p, key=KEY) as j:
            for fast in (False, True):
                with self.assertRaises(jiceng.DataLoss) as cm:
                    j.verify(fast=fast)
                self.assertIn("snapshot at seq %d: its MAC does not match" % seq, str(cm.exception))
        with self.assertRaises(jiceng.DataLoss):
            jiceng.Engine(journal=p, journal_key=KEY)

    def test_a_missing_or_wrong_key_is_refused_and_changes_nothing(self):
        p = self.path("refused.db")
        live = make_journal(p, KEY)
        before = file_bytes(p) + file_bytes(p + "-head")
        with self.assertRaises(jiceng.FailedPrecondition) as cm:
            jiceng.Engine(journal=p)
        self.assertIn("the journal is keyed", str(cm.exception))
        with self.assertRaises(jiceng.FailedPrecondition):
            jiceng.Journal(p)
        for make in (lambda: jiceng.Engine(journal=p, journal_key=OTHER_KEY),
                     lambda: jiceng.Journal(p, key=OTHER_KEY)):
            with self.assertRaises(jiceng.PermissionDenied) as cm:
                make()
            self.assertIn("not this journal's key", str(cm.exception))
            self.assertNotIn("another key", str(cm.exception))
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            jiceng.Engine(journal=p, journal_key=b"short")
        self.assertIn("the MAC key is 5 bytes", str(cm.exception))
        with self.assertRaises(jiceng.InvalidArgument):
            jiceng.Engine(journal=p, journal_key=b"")
        with self.assertRaises(TypeError):
            jiceng.Engine(journal=p, journal_key=KEY.decode("latin-1"))
        with self.assertRaises(TypeError):
            jiceng.Journal(p, key=12345678901234567890)
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            jiceng.Engine(journal_key=KEY)
        self.assertIn("without a journal", str(cm.exception))
        plain = self.path("plain.db")
        make_journal(plain)
        with self.assertRaises(jiceng.FailedPrecondition) as cm:
            jiceng.Engine(journal=plain, journal_key=KEY)
        self.assertIn("holds no MAC", str(cm.exception))
        self.assertEqual(file_bytes(p) + file_bytes(p + "-head"), before)
        with jiceng.Engine(journal=p, journal_key=KEY) as e:
            self.assertEqual(e.digest(), live)
        self.assertNotIn(KEY, file_bytes(p) + file_bytes(p + "-wal"))


class SnapshotPolicyTests(unittest.TestCase):
    """The engine writes snapshots by itself every N events (issue 24)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jiceng_policy_")
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_every_n_events_at_the_seqs_the_rule_names(self):
        path = os.path.join(self.tmp, "p.db")
        with jiceng.Engine(journal=path) as e:
            self.assertEqual(e.snapshot_policy(),
                             {"every_events": 1_000_000, "every_seconds": 86_400, "last_error": None})
            e.set_snapshot_policy(every_events=5, every_seconds=0)
            self.assertEqual(e.snapshot_policy(), {"every_events": 5, "every_seconds": 0, "last_error": None})
            e.org.load_sample(now=MON - dt.timedelta(days=1))  # seq 3 (set_policy, calendar before it)
            for i in range(12):  # seqs 4..15: due at 5, 10 and 15
                e.petitions.submit(RESIDENT, location="H-G01B01-0101", category="noise", text="噪音",
                                   now=MON + dt.timedelta(minutes=i))
            self.assertEqual(e.last_seq, 15)
            before = e.digest()
            with self.assertRaises(jiceng.InvalidArgument) as ctx:
                e.set_snapshot_policy(every_seconds=-1)
            self.assertIn("every_seconds -1 is negative", str(ctx.exception))
            self.assertEqual(e.snapshot_policy()["every_events"], 5, "the refused call changed nothing")
            e.petitions.submit(RESIDENT, location="H-G01B01-0101", category="noise", text="噪音", now=MON)
            self.assertNotEqual(e.digest(), before)
        j = jiceng.Journal(path)
        try:
            self.assertEqual(j.snapshot_count, 3, "the refused policy left every 5 events in force")
            self.assertEqual(j.latest_snapshot()["seq"], 15)
            self.assertEqual(j.verify().states_derived, 3)
        finally:
            j.close()
        with jiceng.Engine(journal=path) as e:
            e.set_snapshot_policy(every_events=0, every_seconds=0)  # only on command
            for i in range(10):
                e.petitions.submit(RESIDENT, location="H-G01B01-0101", category="noise", text="噪音", now=MON)
        j = jiceng.Journal(path)
        try:
            self.assertEqual(j.snapshot_count, 3)
        finally:
            j.close()

    def test_an_engine_without_a_journal_has_no_policy(self):
        with jiceng.Engine() as e:
            with self.assertRaises(jiceng.FailedPrecondition):
                e.set_snapshot_policy(every_events=5)
            with self.assertRaises(jiceng.FailedPrecondition):
                e.snapshot_policy()


if __name__ == "__main__":
    unittest.main()
