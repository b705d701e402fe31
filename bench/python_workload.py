#!/usr/bin/env python3
"""A Python workload through jiceng against the same workload in pure Python (networkx +
plain objects), in the same run (docs/targets.md: jiceng ≥ 20× faster).

Workload: load a generated district (the same JSON for both), run N petitions (default
100,000) through the loop — submit, accept, dispatch (routed to the competent unit by
category), sign, resolve, evaluate — with role and scope checks and working-day deadlines,
then compute KPIs (received, 办结率, 三率, composite score) for the district and each street.

jiceng side: the bindings as a service that processes a day's intake would use them —
bulk calls, one ctypes call per step for all petitions: ``petitions.submit_many``
(批量提交, columns of strings), ``execute_many`` (批量受理 / 派单 / 签收 with a resolved
officer), ``resolve_many`` (批量办结), ``evaluate_many`` (回访 results); then ``engine.kpi``
for the district and each street. Inside, every command runs the full engine path: the
transition table's guard, the role and scope check (O(1) subtree test), the policy's
routing and working-day deadline, an event in the log, and the KPI index on query.

Pure-Python side: the same logical work, written plainly and not slowed on purpose —
petitions as objects with __slots__, a dict transition table and role table, the scope
check as "actor's unit is the petition's unit or one of its ancestors" (nx.ancestors on a
networkx DiGraph of the same units), routing by walking up to the category's level,
deadlines by a working-day walk over the same official holiday table (data/cn-holidays.csv),
an event tuple per command in a log, and KPIs by one pass over the petitions per report
(subtree membership from nx.descendants).

Both sides get the same inputs (generated before timing starts on neither side: building
the id and text strings is part of each side's work). Times are CPU seconds of this
process (time.process_time; the machine is shared, so wall time would count other
processes), median of REPEATS runs, each side run alternately in the same process.

    JICENG_LIBRARY=build/dev/libjiceng.so PYTHONPATH=bindings/python python3 bench/python_workload.py [N] [REPEATS]
"""

import array
import csv
import datetime as dt
import os
import statistics
import sys
import time

import networkx as nx

import jiceng
from jiceng import Actor, Role

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
T0 = int(dt.datetime(2025, 3, 3, 9, 0, tzinfo=jiceng.CST).timestamp())
CATEGORIES = ["property", "consultation", "parking", "noise", "drains", "elderly_meals"]
ROUTE_LEVEL = {"property": 3, "consultation": 2, "parking": 2, "noise": 2, "drains": 2, "elderly_meals": 2}


def district_json(units):
    return jiceng.Org.generate_json(units=units, seed=5, members=False)


# ------------------------------------------------------------------------------------------
# jiceng

def run_jiceng(doc, n):
    e = jiceng.Engine(policy="suzhou-sip")
    e.org.load_json(doc, now=T0 - 86400)
    # The units to work with come from the library's own graph (Org.units), not from
    # parsing the document a second time.
    buildings = e.org.units(kind="building_group")
    streets = e.org.units(level=1, kind="street_committee") + e.org.units(level=1, kind="township_committee")
    district = e.org.units(level=0)[0]
    p = e.petitions
    nb, nc = len(buildings), len(CATEGORIES)
    ids = p.submit_many(["R-%d" % i for i in range(n)],
                        locations=[buildings[i % nb] for i in range(n)],
                        categories=[CATEGORIES[i % nc] for i in range(n)],
                        texts=["诉求 %d" % i for i in range(n)],
                        times=range(T0, T0 + n))
    officer = p.resolve_actor(Actor("D-1", Role.DISTRICT_OFFICER, district))
    now = T0 + n + 3600
    refused = p.execute_many(officer, jiceng.Event.ACCEPT, ids, now)
    refused += p.execute_many(officer, jiceng.Event.DISPATCH, ids, now + 60)
    refused += p.execute_many(officer, jiceng.Event.SIGN, ids, now + 120)
    refused += p.resolve_many(officer, ids, "已办结", now=now + 3600)
    refused += p.evaluate_many(officer, ids,  # 回访 recorded by the callback staff
                               satisfaction=["satisfied" if i % 10 else "basically_satisfied" for i in range(n)],
                               solved=[bool(i % 7) for i in range(n)], now=now + 7200)
    kpis = {"district": e.kpi()}
    for s in streets:
        kpis[s] = e.kpi(unit=s)
    e.close()
    return {"refused": len(refused), "received": kpis["district"]["counts"]["received"],
            "solve": kpis["district"]["rates"]["solve"], "streets": len(streets)}


