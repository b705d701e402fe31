"""Hosted loops through the generic surface (engine.loops).

With the shipped library the engine hosts the built-in loops only (not the toy). The ctest
capi_python_loops runs this file against libjiceng_toy.so (the toy loop of tests/loop,
JICENG_EXPECT_TOY_LOOP=1), where the toy loop must be hosted: commands by event name,
queries, bad input that changes nothing, batches and the journal."""

import os
import tempfile
import unittest

import jiceng
from jiceng import Actor, Role

T0 = 1_790_000_000
ORG = """{"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "甲社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C12", "name": "乙社区", "level": 2, "kind": "community_committee", "parent": "S1"}
]}"""
WORKER = Actor("w1", Role.COMMUNITY_STAFF, "C11")
OTHER = Actor("w2", Role.COMMUNITY_STAFF, "C12")
EXPECT_TOY = os.environ.get("JICENG_EXPECT_TOY_LOOP") == "1"


def engine(**kw):
    e = jiceng.Engine(**kw)
    e.org.load_json(ORG, now=T0)
    return e


class NoLoopTests(unittest.TestCase):
    def test_unknown_loop(self):
        e = engine()
        # The built-in loops are hosted; the toy loop only by libjiceng_toy.so.
        self.assertIn("commitments", e.loops.names())
        self.assertIn("assessment", e.loops.names())
        self.assertIn("mediation", e.loops.names())
        self.assertIn("deliberation", e.loops.names())
        self.assertEqual("toy" in e.loops.names(), EXPECT_TOY)
        self.assertIn("projects", e.loops.names())
        self.assertIn("fund", e.loops.names())
        with self.assertRaises(KeyError):
            e.loops["lamp"]
        with self.assertRaises(AttributeError):
            e.loops.lamp


@unittest.skipUnless(EXPECT_TOY, "needs libjiceng_toy.so (ctest capi_python_loops)")
class ToyLoopTests(unittest.TestCase):
    def setUp(self):
        self.e = engine()
        self.toy = self.e.loops.toy

    def test_table_and_events(self):
        self.assertIn("toy", self.e.loops)
        self.assertEqual(self.toy.events, ("flip",))
        self.assertEqual(self.toy.states, ("off", "on"))
        self.assertEqual(self.toy.table["rows"][0]["from"], "new")

    def test_commands_and_queries(self):
        r = self.toy.flip(WORKER, unit="C11", note="灯", now=T0 + 1)
        self.assertEqual((r.item, r.id), (1, "T00000001"))
        self.assertEqual(r.seq, self.e.last_seq)
        self.toy.flip(WORKER, item="T00000001", now=T0 + 2)
        got = self.toy.get(1)
        self.assertEqual(got["state"], "off")
        self.assertEqual(got["data"], {"flips": 2, "note": "灯"})
        self.assertEqual(self.toy.counts(), {"off": 1, "on": 0})
        self.assertEqual([i["id"] for i in self.toy.list(unit="S1")], ["T00000001"])
        self.assertEqual(self.toy.list(state="on"), [])

    def test_bad_input_changes_nothing(self):
        self.toy.flip(WORKER, unit="C11", now=T0)
        before = self.e.snapshot()
        cases = [
            (jiceng.PermissionDenied, lambda: self.toy.flip(OTHER, item=1, now=T0 + 1)),
            (jiceng.PermissionDenied, lambda: self.toy.flip(Actor("system", Role.SYSTEM), item=1, now=T0 + 1)),
            (jiceng.NotFound, lambda: self.toy.flip(WORKER, item=9, now=T0 + 1)),
            (jiceng.NotFound, lambda: self.toy.command("explode", WORKER, item=1, now=T0 + 1)),
            (jiceng.InvalidArgument, lambda: self.toy.flip(WORKER, item=1, note="x" * 201, now=T0 + 1)),
            (jiceng.InvalidArgument, lambda: self.toy.flip(WORKER, item=1, now=T0 - 1)),
            (jiceng.InvalidArgument, lambda: self.toy.flip(WORKER, item=1, note="a\0b", now=T0 + 1)),
            (jiceng.InvalidArgument, lambda: self.toy.command("flip\0x", WORKER, item=1, now=T0 + 1)),
            (jiceng.InvalidArgument, lambda: self.toy.flip(WORKER, item=2**64 + 1, now=T0 + 1)),
            (jiceng.InvalidArgument, lambda: self.toy.flip(WORKER, item="T0000000x", now=T0 + 1)),
            (jiceng.InvalidArgument, lambda: self.toy.flip(WORKER, item=1, now=2**63)),
            (jiceng.InvalidArgument, lambda: self.toy.list(limit=2**64)),
            (jiceng.InvalidArgument, lambda: self.toy.list(unit="S\0")),
            (jiceng.InvalidArgument, lambda: self.toy.query("get\0", item=1)),
            (ValueError, lambda: self.toy.flip(WORKER, item=1, ratio=float("nan"), now=T0 + 1)),
            (jiceng.InvalidArgument, lambda: self.toy.flip(WORKER, item=1, ratio=0.5, now=T0 + 1)),
            (AttributeError, lambda: self.toy.explode),
        ]
        for exc, call in cases:
            with self.assertRaises(exc):
                call()
        self.assertEqual(self.e.snapshot(), before)
        with self.assertRaises(jiceng.NotFound) as cm:
            self.toy.get(42)
        self.assertIn("T00000042", str(cm.exception))

    def test_batch_rolls_back(self):
        self.toy.flip(WORKER, unit="C11", now=T0)
        before = self.e.snapshot()

        def body(en):
            en.loops.toy.flip(WORKER, item=1, now=T0 + 1)
            en.loops.toy.flip(WORKER, unit="C12", now=T0 + 1)
            raise RuntimeError("changed my mind")

        with self.assertRaises(Exception):
            self.e.batch(body)
        self.assertEqual(self.e.snapshot(), before)

    def test_journaled_and_reopened(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "j.db")
            e = engine(journal=path)
            e.loops.toy.flip(WORKER, unit="C11", now=T0 + 1)
            e.loops.toy.flip(WORKER, item=1, now=T0 + 2)
            snap = e.snapshot()
            del e
            r = jiceng.Engine(journal=path)
            self.assertEqual(r.snapshot(), snap)
            self.assertEqual(r.loops.toy.get(1)["state"], "off")


if __name__ == "__main__":
    unittest.main()
