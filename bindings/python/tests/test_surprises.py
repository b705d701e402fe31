"""What surprised a new user of the Python API (issue 28, item 2): C function names in
exceptions, display ids refused, ``now`` defaulting to 1970, level 1 mixing the 物业行业党委
with the streets, no way to list households, and ``Engine(policy=FILE)`` refused."""

import datetime as dt
import json
import os
import shutil
import tempfile
import time
import unittest

import jiceng
import jiceng.testing
from jiceng import Actor, Role

HOUSEHOLD = "H-G01B01-0101"
STREET, COMMUNITY = "320506001", "320506001001"
RESIDENT = Actor("R-1", Role.RESIDENT)
OFFICER = Actor("S-1", Role.STREET_OFFICER, STREET)


def engine(**kw):
    e = jiceng.Engine(**kw)
    e.org.load_sample()
    return e


class Surprises(unittest.TestCase):
    def setUp(self):
        self.e = engine(policy="suzhou-sip")
        self.addCleanup(self.e.close)
        self.p = self.e.petitions

    def submit(self, **kw):
        return self.p.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="楼下广场舞噪音扰民", **kw)

    def test_exceptions_say_what_without_c_function_names(self):
        with self.assertRaises(jiceng.JicengError) as ctx:
            self.p.submit(RESIDENT, location="nowhere", category="noise", text="t")
        self.assertNotIn("jc_", str(ctx.exception))
        self.assertEqual(str(ctx.exception), 'submit: location "nowhere" is neither a household nor a unit of the org graph')
        self.assertTrue(ctx.exception.c_function.startswith("jc_engine_submit"), ctx.exception.c_function)
        with self.assertRaises(jiceng.JicengError) as ctx:
            self.p.accept(OFFICER, 999)
        self.assertNotIn("jc_", str(ctx.exception))
        self.assertIn("999", str(ctx.exception))

    def test_the_display_id_is_accepted_wherever_an_id_is(self):
        pid = self.submit()
        shown = self.p.get(pid)["id"]
        self.assertEqual(shown, "P%08d" % pid)
        self.assertEqual(jiceng.display_id(pid), shown)
        self.assertEqual(jiceng.display_id(shown), shown)
        for bad in ("Q1", "P", "P1\0", 2**64, -1):
            with self.assertRaises(jiceng.InvalidArgument):
                jiceng.display_id(bad)
        self.assertEqual(self.p.get(shown), self.p.get(pid))
        self.assertEqual(self.p.state(shown), self.p.state(pid))
        self.p.accept(OFFICER, shown)
        self.assertEqual(self.p.state(pid), jiceng.State.ACCEPTED)
        before = (self.e.digest(), self.e.last_seq)
        for bad in ("P", "P-1", "Q00000001", "00000001", " P1", "P1x"):
            with self.assertRaises(jiceng.InvalidArgument) as ctx:
                self.p.accept(OFFICER, bad)
            self.assertIn("not a petition id", str(ctx.exception))
        self.assertEqual((self.e.digest(), self.e.last_seq), before)

    def test_now_defaults_to_the_current_time(self):
        t0 = int(time.time())
        pid = self.submit()
        self.p.accept(OFFICER, pid)  # after the submission: the clock moved on, not back to 1970
        history = self.p.history(pid)
        self.assertEqual([h["type"] for h in history], ["submit", "accept"])
        for h in history:
            self.assertGreaterEqual(h["time"], t0 - 1)
            self.assertLessEqual(h["time"], time.time() + 1)
        self.assertGreaterEqual(self.p.get(pid)["submitted_at"], t0 - 1)
        self.assertIsInstance(self.e.tick(), jiceng.TickReport)  # tick's now defaults too
        self.assertEqual(list(self.p.overdue()), [])             # due in days, not decades ago

    def test_level_one_is_the_streets_unless_units_beside_the_tree_are_asked_for(self):
        streets = self.e.org.units(level=1)
        kinds = {self.e.org.unit(u)["kind"] for u in streets}
        self.assertTrue(kinds <= {"street_committee", "township_committee"}, kinds)
        self.assertIn(STREET, streets)
        everything = self.e.org.units(level=1, beside=True)
        self.assertEqual(sorted(set(everything) - set(streets)), ["320506IC"])  # 吴中区物业行业党委
        self.assertEqual(self.e.org.units(level=1, kind="industry_committee"), ["320506IC"])

    def test_households_can_be_listed(self):
        doc = json.loads(self.e.org.export_json())
        hs = self.e.org.households()
        self.assertEqual([h["id"] for h in hs], [h["id"] for h in doc["households"]])
        self.assertIn(HOUSEHOLD, [h["id"] for h in hs])
        mine = self.e.org.households(COMMUNITY)
        self.assertIn(HOUSEHOLD, [h["id"] for h in mine])
        self.assertLess(len(mine), len(hs))
        for h in mine:
            self.assertTrue(self.e.org.is_ancestor(COMMUNITY, h["building"]))
        with self.assertRaises(jiceng.NotFound):
            self.e.org.households("nowhere")


