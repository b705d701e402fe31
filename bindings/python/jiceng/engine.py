"""The Engine (引擎): org graph + calendar + policy + petitions (+ a durable journal), and the
petition closed loop (诉求闭环) 民意收集—响应处理—跟踪督促—评估评价."""

import contextlib
import ctypes
import dataclasses
import json
import os
import weakref
from typing import Optional

from . import _capi as C
from ._core import (_Handle, CalendarMode, id_column, int_arg, petition_arg, int_column, same_string_column, string_column, ts_column, Unimplemented, Channel, Event, ReopenKind, Role, Satisfaction, Severity, State, Urgency, buffer_array,
                    buffer_string, check, enc, from_ts, take_json, take_string, to_ts, U64_MAX)
from ._core import InvalidArgument, key_arg
from .calendar import Calendar
from .org import Org
from .policy import Policy

_SYNC = {"full": 0, "normal": 1, "off": 2}
_BULK_COMMIT = {"group": C.JC_BULK_COMMIT_GROUP, "per_item": C.JC_BULK_COMMIT_PER_ITEM}
_I64_END = 2**63  # execute's inline check of now; to_ts names it when out of range


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who issues a command (行为人): an id, a role and (except residents and the system) a unit."""
    id: str
    role: Role = Role.RESIDENT
    unit: Optional[str] = None

    def _c(self):
        return C.jc_actor(enc(self.id, "actor id"), int(Role.of(self.role)), enc(self.unit, "actor unit"))


@dataclasses.dataclass(frozen=True)
class TickReport:
    examined: int
    urged: int
    overdue: int
    escalated: int
    closed: int
    events: int


def _configurer(by):
    """The C actor of a configuration command's ``by`` (a jiceng.Actor)."""
    if not isinstance(by, Actor):
        raise TypeError("by: expected a jiceng.Actor (the person who configures), got %s" % type(by).__name__)
    return by._c()


class ActorHandle:
    """An actor resolved once against one engine (the hot path of ``Petitions.execute``)."""

    __slots__ = ("actor", "_c")

    def __init__(self, actor, handle):
        self.actor = actor
        self._c = handle


