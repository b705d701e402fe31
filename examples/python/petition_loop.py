"""Embedding jiceng from Python: the sample district, one petition around the closed loop
(提交→受理→派单→签收→办结→评价), the chain of command, a working-day deadline, KPIs and a
policy check. Run by ctest (example_python_petition_loop) with JICENG_LIBRARY set."""

import datetime as dt

import jiceng
from jiceng import Actor, Role

mon = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
resident = Actor("R-1", Role.RESIDENT)
officer = Actor("S-1", Role.STREET_OFFICER, "320506001")
secretary = Actor("C-1", Role.COMMUNITY_SECRETARY, "320506001001")
staff = Actor("C-2", Role.COMMUNITY_STAFF, "320506001001")

with jiceng.Engine(policy="suzhou-sip") as engine:
    engine.org.load_sample(now=mon - dt.timedelta(days=1))
    print("chain of command:", " > ".join(engine.org.ancestors("320506001001G01B01")))

    p = engine.petitions
    pid = p.submit(resident, location="H-G01B01-0101", category="noise", text="楼下广场舞噪音扰民",
                   contact_phone="13812345678", channel="mini_program", now=mon)
    p.accept(officer, pid, now=mon + dt.timedelta(hours=1))
    p.dispatch(secretary, pid, now=mon + dt.timedelta(hours=2))
    print("dispatched to", p.current_unit(pid), "due", p.deadline(pid))
    p.sign(staff, pid, now=mon + dt.timedelta(hours=3))
    try:
        p.sign(staff, pid, now=mon + dt.timedelta(hours=3))
    except jiceng.IllegalTransition as e:
        print("refused as expected:", e)
    p.resolve(staff, pid, "已协调广场舞团队调整时间", now=mon + dt.timedelta(hours=5))
    p.evaluate(resident, pid, "satisfied", now=mon + dt.timedelta(hours=6))
    assert p.state(pid) == jiceng.State.CLOSED
    print("history:", [e["type"] for e in p.history(pid)])
    try:
        k = engine.kpi(unit="320506001")
        print("KPIs of the street: received %d, 满意率 %s" % (k["counts"]["received"], k["rates"]["satisfaction"]))
    except jiceng.Unimplemented as e:  # a libjiceng built without the KPI area
        print("KPIs:", e)

print("2024-09-30 + 1 working day =", jiceng.Calendar.china().add_workdays(dt.date(2024, 9, 30), 1))
slate = {"type": "committee_slate", "id": "s1",
         "candidates": [{"name": "c%d" % i, "party_member": i < 2} for i in range(10)]}
for f in jiceng.Policy.builtin("suzhou-sip").evaluate(slate):
    if f["rule"] == "committee.party_ratio":
        print(f["rule"], "passed" if f["passed"] else "failed", "-", f["evidence"])
