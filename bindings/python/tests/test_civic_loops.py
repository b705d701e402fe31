"""engine.commitments (承诺, 述职评议) and engine.assessment (考评, 红黑榜) through the
generic C surface: commitments ticked off and overdue, the second consecutive 不称职
ending an office by the clock's event, scores below zero on the black list, bad input
raising a typed error and changing nothing."""

import datetime as dt
import unittest

import jiceng
from jiceng import Actor, Role

ORG = {"schema": "urban_grid", "units": [
    {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
    {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
    {"id": "C11", "name": "龙桥社区", "level": 2, "kind": "community_committee", "parent": "S1"},
    {"id": "C12", "name": "乙社区", "level": 2, "kind": "community_committee", "parent": "S1"},
    {"id": "G111", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C11"},
    {"id": "PB1", "name": "甲物业党支部", "level": 3, "kind": "property_branch", "parent": "C11"}],
    "links": [{"type": "serves", "from": "PB1", "to": "G111", "tripartite_agreement": True}],
    "members": [{"id": "m1", "name": "张三", "party_member": True, "org_unit": "C11"}]}
T0 = dt.datetime(2026, 10, 8, 9, 0, tzinfo=jiceng.CST)
SEC = Actor("sec1", Role.COMMUNITY_SECRETARY, "C11")
STAFF = Actor("st1", Role.COMMUNITY_STAFF, "C11")
OTHER = Actor("st2", Role.COMMUNITY_STAFF, "C12")
STREET = Actor("s1", Role.STREET_OFFICER, "S1")
DISTRICT = Actor("d1", Role.DISTRICT_OFFICER, "D")
DRAFT = dict(unit="C11", owner="committee", category="惠及民生实事", text="老旧小区加装电梯3部",
             measure="3部电梯投入使用", due="2026-12-31", term_start=2026)


def engine():
    e = jiceng.Engine(policy="wuzhong")
    e.org.load_json(ORG, now=T0 - dt.timedelta(days=30))
    return e


class CommitmentsTest(unittest.TestCase):
    def test_ticked_off_and_overdue(self):
        with engine() as e:
            c = e.commitments
            self.assertIs(c, e.commitments)
            self.assertIn("submit_evidence", c.events)
            done = c.draft(SEC, now=T0, **DRAFT)
            late = c.draft(SEC, now=T0, **DRAFT)
            self.assertEqual(done.id, "C00000001")
            for r in (done, late):
                c.approve(SEC, item=r.item, now=T0, note="党员大会逐项审定")
                c.publish(STAFF, item=r.id, now=T0)
            c.progress(STAFF, item=done.item, now=T0, period="2026Q4", text="完成选址", percent=40)
            c.submit_evidence(STAFF, item=done.item, now=T0, evidence=["竣工验收报告"])
            c.confirm(STREET, item=done.item, now=T0, note="核验无误")
            e.tick(dt.datetime(2027, 1, 1, 0, 0, tzinfo=jiceng.CST))
            self.assertEqual(c.get(done.item)["state"], "done")
            self.assertEqual(c.get(late.item)["state"], "overdue")
            board = c.board(unit="S1")
            self.assertEqual(board["totals"]["done_percent"], "50.00")
            self.assertEqual(board["totals"]["overdue"], 1)

    def test_two_consecutive_unfit_end_the_office(self):
        with engine() as e:
            c = e.commitments
            for year, grade in ((2026, "不称职"), (2027, "称职"), (2028, "不称职"), (2029, "不称职")):
                when = dt.datetime(year + 1, 1, 10, tzinfo=jiceng.CST)
                r = c.open_review(SEC, now=when, unit="C11", member="m1", year=year, office="residents_committee")
                c.rate_org(STREET, item=r.item, now=when, grade=grade)
                c.rate_members(STAFF, item=r.item, now=when, grade=grade, raters=40)
                c.rate_residents(STAFF, item=r.item, now=when, grade=grade, raters=25)
                c.conclude(STREET, item=r.item, now=when, grade=grade)
                e.tick(when + dt.timedelta(minutes=1))
                ended = c.offices()["ended"]
                # 不称职, 称职, 不称职 does not end it; the fourth (the second in a row) does.
                self.assertEqual(len(ended), 1 if year == 2029 else 0, year)
            self.assertEqual(ended[0]["member_name"], "张三")
            self.assertEqual(ended[0]["year"], 2029)
            self.assertEqual(c.reviews(member="m1")["grades"]["不称职"], 3)

    def test_a_year_without_the_next_review_is_a_finding(self):
        with engine() as e:
            c = e.commitments
            when = dt.datetime(2027, 1, 10, tzinfo=jiceng.CST)
            r = c.open_review(SEC, now=when, unit="C11", member="m1", year=2026, office="residents_committee")
            for rate, who in ((c.rate_org, STREET), (c.rate_members, STAFF), (c.rate_residents, STAFF)):
                rate(who, item=r.item, now=when, grade="称职")
            c.conclude(STREET, item=r.item, now=when, grade="称职")
            e.tick(dt.datetime(2027, 12, 31, 23, 59, tzinfo=jiceng.CST))
            self.assertEqual(c.reviews()["missed"], [])
            e.tick(dt.datetime(2028, 1, 1, 0, 0, tzinfo=jiceng.CST))
            missed = c.reviews()["missed"]
            self.assertEqual([(m["member"], m["year"], m["code"]) for m in missed], [("m1", 2027, "review_missed")])

    def test_bad_input_changes_nothing(self):
        with engine() as e:
            c = e.commitments
            r = c.draft(SEC, now=T0, **DRAFT)
            c.approve(SEC, item=r.item, now=T0)
            c.publish(STAFF, item=r.item, now=T0)
            rv = c.open_review(SEC, now=T0, unit="C11", member="m1", year=2026, office="residents_committee")
            before, seq = e.snapshot(), e.last_seq
            with self.assertRaises(jiceng.PermissionDenied):
                c.submit_evidence(OTHER, item=r.item, now=T0, evidence=["x"])
            with self.assertRaises(jiceng.InvalidArgument) as cm:
                c.rate_org(STREET, item=rv.item, now=T0, grade="差")
            self.assertIn("not in the grade set", str(cm.exception))
            with self.assertRaises(jiceng.InvalidArgument):
                c.draft(SEC, now=T0, **dict(DRAFT, due="2031-06-30"))
            self.assertEqual(e.snapshot(), before)
            self.assertEqual(e.last_seq, seq)


class AssessmentTest(unittest.TestCase):
    def test_scores_below_zero_and_the_lists(self):
        with engine() as e:
            a = e.assessment
            co = a.register_company(DISTRICT, now=T0, unit="D", name="苏州甲物业", credit_code="91320506MA1ABCDE01",
                                    projects=["G111"])
            a.record(STREET, now=T0, unit="S1", company=co.id, project="G111", credit="bad", points=-80,
                     reason="消防通道长期堵塞")
            a.record(DISTRICT, now=T0, unit="D", company=co.id, credit="bad", points=-30, reason="拒不整改")
            s = a.scores(period="2026Q4")
            self.assertEqual(s["companies"][0]["score"], -10)
            self.assertEqual(s["companies"][0]["grade"], "C")
            self.assertEqual(s["black"], [co.id])
            self.assertEqual(a.companies()[0]["projects"], ["G111"])
            p = a.open_period(DISTRICT, now=T0, unit="D", period="2026Q4")
            # The petition figures are read from the petitions routed to the company's branch.
            resident = Actor("R1", Role.RESIDENT)
            handler = Actor("pb", Role.PROPERTY_COMPANY, "PB1")
            ids = []
            for k in range(2):
                pid = e.petitions.submit(resident, location="G111", category="property", text=f"电梯故障 {k} 号楼", now=T0)
                e.petitions.accept(STAFF, pid, now=T0)
                e.petitions.dispatch(STAFF, pid, "PB1", now=T0)
                e.petitions.sign(handler, pid, now=T0)
                ids.append(pid)
            self.assertEqual(a.scores(period="2026Q4")["companies"][0]["petitions"]["closed_percent"], "0.00")
            e.petitions.resolve(handler, ids[0], "已修复", now=T0 + dt.timedelta(hours=1))
            e.petitions.evaluate(resident, ids[0], now=T0 + dt.timedelta(hours=2))
            live = a.scores(period="2026Q4")["companies"][0]["petitions"]
            self.assertEqual((live["received"], live["closed_percent"], live["satisfied_percent"]),
                             (2, "50.00", "100.00"))
            self.assertEqual(live["branches"], ["PB1"])
            a.publish(DISTRICT, item=p.item, now=dt.datetime(2027, 1, 2, tzinfo=jiceng.CST))
            self.assertEqual(a.periods()[0]["black"], [co.id])
            row = a.get(p.item)["data"]["results"]["companies"][0]
            self.assertEqual(row["petitions"]["closed_percent"], "50.00")
            self.assertFalse(hasattr(a, "figures"))  # no payload brings figures of its own

    def test_amended_records_and_periods_closed_by_the_clock(self):
        with engine() as e:
            a = e.assessment
            co = a.register_company(DISTRICT, now=T0, unit="D", name="苏州甲物业", credit_code="91320506MA1ABCDE01",
                                    projects=["G111"])
            r = a.record(STREET, now=T0, unit="S1", company=co.id, project="G111", credit="bad", points=-50,
                         reason="消防通道长期堵塞")
            p = a.open_period(DISTRICT, now=T0, unit="D", period="2026Q4")
            before, seq = e.snapshot(), e.last_seq
            with self.assertRaises(jiceng.InvalidArgument):
                a.amend(STREET, item=r.item, now=T0, points=-50, reason="未改动")
            self.assertEqual((e.snapshot(), e.last_seq), (before, seq))
            a.amend(STREET, item=r.item, now=T0, points=-10, reason="复核核减")
            self.assertEqual(a.scores(period="2026Q4")["companies"][0]["score"], 90)
            self.assertEqual(a.get(r.item)["data"]["amendments"][0]["points_before"], -50)
            e.tick(dt.datetime(2027, 1, 1, 0, 0, tzinfo=jiceng.CST))
            self.assertEqual(a.get(p.item)["state"], "published")
            self.assertEqual(a.periods()[0]["red"], [co.id])

    def test_unknown_company_changes_nothing(self):
        with engine() as e:
            before, seq = e.snapshot(), e.last_seq
            with self.assertRaises(jiceng.NotFound) as cm:
                e.assessment.record(DISTRICT, now=T0, unit="D", company="A00000042", credit="bad", points=-5,
                                    reason="x")
            self.assertIn("A00000042", str(cm.exception))
            self.assertEqual(e.snapshot(), before)
            self.assertEqual(e.last_seq, seq)


if __name__ == "__main__":
    unittest.main()
