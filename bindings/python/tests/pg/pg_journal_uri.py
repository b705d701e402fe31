"""The PostgreSQL journal from Python, against the real PostgreSQL 15 the test harness starts
(ctest capi_python_postgres, fixture jiceng_pg: tests/journal/pg/pg_cluster.sh writes the
cluster's libpq URI to $JICENG_PG_DIR/uri). Not named test_*.py: capi_python's discovery,
which has no server, does not pick it up; without JICENG_PG_DIR it fails rather than skips.

- ``Engine(journal="postgresql://...")`` round trip: commands, reopen, the same digest, the
  chain verified through ``Journal(uri)``;
- two engines on one chain (two servers): each sees the other's commands after
  ``catch_up``; a stale engine's command is refused with Aborted and changes nothing;
  ``run`` catches up and re-runs — the loser then sees the winner's effect, and a command
  that still applies is committed on the second run;
- ``min_seq`` on queries (read-your-writes across servers) and ``await_seq``'s deadline;
  on the loops' queries and the org view too;
- ``with engine.tailing():`` a background thread follows another server's commands (woken
  by its append hints), the org view refused meanwhile, and the error of a failed
  catch-up (a row edited in the database) raised when the block ends.
"""

import datetime as dt
import os
import subprocess
import time
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


def admin_uri():
    d = os.environ.get("JICENG_PG_DIR")
    if not d:
        raise RuntimeError("JICENG_PG_DIR is not set: run this through ctest (capi_python_postgres), "
                           "which starts the PostgreSQL cluster")
    with open(os.path.join(d, "uri"), encoding="utf-8") as f:
        return f.read().strip()


def psql(uri, *commands):
    """Runs SQL commands through psql on `uri`; their output (unaligned, tuples only)."""
    args = ["psql", "-q", "-At", "-v", "ON_ERROR_STOP=1", uri]
    for c in commands:
        args += ["-c", c]
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    return subprocess.run(args, check=True, env=env, capture_output=True, text=True).stdout.strip()


def fresh_database(name):
    """A new, empty database `name` in the harness's cluster; its journal URI on chain 320506
    (吴中区, the sample district's county)."""
    admin = admin_uri()
    psql(admin, "DROP DATABASE IF EXISTS %s" % name, "CREATE DATABASE %s" % name)
    return admin.replace("/jiceng_test?", "/%s?" % name) + "&chain=320506"


def submit(engine, now=MON):
    return engine.petitions.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="楼下广场舞噪音扰民",
                                   now=now)