class Engine(_Handle):
    """``Engine(policy="suzhou-sip", journal=None)``: in memory, or durable on a journal —
    a SQLite file, or a ``postgresql://`` URI naming one chain of a PostgreSQL journal that
    several servers share (docs/postgres.md; see ``run``, ``catch_up``, ``await_seq`` and the
    ``min_seq`` of queries). Every command is durable before it returns; reopening rebuilds
    the state.
    ``policy`` is a built-in set name, a policy file path (``*.json`` or containing ``/``),
    a policy document (dict) or a ``Policy``.

    Every command's ``now`` (an aware datetime or int UTC seconds) defaults to the current
    time. Petition ids are ints; the display id the library prints (``"P00000001"``) is
    accepted wherever an id is.

    ``bulk_commit`` says how the bulk calls (``petitions.submit_many``, ``execute_many``,
    ``execute_text_many``, ``resolve_many``, ``evaluate_many``) commit their accepted
    commands: ``"group"`` (default) in one journal transaction per call, all or nothing;
    ``"per_item"`` one transaction per command. See the ``bulk_commit`` property.

    ``journal_key`` (bytes): the journal's MAC key (docs/journal.md, "Keyed MAC"); a new
    journal is then created keyed, and a keyed one cannot be opened without it.

    Thread-safe like the C++ engine. Close with ``close()``, ``with`` or garbage collection."""

    def __init__(self, policy="national", journal=None, sync="full", read_only=False, bulk_commit="group",
                 journal_key=None):
        if bulk_commit not in _BULK_COMMIT:
            raise ValueError("bulk_commit must be one of %s" % ", ".join(_BULK_COMMIT))
        # A policy file (as `jiceng demo --policy FILE` takes), a policy document or a loaded
        # Policy: resolved here (its `extends` against files beside it, then the built-in
        # sets) and set as the engine's first policy event, unless the journal already
        # runs a set of that name.
        custom = None
        if isinstance(policy, Policy):
            custom = policy
        elif isinstance(policy, dict):
            custom = Policy.from_json(policy)
        elif isinstance(policy, os.PathLike) or (isinstance(policy, str) and (
                policy.endswith(".json") or "/" in policy or os.sep in policy)):
            custom = Policy.from_file(policy)
        if custom is not None and read_only:
            raise InvalidArgument("a read-only engine runs its journal's policy; open it without a policy "
                                  "file or without read_only")
        o = C.jc_engine_options()
        check(C.jc_engine_options_init(ctypes.byref(o), C.JC_ENGINE_OPTIONS_VERSION))
        o.policy = enc("national" if custom is not None else policy, "policy")
        o.journal = enc(os.fspath(journal), "journal") if journal is not None else None
        if sync not in _SYNC:
            raise ValueError("sync must be one of %s" % ", ".join(_SYNC))
        o.sync = _SYNC[sync]
        o.read_only = 1 if read_only else 0
        k, n = key_arg(journal_key, "journal_key")
        h = C.jc_engine_p()
        check(C.jc_engine_open_keyed(ctypes.byref(h), ctypes.byref(o), k, n))
        self._h = h
        self.journal_path = journal
        if bulk_commit != "group":
            self.bulk_commit = bulk_commit
        # Views hold the engine; the engine holds them only weakly, so there is no reference
        # cycle and a dropped engine is freed at once, not at the next gc pass.
        self._org_view = self._petitions_view = None
        if custom is not None and self.policy_name != custom.name:
            try:
                self.set_policy(custom.to_json())
            except BaseException:
                self.close()
                raise

    @property
    def org(self):
        """The engine's organization graph (a view; ``org.load`` replaces the graph)."""
        v = self._org_view() if self._org_view is not None else None
        if v is None:
            v = Org(_engine=self)
            self._org_view = weakref.ref(v)
        return v

    @property
    def petitions(self):
        """The petition commands and queries (a view)."""
        v = self._petitions_view() if self._petitions_view is not None else None
        if v is None:
            v = Petitions(self)
            self._petitions_view = weakref.ref(v)
        return v

    @property
    def loops(self):
        """The loops this engine hosts besides petitions (jiceng.loops.Loops)."""
        if getattr(self, "_loops_view", None) is None:
            from .loops import Loops
            self._loops_view = Loops(self)
        return self._loops_view

    @property
    def commitments(self):
        """The public commitments and yearly review loop (承诺, 述职评议): jiceng.civic.Commitments."""
        from .civic import Commitments
        return self._loop_face("commitments", Commitments)

    @property
    def assessment(self):
        """The assessment of property companies (考评, 红黑榜): jiceng.civic.Assessment."""
        from .civic import Assessment
        return self._loop_face("assessment", Assessment)

    @property
    def matters(self):
        """Deliberation (议事): the loop "deliberation" with named helpers (jiceng.deliberation.Matters)."""
        from .deliberation import Matters
        return self._loop_face("deliberation", Matters)

    def _loop_face(self, name, cls):
        faces = self.__dict__.setdefault("_loop_faces", {})
        if name not in faces:
            faces[name] = cls(self)
        return faces[name]

    @property
    def mediation(self):
        """The mediation loop (调解: 人民调解, 乡音调解, the 信访 track's mediation), a
        jiceng.mediation.Mediation: its events as methods, suggest, mediators, summary and
        refer_petition."""
        from .mediation import Mediation
        return self._loop_face("mediation", Mediation)

    @property
    def projects(self):
        """The projects loop (项目: 便民实事项目, 微实事, 一村一策, 跨域项目), jiceng.projects.Projects."""
        return self.loops["projects"]

    @property
    def fund(self):
        """The community service fund loop (为民服务专项经费), jiceng.projects.Fund."""
        return self.loops["fund"]

    _what = "engine"

    def _release(self, h):
        C.jc_engine_free(h)

    # --- configuration (each is one event) --------------------------------------------------
    @property
    def policy_name(self):
        return buffer_string(C.jc_engine_policy_name, self._handle)

    def set_policy(self, name_or_json, now=None, by=None):
        """Replaces the policy (a built-in name, a JSON text or a dict): one event, recorded
        as ``by`` (an Actor: the person who configures) or, without it, as the engine's own
        ``system``."""
        if isinstance(name_or_json, dict):
            name_or_json = json.dumps(name_or_json, ensure_ascii=False)
        if by is None:
            check(C.jc_engine_set_policy(self._handle, enc(name_or_json, "policy"), to_ts(now)))
        else:
            a = _configurer(by)
            check(C.jc_engine_set_policy_as(self._handle, ctypes.byref(a), enc(name_or_json, "policy"), to_ts(now)))

    def load_calendar_csv(self, text, now=None, by=None):
        """Adds or replaces official calendar years; open deadlines a changed day moves are
        recomputed in the same event (see a petition's ``deadline_revisions``). ``by`` as in
        set_policy."""
        data = enc(text, "text")
        if by is None:
            check(C.jc_engine_load_calendar_csv(self._handle, data, len(data), to_ts(now)))
        else:
            a = _configurer(by)
            check(C.jc_engine_load_calendar_csv_as(self._handle, ctypes.byref(a), data, len(data), to_ts(now)))

    def allow_system_role(self, allow=True):
        """The role ``system`` is the engine's clock's: a command claiming it raises
        PermissionDenied unless the host opts in here (a migration, a test harness).
        Process-local: not journaled, off in every new engine; replay never asks."""
        check(C.jc_engine_allow_system_role(self._handle, 1 if allow else 0))

    def set_calendar_mode(self, mode, provisional_rule=1, now=None):
        """Sets the calendar's CalendarMode and provisional rule version: one journaled event."""
        check(C.jc_engine_set_calendar_mode(self._handle, int(CalendarMode.of(mode)),
                                            int_arg(provisional_rule, "provisional_rule", ctypes.c_int), to_ts(now)))

    def calendar_coverage(self, now=None):
        """The calendar's coverage as of ``now`` (a datetime or UTC seconds), with a ``warning``
        when the official holiday table ends within 60 days."""
        return take_json(C.jc_engine_calendar_coverage_json, self._handle, to_ts(now))

    @property
    def calendar(self):
        """The engine's calendar (read-only view)."""
        self._handle  # a closed engine raises here
        return Calendar(_engine=self)

    @property
    def bulk_commit(self):
        """How bulk calls commit (批量提交): ``"group"`` (the default) — the accepted commands
        of one call go to the journal in one transaction; if that commit fails none is
        recorded, the state is exactly as before and the call raises the commit's error —
        or ``"per_item"`` — one transaction per accepted command, so the commands before a
        failed commit stay recorded. Refused commands make no event in either mode, so which
        commands are accepted is the same. Inside ``batch`` bulk calls join the batch. Set
        it to change the mode for every later bulk call on this engine (any thread)."""
        out = ctypes.c_int()
        check(C.jc_engine_bulk_commit(ctypes.byref(out), self._handle))
        return next(k for k, v in _BULK_COMMIT.items() if v == out.value)

    @bulk_commit.setter
    def bulk_commit(self, mode):
        if mode not in _BULK_COMMIT:
            raise ValueError("bulk_commit must be one of %s" % ", ".join(_BULK_COMMIT))
        check(C.jc_engine_set_bulk_commit(self._handle, _BULK_COMMIT[mode]))

    # --- the clock, batches, state ------------------------------------------------------------
    def tick(self, now=None):
        """跟踪督促: urge, mark overdue, escalate, auto-close as policy says."""
        r = C.jc_tick_report()
        check(C.jc_engine_tick(ctypes.byref(r), self._handle, to_ts(now)))
        return TickReport(r.examined, r.urged, r.overdue, r.escalated, r.closed, r.events)

    def batch(self, fn):
        """Runs ``fn(engine)`` as one unit: one journal transaction; if ``fn`` raises, the
        engine rolls back to before the batch and the exception propagates."""
        return self._batch(fn, None)

    def run(self, fn, tries=5):
        """``batch(fn)`` for several servers on one chain (a PostgreSQL journal,
        docs/postgres.md): when the batch's append loses the race to another server's, the
        engine catches up and calls ``fn`` again against the new state — which may now
        refuse what it does: that error is raised, and it shows the winner's effect — up to
        ``tries`` runs in all (1..1000), then raises Aborted. ``fn`` must be safe to run more
        than once. On a journal without other writers it is ``batch``."""
        return self._batch(fn, int_arg(tries, "tries", ctypes.c_int))

    def _batch(self, fn, tries):
        box = {}

        def body(_engine, _user):
            box.pop("error", None)  # a re-run after a lost race starts afresh
            try:
                box["result"] = fn(self)
                return C.JC_OK
            except BaseException as e:  # noqa: B902 - carried across the C frame, re-raised below
                box["error"] = e
                return getattr(e, "status", C.JC_ABORTED) or C.JC_ABORTED

        cb = C.jc_batch_fn(body)
        if tries is None:
            rc = C.jc_engine_batch(self._handle, cb, None)
        else:
            rc = C.jc_engine_run(self._handle, cb, None, tries)
        if "error" in box:
            raise box["error"]
        check(rc)
        return box.get("result")

    # --- several servers on one chain (docs/postgres.md) ----------------------------------------
    #: Seconds a query given ``min_seq`` waits for the chain to reach it (DeadlineExceeded after).
    read_timeout = 5.0

    def catch_up(self):
        """Applies the events other servers appended to this engine's journal since its last
        seq, each verified against the chain; returns how many. DataLoss for a bad row."""
        out = ctypes.c_uint64()
        check(C.jc_engine_catch_up(ctypes.byref(out), self._handle))
        return out.value

    def await_seq(self, min_seq, timeout=None):
        """Read-your-writes across servers: catches up until this engine holds ``min_seq``
        (another server's ``last_seq`` after a command), waiting for append hints and
        polling for at most ``timeout`` seconds (0..3600; None: ``read_timeout``); raises
        DeadlineExceeded when the chain did not get there. The queries that take
        ``min_seq`` call this first."""
        seq = int_arg(min_seq, "min_seq")
        ms = _milliseconds(self.read_timeout if timeout is None else timeout, "timeout", 0)
        check(C.jc_engine_await_seq(self._handle, seq, ms))

    @contextlib.contextmanager
    def tailing(self, poll=1.0):
        """``with engine.tailing():`` a background thread follows the journal — it catches
        up on every append hint of another server and at least every ``poll`` seconds
        (0.001..3600; hints can be lost) — so that queries see the other servers' commands
        without ``catch_up``. Commands and queries stay safe meanwhile; the org and
        calendar views raise FailedPrecondition until the block ends (the thread may
        replace them). On leaving, the thread stops; the error of its last failed catch-up,
        if any, is raised then (DataLoss naming a bad row). FailedPrecondition when already
        tailing or without a journal."""
        ms = _milliseconds(poll, "poll", 1)
        check(C.jc_engine_start_tailing(self._handle, ms))
        self._tailing = True
        try:
            yield self
        except BaseException:
            self._tailing = False
            if self._h is not None:
                C.jc_engine_stop_tailing(self._h)  # the block's own error is the one raised
            raise
        self._tailing = False
        if self._h is not None:  # closing the engine inside the block stopped it already
            check(C.jc_engine_stop_tailing(self._h))

    def _read_at(self, min_seq):
        if min_seq is not None:
            self.await_seq(min_seq)

    def stats(self, min_seq=None):
        """Counts: {"petitions", "open", "events", "per_state"}. ``min_seq``: first wait
        until the engine holds that seq (await_seq)."""
        self._read_at(min_seq)
        return take_json(C.jc_engine_stats_json, self._handle)

    @property
    def last_seq(self):
        out = ctypes.c_uint64()
        check(C.jc_engine_last_seq(ctypes.byref(out), self._handle))
        return out.value

    def snapshot(self):
        """The canonical bytes of the whole state."""
        out = ctypes.c_void_p()
        n = ctypes.c_size_t()
        check(C.jc_engine_snapshot(ctypes.byref(out), ctypes.byref(n), self._handle))
        try:
            return ctypes.string_at(out.value, n.value)
        finally:
            C.jc_string_free(out)

    def restore(self, data):
        check(C.jc_engine_restore(self._handle, bytes(data), len(data)))

    def digest(self):
        """Hex SHA-256 of the state (equal states, equal digests)."""
        return buffer_string(C.jc_engine_digest, self._handle, size=65)

    def journal_snapshot(self):
        """Writes a snapshot into the journal; returns the seq it stands for."""
        out = ctypes.c_uint64()
        check(C.jc_engine_journal_snapshot(ctypes.byref(out), self._handle))
        return out.value

    def set_snapshot_policy(self, every_events=1_000_000, every_seconds=86_400):
        """When the engine writes snapshots into its journal by itself: after a command that
        appended, once ``every_events`` events came since the newest snapshot (0: never by
        count) or ``every_seconds`` passed since it was written (0: never by time). The
        defaults are the policy an engine opens with; both 0 leaves snapshots to
        ``journal_snapshot``. FailedPrecondition without a journal; InvalidArgument for a
        negative interval."""
        events = int_arg(every_events, "every_events")
        seconds = int_arg(every_seconds, "every_seconds", ctypes.c_int64)
        check(C.jc_engine_set_snapshot_policy(self._handle, events, seconds))

    def snapshot_policy(self):
        """The snapshot policy in force: {"every_events", "every_seconds", "last_error": None
        or {"code", "message"} of the last policy snapshot that failed (it failed no command)}.
        FailedPrecondition without a journal."""
        return take_json(C.jc_engine_snapshot_policy_json, self._handle)

    # --- KPIs ---------------------------------------------------------------------------------
    def kpi(self, unit=None, period=None, ranking_level=None, trend=False, weights=None,
            include_units_beside_tree=False, min_seq=None):
        """KPIs (考核指标) of ``unit``'s subtree (None: the whole engine) for ``period`` =
        (from_date, to_date) (either may be None): counts, 三率 and the composite score, 办结率,
        overdue / reopen / escalation rates, working days to resolve, shares. With
        ``ranking_level`` or ``trend`` the result is a bundle {"report", "ranking_level",
        "ranking", "ranking_min_received", "below_minimum", "trend"} (ranking of the units
        at ``ranking_level``, -1 = the level below ``unit``, with at least the policy's
        minimum of petitions received (rule kpi.ranking); the others in "below_minimum";
        monthly trend). ``min_seq``: first wait until the engine holds that seq
        (await_seq). Returns a dict."""
        if C.jc_engine_kpi_json is None:
            raise Unimplemented("this libjiceng was built without the KPI area")
        self._read_at(min_seq)
        q = C.jc_kpi_query()
        check(C.jc_kpi_query_init(ctypes.byref(q), C.JC_KPI_QUERY_VERSION))
        q.unit = enc(unit, "unit")
        if period is not None:
            start, end = period
            q.from_date = enc(start.isoformat() if hasattr(start, "isoformat") else start, "from_date")
            q.to_date = enc(end.isoformat() if hasattr(end, "isoformat") else end, "to_date")
        q.bundle = 1 if (ranking_level is not None or trend) else 0
        q.ranking_level = -1 if ranking_level is None else int_arg(ranking_level, "ranking_level", ctypes.c_int)
        q.include_units_beside_tree = 1 if include_units_beside_tree else 0
        if weights is not None:
            q.weights_json = enc(json.dumps(weights), "weights")
        return take_json(C.jc_engine_kpi_json, self._handle, ctypes.byref(q))


