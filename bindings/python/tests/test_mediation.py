"""The mediation loop from Python (engine.mediation): a 乡音调解 committee, a petition
referred in one batch (the petition resolved with an answer naming the case), the
suggestion that never overrides a party's choice, the seal, the confirmation window at
day 30 and day 31, bad input that changes nothing, and a journal reopened."""

import datetime
import os
import tempfile
import unittest

import jiceng
from jiceng import Actor, Role

ORG = """{"schema": "urban_grid", "units": [
 {"id": "D", "name": "高新区", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "枫桥街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "木桥社区", "level": 2, "kind": "community_committee", "parent": "S1"}
]}"""
CST = datetime.timezone(datetime.timedelta(hours=8))
STAFF = Actor("w1", Role.COMMUNITY_STAFF, "C11")


def noon(day):
    return int(datetime.datetime.fromisoformat(day + "T12:00:00").replace(tzinfo=CST).timestamp())


T0 = noon("2026-09-21")
REGIONS = ["河南", "安徽", "山东", "四川", "湖北"]


def person(i, region, role=None, gender="male"):
    p = {"id": "m%d" % i, "name": "调解员%d" % i, "gender": gender, "birth": "1975-03-01",
         "regions": [region], "dialects": [region + "话"]}
    if role:
        p["role"] = role
    return p


def members(n=5):
    return [person(i + 1, REGIONS[i % 5], "chair" if i == 0 else "member", "female" if i == 0 else "male")
            for i in range(n)]


PARTIES = [{"id": "p1", "name": "张某", "region": "安徽"}, {"id": "p2", "name": "李某", "region": "安徽"}]


def engine(**kw):
    e = jiceng.Engine(**kw)
    e.org.load_json(ORG, now=T0 - 86400)
    return e


