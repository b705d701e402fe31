"""Deliberation (议事) from Python: engine.matters over the shipped library — a matter
through 四议两公开 with the disclosure completed by the clock, a bad roll refused without
changing anything, the art. 278 refusal, the override finding, and a journal reopened."""

import os
import tempfile
import unittest

import jiceng
from jiceng import Actor, Role

ORG = """{"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C1", "name": "泾峰社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "G1", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C1"},
 {"id": "B1", "name": "1幢", "level": 4, "kind": "building_group", "parent": "G1"}
], "members": [
 {"id": "P1", "name": "甲", "party_member": true, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "P2", "name": "乙", "party_member": true, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "P3", "name": "丙", "party_member": true, "org_unit": "G1", "residence_unit": "B1"},
 {"id": "R1", "name": "居民", "party_member": false, "org_unit": "C1", "residence_unit": "B1"}
], "households": [{"id": "H1", "building": "B1"}, {"id": "H2", "building": "B1"}]}"""
T0 = 1_772_413_200  # 2026-03-02T09:00:00+08:00
DAY = 86400
STAFF = Actor("staff1", Role.COMMUNITY_STAFF, "C1")
SECRETARY = Actor("sec1", Role.COMMUNITY_SECRETARY, "C1")
COMMITTEE = [{"person": p, "class": "committee_member"} for p in ("P1", "P2", "P3")]
PARTY = [{"person": p, "class": "party_member"} for p in ("P1", "P2", "P3")]
REPS = [{"person": p, "class": "representative"} for p in ("P1", "P2", "P3", "R1")]


def engine(**kw):
    e = jiceng.Engine(policy="wuzhong", **kw)
    e.org.load_json(ORG, now=T0 - DAY)
    return e


