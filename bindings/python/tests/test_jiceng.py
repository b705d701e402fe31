"""unittest suite of the Python bindings (run by ctest with JICENG_LIBRARY set)."""

import ctypes
import datetime as dt
import json
import gc
import os
import shutil
import tempfile
import unittest
import weakref

import jiceng
import jiceng.testing
from jiceng import Actor, Role

SOURCE_DIR = os.environ.get("JICENG_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
CASES = os.path.join(SOURCE_DIR, "tests", "policy", "cases")

MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
HOUSEHOLD = "H-G01B01-0101"
STREET, COMMUNITY, GRID, BUILDING = "320506001", "320506001001", "320506001001G01", "320506001001G01B01"

RESIDENT = Actor("R-1", Role.RESIDENT)
OFFICER = Actor("S-1", Role.STREET_OFFICER, STREET)
SECRETARY = Actor("C-1", Role.COMMUNITY_SECRETARY, COMMUNITY)
STAFF = Actor("C-2", "community_staff", COMMUNITY)


def hours(n):
    return MON + dt.timedelta(hours=n)


def new_engine(**kw):
    e = jiceng.Engine(policy=kw.pop("policy", "suzhou-sip"), **kw)
    e.org.load_sample(now=MON - dt.timedelta(days=1))
    return e


def submit(e, key=None, **kw):
    return e.petitions.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="楼下广场舞噪音扰民",
                              contact_name="张三丰", contact_phone="13812345678", idempotency_key=key,
                              channel="mini_program", now=MON, **kw)


class LibraryTests(unittest.TestCase):
    def test_loaded_and_versioned(self):
        self.assertEqual(jiceng.__version__, "0.1.0")
        self.assertTrue(os.path.exists(jiceng.library_path) or "libjiceng" in jiceng.library_path)

    def test_every_header_function_is_declared(self):
        # The mirror declares argtypes for every JC_API function of the header.
        import re
        with open(os.path.join(SOURCE_DIR, "capi", "jiceng.h"), encoding="utf-8") as f:
            header = f.read()
        names = set(re.findall(r"JC_API\s+[^;(]*?\b(jc_\w+)\s*\(", header))
        self.assertGreater(len(names), 100)
        from jiceng import _capi
        declared = {n for n, _, _ in _capi._FUNCTIONS} | {n for n, _, _ in _capi._OPTIONAL_FUNCTIONS}
        self.assertEqual(names - declared, set())
        self.assertEqual(declared - names, set())
        for n in names:
            f = getattr(_capi, n)
            self.assertIsNotNone(f, n)
            self.assertIsNotNone(f.argtypes, n)

    # --- finding the library and installing the package (each in a fresh interpreter) -------

    PROBE = ("import datetime, jiceng; print(jiceng.library_path); "
             "print(jiceng.Calendar.china().add_workdays(datetime.date(2024, 9, 30), 1))")

    def _package_copy(self, with_library):
        tmp = tempfile.mkdtemp(prefix="jiceng_pkg_")
        self.addCleanup(shutil.rmtree, tmp)
        pkg = os.path.join(tmp, "site", "jiceng")
        shutil.copytree(os.path.dirname(jiceng.__file__), pkg,
                        ignore=shutil.ignore_patterns("__pycache__", "libjiceng.so*"))
        if with_library:
            shutil.copy(os.path.realpath(jiceng.library_path), os.path.join(pkg, "libjiceng.so"))
        return tmp, os.path.join(tmp, "site")

    def _run(self, args, env_changes, cwd):
        import subprocess
        import sys
        env = {k: v for k, v in os.environ.items() if k not in ("JICENG_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH")}
        env.update(env_changes)
        return subprocess.run(args if args[0] != "-" else [sys.executable] + args[1:], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)

    def test_library_found_next_to_the_package(self):
        tmp, site = self._package_copy(with_library=True)
        r = self._run(["-", "-c", self.PROBE], {"PYTHONPATH": site}, tmp)
        self.assertEqual(r.returncode, 0, r.stdout)
        path, day = r.stdout.split()[-2:]
        self.assertEqual(path, os.path.join(site, "jiceng", "libjiceng.so"))
        self.assertEqual(day, "2024-10-08")  # over the National Day holiday

    def test_library_found_on_the_system_path(self):
        tmp, site = self._package_copy(with_library=False)
        libdir = os.path.join(tmp, "lib")
        os.mkdir(libdir)
        shutil.copy(os.path.realpath(jiceng.library_path),
                    os.path.join(libdir, "libjiceng.so.%d" % jiceng._capi.JC_ABI_VERSION))
        r = self._run(["-", "-c", self.PROBE], {"PYTHONPATH": site, "LD_LIBRARY_PATH": libdir}, tmp)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(r.stdout.split()[-1], "2024-10-08")

    def test_no_library_is_a_clear_import_error(self):
        import ctypes.util
        if ctypes.util.find_library("jiceng"):
            self.skipTest("a libjiceng is installed on this system")
        tmp, site = self._package_copy(with_library=False)
        r = self._run(["-", "-c", "import jiceng"], {"PYTHONPATH": site}, tmp)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cannot load libjiceng.so", r.stdout)
        self.assertIn("JICENG_LIBRARY (unset)", r.stdout)

    def test_pip_install_offline(self):
        # `pip install --no-build-isolation bindings/python` with no index, from a copy of the
        # source (the build leaves files behind), into a target directory.
        import subprocess
        import sys
        py = None
        for cand in (sys.executable, "/usr/bin/python3"):
            if cand and os.path.exists(cand) and subprocess.run(
                    [cand, "-c", "import setuptools, wheel, pip"], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL).returncode == 0:
                py = cand
                break
        if py is None:
            self.skipTest("no interpreter here has pip, setuptools and wheel (scripts/dev installs them)")
        tmp = tempfile.mkdtemp(prefix="jiceng_pip_")
        self.addCleanup(shutil.rmtree, tmp)
        src = os.path.join(tmp, "src")
        shutil.copytree(os.path.join(SOURCE_DIR, "bindings", "python"), src,
                        ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "libjiceng.so*"))
        target = os.path.join(tmp, "site")
        # The copy is out of the tree, so setup.py is told where the version is set.
        header = os.path.join(SOURCE_DIR, "include", "jiceng", "version.hpp")
        r = self._run([py, "-m", "pip", "install", "--no-index", "--no-build-isolation", "--no-deps",
                       "--disable-pip-version-check", "-q", "--target", target, src],
                      {"JICENG_VERSION_HEADER": header}, tmp)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertTrue(os.path.exists(os.path.join(target, "jiceng", "engine.py")))
        r = self._run([py, "-c", "import jiceng; print(jiceng.__file__); " + self.PROBE],
                      {"PYTHONPATH": target, "JICENG_LIBRARY": os.path.realpath(jiceng.library_path)}, tmp)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertTrue(r.stdout.split()[0].startswith(target), r.stdout)
        self.assertEqual(r.stdout.split()[-1], "2024-10-08")

    def test_wrong_argument_types_fail_in_python(self):
        from jiceng import _capi
        import ctypes
        with self.assertRaises(ctypes.ArgumentError):
            _capi.jc_engine_state(None, None, "not a number")