class MediationTests(unittest.TestCase):
    def setUp(self):
        self.e = engine()
        self.m = self.e.mediation
        self.c = self.m.establish(STAFF, unit="C11", name="木桥社区乡音调解委员会", level="residents",
                                  term_start="2026-01-05", members=members(), now=T0)

    def case(self, now=T0 + 10):
        return self.m.initiate(STAFF, unit="C11", committee=self.c.id, summary="空调外机噪音纠纷",
                               parties=PARTIES, now=now)

    def test_the_same_loop_as_engine_loops(self):
        self.assertIn("mediation", self.e.loops)
        self.assertEqual(self.c.id, "D00000001")
        self.assertEqual(self.m.get(self.c.item)["state"], "seated")
        self.assertIn("apply_confirmation", self.m.events)

    def test_committee_composition_is_refused_at_its_boundaries(self):
        before, seq = self.e.snapshot(), self.e.last_seq
        for ms, says in ((members(2), "outside 3–9"), (members(10), "outside 3–9"),
                         ([dict(p, gender="male") for p in members(5)], "woman")):
            with self.assertRaises(jiceng.InvalidArgument) as cm:
                self.m.establish(STAFF, unit="C11", name="x", level="residents", term_start="2026-01-05",
                                 members=ms, now=T0 + 1)
            self.assertIn(says, str(cm.exception))
        self.assertEqual(self.e.snapshot(), before)
        self.assertEqual(self.e.last_seq, seq)

    def test_suggestion_ranks_by_region_and_never_overrides_a_choice(self):
        k = self.case()
        first = self.m.suggest(k.id)[0]
        self.assertEqual((first["mediator"], first["match"]), ("m2", 2))  # m2 is from 安徽, like both parties
        self.m.choose(STAFF, item=k.item, party="p1", mediator="m4", now=T0 + 11)
        before = self.m.list()
        with self.assertRaises(jiceng.FailedPrecondition) as cm:
            self.m.assign(STAFF, item=k.item, mediators=["m2"], now=T0 + 12)
        self.assertIn('chose mediator "m4"', str(cm.exception))
        self.assertEqual(self.m.list(), before)
        self.m.assign(STAFF, item=k.item, mediators=["m4"], now=T0 + 12)
        data = self.m.get(k.item)["data"]
        self.assertEqual((data["suggested"], data["suggestion_accepted"], data["chosen_by"]), ("m2", False, "parties"))
        self.assertEqual(self.m.summary()["suggestion_matched_and_accepted"], 0)

    def test_seal_and_confirmation_window(self):
        k = self.case()
        self.m.assign(STAFF, item=k.item, mediators=["m2"], now=T0 + 11)
        self.m.begin(STAFF, item=k.item, now=T0 + 12)
        self.m.draft_agreement(STAFF, item=k.item, facts="外机正对卧室", content="移机", now=T0 + 13)
        self.m.sign(STAFF, item=k.item, signer="p1", now=T0 + 14)
        self.m.sign(STAFF, item=k.item, signer="p2", now=T0 + 14)
        with self.assertRaises(jiceng.FailedPrecondition):
            self.m.seal(STAFF, item=k.item, now=T0 + 15)  # the mediator has not signed
        self.assertEqual(self.m.get(k.item)["state"], "signing")
        self.m.sign(STAFF, item=k.item, signer="m2", now=T0 + 15)
        self.m.seal(STAFF, item=k.item, now=T0 + 16)
        agreement = self.m.get(k.item)["data"]["agreement"]
        self.assertEqual((agreement["effective_on"], agreement["confirm_by"]), ("2026-09-21", "2026-10-21"))
        snap = self.e.snapshot()
        with self.assertRaises(jiceng.FailedPrecondition):  # day 31
            self.m.apply_confirmation(STAFF, item=k.item, applicants=["p1", "p2"], court="法院",
                                      now=noon("2026-10-22"))
        self.assertEqual(self.e.snapshot(), snap)
        self.m.apply_confirmation(STAFF, item=k.item, applicants=["p1", "p2"], court="法院",
                                  now=noon("2026-10-21"))  # day 30
        self.assertEqual(self.m.get(k.item)["state"], "confirmation_pending")

    def test_a_fee_is_refused(self):
        with self.assertRaises(jiceng.InvalidArgument) as cm:
            self.m.initiate(STAFF, unit="C11", committee=self.c.id, summary="s", parties=PARTIES, fee="50.00",
                            now=T0 + 1)
        self.assertIn("第四条", str(cm.exception))

    def test_refer_petition_resolves_it_naming_the_case(self):
        p = self.e.petitions.submit(Actor("r1", Role.RESIDENT, ""), location="C11", category="disputes",
                                    text="楼上空调外机噪音", now=T0 + 1)
        snap = self.e.snapshot()
        with self.assertRaises(jiceng.FailedPrecondition):  # not in progress yet
            self.m.refer_petition(STAFF, p, committee=self.c.id, summary="噪音", parties=PARTIES, now=T0 + 2)
        self.assertEqual(self.e.snapshot(), snap)
        self.e.petitions.accept(STAFF, p, now=T0 + 2)
        self.e.petitions.dispatch(STAFF, p, unit="C11", now=T0 + 3)
        self.e.petitions.sign(STAFF, p, now=T0 + 4)
        snap = self.e.snapshot()
        with self.assertRaises(jiceng.InvalidArgument):  # one party: the batch rolls back
            self.m.refer_petition(STAFF, p, committee=self.c.id, summary="噪音", parties=PARTIES[:1], now=T0 + 5)
        self.assertEqual(self.e.snapshot(), snap)
        k = self.m.refer_petition(STAFF, p, committee=self.c.id, summary="噪音", parties=PARTIES, now=T0 + 5)
        self.assertEqual(self.m.get(k.item)["data"]["petition"], self.e.petitions.get(p)["id"])
        self.assertEqual(self.e.petitions.get(p)["state"], "resolved")
        self.assertIn(k.id, self.e.petitions.history(p)[-1]["payload"]["reason"])

    def test_refer_checks_the_petition_it_names(self):
        p = self.e.petitions.submit(Actor("r1", Role.RESIDENT, ""), location="C11", category="noise",
                                    text="楼上噪音", now=T0 + 1)
        self.e.petitions.accept(STAFF, p, now=T0 + 2)
        self.e.petitions.dispatch(STAFF, p, unit="C11", now=T0 + 3)
        self.e.petitions.sign(STAFF, p, now=T0 + 4)
        display = self.e.petitions.get(p)["id"]
        snap = self.e.snapshot()
        with self.assertRaises(jiceng.NotFound):  # a petition the engine does not hold
            self.m.refer(STAFF, unit="C11", committee=self.c.id, petition="P00000099", summary="噪音",
                         parties=PARTIES, now=T0 + 5)
        with self.assertRaises(jiceng.FailedPrecondition) as cm:  # noise is not a dispute category
            self.m.refer(STAFF, unit="C11", committee=self.c.id, petition=display, summary="噪音",
                         parties=PARTIES, now=T0 + 5)
        self.assertIn("mediation.referral", str(cm.exception))
        self.assertEqual(self.e.snapshot(), snap)

    def test_xinfang_track_needs_both_consents_and_ends_in_a_written_agreement(self):
        p = self.e.petitions.submit(Actor("r1", Role.RESIDENT, ""), location="C11", category="disputes",
                                    text="拖欠工资", now=T0 + 1)
        base = dict(unit="C11", petition=self.e.petitions.get(p)["id"], summary="劳资纠纷",
                    agreement_kind="settlement",
                    parties=[{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}])
        snap = self.e.snapshot()
        with self.assertRaises(jiceng.FailedPrecondition) as cm:
            self.m.xinfang_mediate(STAFF, consent=["a"], now=T0 + 1, **base)
        self.assertIn("信访工作条例 第三十三条", str(cm.exception))
        self.assertEqual(self.e.snapshot(), snap)
        k = self.m.xinfang_mediate(STAFF, consent=["a", "b"], now=T0 + 1, **base)
        self.assertEqual(self.m.get(k.item)["state"], "mediating")
        with self.assertRaises(jiceng.FailedPrecondition):
            self.m.agree_oral(STAFF, item=k.item, content="口头", now=T0 + 2)
        self.m.draft_agreement(STAFF, item=k.item, facts="欠薪", content="分期支付", now=T0 + 2)
        for signer in ("a", "b"):
            self.m.sign(STAFF, item=k.item, signer=signer, now=T0 + 3)
        self.m.seal(STAFF, item=k.item, now=T0 + 4)
        with self.assertRaises(jiceng.FailedPrecondition):  # no judicial confirmation on this track
            self.m.apply_confirmation(STAFF, item=k.item, applicants=["a", "b"], court="法院", now=T0 + 5)
        self.assertEqual(self.m.summary()["xinfang_track"], 1)

    def test_journaled_and_reopened(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.db")
            e = engine(journal=path)
            c = e.mediation.establish(STAFF, unit="C11", name="调委会", level="residents", term_start="2026-01-05",
                                      members=members(3), now=T0)
            k = e.mediation.initiate(STAFF, unit="C11", committee=c.id, summary="s", parties=PARTIES, now=T0 + 1)
            e.mediation.assign(STAFF, item=k.item, mediators=["m2"], now=T0 + 2)
            snap, listed = e.snapshot(), e.mediation.list()
            del e
            r = jiceng.Engine(journal=path)
            self.assertEqual(r.snapshot(), snap)
            self.assertEqual(r.mediation.list(), listed)


if __name__ == "__main__":
    unittest.main()