class DeliberationTests(unittest.TestCase):
    def setUp(self):
        self.e = engine()
        self.m = self.e.matters

    def raise_major(self, now=T0):
        return self.m.raise_matter(STAFF, unit="C1", title="加装电梯", kind="public_welfare_project",
                                   raised_by="party_organization", now=now)

    def through_meetings(self):
        r = self.raise_major()
        self.m.start(STAFF, item=r.item, now=T0)
        self.m.meeting(STAFF, r.item, "party_committee", "2026-03-02", COMMITTEE, ["P1", "P2"], yes=["P1", "P2"], now=T0)
        self.m.meeting(STAFF, r.item, "joint_committees", "2026-03-02", COMMITTEE, ["P1", "P2", "P3"],
                       yes=["P1", "P2", "P3"], now=T0)
        self.m.meeting(STAFF, r.item, "party_members_meeting", "2026-03-02", PARTY, ["P1", "P2", "P3"],
                       yes=["P1", "P2"], no=["P3"], now=T0)
        self.m.meeting(STAFF, r.item, "residents_representatives_meeting", "2026-03-02", REPS, ["P1", "P2", "R1"],
                       yes=["P1", "R1"], no=["P2"], now=T0)
        return r

    def test_a_matter_raised_from_petitions_holds_their_evaluation_until_it_ends(self):
        resident = Actor("R1", Role.RESIDENT, "")
        ps = []
        for i, loc in enumerate(("H1", "H2")):
            p = self.e.petitions.submit(resident, location=loc, category="environment", text="楼道堆物 %d" % i,
                                        now=T0)
            self.e.petitions.accept(STAFF, p, now=T0)
            self.e.petitions.dispatch(STAFF, p, unit="C1", now=T0)
            self.e.petitions.sign(STAFF, p, now=T0)
            ps.append(p)
        snap = self.e.snapshot()
        with self.assertRaises(jiceng.InvalidArgument):  # the same petition twice
            self.m.raise_from_petitions(STAFF, [ps[0], ps[0]], unit="C1", title="楼道整治",
                                        kind="public_welfare_project", raised_by="party_organization", now=T0 + 10)
        self.assertEqual(self.e.snapshot(), snap)
        r = self.m.raise_from_petitions(STAFF, ps, unit="C1", title="楼道整治", kind="public_welfare_project",
                                        raised_by="party_organization", now=T0 + 10)
        for p in ps:
            v = self.e.petitions.get(p)
            self.assertEqual(v["state"], "resolved")
            self.assertTrue(v.get("evaluation_held"))
            self.assertIn(r.id, self.e.petitions.history(p)[-1]["payload"]["reason"])
        with self.assertRaises(jiceng.FailedPrecondition):
            self.e.petitions.evaluate(resident, ps[0], satisfaction="satisfied", now=T0 + 20)
        self.m.abandon(SECRETARY, item=r.item, reason="并入街道统一整治", now=T0 + 30 * DAY)
        self.assertFalse(self.e.petitions.get(ps[0]).get("evaluation_held", False))
        self.e.petitions.evaluate(resident, ps[0], satisfaction="satisfied", now=T0 + 30 * DAY + 1)
        self.assertEqual(self.e.petitions.get(ps[0])["state"], "closed")

    def test_named_attribute_and_table(self):
        self.assertIn("deliberation", self.e.loops)
        self.assertIs(self.e.matters, self.m)
        self.assertEqual(self.m.id_prefix, "M")
        self.assertIn("meeting_failed", self.m.events)
        self.assertIn("posted", self.m.states)

    def test_four_deliberations_two_disclosures_with_the_clock(self):
        r = self.through_meetings()
        self.assertEqual(r.id, "M00000001")
        got = self.m.get(r.id)
        self.assertEqual(got["data"]["procedure"], "four_deliberations_two_disclosures")
        self.assertEqual(got["data"]["step"], 4)
        self.m.post(STAFF, item=r.item, channel="board", now=T0, **{"from": "2026-03-02"})
        end = T0 - 9 * 3600 + 16 * DAY  # 24:00 of day 15, 2026-03-17
        self.e.tick(end - 1)
        self.assertEqual(self.m.get(r.item)["state"], "posted")
        self.e.tick(end)
        self.assertEqual(self.m.get(r.item)["state"], "deliberating")
        self.m.implemented(STAFF, item=r.item, note="已安装", now=end + 1)
        self.m.post(STAFF, item=r.item, channel="online", now=end + 2, **{"from": "2026-03-18"})
        self.e.tick(end + 30 * DAY)
        self.m.conclude(STAFF, item=r.item, now=end + 30 * DAY)
        self.assertEqual(self.m.counts()["concluded"], 1)
        self.assertEqual(self.m.review(year=2026)[0]["share_percent"], "100.0%")
        self.assertEqual(self.m.findings(), [])

    def test_a_bad_roll_changes_nothing(self):
        r = self.raise_major()
        self.m.start(STAFF, item=r.item, now=T0)
        before = (self.e.snapshot(), self.e.last_seq, self.m.list())
        cases = [
            ("P1 votes twice", dict(attended=["P1", "P2"], yes=["P1"], no=["P1"])),
            ("R1 votes but is not on the roll", dict(attended=["P1", "P2"], yes=["P1", "R1"])),
            ("attendance 4 exceeds the 3 entitled", dict(attended=["P1", "P2", "P3", "R1"], yes=["P1"])),
        ]
        for says, kw in cases:
            with self.assertRaises(jiceng.InvalidArgument) as cm:
                self.m.meeting(STAFF, r.item, "party_committee", "2026-03-02", COMMITTEE, now=T0 + 1, **kw)
            self.assertIn(says, str(cm.exception))
        with self.assertRaises(jiceng.NotFound) as cm:
            self.m.meeting(STAFF, r.item, "party_committee", "2026-03-02",
                           [{"person": "NOBODY", "class": "committee_member"}], [], now=T0 + 1)
        self.assertIn("NOBODY is not in the org graph", str(cm.exception))
        with self.assertRaises(jiceng.JicengError) as cm:
            self.m.meeting(STAFF, r.item, "party_committee", "2026-03-02", COMMITTEE, ["P1"], yes=["P1"], now=T0 + 1)
        self.assertIn("record it with meeting_failed", str(cm.exception))
        self.assertEqual((self.e.snapshot(), self.e.last_seq, self.m.list()), before)
        self.m.meeting(STAFF, r.item, "party_committee", "2026-03-02", COMMITTEE, ["P1"], yes=["P1"], passed=False,
                       now=T0 + 1)
        self.assertEqual(self.m.get(r.item)["state"], "failed")

    def test_a_residents_meeting_counts_only_those_aged_18_or_over(self):
        r = self.raise_major()
        self.m.start(STAFF, item=r.item, now=T0)
        self.m.meeting(STAFF, r.item, "party_committee", "2026-03-02", COMMITTEE, ["P1", "P2"], yes=["P1", "P2"], now=T0)
        self.m.meeting(STAFF, r.item, "joint_committees", "2026-03-02", COMMITTEE, ["P1", "P2", "P3"],
                       yes=["P1", "P2", "P3"], now=T0)
        self.m.meeting(STAFF, r.item, "party_members_meeting", "2026-03-02", PARTY, ["P1", "P2", "P3"],
                       yes=["P1", "P2"], no=["P3"], now=T0)
        roll = [{"person": "P1", "class": "resident", "born": "1960-05-01"},
                {"person": "P2", "class": "resident", "born": "1990-05-01"},
                {"person": "R1", "class": "resident", "born": "2008-03-03"}]  # 18 on the day after
        before = (self.e.snapshot(), self.e.last_seq, self.m.list())
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            self.m.meeting(STAFF, r.item, "residents_meeting", "2026-03-02", roll, ["P1", "R1"], yes=["P1", "R1"],
                           noticed_on="2026-02-20", now=T0 + 1)
        self.assertIn("R1 is under 18 on 2026-03-02", str(cm.exception))
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            self.m.meeting(STAFF, r.item, "residents_meeting", "2026-03-02", [{"person": "P1", "class": "resident"}],
                           ["P1"], yes=["P1"], noticed_on="2026-02-20", now=T0 + 1)
        self.assertIn('birth date "born" is required', str(cm.exception))
        # 居 第二十六条: announced 10 days ahead (meeting.call), or the reason for short notice.
        with self.assertRaises(jiceng.FailedPrecondition) as cm:
            self.m.meeting(STAFF, r.item, "residents_meeting", "2026-03-02", roll, ["P1", "P2"], yes=["P1", "P2"],
                           now=T0 + 1)
        self.assertIn("announced at least 10 days ahead", str(cm.exception))
        with self.assertRaises(jiceng.FailedPrecondition) as cm:
            self.m.meeting(STAFF, r.item, "residents_meeting", "2026-03-02", roll, ["P1", "P2"], yes=["P1", "P2"],
                           noticed_on="2026-02-27", now=T0 + 1)
        self.assertIn("3 day(s) ahead, fewer than 10", str(cm.exception))
        self.assertEqual((self.e.snapshot(), self.e.last_seq, self.m.list()), before)
        # P1 and the minor attend: 1 of the 2 voters is not more than half.
        with self.assertRaises(jiceng.JicengError) as cm:
            self.m.meeting(STAFF, r.item, "residents_meeting", "2026-03-02", roll, ["P1", "R1"], yes=["P1"],
                           noticed_on="2026-02-20", now=T0 + 1)
        self.assertIn("members attending: 1 of 2", str(cm.exception))
        self.m.meeting(STAFF, r.item, "residents_meeting", "2026-03-02", roll, ["P1", "P2", "R1"], yes=["P1", "P2"],
                       noticed_on="2026-02-20", now=T0 + 1)
        m = self.m.get(r.item)["data"]["meetings"][-1]
        self.assertEqual((m["entitled"], m["attended"], m["without_vote"]), (2, 2, {"under_age": 1}))

    def test_one_matter_one_deliberation_canvass_authorisation_and_township_review(self):
        org = """{"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "T1", "name": "一镇", "level": 1, "kind": "township_committee", "parent": "D", "schema": "rural"},
 {"id": "V1", "name": "一村", "level": 2, "kind": "community_committee", "parent": "T1"},
 {"id": "VB", "name": "自然村", "level": 3, "kind": "village_branch", "parent": "V1"},
 {"id": "VG", "name": "村民小组", "level": 4, "kind": "villager_group", "parent": "VB"}
], "members": [
 {"id": "VP1", "name": "书记", "party_member": true, "org_unit": "V1", "residence_unit": "VG"},
 {"id": "VR1", "name": "代表一", "party_member": false, "org_unit": "V1", "residence_unit": "VG"},
 {"id": "VR2", "name": "代表二", "party_member": false, "org_unit": "V1", "residence_unit": "VG"}
], "households": [{"id": "V-1", "building": "VG"}, {"id": "V-2", "building": "VG"}, {"id": "V-3", "building": "VG"}]}"""
        e = jiceng.Engine(policy="wuzhong")
        e.org.load_json(org, now=T0 - DAY)
        m = e.matters
        staff = Actor("s", Role.COMMUNITY_STAFF, "V1")
        r = m.raise_matter(staff, unit="V1", title="村道硬化", kind="collective_fundraising",
                           raised_by="villagers_committee", now=T0)
        self.assertEqual([s["id"] for s in m.get(r.item)["data"]["steps"]][:4],
                         ["party_review", "canvass", "resolution", "township_review"])
        m.start(staff, item=r.item, now=T0)
        m.meeting(staff, r.item, "party_committee", "2026-03-02", [{"person": "VP1", "class": "committee_member"}],
                  ["VP1"], yes=["VP1"], now=T0)
        reps = [{"person": "VP1", "class": "committee_member"},
                {"person": "VR1", "class": "representative", "households": ["V-1", "V-2"]},
                {"person": "VR2", "class": "representative", "households": ["V-3"]}]
        before = (e.snapshot(), e.last_seq, m.list())
        with self.assertRaises(jiceng.FailedPrecondition) as cm:  # the canvass is not skipped
            m.meeting(staff, r.item, "villagers_representatives_meeting", "2026-03-02", reps, ["VP1", "VR1", "VR2"],
                      yes=["VR1", "VR2"], authorisation={"date": "2026-01-10"}, now=T0)
        self.assertIn("the current step is canvass", str(cm.exception))
        self.assertEqual((e.snapshot(), e.last_seq, m.list()), before)
        m.canvass(staff, item=r.item, date="2026-03-01", households=["V-1", "V-2", "V-3"], signed=["V-1", "V-2"], now=T0)
        with self.assertRaises(jiceng.FailedPrecondition) as cm:
            m.meeting(staff, r.item, "villagers_representatives_meeting", "2026-03-02", reps, ["VP1", "VR1", "VR2"],
                      yes=["VR1", "VR2"], now=T0)
        self.assertIn("第二十八条第二款", str(cm.exception))
        m.meeting(staff, r.item, "villagers_representatives_meeting", "2026-03-02", reps, ["VP1", "VR1", "VR2"],
                  yes=["VR1", "VR2"], authorisation={"date": "2026-01-10"}, now=T0)
        with self.assertRaises(jiceng.PermissionDenied):
            m.review_approved(staff, item=r.item, date="2026-03-02", now=T0 + 1)
        m.review_approved(Actor("t", Role.STREET_OFFICER, "T1"), item=r.item, date="2026-03-02", now=T0 + 1)
        m.post(staff, item=r.item, channel="board", now=T0 + 1, **{"from": "2026-03-02"})
        d = m.get(r.item)["data"]
        self.assertEqual((d["canvass"]["signed"], d["reviews"][0]["result"], m.get(r.item)["state"]),
                         (2, "approved", "posted"))

    def test_one_matter_one_deliberation_dates_keep_the_steps_order(self):
        # The canvass comes before the meeting it prepares, the township reviews the plan a
        # meeting decided: a meeting dated before the canvass, or a review dated before the
        # meeting, is refused and changes nothing.
        org = """{"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "T1", "name": "一镇", "level": 1, "kind": "township_committee", "parent": "D", "schema": "rural"},
 {"id": "V1", "name": "一村", "level": 2, "kind": "community_committee", "parent": "T1"},
 {"id": "VB", "name": "自然村", "level": 3, "kind": "village_branch", "parent": "V1"},
 {"id": "VG", "name": "村民小组", "level": 4, "kind": "villager_group", "parent": "VB"}
], "members": [
 {"id": "VP1", "name": "书记", "party_member": true, "org_unit": "V1", "residence_unit": "VG"},
 {"id": "VR1", "name": "代表一", "party_member": false, "org_unit": "V1", "residence_unit": "VG"},
 {"id": "VR2", "name": "代表二", "party_member": false, "org_unit": "V1", "residence_unit": "VG"}
], "households": [{"id": "V-1", "building": "VG"}, {"id": "V-2", "building": "VG"}, {"id": "V-3", "building": "VG"}]}"""
        e = jiceng.Engine(policy="wuzhong")
        e.org.load_json(org, now=T0 - DAY)
        m = e.matters
        staff = Actor("s", Role.COMMUNITY_STAFF, "V1")
        township = Actor("t", Role.STREET_OFFICER, "T1")
        now = T0 + 10 * DAY
        r = m.raise_matter(staff, unit="V1", title="村道硬化", kind="collective_fundraising",
                           raised_by="villagers_committee", now=now)
        m.start(staff, item=r.item, now=now)
        m.meeting(staff, r.item, "party_committee", "2026-03-02", [{"person": "VP1", "class": "committee_member"}],
                  ["VP1"], yes=["VP1"], now=now)
        m.canvass(staff, item=r.item, date="2026-03-05", households=["V-1", "V-2", "V-3"], signed=["V-1", "V-2"],
                  now=now)
        reps = [{"person": "VP1", "class": "committee_member"},
                {"person": "VR1", "class": "representative", "households": ["V-1", "V-2"]},
                {"person": "VR2", "class": "representative", "households": ["V-3"]}]
        before = (e.snapshot(), e.last_seq, m.list())
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            m.meeting(staff, r.item, "villagers_representatives_meeting", "2026-03-04", reps, ["VP1", "VR1", "VR2"],
                      yes=["VR1", "VR2"], authorisation={"date": "2026-01-10"}, now=now)
        self.assertIn("2026-03-04 is before the canvass of 2026-03-05", str(cm.exception))
        self.assertEqual((e.snapshot(), e.last_seq, m.list()), before)
        m.meeting(staff, r.item, "villagers_representatives_meeting", "2026-03-06", reps, ["VP1", "VR1", "VR2"],
                  yes=["VR1", "VR2"], authorisation={"date": "2026-01-10"}, now=now)
        before = (e.snapshot(), e.last_seq, m.list())
        for event, extra in (("review_approved", {}), ("review_returned", {"reason": "超出上限"})):
            with self.assertRaises(jiceng.InvalidArgument) as cm:
                getattr(m, event)(township, item=r.item, date="2026-03-05", now=now, **extra)
            self.assertIn("2026-03-05 is before the meeting of 2026-03-06 whose plan it reviews", str(cm.exception))
            self.assertEqual((e.snapshot(), e.last_seq, m.list()), before)
        m.review_approved(township, item=r.item, date="2026-03-06", now=now)
        self.assertEqual(m.get(r.item)["data"]["reviews"][0]["date"], "2026-03-06")

    def test_owners_matters_and_the_override_finding(self):
        r = self.m.raise_matter(STAFF, unit="C1", title="维修资金", kind="maintenance_fund_use",
                                raised_by="residents_committee", now=T0)
        self.assertEqual(self.m.get(r.item)["data"]["procedure"], "owners_assembly")
        with self.assertRaises(jiceng.JicengError) as cm:
            self.m.choose_procedure(SECRETARY, item=r.item, procedure="residents_meeting", reason="快", now=T0)
        self.assertIn("民法典 第二百七十八条", str(cm.exception))
        r2 = self.raise_major()
        self.m.choose_procedure(SECRETARY, item=r2.item, procedure="council", reason="小修", now=T0 + 1)
        f = self.m.findings(year=2026)
        self.assertEqual([x["finding"] for x in f], ["procedure_override"])
        self.assertEqual(f[0]["reason"], "小修")
        self.assertEqual(f[0]["matter"], r2.id)

    def test_journaled_and_reopened(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "j.db")
            e = engine(journal=path)
            e.matters.raise_matter(STAFF, unit="C1", title="停车", kind="parking_order",
                                   raised_by="residents_committee", now=T0)
            e.matters.start(STAFF, item=1, now=T0 + 1)
            snap, listed = e.snapshot(), e.matters.list()
            del e
            r = jiceng.Engine(journal=path)
            self.assertEqual(r.snapshot(), snap)
            self.assertEqual(r.matters.list(), listed)


if __name__ == "__main__":
    unittest.main()