class CalendarTests(unittest.TestCase):
    def test_official_schedule(self):
        with jiceng.Calendar.china() as cal:
            self.assertEqual(cal.years, (2004, 2026))
            self.assertFalse(cal.is_workday(dt.date(2024, 10, 1)))
            self.assertTrue(cal.is_workday(dt.date(2024, 10, 12)))  # make-up Saturday
            self.assertEqual(cal.day_kind(dt.date(2024, 10, 12)), jiceng.DayKind.MAKEUP_WORKDAY)
            self.assertEqual(cal.add_workdays(dt.date(2024, 9, 30), 1), dt.date(2024, 10, 8))
            self.assertEqual(cal.workdays_between(dt.date(2024, 9, 30), dt.date(2024, 10, 8)), 1)
            self.assertEqual(cal.next_workday(dt.date(2024, 10, 1)), dt.date(2024, 10, 8))
            self.assertEqual(cal.holiday_name(dt.date(2024, 10, 1)), "National Day")
            self.assertIsNone(cal.holiday_name(dt.date(2024, 10, 9)))
            due = cal.deadline_after(MON, "1wd")
            self.assertEqual(due, dt.datetime(2025, 1, 7, 17, 30, tzinfo=jiceng.CST))
            self.assertEqual(due.utcoffset(), dt.timedelta(hours=8))

    def test_errors(self):
        cal = jiceng.Calendar.china()
        cal.set_mode("strict")
        with self.assertRaises(jiceng.OutOfRange) as ctx:
            cal.is_workday(dt.date(2031, 3, 3))
        self.assertIn("2031", str(ctx.exception))
        cal.set_weekend_only()
        self.assertTrue(cal.is_workday(dt.date(2031, 3, 3)))
        with self.assertRaises(jiceng.InvalidArgument):
            cal.deadline_after(MON, "2x")
        with self.assertRaises(jiceng.InvalidArgument):
            cal.deadline_after(dt.datetime(2025, 1, 6, 9), "1wd")  # naive
        with self.assertRaises(TypeError):
            cal.is_workday(dt.datetime(2025, 1, 6, 9, tzinfo=jiceng.CST))
        self.assertIsInstance(jiceng.OutOfRange("x"), jiceng.JicengError)

    def test_day_numbers_match_dates(self):
        # The calendar passes day numbers (days since 1970-01-01) through the ABI.
        from jiceng import _capi as C
        for d in (dt.date(1400, 1, 1), dt.date(1970, 1, 1), dt.date(2024, 2, 29), dt.date(9999, 12, 31)):
            n = C.jc_day()
            self.assertEqual(C.jc_day_from_date(ctypes.byref(n), C.jc_date(d.year, d.month, d.day)), C.JC_OK)
            self.assertEqual(n.value, d.toordinal() - 719163)
        with jiceng.Calendar.china() as cal:
            start = dt.date(2024, 1, 1)
            for i in range(366):
                d = start + dt.timedelta(days=i)
                for n in (-3, 0, 1, 5):
                    r = cal.add_workdays(d, n)
                    self.assertTrue(cal.is_workday(r))
                    if n > 0 and cal.is_workday(d):  # from a working day a: between(a, add(a, n)) == n
                        self.assertEqual(cal.workdays_between(d, r), n)
            self.assertEqual(cal.add_workdays("2024-09-30", 1), dt.date(2024, 10, 8))
            with self.assertRaises(jiceng.OutOfRange) as ctx:
                cal.add_workdays(dt.date(1399, 12, 31), 1)
            # The C function is kept apart, not in the message (a Python caller never called it).
            self.assertEqual(ctx.exception.c_function, "jc_calendar_add_workdays_day")
            self.assertNotIn("jc_", str(ctx.exception))
            with self.assertRaises(jiceng.InvalidArgument):
                cal.add_workdays("2024-02-30", 1)
            with self.assertRaises(TypeError):
                cal.add_workdays(dt.datetime(2024, 9, 30, tzinfo=jiceng.CST), 1)

    def test_csv_years(self):
        cal = jiceng.Calendar.from_csv("2030-10-01,holiday,National Day,国庆节\n")
        self.assertFalse(cal.is_workday(dt.date(2030, 10, 1)))
        with self.assertRaises(jiceng.InvalidArgument):
            cal.load_csv("2031-01-01,holyday,x,y\n", "bad.csv")
        self.assertEqual(cal.years, (2030, 2030))  # unchanged: 2031 is still provisional
        self.assertTrue(cal.is_provisional(dt.date(2031, 1, 1)))
        cal.set_mode("strict")
        with self.assertRaises(jiceng.OutOfRange):
            cal.is_workday(dt.date(2031, 1, 1))

    def test_freed_when_dropped(self):
        # The library's free runs, once, as soon as the last reference goes.
        from jiceng import _capi
        freed = []
        real = _capi.jc_calendar_free
        _capi.jc_calendar_free = lambda h: (freed.append(ctypes.cast(h, ctypes.c_void_p).value), real(h))
        try:
            cal = jiceng.Calendar.china()
            h = ctypes.cast(cal._handle, ctypes.c_void_p).value
            del cal
            self.assertEqual(freed, [h])
        finally:
            _capi.jc_calendar_free = real


