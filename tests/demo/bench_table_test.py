#!/usr/bin/env python3
"""scripts/bench-table against fake benchmark programs: the figures it reads, the ratios it
computes, PASS / FAIL / MISSING per target of docs/targets.md, medians of repeated runs, and the
exit status."""

import json
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE = os.path.join(ROOT, "scripts", "bench-table")

FAKE = textwrap.dedent('''\
    #!{python}
    import json, sys
    out = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--benchmark_out=")][0]
    print({stdout!r})
    json.dump({{"context": {{}}, "benchmarks": {benches!r}}}, open(out, "w"))
    ''')


def it(name, **kw):
    b = {"name": name, "run_name": name, "run_type": "iteration", "time_unit": "ns", "real_time": 1.0, "cpu_time": 1.0}
    b.update(kw)
    return b


def med(name, **kw):
    b = it(name, **kw)
    b.update(name=name + "_median", run_type="aggregate", aggregate_name="median")
    return b


def good():
    return {
        "petition_bench": ([it("BM_EngineTransitions/iterations:1/real_time", items_per_second=8e6,
                               bytes_per_open_petition=300.0),
                            it("BM_SqliteTransitions/iterations:1/real_time", items_per_second=2e5)], ""),
        "journal_bench": ([it("BM_JournalAppend/1000/real_time", items_per_second=1e5, repetitions=5),
                           it("BM_JournalAppend/1000/real_time", items_per_second=9e5, repetitions=5),
                           med("BM_JournalAppend/1000/real_time", items_per_second=4e5, repetitions=5),
                           med("BM_RawSqliteInsert/1000/real_time", items_per_second=4.5e5, repetitions=5)], ""),
        "org_bench": ([it("BM_Ancestors_Cpp", items_per_second=3e7), it("BM_Ancestors_Sqlite", items_per_second=1e5),
                       it("BM_UnitAtLevel_Cpp", items_per_second=5e7), it("BM_UnitAtLevel_Sqlite", items_per_second=1e5),
                       it("BM_IsAncestor_Cpp", items_per_second=2e8), it("BM_IsAncestor_Sqlite", items_per_second=1e5)],
                      "memory per unit: 120.5 B structure (text excluded; budget 256)"),
        "kpi_bench": ([it("BM_Synthetic10M_RollupCity", real_time=120.0, time_unit="ms", petitions=1e7)], ""),
        "capi_engine_bench": ([it("BM_DirectTransition", cpu_time=100.0), it("BM_CapiTransition", cpu_time=110.0)], ""),
        "calendar_bench": ([it("BM_IsWorkday_Index", items_per_second=3e8),
                            it("BM_AddWorkdays_Index", items_per_second=1e8),
                            it("BM_AddWorkdays_Provisional", items_per_second=9e7)], ""),
        "capi_bulk_bench": ([it("BM_DurableSubmitMany/5000/real_time", items_per_second=1e5, repetitions=5),
                             med("BM_DurableSubmitMany/5000/real_time", items_per_second=2e5, repetitions=5),
                             med("BM_DurableSubmitManyInBatch/5000/real_time", items_per_second=2.5e5,
                                 repetitions=5)], ""),
        "whatif_bench": ([it("BM_PlainReplay/iterations:1/real_time", time_unit="ms", cpu_time=900.0, repetitions=3),
                          it("BM_WhatIf/iterations:1/real_time", time_unit="ms", cpu_time=3000.0, repetitions=3),
                          med("BM_PlainReplay/iterations:1/real_time", time_unit="ms", cpu_time=1000.0,
                              repetitions=3, events=270000.0),
                          med("BM_WhatIf/iterations:1/real_time", time_unit="ms", cpu_time=1800.0, repetitions=3,
                              events=270000.0)], ""),
    }


