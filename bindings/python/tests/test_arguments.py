"""Arguments at the C boundary (issue 17, items 3 and 4).

A str holding a NUL would reach C cut at the NUL (``Actor("R-VICTIM\\0x")`` acted as
R-VICTIM), and an int outside its C type's range would wrap through ctypes
(``accept(petition=2**64+1)`` accepted petition 1). Both are refused in Python with
InvalidArgument naming the argument, and change nothing.

The class is closed by the tables below: every parameter of every public callable is
listed as a string, an integer or something else (with why), and a test fails when a
callable gains a parameter that is in none of them."""

import datetime as dt
import inspect
import os
import shutil
import tempfile
import unittest

import jiceng
import jiceng.civic
import jiceng.deliberation
import jiceng.projects
from jiceng import Actor, Role

MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
HOUSEHOLD = "H-G01B01-0101"
STREET, COMMUNITY, GRID = "320506001", "320506001001", "320506001001G01"
RESIDENT = Actor("R-1", Role.RESIDENT)
OFFICER = Actor("S-1", Role.STREET_OFFICER, STREET)
SECRETARY = Actor("C-1", Role.COMMUNITY_SECRETARY, COMMUNITY)
STAFF = Actor("C-2", Role.COMMUNITY_STAFF, COMMUNITY)
DAY = dt.date(2025, 1, 6)
U64_MAX = 2**64 - 1
NUL = "x\0y"

# Every public callable whose parameters are classified below.
CALLABLES = {
    "Engine": jiceng.Engine, "Petitions": jiceng.Petitions, "Org": jiceng.Org, "Calendar": jiceng.Calendar,
    "Policy": jiceng.Policy, "Journal": jiceng.Journal, "Actor": jiceng.Actor,
    "workflow_matrix": jiceng.workflow_matrix, "run_tests": jiceng.policy.run_tests,
    "sha256_hex": jiceng.sha256_hex, "display_id": jiceng.display_id, "whatif": jiceng.whatif, "Loop": jiceng.Loop, "Loops": jiceng.Loops,
    # The hosted loops' classes: every method reaches C through Loop.command / Loop.query
    # (payload and parameters as JSON: json.dumps escapes a NUL; ids and times as Loop's).
    "Commitments": jiceng.civic.Commitments, "Assessment": jiceng.civic.Assessment,
    "Matters": jiceng.deliberation.Matters, "Mediation": jiceng.Mediation,
    "Projects": jiceng.projects.Projects, "Fund": jiceng.projects.Fund,
}