class OrgTests(unittest.TestCase):
    def setUp(self):
        self.org = jiceng.Org()
        self.org.load_sample()

    def tearDown(self):
        self.org.close()

    def test_export_masks_member_names_unless_raw(self):
        raw = json.loads(self.org.export_json(raw=True))["members"]
        masked = json.loads(self.org.export_json())["members"]
        self.assertTrue(raw)
        self.assertEqual([m["id"] for m in raw], [m["id"] for m in masked])
        for r, m in zip(raw, masked):
            self.assertEqual(m["name"], r["name"][0] + "*" * max(len(r["name"]) - 1, 1))
            if len(r["name"]) > 1:
                self.assertNotEqual(m["name"], r["name"])

    def test_units_by_level_and_kind(self):
        doc = json.loads(self.org.export_json())["units"]
        everything = self.org.units()
        self.assertEqual(sorted(everything), sorted(u["id"] for u in doc))
        self.assertEqual(len(everything), len(self.org))
        for level in range(6):
            # Units beside the tree (the 物业行业党委 at level 1) only with beside=True.
            self.assertEqual(sorted(self.org.units(level=level)),
                             sorted(u["id"] for u in doc if u["level"] == level
                                    and u["kind"] not in jiceng.org.BESIDE_THE_TREE), level)
            self.assertEqual(sorted(self.org.units(level=level, beside=True)),
                             sorted(u["id"] for u in doc if u["level"] == level), level)
        buildings = self.org.units(kind="building_group")
        self.assertIn(BUILDING, buildings)
        self.assertEqual(sorted(buildings), sorted(u["id"] for u in doc if u["kind"] == "building_group"))
        self.assertEqual(self.org.units(level=1, kind="building_group"), [])
        self.assertEqual(self.org.units(level=0), ["320506"])
        with self.assertRaisesRegex(jiceng.InvalidArgument, "not a unit kind"):
            self.org.units(kind="palace")
        with self.assertRaisesRegex(jiceng.InvalidArgument, "level 6 is not in -1..5"):
            self.org.units(level=6)

    def test_hierarchy(self):
        self.assertGreater(len(self.org), 40)
        self.assertEqual(self.org.ancestors(BUILDING), [BUILDING, GRID, COMMUNITY, STREET, "320506"])
        self.assertEqual(self.org.parent(BUILDING), GRID)
        self.assertIsNone(self.org.parent("320506"))
        self.assertEqual(self.org.level(BUILDING), 4)
        self.assertEqual(self.org.ancestor_at_level(BUILDING, 2), COMMUNITY)
        self.assertTrue(self.org.is_ancestor(STREET, BUILDING))
        self.assertFalse(self.org.is_ancestor(BUILDING, STREET))
        self.assertEqual(self.org.lca(BUILDING, "320506001002C01B01"), STREET)
        self.assertEqual(self.org.subtree_size("320506"), len(self.org))
        self.assertIn(BUILDING, self.org.children(GRID))
        self.assertEqual(self.org.name("320506"), "吴中区委")
        unit = self.org.unit(BUILDING)
        self.assertEqual(unit["kind"], "building_group")
        self.assertEqual(unit["parent"], GRID)
        units = self.org.responsible_units(HOUSEHOLD)
        self.assertEqual(units[2], COMMUNITY)
        self.assertEqual(units[4], BUILDING)
        self.assertIn(GRID, self.org)
        self.assertNotIn("nowhere", self.org)
        cov = self.org.coverage(as_of=dt.date(2025, 1, 6))
        self.assertIn("grids_without_station", cov)
        self.assertIn("digraph", self.org.export_dot(COMMUNITY, 1))

    def test_errors_change_nothing(self):
        before = self.org.export_json()
        with self.assertRaises(jiceng.NotFound) as ctx:
            self.org.ancestors("no-such-unit")
        self.assertIn("no-such-unit", str(ctx.exception))
        self.assertIsInstance(ctx.exception, LookupError)
        with self.assertRaises(jiceng.InvalidArgument):
            self.org.load_json({"units": [{"id": "X", "name": "x", "level": 3, "kind": "grid_branch",
                                           "parent": STREET}]}, "bad.json")
        with self.assertRaises(jiceng.NotFound):
            self.org.load("/nonexistent/org.json")
        with self.assertRaises(jiceng.InvalidArgument):
            self.org.index("\udcff")  # a lone surrogate is not UTF-8
        self.assertEqual(self.org.export_json(), before)

    def test_load_file(self):
        path = os.path.join(SOURCE_DIR, "data", "sample-district.json")
        with jiceng.Org() as org:
            org.load(path)
            self.assertEqual(len(org), len(self.org))
            self.assertEqual(org.ancestors(GRID), [GRID, COMMUNITY, STREET, "320506"])
            before = org.export_json(raw=True)
            tmp = tempfile.mkdtemp()
            self.addCleanup(shutil.rmtree, tmp)
            bad = os.path.join(tmp, "bad.json")
            with open(bad, "w", encoding="utf-8") as f:
                f.write('{"units": [{"id": "X"')
            with self.assertRaises(jiceng.InvalidArgument) as ctx:
                org.load(bad)
            self.assertIn("bad.json", str(ctx.exception))
            self.assertEqual(org.export_json(raw=True), before)
        with jiceng.Engine() as e:
            e.org.load(path, now=MON)
            self.assertEqual(e.org.ancestors(GRID), [GRID, COMMUNITY, STREET, "320506"])
            self.assertEqual(e.last_seq, 1)

    def test_members_and_transfer(self):
        # Counted independently from the document: members with an org relation in the tree.
        doc = json.loads(self.org.export_json(raw=True))
        related = [x for x in doc["members"] if x.get("org_unit")]
        members, party = self.org.subtree_members("320506")
        self.assertEqual(members, len(related))
        self.assertEqual(party, sum(1 for x in related if x["party_member"]))
        m = next(x for x in related if x["org_unit"] == GRID)
        src_before = self.org.subtree_members(GRID)
        dst = "320506001002"
        dst_before = self.org.subtree_members(dst)
        self.org.transfer_member(m["id"], dst, dt.date(2025, 3, 1))
        self.assertEqual(self.org.subtree_members(GRID)[0], src_before[0] - 1)
        self.assertEqual(self.org.subtree_members(dst)[0], dst_before[0] + 1)
        self.assertEqual(self.org.subtree_members("320506")[0], members)
        before = self.org.export_json(raw=True)
        with self.assertRaises(jiceng.NotFound) as ctx:
            self.org.transfer_member("M9999", dst, dt.date(2025, 3, 2))
        self.assertIn("M9999", str(ctx.exception))
        with self.assertRaises(jiceng.NotFound):
            self.org.transfer_member(m["id"], "nowhere", dt.date(2025, 3, 2))
        with self.assertRaises(jiceng.NotFound):
            self.org.subtree_members("nowhere")
        self.assertEqual(self.org.export_json(raw=True), before)

    def test_generated_city(self):
        text = jiceng.Org.generate_json(units=300, seed=3)
        with jiceng.Org() as org:
            org.load_json(text)
            self.assertEqual(len(org), 300)


