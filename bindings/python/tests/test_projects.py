"""engine.projects and engine.fund (issue 20): a practical project approved by a decision
record and paid for by the community service fund; money as decimal strings both ways;
refusals (overspend, a negative category, a float, a spend before approval) that change
nothing; the board, the four lists of a 大党委 and the yearly statement."""

import decimal
import unittest

import jiceng
from jiceng import Actor, Role

T0 = 1772413200  # 2026-03-02 09:00 China time
ORG = """{"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "J1", "name": "片区大党委", "level": 2, "kind": "joint_committee", "parent": "S1"},
 {"id": "R1", "name": "区医院党委", "level": 2, "kind": "resident_unit", "parent": "S1"},
 {"id": "C11", "name": "南亭社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "G111", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C11"}
], "links": [{"type": "joint", "from": "J1", "to": "C11"}, {"type": "joint", "from": "J1", "to": "R1"}]}"""
STAFF = Actor("w1", Role.COMMUNITY_STAFF, "C11")
SECRETARY = Actor("sec", Role.COMMUNITY_SECRETARY, "C11")
STREET = Actor("s1", Role.STREET_OFFICER, "S1")


class ProjectsAndFund(unittest.TestCase):
    def setUp(self):
        self.e = jiceng.Engine(policy="wuzhong")
        self.e.org.load_json(ORG, now=T0 - 3600)

    def propose(self):
        return self.e.projects.propose(
            STAFF, now=T0, unit="G111", kind="practical", title="高龄老人助餐点", lead_unit="C11",
            co_units=["R1"], needs=[{"kind": "list", "ref": "八十岁以上老人吃饭难"}],
            resources=[{"by": "R1", "what": "营养配餐", "month": 3, "value": decimal.Decimal("3000")}],
            budget=50000, rollup="weighted", milestones=[{"name": "选址", "weight": 1}, {"name": "建成", "weight": 3}],
            due="2026-06-30")

    def test_named_attributes(self):
        self.assertIsInstance(self.e.projects, jiceng.loops.Loop)
        self.assertEqual(self.e.projects.id_prefix, "P")
        self.assertEqual(self.e.fund.id_prefix, "F")
        self.assertIn("spend", self.e.fund.events)
        self.assertIn("miss_review", self.e.projects.events)

    def test_a_project_paid_for_by_the_fund(self):
        p = self.propose()
        self.assertEqual(p.id, "P00000001")
        self.assertEqual(self.e.projects.get(p.id)["data"]["budget_fen"], 5000000)
        a = self.e.fund.open(STREET, now=T0, unit="C11", year=2026, allocation="200000.00")
        spend = dict(project=p.id, decision="南亭-2026-3", category="public_service",
                     amount=decimal.Decimal("50000.00"), purpose="助餐点")
        snap, seq = self.e.snapshot(), self.e.last_seq
        with self.assertRaises(jiceng.IllegalTransition):  # before the decision
            self.e.fund.spend(SECRETARY, item=a.id, now=T0 + 60, **spend)
        self.assertEqual((self.e.snapshot(), self.e.last_seq), (snap, seq))
        self.e.projects.approve(SECRETARY, item=p.id, now=T0 + 120, decided_by="社区党委会议",
                                record="南亭-2026-3", decided_on="2026-03-02")
        self.e.fund.spend(SECRETARY, item=a.id, now=T0 + 180, **spend)
        snap, seq = self.e.snapshot(), self.e.last_seq
        for bad, err in (({"amount": "150000.01"}, jiceng.IllegalTransition),
                         ({"category": "office_expenses"}, jiceng.IllegalTransition),
                         ({"amount": 10.5}, jiceng.InvalidArgument),
                         ({"amount": "0.001"}, jiceng.InvalidArgument),
                         ({"project": "P00000042"}, jiceng.NotFound)):
            with self.assertRaises(err, msg=str(bad)):
                self.e.fund.spend(SECRETARY, item=a.id, now=T0 + 240, **dict(spend, **bad))
        with self.assertRaises(jiceng.InvalidArgument):
            self.e.fund.spend(SECRETARY, item=a.id, now=T0 + 240, **dict(spend, amount=decimal.Decimal("1.005")))
        self.assertEqual((self.e.snapshot(), self.e.last_seq), (snap, seq))
        st = self.e.fund.statement(unit="C11", year=2026)
        self.assertEqual((st["allocation"], st["spent"], st["balance"]), ("200000.00", "50000.00", "150000.00"))
        self.assertTrue(st["balanced"])
        self.assertEqual(self.e.fund.ledger(year=2026)[0]["community"], "C11")
        board = self.e.projects.board(unit="C11")
        self.assertEqual(board[0]["state"], "approved")
        lists = self.e.projects.four_lists("J1")
        self.assertEqual(lists["needs"][0]["ref"], "八十岁以上老人吃饭难")
        self.assertEqual(lists["resources"][0]["value"], "3000.00")
        self.assertEqual([r["unit"] for r in lists["responsibilities"]], ["C11", "R1"])
        self.assertEqual(self.e.projects.findings(), [])

    def test_each_spend_posted_fifteen_days(self):
        """A spend's own notice (居 34): up from Monday 03-02 through Tuesday 03-17; taken down
        one second before 03-18 00:00 it is a finding; the clock completes the other."""
        p = self.propose()
        self.e.projects.approve(SECRETARY, item=p.id, now=T0 + 60, decided_by="社区党委会议",
                                record="南亭-2026-3", decided_on="2026-03-02")
        a = self.e.fund.open(STREET, now=T0, unit="C11", year=2026, allocation="200000.00")
        for n in range(2):
            self.e.fund.spend(SECRETARY, item=a.id, now=T0 + 120 + n, project=p.id, decision="南亭-2026-3",
                              category="public_service", amount=decimal.Decimal("100.00"), purpose="餐桌")
        for n in (1, 2):
            self.e.fund.disclose(SECRETARY, item=a.id, now=T0 + 180 + n, spend=n, channel="居务公开栏",
                                 **{"from": "2026-03-02"})
        snap, seq = self.e.snapshot(), self.e.last_seq
        with self.assertRaises(jiceng.InvalidArgument):
            self.e.fund.disclose(SECRETARY, item=a.id, now=T0 + 240, spend=3, channel="栏", **{"from": "2026-03-02"})
        with self.assertRaises(jiceng.IllegalTransition):
            self.e.fund.disclose(SECRETARY, item=a.id, now=T0 + 240, spend=1, channel="栏", **{"from": "2026-03-02"})
        self.assertEqual((self.e.snapshot(), self.e.last_seq), (snap, seq))
        end = T0 - 9 * 3600 + 16 * 86400  # 2026-03-18 00:00 China time
        self.e.fund.take_down(SECRETARY, item=a.id, now=end - 1, spend=2, reason="公开栏维修")
        self.e.tick(end)
        spends = self.e.fund.statement(item=a.id)["spend_list"]
        self.assertEqual([s["disclosure"]["state"] for s in spends], ["disclosed", "taken_down"])
        self.assertEqual(spends[0]["disclosure"]["last_day"], "2026-03-17")
        f = self.e.fund.findings(unit="C11", year=2026)
        self.assertEqual([(x["code"], x["spend"], x["on"]) for x in f],
                         [("disclosure_taken_down_early", 2, "2026-03-17")])

    def test_needs_and_the_deciding_matter_are_checked(self):
        """Needs name the policy's petition categories; an approval naming a deliberation
        matter is checked through the host; a village item above 50,000 yuan needs a
        四议两公开 matter (project.decision). Refusals change nothing."""
        snap, seq = self.e.snapshot(), self.e.last_seq
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            self.e.projects.propose(STAFF, now=T0, unit="G111", kind="practical", title="助餐点", lead_unit="C11",
                                    needs=[{"kind": "category", "ref": "elderly_care"}], rollup="equal",
                                    milestones=[{"name": "建成"}], due="2026-06-30")
        self.assertIn("needs[0].ref", str(cm.exception))
        with self.assertRaises(jiceng.NotFound):
            self.e.projects.propose(STAFF, now=T0, unit="G111", kind="practical", title="助餐点", lead_unit="C11",
                                    needs=[{"kind": "petition", "ref": "P00000042"}], rollup="equal",
                                    milestones=[{"name": "建成"}], due="2026-06-30")
        self.assertEqual((self.e.snapshot(), self.e.last_seq), (snap, seq))
        p = self.e.projects.propose(STAFF, now=T0, unit="G111", kind="village_plan", tier="基础", title="道路",
                                    lead_unit="G111", budget=decimal.Decimal("50000.01"), rollup="equal",
                                    milestones=[{"name": "建成"}], due="2026-06-30",
                                    needs=[{"kind": "category", "ref": "elderly_meals"}])
        snap, seq = self.e.snapshot(), self.e.last_seq
        decision = dict(decided_by="社区党委会议", record="2026-3", decided_on="2026-03-02")
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            self.e.projects.approve(SECRETARY, item=p.id, now=T0 + 60, **decision)
        self.assertIn("四议两公开", str(cm.exception))
        with self.assertRaises(jiceng.NotFound):
            self.e.projects.approve(SECRETARY, item=p.id, now=T0 + 60, matter="M00000001", **decision)
        self.assertEqual((self.e.snapshot(), self.e.last_seq), (snap, seq))


    def test_a_need_named_twice_is_refused(self):
        """The same need twice would list the project twice under it (query lists)."""
        snap, seq = self.e.snapshot(), self.e.last_seq
        for needs in ([{"kind": "category", "ref": "elderly_meals"}, {"kind": "category", "ref": "elderly_meals"}],
                      [{"kind": "list", "ref": "助餐"}, {"kind": "category", "ref": "elderly_meals"},
                       {"kind": "list", "ref": "助餐"}]):
            with self.assertRaises(jiceng.InvalidArgument) as cm:
                self.e.projects.propose(STAFF, now=T0, unit="G111", kind="practical", title="助餐点", lead_unit="C11",
                                        needs=needs, rollup="equal", milestones=[{"name": "建成"}], due="2026-06-30")
            self.assertIn("needs[%d]" % (len(needs) - 1), str(cm.exception))
            self.assertIn("is listed twice", str(cm.exception))
            self.assertEqual((self.e.snapshot(), self.e.last_seq), (snap, seq))
        self.e.projects.propose(STAFF, now=T0, unit="G111", kind="practical", title="助餐点", lead_unit="C11",
                                needs=[{"kind": "list", "ref": "elderly_meals"}, {"kind": "category", "ref": "elderly_meals"}],
                                rollup="equal", milestones=[{"name": "建成"}], due="2026-06-30")

    def test_leading_zeros_of_an_amount_are_not_digits_of_it(self):
        """"00000000000050000.00" is 50,000 yuan, not an amount above the limit."""
        p = self.e.projects.propose(STAFF, now=T0, unit="G111", kind="practical", title="助餐点", lead_unit="C11",
                                    budget="00000000000050000.00", rollup="equal", milestones=[{"name": "建成"}],
                                    due="2026-06-30")
        self.assertEqual(self.e.projects.get(p.id)["data"]["budget_fen"], 5000000)
        snap, seq = self.e.snapshot(), self.e.last_seq
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            self.e.projects.propose(STAFF, now=T0, unit="G111", kind="practical", title="助餐点", lead_unit="C11",
                                    budget="0001000000000000", rollup="equal", milestones=[{"name": "建成"}],
                                    due="2026-06-30")
        self.assertIn("exceeds 100000000000.00", str(cm.exception))
        self.assertEqual((self.e.snapshot(), self.e.last_seq), (snap, seq))

if __name__ == "__main__":
    unittest.main()