class PostgresJournalTests(unittest.TestCase):
    def engine(self, uri):
        e = jiceng.Engine(policy="suzhou-sip", journal=uri)
        self.addCleanup(e.close)
        return e

    def test_engine_on_a_postgresql_uri_round_trips(self):
        uri = fresh_database("jiceng_py_round_trip")
        e = jiceng.Engine(policy="suzhou-sip", journal=uri)
        e.org.load_sample(now=MON - dt.timedelta(days=1))
        p = submit(e)
        e.petitions.accept(OFFICER, p, now=MON)
        digest, seq = e.digest(), e.last_seq
        e.close()

        again = self.engine(uri)
        self.assertEqual(again.digest(), digest)
        self.assertEqual(again.last_seq, seq)
        self.assertEqual(again.policy_name, "suzhou-sip")
        self.assertEqual(again.petitions.state(p), jiceng.State.ACCEPTED)
        with jiceng.Journal(uri) as j:
            report = j.verify()
        self.assertEqual((report.events, report.last_seq), (seq, seq))

    def test_a_bad_chain_is_refused_and_creates_nothing(self):
        uri = fresh_database("jiceng_py_bad_chain")
        with self.assertRaises(jiceng.InvalidArgument) as ctx:
            jiceng.Engine(journal=uri.replace("chain=320506", "chain=320500"))
        self.assertIn("320500", str(ctx.exception))
        db = uri.split("&chain=")[0]
        self.assertEqual(psql(db, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'jc\\_%'"), "0")
        e = self.engine(uri)  # the good chain opens and starts with the engine's first events
        self.assertEqual(e.last_seq, 2)
        self.assertEqual(psql(db, "SELECT seq FROM jc_chain WHERE chain = 320506"), "2")

    def test_two_engines_on_one_chain_see_each_others_commands(self):
        uri = fresh_database("jiceng_py_two")
        a, b = self.engine(uri), self.engine(uri)
        b.catch_up()  # both opened an empty chain; one of them started it
        self.assertEqual(a.digest(), b.digest())
        a.org.load_sample(now=MON - dt.timedelta(days=1))
        p = submit(a)
        with self.assertRaises(jiceng.NotFound):
            b.petitions.state(p)
        self.assertEqual(b.catch_up(), 2)
        self.assertEqual(b.digest(), a.digest())
        self.assertEqual(b.petitions.state(p), jiceng.State.RECEIVED)

        # b accepts; a, not caught up, tries the same: its append loses (Aborted), nothing changes.
        b.petitions.accept(OFFICER, p, now=MON)
        before = (a.digest(), a.last_seq)
        with self.assertRaises(jiceng.Aborted) as ctx:
            a.petitions.accept(OFFICER, p, now=MON)
        self.assertIn("catch up", str(ctx.exception))
        self.assertEqual((a.digest(), a.last_seq), before)

        # run catches up and re-runs: the accept is now refused — the winner's effect.
        runs = []

        def accept(e):
            runs.append(e.last_seq)
            e.petitions.accept(OFFICER, p, now=MON)

        with self.assertRaises(jiceng.IllegalTransition):
            a.run(accept)
        self.assertEqual(len(runs), 2)  # lost the race, caught up, refused
        self.assertEqual(a.digest(), b.digest())

        # A command that still applies after the lost race commits on the second run.
        q = submit(b, now=MON + dt.timedelta(minutes=5))
        runs.clear()

        def dispatch(e):
            runs.append(e.last_seq)
            e.petitions.dispatch(SECRETARY, p, COMMUNITY, now=MON + dt.timedelta(minutes=10))

        a.run(dispatch)
        self.assertEqual(len(runs), 2)
        self.assertLess(runs[0], runs[1])
        self.assertEqual(a.petitions.state(q), jiceng.State.RECEIVED)  # b's submit, caught up
        self.assertEqual(b.catch_up(), 1)
        self.assertEqual(b.petitions.state(p), jiceng.State.DISPATCHED)
        self.assertEqual(a.digest(), b.digest())
        with jiceng.Journal(uri) as j:
            self.assertEqual(j.verify().last_seq, a.last_seq)

        # tries is checked: nothing runs.
        runs.clear()
        with self.assertRaises(jiceng.InvalidArgument):
            a.run(dispatch, tries=0)
        self.assertEqual(runs, [])

    def test_min_seq_reads_another_servers_write(self):
        uri = fresh_database("jiceng_py_min_seq")
        a, b = self.engine(uri), self.engine(uri)
        a.org.load_sample(now=MON - dt.timedelta(days=1))
        p = submit(a)
        written = a.last_seq  # what server a hands its client after the command
        self.assertLess(b.last_seq, written)
        # The client's next request lands on server b: each query waits for the seq.
        self.assertEqual(b.petitions.get(p, min_seq=written)["state"], "received")
        self.assertEqual(b.last_seq, written)
        a.petitions.accept(OFFICER, p, now=MON)
        self.assertEqual(b.petitions.state(p, min_seq=a.last_seq), jiceng.State.ACCEPTED)
        a.petitions.dispatch(SECRETARY, p, COMMUNITY, now=MON)
        self.assertEqual([h["type"] for h in b.petitions.history(p, min_seq=a.last_seq)],
                         ["submit", "accept", "dispatch"])
        self.assertEqual(b.stats(min_seq=a.last_seq)["petitions"], 1)
        self.assertEqual(b.digest(), a.digest())

        # A seq nobody wrote: DeadlineExceeded after the read timeout, and nothing changes.
        b.read_timeout = 0.2
        before = (b.digest(), b.last_seq)
        with self.assertRaises(jiceng.DeadlineExceeded) as ctx:
            b.petitions.get(p, min_seq=a.last_seq + 10)
        self.assertIn("seq %d not reached" % (a.last_seq + 10), str(ctx.exception))
        with self.assertRaises(jiceng.DeadlineExceeded):
            b.await_seq(a.last_seq + 10, timeout=0)
        self.assertEqual((b.digest(), b.last_seq), before)
        with self.assertRaises(jiceng.InvalidArgument):
            b.await_seq(1, timeout=3601)
        with self.assertRaises(TypeError):
            b.await_seq(1, timeout="1s")


    def test_min_seq_on_loop_queries_and_the_org_view(self):
        uri = fresh_database("jiceng_py_min_seq_loops")
        a, b = self.engine(uri), self.engine(uri)
        a.org.load_sample(now=MON - dt.timedelta(days=1))
        # The graph server a loaded, read on server b at a's seq.
        self.assertEqual(b.org.unit(COMMUNITY, min_seq=a.last_seq)["id"], COMMUNITY)
        self.assertEqual(b.last_seq, a.last_seq)
        r = a.matters.raise_matter(STAFF, unit=COMMUNITY, title="停车", kind="parking_order",
                                   raised_by="residents_committee", now=MON)
        self.assertLess(b.last_seq, r.seq)
        self.assertEqual(b.matters.get(r.item, min_seq=r.seq)["data"]["title"], "停车")
        self.assertEqual(b.last_seq, r.seq)
        a.matters.start(STAFF, item=r.item, now=MON + dt.timedelta(minutes=1))
        self.assertEqual([m["id"] for m in b.matters.list(min_seq=a.last_seq)], [r.id])
        self.assertEqual(b.matters.list(state="deliberating", min_seq=a.last_seq)[0]["id"], r.id)
        self.assertEqual(b.digest(), a.digest())
        # Past the chain's head: DeadlineExceeded, nothing changes; an owned Org has no journal.
        b.read_timeout = 0.1
        before = (b.digest(), b.last_seq)
        with self.assertRaises(jiceng.DeadlineExceeded):
            b.matters.counts(min_seq=a.last_seq + 1)
        with self.assertRaises(jiceng.DeadlineExceeded):
            b.org.ancestors(COMMUNITY, min_seq=a.last_seq + 1)
        self.assertEqual((b.digest(), b.last_seq), before)
        with jiceng.Org() as owned:
            owned.load_sample()
            with self.assertRaises(jiceng.InvalidArgument) as ctx:
                owned.unit(COMMUNITY, min_seq=1)
            self.assertIn("min_seq", str(ctx.exception))

    def test_tailing_follows_another_server_in_the_background(self):
        uri = fresh_database("jiceng_py_tailing")
        a, b = self.engine(uri), self.engine(uri)
        a.org.load_sample(now=MON - dt.timedelta(days=1))
        with b.tailing(poll=60):  # a minute: only a's append hints can wake it in time
            p = submit(a)
            deadline = time.monotonic() + 20
            while b.last_seq < a.last_seq and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertEqual(b.last_seq, a.last_seq)
            self.assertEqual(b.petitions.state(p), jiceng.State.RECEIVED)  # queries are safe
            with self.assertRaises(jiceng.FailedPrecondition) as ctx:
                b.org.unit(COMMUNITY)  # the thread may replace the graph under a view
            self.assertIn("tails", str(ctx.exception))
            with self.assertRaises(jiceng.FailedPrecondition):
                with b.tailing():
                    pass
        self.assertEqual(b.org.unit(COMMUNITY)["id"], COMMUNITY)  # the graph a loaded
        self.assertEqual(b.digest(), a.digest())

        # Arguments are checked before anything starts.
        for bad in (0, 0.0001, 3601, float("nan")):
            with self.assertRaises(jiceng.InvalidArgument):
                with b.tailing(poll=bad):
                    self.fail("started with poll=%r" % (bad,))
        with self.assertRaises(TypeError):
            with b.tailing(poll="1"):
                pass
        with jiceng.Engine() as memory, self.assertRaises(jiceng.FailedPrecondition):
            with memory.tailing():
                pass

        # A row edited in the database: the thread refuses it, b stays where it was, and
        # leaving the block raises what the catch-up found.
        a.petitions.accept(OFFICER, p, now=MON)
        db = uri.split("&chain=")[0]
        psql(db, "UPDATE jc_events SET payload = payload || '\\x00'::bytea WHERE chain = 320506 AND seq = %d"
             % a.last_seq)
        before = (b.digest(), b.last_seq)
        with self.assertRaises(jiceng.DataLoss) as ctx:
            with b.tailing(poll=0.02):
                time.sleep(0.3)
        self.assertIn("seq %d" % a.last_seq, str(ctx.exception))
        self.assertEqual((b.digest(), b.last_seq), before)
        # An error inside the block is the one raised; the thread is stopped all the same.
        with self.assertRaises(KeyError):
            with b.tailing(poll=0.02):
                raise KeyError("the block's own")


if __name__ == "__main__":
    unittest.main()
