"""Residents' participation through the Python binding: 附议 (support), its withdrawal and
the needs list it feeds; refusals change nothing (digest and last_seq)."""

import datetime as dt
import unittest

import jiceng
from jiceng import Actor, Role

MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
HOUR = dt.timedelta(hours=1)
HOUSEHOLD = "H-G01B01-0101"
COMMUNITY = "320506001001"
OFFICER = Actor("S-1", Role.STREET_OFFICER, "320506001")


class SupportTests(unittest.TestCase):
    def setUp(self):
        self.e = jiceng.Engine(policy="suzhou-sip")
        self.addCleanup(self.e.close)
        self.e.org.load_sample(now=MON - dt.timedelta(days=1))
        self.p = self.e.petitions
        self.id = self.p.submit(Actor("R-1"), location=HOUSEHOLD, category="noise", text="广场舞噪音", now=MON)

    def state(self):
        return self.e.digest(), self.e.last_seq

    def test_one_support_per_resident_then_withdraw_and_again(self):
        self.p.support(Actor("R-2"), self.id, now=MON + HOUR)
        view = self.p.get(self.id)
        self.assertEqual(view["supporters"], 1)
        self.assertEqual(view["priority"], 2)
        self.assertEqual(view["state"], "received")
        before = self.state()
        with self.assertRaises(jiceng.IllegalTransition) as ctx:
            self.p.support(Actor("R-2"), self.id, now=MON + 2 * HOUR)
        self.assertIn("supports it already", str(ctx.exception))
        with self.assertRaises(jiceng.PermissionDenied):
            self.p.support(Actor("R-1"), self.id, now=MON + 2 * HOUR)
        with self.assertRaises(jiceng.PermissionDenied):
            self.p.support(OFFICER, self.id, now=MON + 2 * HOUR)
        with self.assertRaises(jiceng.NotFound):
            self.p.support(Actor("R-3"), self.id + 1, now=MON + 2 * HOUR)
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.support(Actor("R-3\0x"), self.id, now=MON + 2 * HOUR)
        self.assertEqual(self.state(), before)
        self.p.withdraw_support(Actor("R-2"), self.id, now=MON + 2 * HOUR)
        self.assertEqual(self.p.get(self.id)["supporters"], 0)
        self.p.support(Actor("R-2"), self.id, now=MON + 3 * HOUR)
        self.assertEqual(self.p.get(self.id)["supporters"], 1)
        kinds = [ev["type"] for ev in self.p.history(self.id)]
        self.assertEqual(kinds[-3:], ["support", "withdraw_support", "support"])

    def test_the_needs_list_puts_the_shared_need_first(self):
        other = self.p.submit(Actor("R-9"), location=HOUSEHOLD, category="noise", text="装修噪音", now=MON + HOUR)
        self.assertEqual(self.p.needs_list(), [self.id, other])
        self.p.support(Actor("R-2"), other, now=MON + 2 * HOUR)
        self.assertEqual(self.p.needs_list(COMMUNITY), [other, self.id])
        with self.assertRaises(jiceng.NotFound):
            self.p.needs_list("nowhere")

    def test_supporters_survive_a_restore(self):
        self.p.support(Actor("R-2"), self.id, now=MON + HOUR)
        snap = self.e.snapshot()
        other = jiceng.Engine(policy="national")
        self.addCleanup(other.close)
        other.restore(snap)
        self.assertEqual(other.petitions.get(self.id)["supporters"], 1)
        with self.assertRaises(jiceng.IllegalTransition):
            other.petitions.support(Actor("R-2"), self.id, now=MON + 2 * HOUR)


class MergeAndNotOursTests(unittest.TestCase):
    def setUp(self):
        self.e = jiceng.Engine(policy="suzhou-sip")
        self.addCleanup(self.e.close)
        self.e.org.load_sample(now=MON - dt.timedelta(days=1))
        self.p = self.e.petitions
        self.a = self.p.submit(Actor("R-1"), location=HOUSEHOLD, category="noise", text="广场舞噪音", now=MON)
        self.b = self.p.submit(Actor("R-2"), location=HOUSEHOLD, category="noise", text="广场舞音响太吵", now=MON + HOUR)
        self.grid = Actor("G-1", Role.GRID_WORKER, "320506001001G01")

    def state(self):
        return self.e.digest(), self.e.last_seq

    def test_a_merge_keeps_links_and_supporters_after_a_restore(self):
        self.assertEqual(self.p.duplicates(self.a), [self.b])
        self.p.support(Actor("R-3"), self.a, now=MON + 2 * HOUR)
        before = self.state()
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.merge(self.grid, self.a, self.a, now=MON + 3 * HOUR)
        with self.assertRaises(jiceng.NotFound):
            self.p.merge(self.grid, self.a, 2**64 - 1, now=MON + 3 * HOUR)
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.merge(self.grid, self.a, 2**64, now=MON + 3 * HOUR)
        self.assertEqual(self.state(), before)
        self.p.merge(self.grid, self.a, self.b, now=MON + 3 * HOUR)
        merged, kept = self.p.get(self.a), self.p.get(self.b)
        self.assertEqual(merged["state"], "merged")
        self.assertEqual(merged["merged_into"], jiceng.display_id(self.b))
        self.assertIn("P00000002", merged["notice"])
        self.assertEqual(kept["merged_from"], [jiceng.display_id(self.a)])
        self.assertEqual(kept["supporters"], 2)
        with self.assertRaises(jiceng.IllegalTransition):
            self.p.merge(self.grid, self.a, self.b, now=MON + 4 * HOUR)
        other = jiceng.Engine(policy="national")
        self.addCleanup(other.close)
        other.restore(self.e.snapshot())
        self.assertEqual(other.petitions.get(self.b), kept)
        self.assertEqual(other.digest(), self.e.digest())

    def test_not_ours_needs_who_is_competent(self):
        staff = Actor("C-2", Role.COMMUNITY_STAFF, COMMUNITY)
        self.p.accept(staff, self.a, now=MON + HOUR)
        self.p.dispatch(staff, self.a, "320506001001G01", now=MON + 2 * HOUR)
        before = self.state()
        with self.assertRaises(jiceng.InvalidArgument) as ctx:
            self.p.return_not_ours(self.grid, self.a, "不归我们管", now=MON + 3 * HOUR)
        self.assertIn("must name the competent unit", str(ctx.exception))
        with self.assertRaises(jiceng.NotFound):
            self.p.return_not_ours(self.grid, self.a, "x", competent_unit="nowhere", now=MON + 3 * HOUR)
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.return_not_ours(self.grid, self.a, "x", external_body="供电\0公司", now=MON + 3 * HOUR)
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.return_not_ours(self.grid, self.a, "x", external_body="供电公司" * 20, now=MON + 3 * HOUR)
        self.assertEqual(self.state(), before)
        self.p.return_not_ours(self.grid, self.a, "线路属供电公司产权", external_body="国网供电公司", now=MON + 3 * HOUR)
        no = self.p.get(self.a)["not_ours"]
        self.assertEqual(no["external_body"], "国网供电公司")
        self.assertEqual(no["returned_by"], "320506001001G01")
        self.assertEqual(no["reason"], "线路属供电公司产权")
        self.assertEqual(self.e.kpi(unit="320506001001G01")["counts"]["not_ours_returns"], 1)


if __name__ == "__main__":
    unittest.main()