# ------------------------------------------------------------------------------------------
# pure Python: networkx + plain objects

class Calendar:
    def __init__(self, path):
        self.holidays, self.workdays = set(), set()
        with open(path, encoding="utf-8") as f:
            for row in csv.reader(line for line in f if line.strip() and not line.startswith("#")):
                if row[0] == "date":
                    continue
                d = dt.date.fromisoformat(row[0])
                (self.holidays if row[1] == "holiday" else self.workdays).add(d)

    def is_workday(self, d):
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def add_workdays(self, d, n):
        while n > 0:
            d += dt.timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

    def deadline(self, ts, days):
        local = dt.datetime.fromtimestamp(ts, jiceng.CST).date()
        due = self.add_workdays(local, days)
        return int(dt.datetime(due.year, due.month, due.day, 17, 30, tzinfo=jiceng.CST).timestamp())


class Petition:
    __slots__ = ("id", "petitioner", "location", "category", "text", "state", "unit", "due", "events",
                 "answer", "evaluation", "submitted")

    def __init__(self, pid, petitioner, location, category, text, now):
        self.id, self.petitioner, self.location, self.category, self.text = pid, petitioner, location, category, text
        self.state, self.unit, self.due, self.events, self.answer, self.evaluation = "received", location, 0, [], None, None
        self.submitted = now


TABLE = {("received", "accept"): "accepted", ("accepted", "dispatch"): "dispatched",
         ("dispatched", "sign"): "in_progress", ("in_progress", "resolve"): "resolved",
         ("resolved", "evaluate"): "closed"}
ROLES = {"accept": {"street_officer", "district_officer", "community_staff"},
         "dispatch": {"street_officer", "district_officer", "community_secretary"},
         "sign": {"district_officer", "street_officer", "community_staff"},
         "resolve": {"district_officer", "street_officer", "community_staff"},
         "evaluate": {"resident", "district_officer", "street_officer", "community_staff"}}


class Loop:
    def __init__(self, doc, cal):
        import json
        d = json.loads(doc)
        self.g = nx.DiGraph()
        for u in d["units"]:
            self.g.add_node(u["id"], level=u["level"], kind=u["kind"])
            if u.get("parent"):
                self.g.add_edge(u["parent"], u["id"])
        self.cal = cal
        self.petitions = {}
        self.log = []

    def in_scope(self, actor, p):
        role, aid, unit = actor
        if role == "resident":
            return aid == p.petitioner
        return unit == p.unit or unit in nx.ancestors(self.g, p.unit)

    def route(self, p):
        level = ROUTE_LEVEL.get(p.category, 2)
        u = p.unit
        while self.g.nodes[u]["level"] > level:
            u = next(iter(self.g.predecessors(u)))
        return u

    def command(self, actor, event, p, now, **data):
        nxt = TABLE.get((p.state, event))
        if nxt is None:
            raise ValueError("%s not allowed in %s" % (event, p.state))
        if actor[0] not in ROLES[event] or not self.in_scope(actor, p):
            raise PermissionError(event)
        if event == "dispatch":
            p.unit = self.route(p)
        if event in ("accept", "dispatch", "sign"):
            p.due = self.cal.deadline(now, {"accept": 5, "dispatch": 1, "sign": 5}[event])
        if event == "resolve":
            p.answer = data["answer"]
            p.due = self.cal.deadline(now, 5)
        if event == "evaluate":
            p.evaluation = data["evaluation"]
        p.state = nxt
        ev = (len(self.log) + 1, now, event, actor, p.id, data)
        p.events.append(ev)
        self.log.append(ev)

    def submit(self, actor, location, category, text, now):
        pid = len(self.petitions) + 1
        p = Petition(pid, actor[1], location, category, text, now)
        p.due = self.cal.deadline(now, 1)
        self.petitions[pid] = p
        ev = (len(self.log) + 1, now, "submit", actor, pid, {})
        p.events.append(ev)
        self.log.append(ev)
        return pid

    def kpis(self, root=None):
        units = None if root is None else nx.descendants(self.g, root) | {root}
        c = {"received": 0, "accepted": 0, "done": 0, "evaluated": 0, "solved": 0, "satisfied": 0.0}
        for p in self.petitions.values():
            if units is not None and p.unit not in units:
                continue
            c["received"] += 1
            if p.state not in ("received",):
                c["accepted"] += 1
            if p.state in ("resolved", "closed"):
                c["done"] += 1
            if p.evaluation:
                c["evaluated"] += 1
                c["solved"] += p.evaluation["solved"]
                c["satisfied"] += 1.0 if p.evaluation["satisfaction"] == "satisfied" else 0.9
        ev = c["evaluated"] or 1
        c["solve"] = c["solved"] / ev
        c["composite"] = 10 * 1.0 + 50 * c["solve"] + 40 * c["satisfied"] / ev
        c["completion"] = c["done"] / (c["accepted"] or 1)
        return c