# Parameters that are neither a C string nor a C integer, and why.
OTHER = {
    "display_id.petition": "petition_arg, as every petition parameter (test_surprises.py)",
    # Hosted loops: their strings and integers go through enc / int_arg / to_ts, and NULs
    # and overflows are tested in test_loops.py, which needs a library hosting a loop.
    "Loop.engine": "the engine (engine.loops builds it)", "Loops.engine": "the engine",
    "Loop.name": "tested in test_loops.py", "Loop.*.actor": "a jiceng.Actor",
    "Loop.command.event": "tested in test_loops.py", "Loop.*.item": "tested in test_loops.py",
    "Loop.*.now": "tested in test_loops.py", "Loop.*.payload": "JSON data (json.dumps, then enc)",
    "Loop.*.params": "JSON data (json.dumps, then enc)", "Loop.query.name": "tested in test_loops.py",
    "Loop.list.state": "tested in test_loops.py", "Loop.list.unit": "tested in test_loops.py",
    "Loop.list.limit": "tested in test_loops.py",
    "Commitments.*.engine": "the engine", "Assessment.*.engine": "the engine", "Matters.*.engine": "the engine",
    "Mediation.*.engine": "the engine", "Projects.*.engine": "the engine", "Fund.*.engine": "the engine",
    "Commitments.board.*": "query parameters as JSON (term_start through int_arg)",
    "Commitments.reviews.*": "query parameters as JSON (year through int_arg)",
    "Assessment.scores.*": "query parameters as JSON",
    "Matters.raise_matter.*": "a payload as JSON through Loop.command (actor, now as Loop's)",
    "Matters.raise_from_petitions.*": "a payload as JSON through Loop.command; each petition through Petitions.get "
    "and Petitions.resolve",
    "Matters.meeting.*": "a payload as JSON through Loop.command (actor, item, now as Loop's)",
    "Matters.findings.*": "query parameters as JSON", "Matters.review.*": "query parameters as JSON",
    "Mediation.suggest.case": "an item id (Loop's)", "Mediation.mediators.committee": "an item id (Loop's)",
    "Mediation.summary.unit": "query parameters as JSON",
    "Mediation.refer_petition.*": "a payload as JSON through Loop.command; the petition through Petitions.resolve",
    "Projects.command.*": "as Loop.command", "Fund.command.*": "as Loop.command",
    "Projects.board.*": "query parameters as JSON", "Projects.four_lists.*": "query parameters as JSON",
    "Projects.village_campaign.*": "query parameters as JSON (dates as ISO strings)",
    "Fund.statement.*": "query parameters as JSON", "Fund.ledger.*": "query parameters as JSON",
    "Fund.findings.*": "query parameters as JSON",
    "Actor.role": "an enum (names and values are checked by Role.of)",
    "Petitions.*.actor": "a jiceng.Actor (its strings are in Actor.id, Actor.unit)",
    "Petitions.*.handle": "an ActorHandle from resolve_actor",
    "Petitions.*.event": "an enum", "Petitions.by_state.state": "an enum",
    "Petitions.submit.urgency": "an enum", "Petitions.submit.severity": "an enum",
    "Petitions.submit.channel": "an enum", "Petitions.evaluate.satisfaction": "an enum",
    "Petitions.evaluate.contacted": "a flag", "Petitions.evaluate.solved": "a flag",
    "Petitions.reopen.kind": "an enum", "Petitions.dispatch.designated": "a flag",
    "Petitions.get.raw_contact": "a flag", "Petitions.history.raw_contact": "a flag",
    "Petitions.resolve_actor.actor": "a jiceng.Actor",
    "Engine.set_policy.by": "a jiceng.Actor (its fields checked as an actor's)",
    "Engine.load_calendar_csv.by": "a jiceng.Actor (its fields checked as an actor's)",
    "Org.load_json.by": "a jiceng.Actor (its fields checked as an actor's)",
    "Engine.allow_system_role.allow": "a flag",
    "Petitions.submit_many.*": "bulk columns (string_column / int_column / ts_column check them)",
    "Petitions.execute_text_many.texts": "a bulk column", "Petitions.resolve_many.answer": "a bulk column",
    "Petitions.evaluate_many.*": "bulk columns",
    "Petitions.execute_many.petitions": "a bulk column", "Petitions.execute_text_many.petitions": "a bulk column",
    "Petitions.resolve_many.petitions": "a bulk column",
    "Petitions.engine": "the engine (engine.petitions builds it)",
    "Engine.sync": "one of a fixed set", "Engine.bulk_commit": "one of a fixed set", "Engine.read_only": "a flag", "Engine.batch.fn": "a callable",
    "Engine.run.fn": "a callable",
    "Engine.await_seq.timeout": "seconds, a number (TypeError otherwise, InvalidArgument outside 0..3600)",
    "Engine.tailing.poll": "seconds, a number (TypeError otherwise, InvalidArgument outside 0.001..3600)",
    "Engine.restore.data": "binary snapshot bytes, passed with their length",
    "Engine.kpi.trend": "a flag", "Engine.kpi.include_units_beside_tree": "a flag",
    "Engine.kpi.weights": "a dict, sent as JSON (json.dumps escapes a NUL)",
    "Engine.kpi.period": "a pair of dates or strings (from_date, to_date: checked as strings)",
    "Org.export_json.raw": "a flag", "Org.generate_json.members": "a flag", "Org.units.beside": "a flag",
    "Org.load_json.text": "JSON text or a dict (a str is checked as a string: see Org.load_json.text below)",
    "Calendar.set_weekend_only.on": "a flag", "Calendar.set_mode.mode": "an enum (CalendarMode.of checks it)",
    "Calendar.coverage.today": "a date, or a string (checked)",
    "Engine.set_calendar_mode.mode": "an enum (CalendarMode.of checks it)",
    "Calendar.*.day": "a date, or a string (checked)", "Calendar.workdays_between.a": "a date",
    "Calendar.workdays_between.b": "a date", "Calendar.deadline_after.start": "a datetime or int (checked)",
    "Org.transfer_member.day": "a date, or a string (checked)",
    "Org.coverage.as_of": "a date, or a string (checked)",
    "Policy.load.spec": "a name, path or dict (a str is checked: builtin or from_file)",
    "Policy.load.base_dir": "joined to spec", "Policy.evaluate.subject": "a dict or JSON text (checked)",
    "Policy.from_json.text": "a dict or JSON text (checked)",
    "Journal.read_only": "a flag", "Journal.create_if_missing": "a flag", "Journal.sync": "one of a fixed set",
    "Journal.verify.fast": "a flag",
    "Journal.key": "binary key bytes passed with their length, a str refused (test_journal_integrity.py)",
    "Engine.journal_key": "binary key bytes passed with their length, a str refused (test_journal_integrity.py)",
    "run_tests.paths": "a path or a list of them (each checked)",
    "sha256_hex.data": "bytes hashed with their length (a NUL is data here, not an end)",
}


