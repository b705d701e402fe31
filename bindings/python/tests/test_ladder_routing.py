"""Issue 23 from Python: the escalation ladder as data, response templates, 四方协同 routing."""

import datetime as dt
import json
import unittest

import jiceng
from jiceng import Actor, Role

CST = jiceng.CST
HOUSEHOLD = "H-G01B01-0101"
C01_HOUSEHOLD, C02_HOUSEHOLD = "H-C01B01-1201", "H-C02B01-0301"
STREET, COMMUNITY, GRID = "320506001", "320506001001", "320506001001G01"
RESIDENT = Actor("R-1", Role.RESIDENT)
OFFICER = Actor("S-1", Role.STREET_OFFICER, STREET)
STAFF = Actor("C-2", Role.COMMUNITY_STAFF, COMMUNITY)


def at(y, m, d, h=9, mi=0, s=0):
    return dt.datetime(y, m, d, h, mi, s, tzinfo=CST)


LADDER = {"name": "py-ladder", "extends": "national", "rules": [
    {"id": "petition.escalation_ladder", "severity": "info",
     "params": {"rungs": [{"after_dispatch": "3wd", "level": 1, "action": "warn"},
                          {"after_due": "1wd", "level": 2, "action": "reassign"}]},
     "message_zh": "督办阶梯", "message_en": "ladder", "source": "test"}]}


class LadderTests(unittest.TestCase):
    def setUp(self):
        self.e = jiceng.Engine(policy="national")
        self.addCleanup(self.e.close)
        self.e.org.load_sample(now=at(2026, 2, 1))
        self.e.set_policy(json.dumps(LADDER), now=at(2026, 2, 1))
        self.p = self.e.petitions

    def test_warn_rung_fires_at_its_boundary_across_the_holiday(self):
        pid = self.p.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="噪音", now=at(2026, 2, 12, 8))
        self.p.accept(OFFICER, pid, now=at(2026, 2, 12, 9))
        self.p.dispatch(STAFF, pid, now=at(2026, 2, 12, 10))
        self.p.sign(STAFF, pid, now=at(2026, 2, 12, 11))
        # 3 working days after Thu Feb 12: Fri 13, Sat 14 (make-up), Tue 24 (after 春节).
        self.e.tick(at(2026, 2, 24, 17, 29, 59))
        self.assertEqual(self.p.get(pid)["urges"], 0)
        self.e.tick(at(2026, 2, 24, 17, 30))
        v = self.p.get(pid)
        self.assertEqual(v["urges"], 1)
        self.assertEqual(v["ladder_level"], 1)
        self.assertEqual(v["current_unit"], GRID)
        last = self.p.history(pid)[-1]
        self.assertEqual(last["type"], "urge")
        self.assertTrue(last["payload"]["automatic"])
        self.assertIn("rung 1 (level 1, warn)", last["payload"]["reason"])

    def test_a_malformed_ladder_changes_nothing(self):
        before, seq = self.e.digest(), self.e.last_seq
        bad = json.loads(json.dumps(LADDER))
        bad["rules"][0]["params"]["rungs"][0]["action"] = "shout"
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            self.e.set_policy(json.dumps(bad), now=at(2026, 2, 2))
        self.assertIn("params.rungs[0].action", str(cm.exception))
        self.assertEqual((self.e.digest(), self.e.last_seq), (before, seq))


class ResponseAndPartyTests(unittest.TestCase):
    def setUp(self):
        self.e = jiceng.Engine(policy="national")
        self.addCleanup(self.e.close)
        self.e.org.load_sample(now=at(2026, 3, 1))
        self.p = self.e.petitions

    def test_response_text_in_chinese(self):
        pid = self.p.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="噪音", now=at(2026, 3, 2, 8))
        self.assertEqual(self.p.response_text(pid),
                         "您的诉求已登记，编号P00000001，我们将于2026年3月3日 17:30前决定是否受理。")
        with self.assertRaises(jiceng.NotFound):
            self.p.response_text(99)

    def test_unknown_placeholder_refused_at_load(self):
        before, seq = self.e.digest(), self.e.last_seq
        policy = {"name": "t", "extends": "national", "rules": [
            {"id": "petition.responses", "params": {"templates": {"noise": {"dispatched": "已派至{team}"}}}}]}
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            self.e.set_policy(json.dumps(policy), now=at(2026, 3, 2))
        msg = str(cm.exception)
        for part in ("petition.responses", "category noise, state dispatched", "{team}"):
            self.assertIn(part, msg)
        self.assertEqual((self.e.digest(), self.e.last_seq), (before, seq))

    def test_route_party_each_party_and_the_fallback(self):
        r = self.p.route_party("property", C01_HOUSEHOLD)
        self.assertEqual((r["party"], r["party_zh"], r["unit"], r["fallback"]),
                         ("property_company", "物业服务企业", "320506ICP1", False))
        r = self.p.route_party("property", C02_HOUSEHOLD)
        self.assertEqual((r["party"], r["listed"], r["unit"], r["fallback"]),
                         ("compound_party_org", "property_company", "320506001002C02", True))
        self.assertIn("三方协议", r["reason"])
        self.assertEqual(self.p.route_party("noise", C01_HOUSEHOLD)["party"], "owners_committee")
        self.assertEqual(self.p.route_party("elderly_meals", C01_HOUSEHOLD)["party"], "social_organization")
        self.assertEqual(self.p.route_party("property", COMMUNITY)["party"], "none")
        pid = self.p.submit(RESIDENT, location=C01_HOUSEHOLD, category="property", text="电梯", now=at(2026, 3, 2))
        v = self.p.get(pid)
        self.assertEqual((v["party"], v["party_unit"], v["party_fallback"]), ("property_company", "320506ICP1", False))
        before, seq = self.e.digest(), self.e.last_seq
        with self.assertRaises(jiceng.NotFound):
            self.p.route_party("noise", "H-NOWHERE")
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.route_party("Noise!", C01_HOUSEHOLD)
        self.assertEqual((self.e.digest(), self.e.last_seq), (before, seq))


if __name__ == "__main__":
    unittest.main()
