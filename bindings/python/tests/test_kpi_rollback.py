"""KPIs after a rolled-back batch and under threads (issue 15). ``engine.kpi()`` asked inside
``engine.batch`` that then raises no longer leaves the batch's petitions in the KPIs (nor
misses the real events that reuse their seqs), and KPI queries inside batches and on other
threads no longer deadlock. The reference is a fresh engine restored from the engine's
snapshot (its KPI index built from scratch). The threaded test runs in a child process
with a timeout, so a deadlock fails the test instead of hanging the suite."""

import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
import unittest

import jiceng
from jiceng import Actor, Role

MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
HOUSEHOLDS = ["H-G01B01-0101", "H-G02B01-0101", "H-G03B01-0601", "H-C01B01-1201", "H-C02B01-0301"]
RESIDENT = Actor("R-1", Role.RESIDENT)
OFFICER = Actor("D-1", Role.DISTRICT_OFFICER, "320506")


class Discarded(Exception):
    """Raised inside a batch to roll it back."""


def new_engine():
    e = jiceng.Engine(policy="suzhou-sip")
    e.org.load_sample(now=MON - dt.timedelta(days=1))
    return e


def submit(e, household, category="noise", minutes=0):
    return e.petitions.submit(RESIDENT, location=household, category=category, text="诉求",
                              now=MON + dt.timedelta(minutes=minutes))


def kpis(e):
    return e.kpi(ranking_level=1, trend=True)


def fresh_kpis(e):
    """The KPIs of a new engine restored from e's snapshot."""
    with jiceng.Engine(policy="suzhou-sip") as f:
        f.restore(e.snapshot())
        return kpis(f)


def stress(rounds=120):
    """Threads ask for KPIs inside batches (a third of which then raise) and outside them,
    and submit plainly. Returns a list of problems (empty when all is well)."""
    e = new_engine()
    problems = []
    lock = threading.Lock()

    def note(msg):
        with lock:
            problems.append(msg)

    def batches(seed):
        rng = random.Random(seed)
        rolled = 0
        for i in range(rounds):
            fail = rng.random() < 1 / 3

            def body(b, i=i, fail=fail):
                pid = submit(b, HOUSEHOLDS[i % 5], minutes=i)
                if i % 2 == 0:
                    b.petitions.accept(OFFICER, pid, now=MON + dt.timedelta(minutes=i + 1))
                inside = b.kpi()["counts"]["received"]
                if inside != b.stats()["petitions"]:
                    note("inside a batch the KPIs say %d petitions, the engine %d" % (inside, b.stats()["petitions"]))
                submit(b, HOUSEHOLDS[(i + 2) % 5], category="parking", minutes=i)
                if fail:
                    raise Discarded()

            try:
                e.batch(body)
            except Discarded:
                rolled += 1
            except Exception as ex:  # noqa: BLE001 - reported, not swallowed
                note("batch: %r" % ex)
        if rolled == 0:
            note("no batch rolled back")

    def queries():
        for _ in range(rounds * 2):
            try:
                kpis(e)
            except Exception as ex:  # noqa: BLE001
                note("query: %r" % ex)

    def plain():
        for i in range(rounds):
            submit(e, HOUSEHOLDS[i % 5], minutes=i)

    threads = [threading.Thread(target=batches, args=(s,)) for s in (1, 2)]
    threads += [threading.Thread(target=queries) for _ in range(2)]
    threads.append(threading.Thread(target=plain))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = kpis(e)
    if final["report"]["counts"]["received"] != e.stats()["petitions"]:
        problems.append("final KPIs count %d petitions, the engine holds %d"
                        % (final["report"]["counts"]["received"], e.stats()["petitions"]))
    fresh = fresh_kpis(e)
    if final != fresh:
        problems.append("final KPIs differ from a fresh scan:\n%s\n%s" % (json.dumps(final), json.dumps(fresh)))
    e.close()
    return problems


class KpiRollbackTests(unittest.TestCase):
    def test_kpis_asked_inside_a_batch_that_raises(self):
        # The scenario: submit 1; a batch submits 2, asks kpi(), raises.
        e = new_engine()
        submit(e, HOUSEHOLDS[0])
        self.assertEqual(e.kpi()["counts"]["received"], 1)
        seen = {}

        def body(b):
            submit(b, HOUSEHOLDS[3], category="parking")
            submit(b, HOUSEHOLDS[4], category="parking")
            seen["inside"] = b.kpi()["counts"]["received"]
            raise Discarded()

        with self.assertRaises(Discarded):
            e.batch(body)
        self.assertEqual(seen["inside"], 3)
        self.assertEqual(e.stats()["petitions"], 1)
        self.assertEqual(e.kpi()["counts"]["received"], 1)
        self.assertEqual(kpis(e), fresh_kpis(e))
        # Real events reuse the rolled-back seqs: other units, another category, an accept.
        pid = submit(e, HOUSEHOLDS[1], minutes=60)
        submit(e, HOUSEHOLDS[2], minutes=60)
        e.petitions.accept(OFFICER, pid, now=MON + dt.timedelta(hours=2))
        k = e.kpi()
        self.assertEqual(k["counts"]["received"], 3)
        self.assertEqual(k["counts"]["accepted"], 1)
        self.assertNotIn("parking", json.dumps(k))
        self.assertEqual(kpis(e), fresh_kpis(e))
        e.close()

    def test_kpis_after_restore(self):
        e = new_engine()
        submit(e, HOUSEHOLDS[0])
        snap = e.snapshot()
        submit(e, HOUSEHOLDS[3], category="parking")
        self.assertEqual(e.kpi()["counts"]["received"], 2)
        e.restore(snap)
        submit(e, HOUSEHOLDS[1])
        self.assertEqual(e.kpi()["counts"]["received"], 2)
        self.assertEqual(kpis(e), fresh_kpis(e))
        e.close()

    def test_threads_ask_inside_and_outside_batches(self):
        # In a child process: a deadlock there is a timeout here, not a hung suite.
        try:
            r = subprocess.run([sys.executable, os.path.abspath(__file__), "--stress"], capture_output=True,
                               text=True, timeout=120, env=os.environ.copy())
        except subprocess.TimeoutExpired:
            self.fail("KPI queries inside and outside batches deadlocked (no end in 120 s)")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("stress ok", r.stdout)


if __name__ == "__main__":
    if sys.argv[1:] == ["--stress"]:
        found = stress()
        for p in found:
            print(p, file=sys.stderr)
        print("stress ok" if not found else "stress failed")
        sys.exit(1 if found else 0)
    unittest.main()