class CaseFilters(unittest.TestCase):
    def test_run_keeps_the_matching_cases_and_set_files_are_skipped(self):
        cases = os.path.join(os.environ.get("JICENG_SOURCE_DIR", "."), "tests", "policy", "cases")
        every = jiceng.testing.policy_case_tests(cases, name="Every")
        some = jiceng.testing.policy_case_tests(cases, name="Some", run=r"owners_vote\.json: item 6")
        names = [m for m in dir(some) if m.startswith("test_")]
        self.assertGreater(len(names), 0)
        self.assertLess(len(names), len([m for m in dir(every) if m.startswith("test_")]))
        for m in names:
            self.assertIn("owners_vote.json: item 6", getattr(some, m).__doc__)
        example = os.path.join(os.environ.get("JICENG_SOURCE_DIR", "."), "examples", "policy", "my-district")
        result = unittest.TestResult()
        unittest.defaultTestLoader.loadTestsFromTestCase(jiceng.testing.policy_case_tests(example)).run(result)
        self.assertEqual((result.testsRun, len(result.failures), len(result.errors)), (3, 0, 0))


class PolicyFiles(unittest.TestCase):
    """``Engine(policy=FILE)`` takes a file as ``jiceng demo --policy FILE`` does."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jiceng_policyfile_")
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, name, doc):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        return path

    def test_a_policy_file_extending_a_built_in_set(self):
        path = self.write("faster.json", {"name": "faster", "extends": "suzhou-sip", "rules": [
            {"id": "petition.caps", "params": {"max_returns": 1}}]})
        with jiceng.Engine(policy=path) as e:
            self.assertEqual(e.policy_name, "faster")
        with jiceng.Engine(policy=jiceng.Policy.from_file(path)) as e:
            self.assertEqual(e.policy_name, "faster")
        journal = os.path.join(self.tmp, "j.db")
        with jiceng.Engine(policy=path, journal=journal) as e:
            seq = e.last_seq
        with jiceng.Engine(policy=path, journal=journal) as e:  # the journal runs it already
            self.assertEqual(e.policy_name, "faster")
            self.assertEqual(e.last_seq, seq)

    def test_a_bad_policy_file_is_refused_naming_it(self):
        path = self.write("bad.json", {"name": "bad", "extends": "suzhou-sip", "rules": [
            {"id": "petition.caps", "params": {"max_returns": "two"}}]})
        with self.assertRaises(jiceng.InvalidArgument) as ctx:
            jiceng.Engine(policy=path)
        self.assertIn("bad.json", str(ctx.exception))
        self.assertIn("max_returns", str(ctx.exception))
        with self.assertRaises(jiceng.NotFound):
            jiceng.Engine(policy=os.path.join(self.tmp, "missing.json"))


if __name__ == "__main__":
    unittest.main()
