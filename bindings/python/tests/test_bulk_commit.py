"""Bulk calls' commit (批量提交) on a real journal: one transaction per call by default, all
or nothing; per-item commit keeps the commands before a failed one; bulk calls inside
``engine.batch`` join it. The journal file is instrumented with sqlite3 while the engine is
closed: a trigger on the head row (updated once per append) counts transactions, another
makes the insert of one seq fail."""

import datetime as dt
import os
import shutil
import sqlite3
import tempfile
import threading
import unittest

import jiceng
from jiceng import Actor, Role
from jiceng import _capi as C

MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
HOUSEHOLD = "H-G01B01-0101"
OFFICER = Actor("S-1", Role.STREET_OFFICER, "320506001")


def intake(p, n, tag="py", locations=None):
    return p.submit_many(["R-%d" % i for i in range(n)], locations=locations or [HOUSEHOLD] * n,
                         categories=["noise"] * n, texts=["%s 噪音 %d" % (tag, i) for i in range(n)], now=MON)


class BulkCommitTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jiceng_bulk_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def journal(self, name, fail_at=None, **kw):
        """A durable engine with the sample district on a fresh journal, reopened with the
        commit counter (and, with ``fail_at`` = n, a failing insert of the n-th next row)."""
        path = os.path.join(self.dir, name)
        with jiceng.Engine(policy="suzhou-sip", journal=path, sync="normal") as e:
            e.org.load_sample(now=MON - dt.timedelta(days=1))
            seq = e.last_seq
        db = sqlite3.connect(path)
        db.executescript(
            "CREATE TABLE commits(n INTEGER PRIMARY KEY, seq INTEGER NOT NULL);"
            "CREATE TRIGGER count_commits AFTER UPDATE ON head BEGIN INSERT INTO commits(seq) VALUES (NEW.seq); END;")
        if fail_at is not None:
            db.executescript("CREATE TRIGGER fail_one BEFORE INSERT ON events WHEN NEW.seq = %d "
                             "BEGIN SELECT RAISE(ABORT, 'injected append failure'); END;" % (seq + fail_at))
        db.commit()
        db.close()
        return path, jiceng.Engine(journal=path, sync="normal", **kw)

    @staticmethod
    def commits(path):
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT count(*) FROM commits").fetchone()[0]
        finally:
            db.close()

    def test_mode_setting(self):
        with jiceng.Engine() as e:
            self.assertEqual(e.bulk_commit, "group")
            e.bulk_commit = "per_item"
            self.assertEqual(e.bulk_commit, "per_item")
            with self.assertRaises(ValueError):
                e.bulk_commit = "sometimes"
            self.assertEqual(e.bulk_commit, "per_item")
        with jiceng.Engine(bulk_commit="per_item") as e:
            self.assertEqual(e.bulk_commit, "per_item")
        with self.assertRaises(ValueError):
            jiceng.Engine(bulk_commit="batch")

    def test_group_commit_is_one_transaction_per_call(self):
        gpath, g = self.journal("group.db")
        # A journal records its opening time: compare against a copy of the same file.
        g.close()
        ppath = os.path.join(self.dir, "per_item.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(gpath + suffix):
                shutil.copyfile(gpath + suffix, ppath + suffix)
        g = jiceng.Engine(journal=gpath, sync="normal")
        p = jiceng.Engine(journal=ppath, sync="normal", bulk_commit="per_item")
        outcomes = []
        for e in (g, p):
            with e:
                c0 = self.commits(e.journal_path)
                pet = e.petitions
                with self.assertRaises(jiceng.NotFound) as ctx:
                    intake(pet, 30, locations=[HOUSEHOLD] * 29 + ["H-nowhere"])
                ids = ctx.exception.ids
                officer = pet.resolve_actor(OFFICER)
                refused = [pet.execute_many(officer, ev, ids, MON + dt.timedelta(hours=1))
                           for ev in ("accept", "dispatch", "sign")]
                refused.append(pet.resolve_many(officer, ids, "已处理", now=MON + dt.timedelta(hours=2)))
                outcomes.append((list(ids), list(ctx.exception.statuses), refused, e.digest(),
                                 self.commits(e.journal_path) - c0))
        (gids, gst, grefused, gdigest, gcommits), (pids, pst, prefused, pdigest, pcommits) = outcomes
        self.assertEqual((gids, gst, grefused, gdigest), (pids, pst, prefused, pdigest))
        self.assertEqual(grefused, [[0]] * 4)  # the refused submission's id 0, refused again
        self.assertEqual(gcommits, 5)  # five calls
        self.assertEqual(pcommits, 29 * 5)  # one per accepted command

    def test_failed_group_commit_changes_nothing(self):
        path, e = self.journal("fail.db", fail_at=3)
        with e:
            pet = e.petitions
            before, seq = e.digest(), e.last_seq
            with self.assertRaises(jiceng.JicengError) as ctx:
                intake(pet, 10)
            err = ctx.exception
            self.assertIn("group commit of 10 accepted commands failed", str(err))
            self.assertIn("injected append failure", str(err))
            self.assertEqual(list(err.ids), [0] * 10)
            self.assertEqual(err.statuses, [C.JC_ABORTED] * 10)
            self.assertEqual((e.digest(), e.last_seq), (before, seq))
            self.assertEqual(e.petitions.by_state("received"), [])
            ids = intake(pet, 2)  # rows 1 and 2 go in
            two_in = e.digest()
            officer = pet.resolve_actor(OFFICER)
            with self.assertRaises(jiceng.JicengError) as ctx:
                pet.execute_many(officer, "accept", [ids[0], 4242, ids[1]], MON + dt.timedelta(hours=1))
            self.assertEqual(ctx.exception.statuses, [C.JC_ABORTED, C.JC_NOT_FOUND, C.JC_ABORTED])
            # Both refused (not in progress): nothing to commit, so the refusals are returned.
            self.assertEqual(pet.resolve_many(officer, ids, "x", now=MON), list(ids))
            with self.assertRaises(jiceng.JicengError) as ctx:
                pet.execute_text_many(officer, "reject", ids, "不属于受理范围", MON + dt.timedelta(hours=1))
            self.assertEqual(ctx.exception.statuses, [C.JC_ABORTED] * 2)
            self.assertEqual(e.digest(), two_in)
        with jiceng.Engine(journal=path) as e:
            self.assertEqual(e.digest(), two_in)

    def test_per_item_keeps_the_commands_before_a_failed_commit(self):
        path, e = self.journal("per_item_fail.db", fail_at=4, bulk_commit="per_item")
        with e:
            seq = e.last_seq
            with self.assertRaises(jiceng.JicengError) as ctx:
                intake(e.petitions, 6)
            ids = ctx.exception.ids
            self.assertEqual([i != 0 for i in ids], [True] * 3 + [False] * 3)
            self.assertEqual(ctx.exception.statuses[:3], [C.JC_OK] * 3)
            self.assertEqual(e.last_seq, seq + 3)
            kept = e.digest()
        with jiceng.Engine(journal=path) as e:
            self.assertEqual(e.digest(), kept)
            self.assertEqual(e.petitions.by_state("received"), list(ids[:3]))

    def test_bulk_calls_inside_a_batch_join_it(self):
        path, e = self.journal("batch.db")
        with e:
            pet = e.petitions
            c0, before = self.commits(path), e.digest()

            def work(engine):
                ids = intake(engine.petitions, 5)
                officer = engine.petitions.resolve_actor(OFFICER)
                self.assertEqual(engine.petitions.execute_many(officer, "accept", ids, MON), [])
                return ids

            class Stop(Exception):
                pass

            def failing(engine):
                work(engine)
                raise Stop()

            with self.assertRaises(Stop):
                e.batch(failing)
            self.assertEqual((e.digest(), self.commits(path)), (before, c0))
            ids = e.batch(work)
            self.assertEqual(self.commits(path), c0 + 1)
            self.assertEqual({pet.state(i) for i in ids}, {jiceng.State.ACCEPTED})

    def test_threads_each_call_one_transaction_with_consecutive_ids(self):
        path, e = self.journal("threads.db")
        with e:
            c0 = self.commits(path)
            out, errors = [], []

            def run(t):
                try:
                    for _ in range(3):
                        out.append(list(intake(e.petitions, 40, tag="t%d" % t)))
                except BaseException as ex:  # noqa: B902 - reported below
                    errors.append(ex)

            threads = [threading.Thread(target=run, args=(t,)) for t in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])
            self.assertEqual(len(out), 9)
            for ids in out:
                self.assertEqual(ids, list(range(ids[0], ids[0] + 40)))
            self.assertEqual(self.commits(path), c0 + 9)


if __name__ == "__main__":
    unittest.main()