def new_engine(**kw):
    e = jiceng.Engine(policy="suzhou-sip", **kw)
    e.org.load_sample(now=MON - dt.timedelta(days=1))
    return e


def submit(e, **kw):
    return e.petitions.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="楼下广场舞噪音扰民",
                              contact_name="张三丰", contact_phone="13812345678", now=MON, **kw)


class Fixture(unittest.TestCase):
    """An engine with the sample org and one petition in each of RECEIVED and IN_PROGRESS;
    ``refused(name, call)`` runs ``call`` and checks it raised InvalidArgument naming
    ``name`` with the engine's state unchanged."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jiceng_args_")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.e = new_engine(journal=os.path.join(self.tmp, "j.db"))
        self.addCleanup(self.e.close)
        self.p = self.e.petitions
        self.received = submit(self.e)
        self.working = submit(self.e)
        self.p.accept(OFFICER, self.working, now=MON)
        self.p.dispatch(SECRETARY, self.working, COMMUNITY, now=MON)
        self.p.sign(STAFF, self.working, now=MON)
        self.calendar = jiceng.Calendar.china()
        self.addCleanup(self.calendar.close)
        self.org = jiceng.Org()
        self.org.load_sample()
        self.addCleanup(self.org.close)
        self.policy = jiceng.Policy.builtin("suzhou-sip")
        self.addCleanup(self.policy.close)

    def state(self):
        return (self.e.digest(), self.e.last_seq, len(self.org), self.org.export_json(raw=True),
                self.calendar.years, self.calendar.is_workday(dt.date(2026, 1, 1)))

    def refused(self, name, call):
        before = self.state()
        with self.assertRaises(jiceng.InvalidArgument, msg=name) as ctx:
            call()
        self.assertIn(name, str(ctx.exception))
        self.assertEqual(self.state(), before, name)
        return ctx.exception


class NulTests(Fixture):
    """A NUL in any string argument: InvalidArgument naming it (C would cut it there)."""

    def string_calls(self, bad):
        """(argument name, call) for every string parameter, ``bad`` in that parameter."""
        e, p, r, w, org, cal, pol = (self.e, self.p, self.received, self.working, self.org, self.calendar,
                                     self.policy)
        j = os.path.join(self.tmp, "j.db")

        def sub(**kw):
            args = dict(location=HOUSEHOLD, category="noise", text="t", now=MON)
            args.update(kw)
            return lambda: p.submit(RESIDENT, **args)

        return [
            ("actor id", lambda: p.accept(Actor("S-1" + bad, Role.STREET_OFFICER, STREET), r, now=MON)),
            ("actor unit", lambda: p.accept(Actor("S-1", Role.STREET_OFFICER, STREET + bad), r, now=MON)),
            ("actor id", lambda: p.resolve_actor(Actor("S-1" + bad, Role.STREET_OFFICER, STREET))),
            ("location", sub(location=HOUSEHOLD + bad)), ("category", sub(category="noise" + bad)),
            ("text", sub(text="t" + bad)), ("petitioner", sub(petitioner="R-1" + bad)),
            ("contact_name", sub(contact_name=bad)), ("contact_phone", sub(contact_phone="138" + bad)),
            ("idempotency_key", sub(idempotency_key="k" + bad)),
            ("reason", lambda: p.reject(OFFICER, r, "no" + bad, now=MON)),
            ("unit", lambda: p.dispatch(SECRETARY, r, COMMUNITY + bad, now=MON)),
            ("reason", lambda: p.return_(STAFF, w, "no" + bad, now=MON)),
            ("reason", lambda: p.escalate(STAFF, w, "up" + bad, now=MON)),
            ("reason", lambda: p.return_not_ours(STAFF, w, "no" + bad, competent_unit=STREET, now=MON)),
            ("competent_unit", lambda: p.return_not_ours(STAFF, w, "no", competent_unit=STREET + bad, now=MON)),
            ("external_body", lambda: p.return_not_ours(STAFF, w, "no", external_body="供电公司" + bad, now=MON)),
            ("duration", lambda: p.request_extension(STAFF, w, "2wd" + bad, now=MON)),
            ("reason", lambda: p.request_extension(STAFF, w, "2wd", "why" + bad, now=MON)),
            ("reason", lambda: p.deny_extension(SECRETARY, w, "no" + bad, now=MON)),
            ("note", lambda: p.urge(SECRETARY, w, "hurry" + bad, now=MON)),
            ("note", lambda: p.supervise(OFFICER, w, "watch" + bad, now=MON)),
            ("answer", lambda: p.resolve(STAFF, w, "done" + bad, now=MON)),
            ("reason", lambda: p.reopen(RESIDENT, w, "again" + bad, now=MON)),
            ("reason", lambda: p.close(SECRETARY, w, "closed" + bad, now=MON)),
            ("reason", lambda: p.withdraw(RESIDENT, r, "gone" + bad, now=MON)),
            ("category", lambda: p.route_party("noise" + bad, HOUSEHOLD)),
            ("location", lambda: p.route_party("noise", HOUSEHOLD + bad)),
            ("key", lambda: p.find_by_key("k" + bad)),
            ("unit", lambda: p.by_unit(STREET + bad)),
            ("unit", lambda: p.needs_list(STREET + bad)),
            ("actor id", lambda: p.support(Actor("R-2" + bad), r, now=MON)),
            ("actor id", lambda: p.withdraw_support(Actor("R-2" + bad), r, now=MON)),
            ("policy", lambda: jiceng.Engine(policy="national" + bad)),
            ("journal", lambda: jiceng.Engine(journal=j + bad)),
            ("policy", lambda: e.set_policy("national" + bad, now=MON)),
            ("text", lambda: e.load_calendar_csv("date,kind\n" + bad, now=MON)),
            ("unit", lambda: e.kpi(unit=STREET + bad)),
            ("from_date", lambda: e.kpi(period=("2025-01-01" + bad, "2025-02-01"))),
            ("to_date", lambda: e.kpi(period=("2025-01-01", "2025-02-01" + bad))),
            ("format", lambda: jiceng.workflow_matrix("csv" + bad)),
            ("path", lambda: e.org.load(os.path.join(self.tmp, "org.json") + bad, now=MON)),
            ("text", lambda: e.org.load_json('{"units": []}' + bad, now=MON)),
            ("path", lambda: org.load(os.path.join(self.tmp, "org.json") + bad)),
            ("text", lambda: org.load_json('{"units": []}' + bad)),
            ("source_name", lambda: org.load_json('{"units": []}', source_name="o.json" + bad)),
            ("unit id", lambda: STREET + bad in org),
            ("unit id", lambda: org.index(STREET + bad)),
            ("unit id", lambda: e.org.unit(STREET + bad)),
            ("unit id", lambda: org.name(STREET + bad)),
            ("unit id", lambda: org.level(STREET + bad)),
            ("unit id", lambda: org.parent(STREET + bad)),
            ("unit id", lambda: org.ancestors(STREET + bad)),
            ("unit id", lambda: org.children(STREET + bad)),
            ("unit id", lambda: org.ancestor_at_level(STREET + bad, 1)),
            ("unit id", lambda: org.is_ancestor(STREET + bad, COMMUNITY)),
            ("unit id", lambda: org.lca(STREET, COMMUNITY + bad)),
            ("unit id", lambda: org.subtree_size(STREET + bad)),
            ("unit id", lambda: org.subtree_members(STREET + bad)),
            ("kind", lambda: org.units(kind="grid" + bad)),
            ("unit id", lambda: org.households(STREET + bad)),
            ("household id", lambda: org.responsible_units(HOUSEHOLD + bad)),
            ("as_of", lambda: org.coverage(as_of="2025-01-01" + bad)),
            ("unit id", lambda: org.export_dot(STREET + bad)),
            ("member_id", lambda: org.transfer_member("M-1" + bad, COMMUNITY, DAY)),
            ("to_unit_id", lambda: org.transfer_member("M-1", COMMUNITY + bad, DAY)),
            ("day", lambda: org.transfer_member("M-1", COMMUNITY, "2025-01-06" + bad)),
            ("text", lambda: cal.load_csv("date,kind\n" + bad)),
            ("source_name", lambda: cal.load_csv("date,kind\n", source_name="c.csv" + bad)),
            ("text", lambda: jiceng.Calendar.from_csv("date,kind\n" + bad)),
            ("day", lambda: cal.is_workday("2025-01-06" + bad)),
            ("day", lambda: cal.day_kind("2025-01-06" + bad)),
            ("day", lambda: cal.add_workdays("2025-01-06" + bad, 1)),
            ("day", lambda: cal.workdays_between("2025-01-06" + bad, DAY)),
            ("day", lambda: cal.next_workday("2025-01-06" + bad)),
            ("day", lambda: cal.holiday_name("2025-01-06" + bad)),
            ("duration", lambda: cal.deadline_after(MON, "5wd" + bad)),
            ("name", lambda: jiceng.Policy.builtin("national" + bad)),
            ("path", lambda: jiceng.Policy.from_file(os.path.join(self.tmp, "p.json") + bad)),
            ("text", lambda: jiceng.Policy.from_json('{"name": "x"}' + bad)),
            ("source_name", lambda: jiceng.Policy.from_json('{"name": "x"}', source_name="p.json" + bad)),
            ("name", lambda: jiceng.Policy.load("national" + bad)),
            ("path", lambda: jiceng.Policy.load(os.path.join(self.tmp, "p.json") + bad)),
            ("rule", lambda: pol.rule_params("committee.party_ratio" + bad)),
            ("subject", lambda: pol.evaluate('{"type": "committee_slate"}' + bad)),
            ("paths[0]", lambda: jiceng.policy.run_tests([os.path.join(self.tmp, "cases") + bad])),
            ("run", lambda: jiceng.policy.run_tests([os.path.join(self.tmp, "cases")], run="owners" + bad)),
            ("path", lambda: jiceng.Journal(j + bad)),
            ("journal", lambda: jiceng.whatif(j + bad, "national")),
            ("policy", lambda: jiceng.whatif(j, "national" + bad)),
            ("date_from", lambda: jiceng.whatif(j, "national", date_from="2025-01-06" + bad)),
            ("date_to", lambda: jiceng.whatif(j, "national", date_to="2025-01-06" + bad)),
        ]

    def test_a_nul_is_refused_naming_the_argument(self):
        for bad in (NUL[1:], "\0", "\0tail"):
            for name, call in self.string_calls(bad):
                with self.subTest(argument=name, bad=bad):
                    err = self.refused(name, call)
                    self.assertIn("NUL", str(err))

    def test_bytes_with_a_nul_are_refused_too(self):
        before = self.state()
        with self.assertRaisesRegex(jiceng.InvalidArgument, "reason contains a NUL"):
            self.p.reject(OFFICER, self.received, b"no\0tail", now=MON)
        with self.assertRaisesRegex(jiceng.InvalidArgument, "unit id contains a NUL"):
            self.org.index(STREET.encode() + b"\0x")
        self.assertEqual(self.state(), before)

    def test_the_instances_of_the_report(self):
        # Actor("R-VICTIM\0x") acted as R-VICTIM; "320506\0x" in org was True.
        victim = self.p.submit(Actor("R-VICTIM"), location=HOUSEHOLD, category="noise", text="t", now=MON)
        before = self.state()
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.withdraw(Actor("R-VICTIM\0x"), victim, now=MON)
        with self.assertRaises(jiceng.InvalidArgument):
            STREET[:6] + "\0x" in self.org
        self.assertEqual(self.state(), before)
        self.assertEqual(self.p.state(victim), jiceng.State.RECEIVED)

    def test_strings_without_a_nul_still_pass(self):
        pid = submit(self.e, idempotency_key="k-é")
        self.p.reject(OFFICER, pid, "不属于受理范围".encode(), now=MON)
        self.assertEqual(self.p.state(pid), jiceng.State.REJECTED)
        self.assertIn(STREET, self.org)
        self.assertNotIn("nowhere", self.org)


class IntegerTests(Fixture):
    """An int outside its C type's range: InvalidArgument naming it (ctypes would wrap it)."""

    def integer_calls(self):
        """(argument name, C range, call(value)) for every integer parameter."""
        e, p, r, w, org, cal = self.e, self.p, self.received, self.working, self.org, self.calendar
        u64, i64, i32 = (0, U64_MAX), (-2**63, 2**63 - 1), (-2**31, 2**31 - 1)
        officer = p.resolve_actor(OFFICER)
        return [
            ("petition", u64, lambda v: p.accept(OFFICER, v, now=MON)),
            ("petition", u64, lambda v: p.reject(OFFICER, v, "no", now=MON)),
            ("petition", u64, lambda v: p.merge(OFFICER, v, r, now=MON)),
            ("into", u64, lambda v: p.merge(OFFICER, r, v, now=MON)),
            ("petition", u64, lambda v: p.dispatch(SECRETARY, v, COMMUNITY, now=MON)),
            ("petition", u64, lambda v: p.sign(STAFF, v, now=MON)),
            ("petition", u64, lambda v: p.return_(STAFF, v, "no", now=MON)),
            ("petition", u64, lambda v: p.return_not_ours(STAFF, v, "no", competent_unit=STREET, now=MON)),
            ("petition", u64, lambda v: p.escalate(STAFF, v, "up", now=MON)),
            ("petition", u64, lambda v: p.request_extension(STAFF, v, "2wd", now=MON)),
            ("petition", u64, lambda v: p.grant_extension(SECRETARY, v, now=MON)),
            ("petition", u64, lambda v: p.deny_extension(SECRETARY, v, "no", now=MON)),
            ("petition", u64, lambda v: p.urge(SECRETARY, v, now=MON)),
            ("petition", u64, lambda v: p.supervise(OFFICER, v, now=MON)),
            ("petition", u64, lambda v: p.resolve(STAFF, v, "done", now=MON)),
            ("petition", u64, lambda v: p.evaluate(RESIDENT, v, now=MON)),
            ("petition", u64, lambda v: p.reopen(RESIDENT, v, "again", now=MON)),
            ("petition", u64, lambda v: p.close(SECRETARY, v, now=MON)),
            ("petition", u64, lambda v: p.withdraw(RESIDENT, v, now=MON)),
            ("petition", u64, lambda v: p.execute(officer, "accept", v, MON)),
            ("petition", u64, lambda v: p.support(Actor("R-2"), v, now=MON)),
            ("petition", u64, lambda v: p.withdraw_support(Actor("R-2"), v, now=MON)),
            ("petition", u64, lambda v: p.get(v)),
            ("petition", u64, lambda v: p.duplicates(v)),
            ("petition", u64, lambda v: p.history(v)),
            ("petition", u64, lambda v: p.response_text(v)),
            ("petition", u64, lambda v: p.state(v)),
            ("petition", u64, lambda v: p.deadline(v)),
            ("petition", u64, lambda v: p.current_unit(v)),
            ("min_seq", u64, lambda v: p.get(r, min_seq=v)),
            ("min_seq", u64, lambda v: p.state(r, min_seq=v)),
            ("min_seq", u64, lambda v: e.await_seq(v, timeout=0)),
            ("min_seq", u64, lambda v: e.org.unit(COMMUNITY, min_seq=v)),
            ("min_seq", u64, lambda v: e.matters.findings(min_seq=v)),
            ("tries", i32, lambda v: e.run(lambda _engine: None, v)),
            ("every_events", u64, lambda v: e.set_snapshot_policy(every_events=v)),
            ("every_seconds", i64, lambda v: e.set_snapshot_policy(every_seconds=v)),
            ("same_matter_as", u64, lambda v: p.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="t",
                                                       same_matter_as=v, now=MON)),
            ("now", i64, lambda v: p.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="t", now=v)),
            ("now", i64, lambda v: p.accept(OFFICER, r, now=v)),
            ("now", i64, lambda v: p.reject(OFFICER, r, "no", now=v)),
            ("now", i64, lambda v: p.withdraw(RESIDENT, r, now=v)),
            ("now", i64, lambda v: p.support(Actor("R-2"), r, now=v)),
            ("now", i64, lambda v: p.resolve(STAFF, w, "done", now=v)),
            ("now", i64, lambda v: p.execute(officer, "accept", r, v)),
            ("now", i64, lambda v: p.execute_many(officer, "accept", [r], v)),
            ("now", i64, lambda v: p.execute_text_many(officer, "reject", [r], "no", v)),
            ("now", i64, lambda v: p.evaluate_many(officer, [w], now=v)),
            ("now", i64, lambda v: p.submit_many(["R-1"], locations=[HOUSEHOLD], categories=["noise"], texts=["t"],
                                                 now=v)),
            ("now", i64, lambda v: p.overdue(v)),
            ("now", i64, lambda v: p.due_within(v, 1)),
            ("workdays", i32, lambda v: p.due_within(MON, v)),
            ("now", i64, lambda v: e.tick(v)),
            ("now", i64, lambda v: e.set_policy("national", now=v)),
            ("now", i64, lambda v: e.load_calendar_csv("date,kind\n", now=v)),
            ("now", i64, lambda v: e.org.load_sample(now=v)),
            ("now", i64, lambda v: e.org.load_json(org.export_json(raw=True), now=v)),
            ("now", i64, lambda v: e.org.load(os.path.join(self.tmp, "org.json"), now=v)),
            ("ranking_level", i32, lambda v: e.kpi(ranking_level=v)),
            ("level", i32, lambda v: org.units(level=v)),
            ("level", i32, lambda v: org.ancestor_at_level(COMMUNITY, v)),
            ("depth", i32, lambda v: org.export_dot(STREET, v)),
            ("compound_branch_threshold", i32, lambda v: org.coverage(compound_branch_threshold=v)),
            ("units", u64, lambda v: jiceng.Org.generate_json(units=v)),
            ("seed", u64, lambda v: jiceng.Org.generate_json(units=10, seed=v)),
            ("n", i32, lambda v: cal.add_workdays(DAY, v)),
            ("start", i64, lambda v: cal.deadline_after(v, "5wd")),
            ("due_minute_of_day", i32, lambda v: cal.deadline_after(MON, "5wd", v)),
            ("provisional_rule", i32, lambda v: e.set_calendar_mode("provisional", v, now=MON)),
            ("busy_timeout_ms", i32, lambda v: jiceng.Journal(os.path.join(self.tmp, "j.db"), busy_timeout_ms=v)),
        ]

    def test_out_of_range_is_refused_naming_the_argument(self):
        with open(os.path.join(self.tmp, "org.json"), "w", encoding="utf-8") as f:
            f.write(self.org.export_json(raw=True))
        for name, (lo, hi), call in self.integer_calls():
            # Just past each end, and values that wrap onto real ones (2**64 + id, 2**32 + level).
            for v in (hi + 1, lo - 1, 2**64 + self.received, 2**64 + int(MON.timestamp()), 2**32, -2**64):
                if lo <= v <= hi:
                    continue
                with self.subTest(argument=name, value=v):
                    err = self.refused(name, lambda: call(v))
                    self.assertIn("out of range", str(err))

    def test_not_an_int_is_a_type_error_naming_the_argument(self):
        before = self.state()
        for name, _, call in self.integer_calls():
            if name in ("now", "start"):
                continue  # a timestamp is an aware datetime or int: to_ts says so
            with self.subTest(argument=name):
                with self.assertRaises(TypeError) as ctx:
                    call(1.5)
                self.assertIn(name, str(ctx.exception))
        self.assertEqual(self.state(), before)

    def test_the_instances_of_the_report(self):
        # accept(petition=2**64+1) accepted petition 1; now=2**64+T was recorded as T;
        # kpi(ranking_level=2**40) ran as level 0.
        before = self.state()
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.accept(OFFICER, 2**64 + self.received, now=MON)
        with self.assertRaises(jiceng.InvalidArgument):
            self.p.accept(OFFICER, self.received, now=2**64 + int(MON.timestamp()))
        with self.assertRaises(jiceng.InvalidArgument):
            self.e.kpi(ranking_level=2**40)
        self.assertEqual(self.state(), before)
        self.assertEqual(self.p.state(self.received), jiceng.State.RECEIVED)

    def test_the_ends_of_each_range_still_pass(self):
        self.assertEqual(self.calendar.add_workdays(DAY, 0), DAY)
        with self.assertRaises(jiceng.NotFound):
            self.p.state(U64_MAX)
        with self.assertRaises(jiceng.NotFound):
            self.p.state(0)
        self.p.accept(OFFICER, self.received, now=int(MON.timestamp()))
        self.assertEqual(self.p.state(self.received), jiceng.State.ACCEPTED)
        self.assertEqual(len(self.org.units(level=-1)), len(self.org))


