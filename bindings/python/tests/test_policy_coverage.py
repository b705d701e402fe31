"""Policy-test filters and rule coverage from Python (jiceng.policy.run_tests,
jiceng.testing.coverage, policy_case_tests(coverage_threshold=...)), compared with what
`jiceng policy test --coverage` reports for the same cases."""

import json
import os
import subprocess
import unittest

import jiceng
import jiceng.testing

SOURCE = os.environ.get("JICENG_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CASES = os.path.join(SOURCE, "tests", "policy", "cases")
# The command sits beside the library in the build tree.
CLI = os.path.join(os.path.dirname(os.path.realpath(jiceng.library_path)), "jiceng")


def command(*args):
    r = subprocess.run([CLI, "policy", "test", *args], capture_output=True, text=True, timeout=600)
    return r.returncode, r.stdout


@unittest.skipUnless(os.path.isdir(CASES), "no policy cases")
class CoverageTests(unittest.TestCase):
    def test_the_same_coverage_as_the_command(self):
        if not os.path.exists(CLI):
            self.skipTest("the jiceng command is not built beside %s" % jiceng.library_path)
        for run in (None, "owners_vote"):
            with self.subTest(run=run):
                args = [CASES, "--format", "json"] + (["--run", run] if run else [])
                code, out = command(*args)
                self.assertEqual(code, 0, out[-2000:])
                cli = json.loads(out)
                self.assertEqual(jiceng.testing.coverage(CASES, run=run), cli["coverage"])
                report = jiceng.policy.run_tests(CASES, run=run)
                self.assertEqual((report.passed, report.failed, report.invalid),
                                 (cli["passed"], cli["failed"], cli["invalid"]))
                self.assertEqual([(c.file, c.name) for c in report.cases],
                                 [(c["file"], c["name"]) for c in cli["cases"]])
        code, text = command(CASES, "--coverage")
        self.assertEqual(code, 0)
        report = jiceng.policy.run_tests(CASES)
        self.assertEqual(report.coverage_text, text[:text.rindex(report.summary)])

    def test_run_keeps_the_matching_cases(self):
        every = jiceng.policy.run_tests(CASES)
        some = jiceng.policy.run_tests(CASES, run="owners_vote")
        self.assertGreater(len(some.cases), 0)
        self.assertLess(len(some.cases), len(every.cases))
        self.assertTrue(all("owners_vote" in "%s: %s" % (c.file, c.name) for c in some.cases))
        self.assertLessEqual(some.coverage["percent"], every.coverage["percent"])
        with self.assertRaises(jiceng.InvalidArgument):
            jiceng.policy.run_tests(CASES, run="(")

    def test_a_coverage_threshold_is_a_test(self):
        percent = jiceng.testing.coverage(CASES, run="owners_vote")["percent"]
        self.assertLess(percent, 100)
        for threshold, ok in ((percent, True), (percent + 0.5, False)):
            cls = jiceng.testing.policy_case_tests(CASES, name="Cov", run="owners_vote",
                                                   coverage_threshold=threshold)
            result = unittest.TestResult()
            unittest.defaultTestLoader.loadTestsFromName("test_policy_coverage", cls).run(result)
            self.assertEqual(result.wasSuccessful(), ok, result.failures)
            if not ok:
                self.assertIn("branch coverage", result.failures[0][1])
                first_set = jiceng.testing.coverage(CASES, run="owners_vote")["sets"][0]["set"]
                self.assertIn(first_set, result.failures[0][1])  # the coverage text names what is missing


if __name__ == "__main__":
    unittest.main()
