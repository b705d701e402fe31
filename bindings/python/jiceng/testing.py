"""unittest helpers so policy staff can write policy tests in Python.

    import unittest, jiceng.testing

    class SlateTests(jiceng.testing.PolicyTestCase):
        policy = "suzhou-sip"

        def test_thirty_percent(self):
            self.assertFindings({"type": "committee_slate", ...},
                                {"committee.party_ratio": "pass"})

    # every case of the policy case files as its own test method, plus one that fails
    # when the cases exercise under 100% of the rules' branches:
    CaseFiles = jiceng.testing.policy_case_tests("tests/policy/cases", coverage_threshold=100)

    # the coverage alone, as `jiceng policy test --coverage` reports it:
    jiceng.testing.coverage("tests/policy/cases")["percent"]
"""

import json
import os
import re
import unittest

from . import _core
from .policy import Policy


def _outcome(findings, rule, check=None):
    matched = [f for f in findings if f["rule"] == rule and (not check or f.get("check") == check)]
    if not matched:
        return "absent", matched
    return ("fail" if any(not f["passed"] for f in matched) else "pass"), matched


class PolicyTestCase(unittest.TestCase):
    """A TestCase with ``assertFindings``; set ``policy`` (name, path or dict) on the class
    or pass ``policy=`` to each call."""

    policy = "national"
    _policies = {}

    def policy_set(self, spec=None, base_dir=None):
        spec = self.policy if spec is None else spec
        key = json.dumps(spec, sort_keys=True) if isinstance(spec, dict) else (base_dir or "", spec)
        if isinstance(key, tuple):
            key = "%s|%s" % key
        if key not in PolicyTestCase._policies:
            PolicyTestCase._policies[key] = Policy.load(spec, base_dir)
        return PolicyTestCase._policies[key]

    def assertFindings(self, subject, expected, policy=None, base_dir=None, msg=None):
        """Evaluates ``subject`` and checks the expectations.

        ``expected`` is either a dict ``{rule: outcome}`` or ``{(rule, check): outcome}``, or a
        list of ``{"rule", "check"?, "outcome", "severity"?}`` (the case-file form). An
        outcome is "pass" (every matching finding passed), "fail" (at least one failed) or
        "absent" (no finding). Returns the findings."""
        findings = self.policy_set(policy, base_dir).evaluate(subject)
        if isinstance(expected, dict):
            items = []
            for k, v in expected.items():
                rule, check = (k if isinstance(k, tuple) else (k, None))
                items.append({"rule": rule, "check": check, "outcome": v})
            expected = items
        problems = []
        for e in expected:
            actual, matched = _outcome(findings, e["rule"], e.get("check"))
            want = e["outcome"]
            label = e["rule"] + ("/" + e["check"] if e.get("check") else "")
            if actual != want:
                evidence = "; ".join(f.get("evidence", "") for f in matched)
                problems.append("%s: expected %s, got %s%s" % (label, want, actual,
                                                               " (" + evidence + ")" if evidence else ""))
            elif e.get("severity") and matched and matched[0]["severity"] != e["severity"]:
                problems.append("%s: expected severity %s, got %s" % (label, e["severity"], matched[0]["severity"]))
        if problems:
            self.fail(self._formatMessage(msg, "\n".join(problems)))
        return findings

    def assertPolicyError(self, subject, code=None, contains="", policy=None, base_dir=None):
        """Loading the policy or evaluating the subject fails with ``code`` (e.g.
        "INVALID_ARGUMENT") and a message containing ``contains``."""
        with self.assertRaises(_core.JicengError) as ctx:
            self.policy_set(policy, base_dir).evaluate(subject)
        if code:
            self.assertEqual(ctx.exception.code, code, ctx.exception.message)
        self.assertIn(contains, ctx.exception.message)
        return ctx.exception


def _case_files(paths):
    for p in paths:
        p = os.fspath(p)
        if os.path.isdir(p):
            for root, _, files in sorted(os.walk(p)):
                for f in sorted(files):
                    if f.endswith(".json"):
                        yield os.path.join(root, f)
        else:
            yield p


