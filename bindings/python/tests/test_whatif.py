"""jiceng.whatif: a journal replayed under another policy (docs/whatif.md), through C."""

import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
import unittest

import jiceng
from jiceng import Actor, Role

MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
HOUSEHOLD = "H-G01B01-0101"
STREET, COMMUNITY = "320506001", "320506001001"
RESIDENT = Actor("R-1", Role.RESIDENT)
OFFICER = Actor("S-1", Role.STREET_OFFICER, STREET)
SECRETARY = Actor("C-1", Role.COMMUNITY_SECRETARY, COMMUNITY)
STAFF = Actor("C-2", Role.COMMUNITY_STAFF, COMMUNITY)
PETITIONS = 5


class WhatIfTests(unittest.TestCase):
    """A small journal under wuzhong: five petitions resolved on the fifth working day (Friday), in
    time under its 5-day limit and late under a 3-day one."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jiceng_whatif_")
        cls.journal = os.path.join(cls.tmp, "j.db")
        e = jiceng.Engine(policy="wuzhong", journal=cls.journal)
        try:
            e.org.load_sample(now=MON - dt.timedelta(days=1))
            p = e.petitions
            for i in range(PETITIONS):
                pid = p.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="噪音扰民 %d" % i, now=MON)
                p.accept(OFFICER, pid, now=MON)
                p.dispatch(SECRETARY, pid, COMMUNITY, now=MON)
                p.sign(STAFF, pid, now=MON)
                p.resolve(STAFF, pid, "已处理", now=MON + dt.timedelta(days=4, hours=8))
        finally:
            e.close()
        cls.variant = os.path.join(cls.tmp, "resolve-3wd.json")
        with open(cls.variant, "w", encoding="utf-8") as f:
            json.dump({"name": "resolve-3wd", "extends": "wuzhong", "rules": [
                {"id": "petition.deadlines", "params": {"categories": {"default": {
                    "normal": {"resolve": "3wd"}, "urgent": {"resolve": "3wd"}}}}}]}, f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_a_shorter_limit_misses_the_deadlines(self):
        r = jiceng.whatif(self.journal, self.variant)
        self.assertEqual(sorted(r), ["baseline", "diff", "variant"])
        self.assertEqual(r["baseline"]["policy"], "wuzhong")
        self.assertEqual(r["variant"]["policy"], "resolve-3wd")
        self.assertEqual(r["diff"]["deadlines_missed"], {"baseline": 0, "variant": PETITIONS, "delta": PETITIONS})
        self.assertEqual(r["baseline"]["refusals"], 0)
        self.assertEqual(r["variant"]["diverged"], [])
        self.assertEqual(r["variant"]["totals"]["counts"]["received"], PETITIONS)

    def test_the_same_inputs_give_the_same_dict(self):
        self.assertEqual(jiceng.whatif(self.journal, self.variant), jiceng.whatif(self.journal, self.variant))
        same = jiceng.whatif(self.journal, "wuzhong")
        self.assertEqual(same["diff"]["deadlines_missed"]["delta"], 0)
        self.assertEqual(same["baseline"]["totals"], same["variant"]["totals"])

    def test_a_period(self):
        r = jiceng.whatif(self.journal, self.variant, date_from="2025-01-06", date_to="2025-01-31")
        self.assertEqual(r["diff"]["period"], "2025-01-06..2025-01-31")
        self.assertEqual(r["diff"]["deadlines_missed"]["delta"], PETITIONS)

    def test_bad_input(self):
        with self.assertRaises(jiceng.NotFound):
            jiceng.whatif(os.path.join(self.tmp, "missing.db"), "national")
        with self.assertRaisesRegex(jiceng.NotFound, "no-such-set"):
            jiceng.whatif(self.journal, "no-such-set")
        with self.assertRaises(jiceng.InvalidArgument):
            jiceng.whatif(self.journal, "national", date_from="2025-02-30")
        tampered = os.path.join(self.tmp, "tampered.db")
        shutil.copy(self.journal, tampered)
        db = sqlite3.connect(tampered)
        db.execute("UPDATE events SET time = time + 1 WHERE seq = 4")
        db.commit()
        db.close()
        with self.assertRaises(jiceng.DataLoss):
            jiceng.whatif(tampered, "national")


if __name__ == "__main__":
    unittest.main()