class PolicyTests(unittest.TestCase):
    SLATE = {"type": "committee_slate", "id": "s1",
             "candidates": [{"name": "c%d" % i, "party_member": i < 3} for i in range(10)]}

    def test_builtin_and_evaluate(self):
        p = jiceng.Policy.builtin("suzhou-sip")
        self.assertEqual(p.name, "suzhou-sip")
        self.assertIn("national", p.info()["chain"])
        self.assertIn("committee.party_ratio", p.rules)
        findings = p.evaluate(self.SLATE)
        self.assertTrue(any(f["rule"] == "committee.party_ratio" for f in findings))
        self.assertIn("wuzhong", jiceng.policy.builtin_names())
        again = jiceng.Policy.from_json(p.to_json())
        self.assertEqual(len(again.evaluate(self.SLATE)), len(findings))

    def test_errors(self):
        with self.assertRaises(jiceng.NotFound):
            jiceng.Policy.builtin("atlantis")
        with self.assertRaises(jiceng.InvalidArgument) as ctx:
            jiceng.Policy.from_json("{", "broken.json")
        self.assertIn("broken.json", ctx.exception.message)
        self.assertEqual(ctx.exception.code, "INVALID_ARGUMENT")
        with self.assertRaises(jiceng.InvalidArgument):
            jiceng.Policy.builtin("national").evaluate({"type": "spaceship"})
        with self.assertRaises(jiceng.NotFound):
            jiceng.Policy.builtin("national").rule_params("no.such.rule")

    @unittest.skipUnless(os.path.isdir(CASES), "no policy cases")
    def test_run_tests_in_the_library(self):
        report = jiceng.policy.run_tests([CASES])
        self.assertEqual(report.failed, 0, [c for c in report.cases if not c.passed][:3])
        self.assertGreater(report.passed, 10)
        self.assertTrue(report.summary.endswith("0 failed"))
        with self.assertRaises(jiceng.NotFound):
            jiceng.policy.run_tests(["/nonexistent/cases"])


class HelperTests(jiceng.testing.PolicyTestCase):
    policy = "suzhou-sip"

    def test_assert_findings(self):
        slate = PolicyTests.SLATE
        self.assertFindings(slate, {"committee.party_ratio": "pass"})
        self.assertFindings(slate, [{"rule": "committee.party_ratio", "check": "candidates", "outcome": "pass"}])
        with self.assertRaises(AssertionError) as ctx:
            self.assertFindings(slate, {"committee.party_ratio": "fail"})
        self.assertIn("expected fail, got pass", str(ctx.exception))
        two = dict(slate, candidates=slate["candidates"][:2] + [{"name": "x%d" % i, "party_member": False}
                                                                  for i in range(8)])
        self.assertFindings(two, {("committee.party_ratio", "candidates"): "fail"})
        self.assertPolicyError({"type": "spaceship"}, code="INVALID_ARGUMENT")


# Every case of the policy engineer's case files, one test method each.
if os.path.isdir(CASES):
    PolicyCaseFiles = jiceng.testing.policy_case_tests(CASES)