def _milliseconds(seconds, name, lowest_ms):
    """Seconds (a number) as whole milliseconds in lowest_ms..3,600,000: TypeError for a
    non-number, InvalidArgument naming ``name`` outside the range."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError("%s must be a number of seconds, got %s" % (name, type(seconds).__name__))
    ms = int(round(seconds * 1000)) if 0 <= seconds <= 3600 else -1
    if ms < lowest_ms:
        raise InvalidArgument("%s = %r is out of range: %g..3600 seconds" % (name, seconds, lowest_ms / 1000))
    return ms


def workflow_dot():
    """The petition state machine as Graphviz DOT (generated from the transition table)."""
    return take_string(C.jc_workflow_dot)


def workflow_matrix(fmt="markdown"):
    """The permission matrix (权限矩阵), "markdown" or "csv"."""
    return take_string(C.jc_workflow_matrix, enc(fmt, "format"))


class Petitions:
    """The petition commands and queries of one engine (``engine.petitions``).

    Every command takes the ``actor`` first, the petition id, and ``now`` (an aware datetime
    or int UTC seconds) last; a refused command raises (PermissionDenied, IllegalTransition,
    NotFound, InvalidArgument, ...) and changes nothing."""

    def __init__(self, engine):
        self._e = engine

    @property
    def _h(self):
        return self._e._handle

    @staticmethod
    def _actor(actor):
        if isinstance(actor, Actor):
            return ctypes.byref(actor._c())
        raise TypeError("actor must be a jiceng.Actor")

    # --- commands --------------------------------------------------------------------------
    def submit(self, actor, *, location, category, text, petitioner=None, contact_name=None, contact_phone=None,
               urgency=Urgency.NORMAL, severity=Severity.MINOR, channel=Channel.ONLINE_PLATFORM,
               idempotency_key=None, same_matter_as=None, now=None):
        """提交: returns the petition id (the first one's for a repeated idempotency key)."""
        s = C.jc_submission()
        check(C.jc_submission_init(ctypes.byref(s), C.JC_SUBMISSION_VERSION))
        s.petitioner = enc(petitioner, "petitioner") if petitioner is not None else enc(actor.id, "actor id")
        s.contact_name = enc(contact_name, "contact_name")
        s.contact_phone = enc(contact_phone, "contact_phone")
        s.location = enc(location, "location")
        s.category = enc(category, "category")
        s.text = enc(text, "text")
        s.urgency = int(Urgency.of(urgency))
        s.severity = int(Severity.of(severity))
        s.channel = int(Channel.of(channel))
        s.idempotency_key = enc(idempotency_key, "idempotency_key")
        if same_matter_as is not None:
            s.linked = petition_arg(same_matter_as, "same_matter_as")
            s.same_matter = 1 if s.linked else 0
        out = ctypes.c_uint64()
        check(C.jc_engine_submit(ctypes.byref(out), self._h, self._actor(actor), ctypes.byref(s), to_ts(now)))
        return out.value

    def accept(self, actor, petition, now=None):
        check(C.jc_engine_accept(self._h, self._actor(actor), petition_arg(petition), to_ts(now)))

    def reject(self, actor, petition, reason, now=None):
        check(C.jc_engine_reject(self._h, self._actor(actor), petition_arg(petition), enc(reason, "reason"), to_ts(now)))

    def merge(self, actor, petition, into, now=None):
        """合并 ``petition`` into ``into`` (open, same category, within the actor's scope): it
        ends merged naming ``into``, whose supporters gain its supporters and its petitioner."""
        check(C.jc_engine_merge(self._h, self._actor(actor), petition_arg(petition), petition_arg(into, "into"), to_ts(now)))

    def dispatch(self, actor, petition, unit=None, designated=False, now=None):
        check(C.jc_engine_dispatch(self._h, self._actor(actor), petition_arg(petition), enc(unit, "unit"), 1 if designated else 0,
                                   to_ts(now)))

    def sign(self, actor, petition, now=None):
        check(C.jc_engine_sign(self._h, self._actor(actor), petition_arg(petition), to_ts(now)))

    def return_(self, actor, petition, reason, now=None):
        """退单 (``return`` is a Python keyword)."""
        check(C.jc_engine_return(self._h, self._actor(actor), petition_arg(petition), enc(reason, "reason"), to_ts(now)))

    def return_not_ours(self, actor, petition, reason, competent_unit=None, external_body=None, now=None):
        """退单 as not ours (非本单位职责): name exactly one of ``competent_unit`` (a unit id of the
        org graph) and ``external_body`` (a body outside it, at most 128 bytes), and a
        ``reason`` shown to the resident (``get(petition)["not_ours"]``)."""
        check(C.jc_engine_return_not_ours(self._h, self._actor(actor), petition_arg(petition),
                                          enc(competent_unit, "competent_unit"), enc(external_body, "external_body"),
                                          enc(reason, "reason"), to_ts(now)))

    def escalate(self, actor, petition, reason=None, now=None):
        check(C.jc_engine_escalate(self._h, self._actor(actor), petition_arg(petition), enc(reason, "reason"), to_ts(now)))

    def request_extension(self, actor, petition, duration, reason=None, now=None):
        """申请延期 by ``duration`` ("5wd", "3d", "48h")."""
        check(C.jc_engine_request_extension(self._h, self._actor(actor), petition_arg(petition), enc(duration, "duration"), enc(reason, "reason"),
                                            to_ts(now)))

    def grant_extension(self, actor, petition, now=None):
        check(C.jc_engine_grant_extension(self._h, self._actor(actor), petition_arg(petition), to_ts(now)))

    def deny_extension(self, actor, petition, reason, now=None):
        check(C.jc_engine_deny_extension(self._h, self._actor(actor), petition_arg(petition), enc(reason, "reason"), to_ts(now)))

    def urge(self, actor, petition, note=None, now=None):
        check(C.jc_engine_urge(self._h, self._actor(actor), petition_arg(petition), enc(note, "note"), to_ts(now)))

    def supervise(self, actor, petition, note=None, now=None):
        check(C.jc_engine_supervise(self._h, self._actor(actor), petition_arg(petition), enc(note, "note"), to_ts(now)))

    def resolve(self, actor, petition, answer, now=None):
        check(C.jc_engine_resolve(self._h, self._actor(actor), petition_arg(petition), enc(answer, "answer"), to_ts(now)))

    def evaluate(self, actor, petition, satisfaction=Satisfaction.SATISFIED, contacted=True, solved=True, now=None):
        check(C.jc_engine_evaluate(self._h, self._actor(actor), petition_arg(petition), 1 if contacted else 0, 1 if solved else 0,
                                   int(Satisfaction.of(satisfaction)), to_ts(now)))

    def reopen(self, actor, petition, reason, kind=ReopenKind.REOPEN, now=None):
        check(C.jc_engine_reopen(self._h, self._actor(actor), petition_arg(petition), int(ReopenKind.of(kind)), enc(reason, "reason"),
                                 to_ts(now)))

    def close(self, actor, petition, reason=None, now=None):
        check(C.jc_engine_close(self._h, self._actor(actor), petition_arg(petition), enc(reason, "reason"), to_ts(now)))

    def withdraw(self, actor, petition, reason=None, now=None):
        check(C.jc_engine_withdraw(self._h, self._actor(actor), petition_arg(petition), enc(reason, "reason"), to_ts(now)))

    # --- participation (附议) ------------------------------------------------------------------
    def support(self, actor, petition, now=None):
        """附议: the resident ``actor`` supports another resident's petition (received, accepted,
        dispatched or in_progress). Refused: a second support by the same resident
        (IllegalTransition), the resident's own petition or a role other than resident
        (PermissionDenied). The petition's state does not change."""
        check(C.jc_engine_support(self._h, self._actor(actor), petition_arg(petition), to_ts(now)))

    def withdraw_support(self, actor, petition, now=None):
        """撤回附议: the resident takes the support back; supporting again later is accepted."""
        check(C.jc_engine_withdraw_support(self._h, self._actor(actor), petition_arg(petition), to_ts(now)))

    def needs_list(self, unit=None):
        """The needs list (需求清单): ids of petitions still being taken up or handled, located in
        the subtree of ``unit`` (None = all), highest priority first. Priority is (1 +
        supporters) x severity weight (minor 1, major 2, critical 4), doubled when urgent."""
        return buffer_array(C.jc_engine_needs_list, ctypes.c_uint64, self._h, enc(unit, "unit"), size=256)

    def duplicates(self, petition):
        """Suggested duplicates of ``petition`` (疑似重复), oldest first: other open petitions of
        the same category at the same place (grid or building, policy rule
        ``petition.duplicates``) within its window. A suggestion: ``merge`` decides."""
        return buffer_array(C.jc_engine_duplicates, ctypes.c_uint64, self._h, petition_arg(petition), size=64)

    # --- the hot path ------------------------------------------------------------------------
    def resolve_actor(self, actor):
        h = C.jc_actor_handle()
        check(C.jc_engine_resolve_actor(ctypes.byref(h), self._h, ctypes.byref(actor._c())))
        return ActorHandle(actor, h)

    def execute(self, handle, event, petition, now=None):
        """A payload-free command (accept, sign, routed dispatch, grant_extension, urge, ...)
        with a resolved actor: the fastest path. ``event`` is an Event, its int or its name;
        ``now`` int UTC seconds (fastest) or an aware datetime."""
        if type(event) is not Event:
            event = Event.of(event)
        if type(now) is not int or not -_I64_END <= now < _I64_END:
            now = to_ts(now)
        if type(petition) is not int or not 0 <= petition <= U64_MAX:
            petition = petition_arg(petition)
        rc = C.jc_engine_execute(self._h, ctypes.byref(handle._c), event, petition, now)
        if rc:
            check(rc)

    def execute_many(self, handle, event, petitions, now=None):
        """``execute`` for many petitions in one call (批量受理, 批量签收 …). ``petitions`` is a
        sequence of ids (an ``array.array("Q")`` is passed without copying); ``event`` an Event,
        its int or its name. Returns the list of ids whose command was refused; raises when the
        call itself fails (a bad handle or event, no memory, a failed group commit — then
        nothing is applied; ``.statuses`` holds each item's status)."""
        petitions = self._id_array(petitions)
        n = len(petitions)
        if n == 0:
            return []
        ids = (ctypes.c_uint64 * n).from_buffer(petitions)
        results = (ctypes.c_int * n)()
        rc = C.jc_engine_execute_many(results, self._h, ctypes.byref(handle._c), int(Event.of(event)), ids, n,
                                      to_ts(now))
        return self._refused(rc, petitions, results)

    # --- bulk commands (one C call for many petitions) ------------------------------------------
    def submit_many(self, actors, *, locations, categories, texts, petitioners=None, contact_names=None,
                    contact_phones=None, urgency=None, severity=None, channel=None, idempotency_keys=None,
                    times=None, now=None):
        """批量提交: submits ``len(locations)`` petitions in one call. ``actors`` is a sequence
        of ``Actor`` or of resident id strings; every other argument is a sequence of the same
        length, or (``urgency``, ``severity``, ``channel``) one value for all, or None for the
        default. ``times`` gives each submission's time (int UTC seconds), else ``now``.

        Returns an ``array("Q")`` of petition ids, 0 where a petition was refused; when any
        was refused, raises the first refusal's typed exception after the others were
        applied, with ``.ids`` (the array) and ``.statuses`` attached. The accepted ones are
        committed as ``engine.bulk_commit`` says; when a group commit fails, raises the
        commit's error and nothing is applied (every id 0, accepted items' status
        ``JC_ABORTED``)."""
        n = len(locations)
        cols = C.jc_submission_columns()
        check(C.jc_submission_columns_init(ctypes.byref(cols), C.JC_SUBMISSION_COLUMNS_VERSION))
        cols.count = n
        if n == 0:
            import array
            return array.array("Q")
        keep = []  # the arrays must outlive the call

        def strings(seq, what, optional=False):
            return None if seq is None else string_column(seq, n, what, keep, optional)

        def ints(seq, what, conv):
            if seq is None:
                return None
            arr = int_column(seq, n, what, conv)
            keep.append(arr)
            return (ctypes.c_int * n).from_buffer(arr)

        if len(actors) != n:
            raise ValueError("actors has %d entries, expected %d" % (len(actors), n))
        if all(isinstance(a, str) for a in actors):
            cols.actor_ids = strings(actors, "actors")
        else:
            acts = [Actor(a) if isinstance(a, str) else a for a in actors]
            if not all(isinstance(a, Actor) for a in acts):
                raise TypeError("actors must be jiceng.Actor or resident id strings")
            cols.actor_ids = strings([a.id for a in acts], "actor id")
            cols.actor_roles = ints([a.role for a in acts], "actor role", Role.of)
            cols.actor_units = strings([a.unit for a in acts], "actor unit", optional=True)
        cols.petitioners = strings(petitioners, "petitioners", optional=True)
        cols.contact_names = strings(contact_names, "contact_names", optional=True)
        cols.contact_phones = strings(contact_phones, "contact_phones", optional=True)
        cols.locations = strings(locations, "locations")
        cols.categories = strings(categories, "categories")
        cols.texts = strings(texts, "texts")
        cols.urgencies = ints(urgency, "urgency", Urgency.of)
        cols.severities = ints(severity, "severity", Severity.of)
        cols.channels = ints(channel, "channel", Channel.of)
        cols.idempotency_keys = strings(idempotency_keys, "idempotency_keys", optional=True)
        if times is not None:
            t = ts_column(times, n)
            keep.append(t)
            cols.times = (ctypes.c_int64 * n).from_buffer(t)
        import array
        ids = array.array("Q", bytes(8 * n))
        results = (ctypes.c_int * n)()
        rc = C.jc_engine_submit_many((ctypes.c_uint64 * n).from_buffer(ids), results, self._h, ctypes.byref(cols),
                                     to_ts(now))
        if rc:
            self._raise_bulk(rc, ids, results)
        return ids

    @staticmethod
    def _raise_bulk(rc, ids, results):
        from ._core import error_for
        err = error_for(rc, (C.jc_last_error() or b"").decode("utf-8", "replace"))
        err.ids = ids
        err.statuses = list(results)
        raise err

    @staticmethod
    def _id_array(petitions):
        return id_column(petitions)

    def execute_text_many(self, handle, event, petitions, texts, now=None):
        """A command with one text (resolve's answer, a reason or a note) for many petitions
        with a resolved actor. ``texts`` is one string for all, a sequence (one per
        petition), or None. Returns the list of ids whose command was refused; raises when the
        call itself fails (a bad handle or event, no memory, a failed group commit — then
        nothing is applied; ``.statuses`` holds each item's status)."""
        petitions = self._id_array(petitions)
        n = len(petitions)
        if n == 0:
            return []
        keep = []
        if texts is None:
            arr = None
        elif isinstance(texts, (str, bytes)):
            arr = same_string_column(texts, n, "texts", keep)
        else:
            arr = string_column(texts, n, "texts", keep, optional=True)
        results = (ctypes.c_int * n)()
        rc = C.jc_engine_execute_text_many(results, self._h, ctypes.byref(handle._c), int(Event.of(event)),
                                           (ctypes.c_uint64 * n).from_buffer(petitions), arr, n, to_ts(now))
        return self._refused(rc, petitions, results)

    def resolve_many(self, handle, petitions, answer, now=None):
        """批量办结 with ``answer`` (one for all, or one per petition). Returns refused ids."""
        return self.execute_text_many(handle, Event.RESOLVE, petitions, answer, now)

    def evaluate_many(self, handle, petitions, satisfaction=Satisfaction.SATISFIED, solved=True, contacted=True,
                      now=None):
        """批量评价 (回访 results recorded by ``handle``'s actor): each of ``satisfaction``,
        ``solved`` and ``contacted`` is one value for all or a sequence, one per petition.
        Returns the list of refused ids."""
        petitions = self._id_array(petitions)
        n = len(petitions)
        if n == 0:
            return []

        import array
        flat = array.array("i", bytes(12 * n))  # jc_evaluation is three ints, no padding
        flat[0::3] = int_column(contacted, n, "contacted", bool)
        flat[1::3] = int_column(solved, n, "solved", bool)
        flat[2::3] = int_column(satisfaction, n, "satisfaction", Satisfaction.of)
        evs = (C.jc_evaluation * n).from_buffer(flat)
        results = (ctypes.c_int * n)()
        rc = C.jc_engine_evaluate_many(results, self._h, ctypes.byref(handle._c),
                                       (ctypes.c_uint64 * n).from_buffer(petitions), evs, n, to_ts(now))
        return self._refused(rc, petitions, results)

    @staticmethod
    def _refused(rc, petitions, results):
        # The C call returns its items' first failure. Any other status is the call's own
        # (a bad handle, event or array; no memory; an internal error; a failed group
        # commit, after which every accepted item reports JC_ABORTED and nothing changed):
        # raise it rather than report some items as refused.
        if rc and (rc != next((r for r in results if r), 0) or C.JC_ABORTED in results):
            from ._core import error_for
            err = error_for(rc, (C.jc_last_error() or b"").decode("utf-8", "replace"))
            err.statuses = list(results)
            raise err
        return [petitions[i] for i in range(len(petitions)) if results[i]]

    # --- queries --------------------------------------------------------------------------------
    def get(self, petition, raw_contact=False, min_seq=None):
        """The petition as a dict (contact data masked unless ``raw_contact``). ``min_seq``
        (here and in history, state): first wait until the engine holds that seq, e.g. the
        ``last_seq`` another server returned after a command (Engine.await_seq)."""
        pid = petition_arg(petition)
        self._e._read_at(min_seq)
        return take_json(C.jc_engine_petition_json, self._h, pid, 1 if raw_contact else 0)

    def history(self, petition, raw_contact=False, min_seq=None):
        """The petition's events, oldest first (list of dicts)."""
        pid = petition_arg(petition)
        self._e._read_at(min_seq)
        return take_json(C.jc_engine_history_json, self._h, pid, 1 if raw_contact else 0)

    def response_text(self, petition):
        """The response text (答复) the petition's resident is shown now: the policy's template
        for its category and state with the placeholders filled (NotFoundError when none)."""
        return take_string(C.jc_engine_response_text, self._h, petition_arg(petition))

    def route_party(self, category, location):
        """四方协同: who answers for a matter of `category` at `location` inside its compound
        (dict: party, party_zh, listed, fallback, reason, compound, unit, unit_name)."""
        return take_json(C.jc_engine_route_party_json, self._h, enc(category, "category"),
                         enc(location, "location"))

    def state(self, petition, min_seq=None):
        pid = petition_arg(petition)
        self._e._read_at(min_seq)
        out = ctypes.c_int()
        check(C.jc_engine_state(ctypes.byref(out), self._h, pid))
        return State(out.value)

    def deadline(self, petition):
        """The current stage's deadline (aware datetime, CST), or None."""
        out = ctypes.c_int64()
        check(C.jc_engine_deadline(ctypes.byref(out), self._h, petition_arg(petition)))
        return from_ts(out.value)

    def current_unit(self, petition):
        return buffer_string(C.jc_engine_current_unit, self._h, petition_arg(petition), size=64) or None

    def find_by_key(self, key):
        out = ctypes.c_uint64()
        rc = C.jc_engine_find_by_key(ctypes.byref(out), self._h, enc(key, "key"))
        if rc == C.JC_NOT_FOUND:
            return None
        check(rc)
        return out.value

    def by_state(self, state):
        return buffer_array(C.jc_engine_by_state, ctypes.c_uint64, self._h, int(State.of(state)), size=256)

    def by_unit(self, unit):
        return buffer_array(C.jc_engine_by_unit, ctypes.c_uint64, self._h, enc(unit, "unit"), size=256)

    def overdue(self, now=None):
        return buffer_array(C.jc_engine_overdue, ctypes.c_uint64, self._h, to_ts(now), size=256)

    def due_within(self, now, workdays):
        return buffer_array(C.jc_engine_due_within, ctypes.c_uint64, self._h, to_ts(now),
                            int_arg(workdays, "workdays", ctypes.c_int), size=256)