class BenchTable(unittest.TestCase):
    def run_table(self, programs, python_ratio=25.0):
        with tempfile.TemporaryDirectory() as d:
            for name, (benches, stdout) in programs.items():
                path = os.path.join(d, name)
                with open(path, "w") as f:
                    f.write(FAKE.format(python=sys.executable, stdout=stdout, benches=benches))
                os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
            open(os.path.join(d, "libjiceng.so"), "w").close()
            py = os.path.join(d, "workload.py")
            with open(py, "w") as f:
                f.write("print('  jiceng (ctypes over libjiceng.so)   median    0.500 s')\n"
                        "print('  pure Python (networkx + objects)    median   12.000 s')\n"
                        "print('  ratio %.1fx (target >= 20x)')\n" % python_ratio)
            js = os.path.join(d, "rows.json")
            proc = subprocess.run([sys.executable, TABLE, d, "--python-script", py, "--json", js],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            rows = json.load(open(js))
        by = {r["target"]: r for r in rows["targets"]}
        return proc, by, rows["others"]

    def test_all_targets_pass(self):
        proc, by, others = self.run_table(good())
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertTrue(all(r["status"] == "PASS" for r in by.values()), by)
        self.assertIn("of %d targets pass" % len(by), proc.stdout)
        self.assertEqual(by["petition transition ≥ 5M/s"]["ratio"], "40.0x SQLite")
        # The median of the repetitions, not the first run.
        self.assertEqual(by["journal append ≥ 200k events/s"]["figure"], "400.00k/s")
        self.assertEqual(by["journal ≥ 0.8× raw SQLite inserts"]["ratio"], "0.89x")
        self.assertEqual(by["chain of command ≥ 100× SQLite CTE"]["ratio"], "300x")
        self.assertEqual(by["KPI rollup of 10M petitions < 1 s"]["figure"], "0.120 s over 10.00M petitions")
        self.assertEqual(by["C ABI overhead ≤ 1.2× (Transition)"]["ratio"], "1.10x")
        self.assertEqual(by["durable bulk submit ≥ 0.5× in a batch"]["ratio"], "0.80x")  # medians
        self.assertEqual(by["Python workload ≥ 20× pure Python"]["ratio"], "25.0x")
        self.assertEqual(by["memory ≤ 256 B per org unit"]["figure"], "120.5 B")
        self.assertEqual(by["memory ≤ 512 B per open petition"]["figure"], "300.0 B")
        self.assertIn("BM_IsWorkday_Index", [o["target"] for o in others])

    def test_a_slow_figure_fails(self):
        progs = good()
        progs["petition_bench"][0][0]["items_per_second"] = 4e6
        progs["capi_engine_bench"][0][1]["cpu_time"] = 130.0
        proc, by, _ = self.run_table(progs, python_ratio=12.0)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(by["petition transition ≥ 5M/s"]["status"], "FAIL")
        self.assertEqual(by["C ABI overhead ≤ 1.2× (Transition)"]["status"], "FAIL")
        self.assertEqual(by["Python workload ≥ 20× pure Python"]["status"], "FAIL")
        self.assertEqual(by["journal append ≥ 200k events/s"]["status"], "PASS")
        self.assertIn("not passing", proc.stdout)

    def test_journal_ratio_below_target_fails(self):
        progs = good()
        progs["journal_bench"][0][3]["items_per_second"] = 6e5
        _, by, _ = self.run_table(progs)
        self.assertEqual(by["journal ≥ 0.8× raw SQLite inserts"]["status"], "FAIL")

    def test_provisional_calendar_ratio(self):
        progs = good()
        _, by, _ = self.run_table(progs)
        self.assertEqual(by["add_workdays provisional ≤ 1.5× official"]["status"], "PASS")
        self.assertEqual(by["add_workdays provisional ≤ 1.5× official"]["ratio"], "1.11x")
        progs["calendar_bench"][0][2]["items_per_second"] = 6e7  # 1.67x slower
        proc, by, _ = self.run_table(progs)
        self.assertEqual(by["add_workdays provisional ≤ 1.5× official"]["status"], "FAIL")
        self.assertEqual(proc.returncode, 1)

    def test_durable_bulk_ratio_below_target_fails(self):
        progs = good()
        progs["capi_bulk_bench"][0][1]["items_per_second"] = 1e5
        proc, by, _ = self.run_table(progs)
        self.assertEqual(by["durable bulk submit ≥ 0.5× in a batch"]["status"], "FAIL")
        self.assertEqual(by["durable bulk submit ≥ 0.5× in a batch"]["ratio"], "0.40x")
        self.assertEqual(proc.returncode, 1)
        del progs["capi_bulk_bench"]
        _, by, _ = self.run_table(progs)
        self.assertEqual(by["durable bulk submit ≥ 0.5× in a batch"]["status"], "MISSING")

    def test_whatif_ratio_on_cpu_medians(self):
        progs = good()
        _, by, _ = self.run_table(progs)
        w = by["what-if ≤ 2× plain replay"]
        self.assertEqual(w["ratio"], "1.80x")  # the medians, not the first repetition (3.33x)
        self.assertEqual(w["figure"], "1800 ms vs 1000 ms CPU (270.00k events)")
        self.assertEqual(w["status"], "PASS")
        progs["whatif_bench"][0][3]["cpu_time"] = 2100.0
        proc, by, _ = self.run_table(progs)
        self.assertEqual(by["what-if ≤ 2× plain replay"]["status"], "FAIL")
        self.assertEqual(proc.returncode, 1)
        del progs["whatif_bench"]
        _, by, _ = self.run_table(progs)
        self.assertEqual(by["what-if ≤ 2× plain replay"]["status"], "MISSING")

    def test_org_bench_snake_case_names(self):
        progs = good()
        progs["org_bench"] = ([it("ancestors/cpp/min_time:0.500", items_per_second=2e7),
                               it("ancestors/sqlite/min_time:1.000", items_per_second=1e5),
                               it("unit_at_level/cpp/min_time:0.500", items_per_second=3e8),
                               it("unit_at_level/sqlite/min_time:1.000", items_per_second=2e5),
                               it("is_ancestor/cpp/min_time:0.500", items_per_second=4e8),
                               it("is_ancestor/sqlite/min_time:1.000", items_per_second=4e6)],
                              "memory per unit: 190.0 B structure (text excluded; budget 256)")
        _, by, others = self.run_table(progs)
        self.assertEqual(by["chain of command ≥ 100× SQLite CTE"]["ratio"], "200x")
        self.assertEqual(by["responsible unit ≥ 100× SQLite CTE"]["status"], "PASS")
        self.assertEqual(by["is-inside-subtree ≥ 100× SQLite CTE"]["ratio"], "100x")
        self.assertNotIn("ancestors/cpp/min_time:0.500", [o["target"] for o in others])

    def test_repeated_capi_pairs_compare_medians(self):
        progs = good()
        # Repeated runs: the first repetition of the C ABI side is slow and the medians are
        # not; one row per pair, from the medians, and the program was asked to repeat.
        progs["capi_engine_bench"] = (
            [it("BM_DirectState", cpu_time=10.0), it("BM_CapiState", cpu_time=30.0),
             it("BM_DirectState", cpu_time=10.0), it("BM_CapiState", cpu_time=11.0),
             med("BM_DirectState", cpu_time=10.0), med("BM_CapiState", cpu_time=11.5)], "")
        proc, by, _ = self.run_table(progs)
        rows = [t for t in by if t.startswith("C ABI overhead")]
        self.assertEqual(rows, ["C ABI overhead ≤ 1.2× (State)"])
        self.assertEqual(proc.stdout.count("C ABI overhead ≤ 1.2× (State)"), 1, proc.stdout)
        self.assertEqual(by[rows[0]]["ratio"], "1.15x")
        self.assertEqual(by[rows[0]]["status"], "PASS")

    def test_capi_programs_run_repeated_and_interleaved(self):
        progs = good()
        benches, _ = progs["capi_engine_bench"]
        # A fake that fails unless it is asked for interleaved repetitions.
        progs["capi_engine_bench"] = (benches, "")
        with tempfile.TemporaryDirectory() as d:
            args_file = os.path.join(d, "args")
            path = os.path.join(d, "capi_engine_bench")
            with open(path, "w") as f:
                f.write(FAKE.format(python=sys.executable, stdout="", benches=benches)
                        + "open(%r, 'w').write(' '.join(sys.argv[1:]))\n" % args_file)
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
            subprocess.run([sys.executable, TABLE, d, "--no-python"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
            args = open(args_file).read()
        self.assertIn("--benchmark_repetitions=5", args)
        self.assertIn("--benchmark_enable_random_interleaving=true", args)

    def test_whatif_bench_runs_repeated(self):
        with tempfile.TemporaryDirectory() as d:
            args_file = os.path.join(d, "args")
            path = os.path.join(d, "whatif_bench")
            with open(path, "w") as f:
                f.write(FAKE.format(python=sys.executable, stdout="", benches=good()["whatif_bench"][0])
                        + "open(%r, 'w').write(' '.join(sys.argv[1:]))\n" % args_file)
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
            subprocess.run([sys.executable, TABLE, d, "--no-python"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
            args = open(args_file).read()
        self.assertIn("--benchmark_repetitions=3", args)

    def test_a_missing_program_is_reported(self):
        progs = good()
        del progs["kpi_bench"]
        proc, by, _ = self.run_table(progs)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(by["KPI rollup of 10M petitions < 1 s"]["status"], "MISSING")


if __name__ == "__main__":
    unittest.main()