class BulkTests(unittest.TestCase):
    def setUp(self):
        self.engine = jiceng.Engine(policy="suzhou-sip")
        self.engine.org.load_sample(now=MON - dt.timedelta(days=1))

    def tearDown(self):
        self.engine.close()

    def test_the_loop_in_bulk(self):
        p = self.engine.petitions
        n = 50
        ids = p.submit_many(["R-%d" % i for i in range(n)], locations=["H-G01B01-0101"] * n,
                            categories=["noise"] * n, texts=["噪音 %d" % i for i in range(n)],
                            channel="hotline", now=MON)
        self.assertEqual(len(ids), n)
        self.assertEqual(len(set(ids)), n)
        self.assertEqual(p.get(ids[3])["petitioner"], "R-3")
        self.assertEqual(p.get(ids[3])["channel"], "hotline")
        officer = p.resolve_actor(Actor("S-1", Role.STREET_OFFICER, "320506001"))
        later = MON + dt.timedelta(hours=1)
        for ev in (jiceng.Event.ACCEPT, jiceng.Event.DISPATCH, jiceng.Event.SIGN):
            self.assertEqual(p.execute_many(officer, ev, ids, int(later.timestamp())), [])
        self.assertEqual(p.resolve_many(officer, ids, "已处理", now=later), [])
        self.assertEqual({p.state(i) for i in ids}, {jiceng.State.RESOLVED})
        sats = ["satisfied" if i % 2 else "unsatisfied" for i in range(n)]
        self.assertEqual(p.evaluate_many(officer, ids, satisfaction=sats, solved=[i % 3 > 0 for i in range(n)],
                                         now=later + dt.timedelta(hours=1)), [])
        ev = [h for h in p.history(ids[4]) if h["type"] == "evaluate"][0]["payload"]["evaluation"]
        self.assertEqual(ev, {"contacted": True, "solved": True, "satisfaction": "unsatisfied"})
        ev = [h for h in p.history(ids[3]) if h["type"] == "evaluate"][0]["payload"]["evaluation"]
        self.assertEqual(ev, {"contacted": True, "solved": False, "satisfaction": "satisfied"})
        k = self.engine.kpi()
        self.assertEqual(k["counts"]["received"], n)

    def test_refusals(self):
        p = self.engine.petitions
        with self.assertRaises(jiceng.NotFound) as ctx:
            p.submit_many(["R-1", "R-2"], locations=["H-G01B01-0101", "H-nowhere"], categories=["noise"] * 2,
                          texts=["a", "b"], now=MON)
        self.assertIn("H-nowhere", str(ctx.exception))
        ids = ctx.exception.ids
        self.assertNotEqual(ids[0], 0)  # the good one went in
        self.assertEqual(ids[1], 0)
        self.assertEqual(ctx.exception.statuses[1], jiceng.NotFound.status)
        with self.assertRaises(ValueError):
            p.submit_many(["R-1"], locations=["H-G01B01-0101"] * 2, categories=["noise"], texts=["a"], now=MON)
        officer = p.resolve_actor(Actor("S-1", Role.STREET_OFFICER, "320506001"))
        before = self.engine.digest()
        self.assertEqual(p.resolve_many(officer, [ids[0], 999], "x", now=MON), [ids[0], 999])
        self.assertEqual(self.engine.digest(), before)
        with self.assertRaises(jiceng.InvalidArgument):
            p.execute_text_many(officer, jiceng.Event.SIGN, [ids[0]], "x", MON)
        with self.assertRaises(jiceng.InvalidArgument):
            p.evaluate_many(officer, [ids[0]], satisfaction="delighted", now=MON)
        self.assertEqual(self.engine.digest(), before)


    def test_columns_marshal_every_kind_of_entry(self):
        """Bulk string columns: non-ASCII, repeated, None where optional, bytes, per-item
        datetimes and ints; a NUL inside a string or a None where required is refused
        naming the entry, and nothing is submitted."""
        p = self.engine.petitions
        texts = ["诉求 é %d" % i for i in range(5)]
        keys = ["k-0", None, b"k-2", "k-3", None]
        times = [MON + dt.timedelta(minutes=i) for i in range(4)] + [int(MON.timestamp()) + 600]
        ids = p.submit_many(["R-%d" % i for i in range(5)], locations=["H-G01B01-0101"] * 5,
                            categories=["noise", "property"] * 2 + ["noise"], texts=texts,
                            idempotency_keys=keys, times=times)
        for i, pid in enumerate(ids):
            v = p.get(pid)
            self.assertEqual(v["text"], texts[i])
            self.assertEqual(v["category"], "noise" if i % 2 == 0 else "property")
            self.assertEqual(v["petitioner"], "R-%d" % i)
        self.assertEqual(p.find_by_key("k-2"), ids[2])
        self.assertEqual(p.get(ids[4])["submitted_at"], int(MON.timestamp()) + 600)
        self.assertEqual(p.get(ids[1])["submitted_at"], int(MON.timestamp()) + 60)
        before = self.engine.digest()
        with self.assertRaisesRegex(ValueError, r"texts\[1\] contains a NUL"):
            p.submit_many(["R-1", "R-2"], locations=["H-G01B01-0101"] * 2, categories=["noise"] * 2,
                          texts=["ok", "bad\0tail"], now=MON)
        with self.assertRaisesRegex(TypeError, r"locations\[0\] must be str"):
            p.submit_many(["R-1"], locations=[None], categories=["noise"], texts=["a"], now=MON)
        with self.assertRaisesRegex(ValueError, "texts has 1 entries, expected 2"):
            p.submit_many(["R-1", "R-2"], locations=["H-G01B01-0101"] * 2, categories=["noise"] * 2,
                          texts=["a"], now=MON)
        officer = p.resolve_actor(Actor("S-1", Role.STREET_OFFICER, "320506001"))
        with self.assertRaisesRegex(ValueError, "contains a NUL"):
            p.resolve_many(officer, ids, "a\0b", now=MON)
        self.assertEqual(self.engine.digest(), before)