def _is_policy_set(path):
    """A policy set (an object with ``rules``), not a file of cases."""
    with open(path, encoding="utf-8") as f:
        root = json.load(f)
    return isinstance(root, dict) and "rules" in root and "cases" not in root and "subject" not in root


def _cases_of(path):
    with open(path, encoding="utf-8") as f:
        root = json.load(f)
    default_policy = None
    if isinstance(root, list):
        cases = root
    elif isinstance(root, dict) and "cases" in root:
        cases, default_policy = root["cases"], root.get("policy")
    else:
        cases = [root]
    for i, c in enumerate(cases):
        yield i, c, c.get("policy", default_policy)


def coverage(*paths, run=None):
    """The rule coverage of the case files under ``paths`` (the cases ``run`` keeps), from
    the library's runner — the figures ``jiceng policy test --coverage`` prints: {"percent",
    "sets": [{"set", "covered", "total", "percent", "rules", "rules_covered", "missing"}]}."""
    from .policy import run_tests
    return run_tests(list(paths), run=run).coverage


def policy_case_tests(*paths, name="PolicyCaseFiles", run=None, coverage_threshold=None):
    """A PolicyTestCase subclass with one test method per case of the case files under
    ``paths`` (files or folders) — the same files ``jiceng policy test`` and ctest run.
    ``run`` (a regular expression) keeps the cases whose ``"<file>: <name>"`` it matches
    anywhere, as ``jiceng policy test --run`` does. Policy-set files in folders are skipped.
    With ``coverage_threshold`` (percent), a ``test_policy_coverage`` method fails when
    those cases exercise fewer of their rules' branches (``--threshold``), naming the
    branches not covered."""
    methods = {}
    if coverage_threshold is not None:
        def test_policy_coverage(self):
            from .policy import run_tests
            report = run_tests(list(paths), run=run)
            if report.coverage["percent"] + 1e-9 < coverage_threshold:
                self.fail("branch coverage %.1f%% < %.1f%%\n%s" % (report.coverage["percent"], coverage_threshold,
                                                                  report.coverage_text))

        methods["test_policy_coverage"] = test_policy_coverage
    pattern = re.compile(run) if run else None
    for path in _case_files(paths):
        stem = os.path.splitext(os.path.basename(path))[0]
        base_dir = os.path.dirname(os.path.abspath(path))
        if _is_policy_set(path):
            continue
        for i, case, policy in _cases_of(path):
            title = case.get("name", "#%d" % i)
            if pattern is not None and not pattern.search("%s: %s" % (path, title)):
                continue
            mname = "test_%s_%03d_%s" % (re.sub(r"\W", "_", stem), i, re.sub(r"[^0-9A-Za-z]+", "_", title)[:40])

            def method(self, case=case, policy=policy, base_dir=base_dir, path=path, index=i):
                if "expect_deadlines" in case or "expect_routing" in case or "expect_ladder" in case:
                    # Limits, due times, routed units and parties and the escalation ladder's
                    # levels are computed by the library's runner.
                    from .policy import run_tests
                    result = [c for c in run_tests([path]).cases if c.name == case.get("name", "#%d" % index)]
                    self.assertEqual(len(result), 1, "case not found in the library's report")
                    problems = ["%s: expected %s, actual %s%s" % (m["check"] or m["rule"] or "case", m["expected"], m["actual"],
                                                               " (" + m["evidence"] + ")" if m["evidence"] else "")
                                for m in result[0].mismatches]
                    if problems:
                        self.fail("\n".join(problems))
                    return
                error = case.get("expect_error")
                if error is not None:
                    with self.assertRaises(_core.JicengError) as ctx:
                        self.policy_set(policy, base_dir).evaluate(case["subject"])
                    if error.get("code"):
                        self.assertEqual(ctx.exception.code, error["code"], ctx.exception.message)
                    self.assertIn(error.get("contains", ""), ctx.exception.message)
                if case.get("expect"):
                    self.assertFindings(case["subject"], case["expect"], policy=policy, base_dir=base_dir)

            method.__doc__ = "%s: %s" % (os.path.basename(path), title)
            methods[mname] = method
    return type(name, (PolicyTestCase,), methods)
