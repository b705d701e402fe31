"""Policy sets (政策规则集): load, inspect, evaluate subjects, and run policy test files.

    >>> import jiceng
    >>> p = jiceng.Policy.builtin("suzhou-sip")
    >>> p.evaluate({"type": "committee_slate", "id": "s1", "candidates": [...]})
    >>> jiceng.policy.run_tests(["tests/policy/cases"]).failed
"""

import ctypes
import dataclasses
import json
import os
from typing import List

from . import _capi as C
from ._core import _Handle, buffer_string, check, enc, take_json, take_string


class Policy(_Handle):
    """A resolved, immutable policy set (safe to share between threads)."""

    def __init__(self, _handle):
        self._h = _handle

    @classmethod
    def builtin(cls, name):
        h = C.jc_policy_p()
        check(C.jc_policy_load_builtin(ctypes.byref(h), enc(name, "name")))
        return cls(h)

    @classmethod
    def from_file(cls, path):
        h = C.jc_policy_p()
        check(C.jc_policy_load_file(ctypes.byref(h), enc(os.fspath(path), "path")))
        return cls(h)

    @classmethod
    def from_json(cls, text, source_name="policy.json"):
        if not isinstance(text, (str, bytes)):
            text = json.dumps(text, ensure_ascii=False)
        data = enc(text, "text")
        h = C.jc_policy_p()
        check(C.jc_policy_from_json(ctypes.byref(h), data, len(data), enc(source_name, "source_name")))
        return cls(h)

    @classmethod
    def load(cls, spec, base_dir=None):
        """A built-in name, a path (``*.json`` or containing ``/``; relative to ``base_dir``)
        or a policy document (dict)."""
        if isinstance(spec, dict):
            return cls.from_json(spec)
        if spec.endswith(".json") or "/" in spec:
            path = os.path.normpath(os.path.join(base_dir, spec)) if base_dir else spec
            return cls.from_file(path)
        return cls.builtin(spec)

    _what = "policy"

    def _release(self, h):
        C.jc_policy_free(h)

    @property
    def name(self):
        return buffer_string(C.jc_policy_name, self._handle)

    def info(self):
        """{"name", "description", "chain", "rules"}."""
        return take_json(C.jc_policy_info_json, self._handle)

    @property
    def rules(self):
        return self.info()["rules"]

    def rule_params(self, rule):
        return take_json(C.jc_policy_rule_params_json, self._handle, enc(rule, "rule"))

    def to_json(self):
        return take_string(C.jc_policy_to_json, self._handle)

    def evaluate(self, subject):
        """Findings (list of dicts) for a subject (dict or JSON text with a "type")."""
        if not isinstance(subject, (str, bytes)):
            subject = json.dumps(subject, ensure_ascii=False)
        data = enc(subject, "subject")
        return take_json(C.jc_policy_evaluate, self._handle, data, len(data))


def builtin_names():
    return take_json(C.jc_policy_builtin_names_json)


@dataclasses.dataclass
class PolicyCaseResult:
    file: str
    name: str
    passed: bool
    mismatches: List[dict]
    invalid: bool = False  # the case (or its file) is malformed and could not run
    seconds: float = 0.0


@dataclasses.dataclass
class PolicyTestReport:
    passed: int
    failed: int
    summary: str
    cases: List[PolicyCaseResult]
    invalid: int = 0
    # Per policy set, the branches of its rules (each check's pass and fail side) the cases
    # exercised: {"percent", "sets": [{"set", "covered", "total", "percent", "rules",
    # "rules_covered", "missing": ["rule[check] pass|fail", ...]}]}.
    coverage: dict = dataclasses.field(default_factory=dict)
    coverage_text: str = ""  # as ``jiceng policy test --coverage`` prints it
    skipped_files: List[str] = dataclasses.field(default_factory=list)


def run_tests(paths, run=None):
    """Runs policy test files / folders in the library as ``jiceng policy test`` does
    (routing cases through a petition engine), with the rule coverage. ``run`` (a regular
    expression, as ``--run``) keeps the cases whose ``"<file>: <name>"`` it matches."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    encoded = [enc(os.fspath(p), "paths[%d]" % i) for i, p in enumerate(paths)]
    arr = (ctypes.c_char_p * max(1, len(encoded)))(*encoded)
    failed = ctypes.c_size_t()
    report = json.loads(take_string(C.jc_policy_test_report, ctypes.byref(failed), arr, len(encoded),
                                    enc(run, "run")))
    return PolicyTestReport(report["passed"], report["failed"], report["summary"],
                            [PolicyCaseResult(**c) for c in report["cases"]], report["invalid"],
                            report["coverage"], report["coverage_text"], report["skipped_files"])