class EngineTests(unittest.TestCase):
    def setUp(self):
        self.e = new_engine()
        self.p = self.e.petitions

    def tearDown(self):
        self.e.close()

    def test_closed_loop(self):
        pid = submit(self.e, key="k-1")
        self.assertEqual(submit(self.e, key="k-1"), pid)
        self.assertEqual(self.p.find_by_key("k-1"), pid)
        self.assertIsNone(self.p.find_by_key("k-2"))
        self.assertEqual(self.p.state(pid), jiceng.State.RECEIVED)
        self.p.accept(OFFICER, pid, now=hours(1))
        self.p.dispatch(SECRETARY, pid, now=hours(2))
        routed = self.p.current_unit(pid)  # by policy, on the building's chain below the street
        self.assertTrue(self.e.org.is_ancestor(routed, BUILDING))
        self.assertGreaterEqual(self.e.org.level(routed), 2)
        due = self.p.deadline(pid)
        self.assertIsInstance(due, dt.datetime)
        self.assertIsNotNone(due.tzinfo)
        self.p.sign(STAFF, pid, now=hours(3))
        self.p.urge(SECRETARY, pid, "请加快", now=hours(4))
        self.p.resolve(STAFF, pid, "已协调", now=hours(5))
        self.p.evaluate(RESIDENT, pid, "satisfied", now=hours(6))
        self.assertEqual(self.p.state(pid), jiceng.State.CLOSED)
        view = self.p.get(pid)
        self.assertEqual(view["state"], "closed")
        self.assertEqual(view["contact"]["phone"], "138****5678")
        self.assertEqual(self.p.get(pid, raw_contact=True)["contact"]["phone"], "13812345678")
        events = [ev["type"] for ev in self.p.history(pid)]
        self.assertEqual(events, ["submit", "accept", "dispatch", "sign", "urge", "resolve", "evaluate"])
        self.assertEqual(self.p.by_state("closed"), [pid])
        self.assertEqual(self.p.by_unit(STREET), [pid])
        self.assertEqual(self.e.stats()["petitions"], 1)

    def test_every_command(self):
        a = submit(self.e)
        self.p.reject(OFFICER, a, "不属于受理范围", now=hours(1))
        b, c = submit(self.e), submit(self.e)
        self.p.merge(OFFICER, c, b, now=hours(1))
        w = submit(self.e)
        self.p.withdraw(RESIDENT, w, "已解决", now=hours(1))
        grid_worker = Actor("G-1", Role.GRID_WORKER, GRID)
        self.p.accept(OFFICER, b, now=hours(1))
        self.p.dispatch(SECRETARY, b, GRID, now=hours(1))
        self.p.return_(grid_worker, b, "非本网格事项", now=hours(2))
        self.p.dispatch(SECRETARY, b, GRID, designated=True, now=hours(3))
        with self.assertRaises(jiceng.IllegalTransition):
            self.p.return_(grid_worker, b, "again", now=hours(4))
        self.p.sign(grid_worker, b, now=hours(4))
        self.p.escalate(grid_worker, b, "需社区协调", now=hours(5))
        self.p.sign(STAFF, b, now=hours(6))
        self.p.supervise(OFFICER, b, "街道督办", now=hours(6))
        self.p.request_extension(STAFF, b, "2wd", "需协调物业", now=hours(7))
        self.p.grant_extension(SECRETARY, b, now=hours(8))
        self.p.resolve(STAFF, b, "已处理", now=hours(9))
        self.p.close(SECRETARY, b, now=hours(10))
        with self.assertRaises(jiceng.IllegalTransition):  # only an unsatisfied evaluation reopens
            self.p.reopen(RESIDENT, b, "问题复发", now=hours(11))
        kinds = {ev["type"] for ev in self.p.history(b)}
        self.assertTrue({"return", "escalate", "supervise", "request_extension", "grant_extension",
                         "close"} <= kinds)
        r = submit(self.e)
        self.p.accept(OFFICER, r, now=hours(1))
        self.p.dispatch(SECRETARY, r, COMMUNITY, now=hours(1))
        self.p.sign(STAFF, r, now=hours(2))
        self.p.resolve(STAFF, r, "已处理", now=hours(3))
        self.p.evaluate(RESIDENT, r, "unsatisfied", solved=False, now=hours(4))
        self.p.reopen(RESIDENT, r, "问题复发", now=hours(5))
        self.assertEqual(self.p.state(r), jiceng.State.DISPATCHED)
        self.assertIn("reopen", [ev["type"] for ev in self.p.history(r)])
        self.assertEqual(self.p.state(c), jiceng.State.MERGED)
        self.assertEqual(self.p.state(w), jiceng.State.WITHDRAWN)

    def test_refusals_are_typed_and_change_nothing(self):
        pid = submit(self.e)
        before = self.e.digest()
        with self.assertRaises(jiceng.PermissionDenied):
            self.p.accept(RESIDENT, pid, now=hours(1))
        with self.assertRaises(jiceng.IllegalTransition) as ctx:
            self.p.sign(STAFF, pid, now=hours(1))
        self.assertEqual(ctx.exception.c_function, "jc_engine_sign")
        self.assertNotIn("jc_", ctx.exception.message)
        self.assertIs(jiceng.FailedPrecondition, jiceng.IllegalTransition)
        with self.assertRaises(jiceng.NotFound):
            self.p.accept(OFFICER, 999, now=hours(1))
        with self.assertRaises(jiceng.NotFound):
            self.p.accept(Actor("x", Role.STREET_OFFICER, "no-such-unit"), pid, now=hours(1))
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.accept(Actor("x", "mayor", STREET), pid, now=hours(1))
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.reject(OFFICER, pid, None, now=hours(1))
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.request_extension(STAFF, pid, "five days", now=hours(1))
        with self.assertRaises(TypeError):
            self.p.accept(("x", 7, STREET), pid, now=hours(1))
        self.assertEqual(self.e.digest(), before)

    def test_hot_path(self):
        pid = submit(self.e)
        officer = self.p.resolve_actor(OFFICER)
        staff = self.p.resolve_actor(STAFF)
        now = int(hours(1).timestamp())
        self.p.execute(officer, jiceng.Event.ACCEPT, pid, now)
        self.p.execute(officer, jiceng.Event.DISPATCH, pid, now)
        self.p.execute(staff, jiceng.Event.SIGN, pid, now + 60)
        self.assertEqual(self.p.state(pid), jiceng.State.IN_PROGRESS)
        with self.assertRaises(jiceng.IllegalTransition):
            self.p.execute(staff, jiceng.Event.SIGN, pid, now + 120)
        with self.assertRaises(jiceng.NotFound):
            self.p.resolve_actor(Actor("x", Role.STREET_OFFICER, "nowhere"))
        # The event by name or int, the time as an aware datetime, as everywhere else.
        q = submit(self.e)
        self.p.execute(officer, "accept", q, hours(1))
        self.p.execute(officer, int(jiceng.Event.DISPATCH), q, hours(1))
        self.assertEqual(self.p.state(q), jiceng.State.DISPATCHED)
        before = self.e.digest()
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.execute(officer, "acept", q, hours(1))
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.execute(officer, "urge", q, dt.datetime(2025, 1, 6, 10))  # naive
        self.assertEqual(self.e.digest(), before)
        many = [submit(self.e) for _ in range(3)]
        self.assertEqual(self.p.execute_many(officer, jiceng.Event.ACCEPT, many, now), [])
        self.assertEqual({self.p.state(m) for m in many}, {jiceng.State.ACCEPTED})
        self.assertEqual(self.p.execute_many(officer, jiceng.Event.ACCEPT, [many[0], 4242], now), [many[0], 4242])
        # The event by name, as execute takes it; a wrong name changes nothing.
        self.assertEqual(self.p.execute_many(officer, "dispatch", many, now), [])
        self.assertEqual({self.p.state(m) for m in many}, {jiceng.State.DISPATCHED})
        before = self.e.digest()
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.execute_many(officer, "dispach", many, now)
        self.assertEqual(self.e.digest(), before)

    def test_bulk_call_failures_raise(self):
        # A bulk call returns its items' first failure; any other status is the call's own
        # (here an internal error after one item was refused) and raises instead of being
        # reported as refused items. A stand-in for the C function plays the library's part.
        from jiceng import _capi
        officer = self.p.resolve_actor(OFFICER)
        ids = [submit(self.e) for _ in range(2)]

        def fake(status, item_status):
            def call(results, *args):
                results[0] = item_status
                _capi.jc_clear_error()
                return status
            return call
        for name, run in [("jc_engine_execute_many",
                           lambda: self.p.execute_many(officer, jiceng.Event.ACCEPT, ids, MON)),
                          ("jc_engine_execute_text_many",
                           lambda: self.p.resolve_many(officer, ids, "x", now=MON))]:
            real = getattr(_capi, name)
            try:
                setattr(_capi, name, fake(_capi.JC_INTERNAL, _capi.JC_FAILED_PRECONDITION))
                with self.subTest(name, case="call failure"), self.assertRaises(jiceng.InternalError):
                    run()
                setattr(_capi, name, fake(_capi.JC_FAILED_PRECONDITION, _capi.JC_FAILED_PRECONDITION))
                with self.subTest(name, case="item failure"):
                    self.assertEqual(run(), [ids[0]])
            finally:
                setattr(_capi, name, real)

    def test_tick_and_queries(self):
        pid = submit(self.e)
        report = self.e.tick(MON + dt.timedelta(days=30))
        self.assertIsInstance(report, jiceng.TickReport)
        self.assertGreaterEqual(report.overdue, 1)
        self.assertEqual(self.p.overdue(MON + dt.timedelta(days=30)), [pid])
        self.assertTrue(self.p.get(pid)["ever_overdue"])

    def test_batch(self):
        before = self.e.digest()

        def failing(engine):
            submit(engine)
            submit(engine)
            raise RuntimeError("host gave up")

        with self.assertRaises(RuntimeError):
            self.e.batch(failing)
        self.assertEqual(self.e.digest(), before)

        def refused(engine):
            pid = submit(engine)
            engine.petitions.accept(RESIDENT, pid, now=hours(1))

        with self.assertRaises(jiceng.PermissionDenied):
            self.e.batch(refused)
        self.assertEqual(self.e.digest(), before)
        ids = self.e.batch(lambda engine: [submit(engine) for _ in range(3)])
        self.assertEqual(len(ids), 3)
        self.assertEqual(self.e.stats()["petitions"], 3)

    def test_snapshot_restore_and_config(self):
        submit(self.e)
        data = self.e.snapshot()
        with jiceng.Engine() as other:
            other.restore(data)
            self.assertEqual(other.digest(), self.e.digest())
            with self.assertRaises(jiceng.DataLoss):
                other.restore(data[: len(data) // 2])
            self.assertEqual(other.digest(), self.e.digest())
        self.assertEqual(self.e.policy_name, "suzhou-sip")
        self.e.set_policy("national")
        self.assertEqual(self.e.policy_name, "national")
        self.assertTrue(self.e.calendar.is_workday(dt.date(2025, 1, 6)))
        self.assertEqual(self.e.org.ancestors(GRID), [GRID, COMMUNITY, STREET, "320506"])
        with self.assertRaises(jiceng.NotFound):
            self.e.org.load("/nonexistent/org.json")
        self.assertIn("digraph", jiceng.workflow_dot())
        self.assertIn("sign", jiceng.workflow_matrix("csv"))

    def test_kpi(self):
        if jiceng._capi.jc_engine_kpi_json is None:
            self.skipTest("library built without KPIs")
        for i in range(4):
            pid = submit(self.e)
            self.p.accept(OFFICER, pid, now=hours(1))
            self.p.dispatch(SECRETARY, pid, now=hours(1))
            self.p.sign(STAFF, pid, now=hours(2))
            self.p.resolve(STAFF, pid, "ok", now=hours(3))
            self.p.evaluate(RESIDENT, pid, "satisfied" if i < 3 else "unsatisfied", solved=i < 3, now=hours(4))
        k = self.e.kpi()
        self.assertEqual(k["counts"]["received"], 4)
        self.assertAlmostEqual(k["rates"]["solve"], 0.75)
        sub = self.e.kpi(unit=COMMUNITY, period=(dt.date(2025, 1, 1), dt.date(2025, 1, 31)))
        self.assertEqual(sub["counts"]["received"], 4)
        other = self.e.kpi(unit="320506101")
        self.assertEqual(other["counts"]["received"], 0)
        self.assertIsNone(other["rates"]["solve"])
        bundle = self.e.kpi(unit=STREET, ranking_level=2, trend=True)
        self.assertIn("ranking", bundle)
        # Fair league table: the community's 4 petitions are below the policy's minimum of
        # 30 (kpi.ranking), so it is listed apart, unranked.
        self.assertEqual(bundle["ranking_min_received"], 30)
        self.assertEqual(bundle["ranking"], [])
        self.assertIn(COMMUNITY, [u["unit"] for u in bundle["below_minimum"]])
        for u in bundle["below_minimum"]:
            self.assertLess(u["counts"]["received"], 30)
            self.assertNotIn("rank", u)
        with self.assertRaises(jiceng.NotFound):
            self.e.kpi(unit="nowhere")
        with self.assertRaises(jiceng.InvalidArgument):
            self.e.kpi(period=("2025-02-30", None))
        # Weights (response / solve / satisfaction, summing to 100) move the composite score.
        default = self.e.kpi()["rates"]["composite"]
        heavy = self.e.kpi(weights={"response": 80, "solve": 10, "satisfaction": 10,
                                    "basic_satisfaction_factor": 0.9})["rates"]["composite"]
        self.assertNotEqual(heavy, default)
        before = self.e.digest()
        with self.assertRaises(jiceng.InvalidArgument) as ctx:
            self.e.kpi(weights={"response": 10, "solve": 10, "satisfaction": 10})
        self.assertIn("100", str(ctx.exception))
        self.assertEqual(self.e.kpi()["rates"]["composite"], default)
        self.assertEqual(self.e.digest(), before)

    def test_deny_extension(self):
        pid = submit(self.e)
        self.p.accept(OFFICER, pid, now=hours(1))
        self.p.dispatch(SECRETARY, pid, now=hours(1))
        self.p.sign(STAFF, pid, now=hours(2))
        before = self.e.digest()
        with self.assertRaises(jiceng.IllegalTransition):  # nothing requested yet
            self.p.deny_extension(SECRETARY, pid, "无正当理由", now=hours(3))
        self.assertEqual(self.e.digest(), before)
        self.p.request_extension(STAFF, pid, "2wd", "需协调物业", now=hours(3))
        self.p.deny_extension(SECRETARY, pid, "无正当理由", now=hours(4))
        self.assertEqual(self.p.history(pid)[-1]["type"], "deny_extension")
        self.assertEqual(self.p.state(pid), jiceng.State.IN_PROGRESS)

    def test_kpi_without_the_area_is_unimplemented(self):
        # A libjiceng built without the KPI area has no jc_engine_kpi_json: engine.kpi raises
        # the typed error the example catches, and nothing else changes.
        from jiceng import _capi
        real = _capi.jc_engine_kpi_json
        before = self.e.digest()
        _capi.jc_engine_kpi_json = None
        try:
            with self.assertRaises(jiceng.Unimplemented) as ctx:
                self.e.kpi()
        finally:
            _capi.jc_engine_kpi_json = real
        self.assertEqual(ctx.exception.code, "UNIMPLEMENTED")
        self.assertIn("KPI", str(ctx.exception))
        self.assertEqual(self.e.digest(), before)

    def test_closed_engine(self):
        e = jiceng.Engine()
        e.close()
        with self.assertRaises(ValueError):
            e.petitions.state(1)
        e.close()  # twice is fine


class HandleTests(unittest.TestCase):
    """Every handle class closes on ``with`` exit, says it is closed afterwards, and closes
    twice without harm; a borrowed calendar view never frees its engine's calendar."""

    def test_with_closes_every_handle(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        makers = [
            ("policy", lambda: jiceng.Policy.builtin("national"), lambda h: h.name),
            ("engine", lambda: jiceng.Engine(), lambda h: h.policy_name),
            ("calendar", jiceng.Calendar.china, lambda h: h.is_workday(dt.date(2026, 2, 14))),
            ("journal", lambda: jiceng.Journal(os.path.join(tmp, "j.db"), read_only=False,
                                               create_if_missing=True), lambda h: h.verify()),
        ]
        for what, make, use in makers:
            with self.subTest(what):
                with make() as h:
                    use(h)
                with self.assertRaises(ValueError) as ctx:
                    use(h)
                self.assertIn(what + " is closed", str(ctx.exception))
                h.close()

    def test_engine_views_after_close_raise(self):
        # Views (calendar, org, petitions) ask the engine at each call: once it is closed they
        # raise instead of reading freed memory.
        e = jiceng.Engine()
        cal, org, pet = e.calendar, e.org, e.petitions
        self.assertTrue(cal.is_workday(dt.date(2026, 2, 14)))
        e.close()
        for what, use in [("calendar.years", lambda: cal.years),
                          ("calendar.is_workday", lambda: cal.is_workday(dt.date(2026, 2, 14))),
                          ("len(org)", lambda: len(org)),
                          ("petitions.state", lambda: pet.state(1))]:
            with self.subTest(what):
                with self.assertRaises(ValueError) as ctx:
                    use()
                self.assertIn("engine is closed", str(ctx.exception))
        with self.assertRaises(ValueError):
            e.calendar

    def test_views_keep_their_engine_alive(self):
        org = jiceng.Engine().org
        org.load_sample()
        self.assertGreater(len(org), 10)
        cal = jiceng.Engine().calendar
        self.assertFalse(cal.is_workday(dt.date(2024, 10, 1)))

    def test_engine_freed_when_dropped_without_gc(self):
        # No reference cycle between an engine and its views: dropping the engine frees it at
        # once (with the collector off), after its views were used.
        from jiceng import _capi
        freed = []
        real = _capi.jc_engine_free
        _capi.jc_engine_free = lambda h: (freed.append(1), real(h))
        gc.disable()
        try:
            e = jiceng.Engine()
            e.org.load_sample()
            self.assertGreater(len(e.org), 10)
            e.petitions.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="x", now=MON)
            e.calendar.years
            del e
            self.assertEqual(freed, [1])
        finally:
            gc.enable()
            _capi.jc_engine_free = real

    def test_borrowed_calendar_outlives_nothing(self):
        e = jiceng.Engine()
        cal = e.calendar
        cal.close()  # a view: the engine's calendar must stay usable
        self.assertTrue(e.calendar.is_workday(dt.date(2026, 2, 14)))
        e.close()


class JournalTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jiceng_py_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_durable_engine(self):
        path = os.path.join(self.dir, "j.db")
        with new_engine(journal=path, sync="normal") as e:
            pid = submit(e)
            e.petitions.accept(OFFICER, pid, now=hours(1))
            seq = e.journal_snapshot()
            e.petitions.dispatch(SECRETARY, pid, now=hours(2))
            digest = e.digest()
        with jiceng.Engine(journal=path) as e:
            self.assertEqual(e.digest(), digest)
            self.assertEqual(e.petitions.state(pid), jiceng.State.DISPATCHED)
        with jiceng.Journal(path) as j:
            r = j.verify()
            self.assertEqual(r.latest_snapshot, seq)
            self.assertEqual(r.events, j.last_seq)
            self.assertEqual(len(r.head), 64)
            self.assertEqual(j.snapshot_count, 1)
            self.assertIn("digest", j.latest_snapshot())
        with self.assertRaises(jiceng.NotFound):
            jiceng.Journal(os.path.join(self.dir, "missing.db"))

    def test_tampered_journal_is_data_loss(self):
        import sqlite3
        path = os.path.join(self.dir, "t.db")
        with new_engine(journal=path, sync="normal") as e:
            pids = [submit(e) for _ in range(3)]
            e.petitions.accept(OFFICER, pids[0], now=hours(1))
        with jiceng.Journal(path) as j:
            good = j.verify()
        db = sqlite3.connect(path)
        db.execute("UPDATE events SET payload = payload || x'00' WHERE seq = 3")
        db.commit()
        db.close()
        with jiceng.Journal(path) as j:
            with self.assertRaises(jiceng.DataLoss) as ctx:
                j.verify()
            self.assertIn("seq 3", str(ctx.exception))
        with self.assertRaises(jiceng.DataLoss) as ctx:
            jiceng.Engine(journal=path)
        self.assertIn("seq 3", str(ctx.exception))
        self.assertGreater(good.events, 3)
        self.assertEqual(jiceng.sha256_hex(b"abc"),
                         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


if __name__ == "__main__":
    unittest.main()