class ClassifiedTests(unittest.TestCase):
    """Every parameter of every public callable is classified, so a new one is looked at."""

    def parameters(self):
        for cname, obj in CALLABLES.items():
            members = [("", obj)] if inspect.isfunction(obj) else []
            if inspect.isclass(obj):
                members = [("", obj.__init__)] + [
                    (n, m) for n, m in vars(obj).items()
                    if not n.startswith("_") and (inspect.isfunction(m) or isinstance(m, (classmethod, staticmethod)))]
            for mname, fn in members:
                fn = getattr(fn, "__func__", fn)
                if not inspect.isfunction(fn):
                    continue
                for pname in inspect.signature(fn).parameters:
                    if pname in ("self", "cls", "_handle", "_engine"):
                        continue
                    yield cname, mname, pname

    def test_every_parameter_is_classified(self):
        strings = {n for n, _ in NulTests.string_calls(_Stub(), "")}
        integers = {n for n, _, _ in IntegerTests.integer_calls(_Stub())}
        aliases = {"unit_id": "unit id", "ancestor_id": "unit id", "a": "unit id", "b": "unit id",
                   "root_id": "unit id", "household_id": "household id", "fmt": "format", "id": "actor id",
                   "name_or_json": "policy", "period": "from_date"}
        unclassified = []
        for cname, mname, pname in self.parameters():
            keys = ["%s.%s.%s" % (cname, mname, pname) if mname else "%s.%s" % (cname, pname),
                    "%s.*.%s" % (cname, pname), "%s.%s.*" % (cname, mname)]
            if any(k in OTHER for k in keys):
                continue
            if pname in strings or pname in integers or aliases.get(pname) in strings:
                continue
            if cname == "Actor" and pname == "unit":
                continue  # "actor unit", checked with the actor
            unclassified.append(keys[0])
        self.assertEqual(unclassified, [])


class _Stub:
    """Lets the tables be read without an engine (their calls are never made here)."""

    tmp = tempfile.gettempdir()

    def __getattr__(self, name):
        return _Stub()

    def __call__(self, *a, **k):
        return _Stub()

    def __add__(self, other):
        return _Stub()

    __radd__ = __add__


if __name__ == "__main__":
    unittest.main()