def run_python(doc, n, cal):
    loop = Loop(doc, cal)
    g = loop.g
    buildings = [u for u, a in g.nodes(data=True) if a["kind"] == "building_group"]
    district = next(u for u, a in g.nodes(data=True) if a["level"] == 0)
    streets = [u for u, a in g.nodes(data=True) if a["level"] == 1 and a["kind"].endswith("committee")]
    officer = ("district_officer", "D-1", district)
    ids = []
    for i in range(n):
        ids.append(loop.submit(("resident", "R-%d" % i, None), buildings[i % len(buildings)],
                               CATEGORIES[i % len(CATEGORIES)], "诉求 %d" % i, T0 + i))
    now = T0 + n + 3600
    for event, t in (("accept", now), ("dispatch", now + 60), ("sign", now + 120)):
        for pid in ids:
            loop.command(officer, event, loop.petitions[pid], t)
    for pid in ids:
        loop.command(officer, "resolve", loop.petitions[pid], now + 3600, answer="已办结")
    for i, pid in enumerate(ids):
        loop.command(officer, "evaluate", loop.petitions[pid], now + 7200,
                     evaluation={"solved": bool(i % 7),
                                 "satisfaction": "satisfied" if i % 10 else "basically_satisfied"})
    k = {"district": loop.kpis()}
    for s in streets:
        k[s] = loop.kpis(s)
    return {"received": k["district"]["received"], "solve": k["district"]["solve"], "streets": len(streets)}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    units = int(os.environ.get("JICENG_BENCH_UNITS", "20000"))
    doc = district_json(units)
    cal = Calendar(os.path.join(ROOT, "data", "cn-holidays.csv"))
    tj, tp = [], []
    for _ in range(repeats):
        t = time.process_time()
        rj = run_jiceng(doc, n)
        tj.append(time.process_time() - t)
        t = time.process_time()
        rp = run_python(doc, n, cal)
        tp.append(time.process_time() - t)
    assert rj["received"] == rp["received"] == n, (rj, rp)
    assert rj["refused"] == 0, rj
    assert abs(rj["solve"] - rp["solve"]) < 1e-9, (rj, rp)
    mj, mp = statistics.median(tj), statistics.median(tp)
    print("python workload: %d units, %d petitions (submit→accept→dispatch→sign→resolve→evaluate), KPIs "
          "for the district and %d streets; %d runs, CPU time" % (units, n, rj["streets"], repeats))
    print("  jiceng (ctypes over libjiceng.so)   median %8.3f s  (%6.2f µs/petition)  runs %s"
          % (mj, mj / n * 1e6, " ".join("%.3f" % x for x in tj)))
    print("  pure Python (networkx + objects)    median %8.3f s  (%6.2f µs/petition)  runs %s"
          % (mp, mp / n * 1e6, " ".join("%.3f" % x for x in tp)))
    print("  ratio %.1fx (target >= 20x) %s" % (mp / mj, "ok" if mp / mj >= 20 else "BELOW TARGET"))


if __name__ == "__main__":
    main()
