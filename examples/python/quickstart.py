"""The Python quick start (docs/getting-started-python.md): an engine on the sample
district, one resident petition, its state and deadline."""

import datetime as dt

import jiceng

now = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
resident = jiceng.Actor("R-1", jiceng.Role.RESIDENT)

with jiceng.Engine(policy="national") as engine:
    engine.org.load_sample(now=now)
    pid = engine.petitions.submit(resident, location="H-G01B01-0101",  # a household of the sample district
                                  category="noise", text="Square dancing below, every night", now=now)
    print("jiceng %s: petition %d is %s, due %s" % (jiceng.__version__, pid, engine.petitions.state(pid).name.lower(),
                                                    engine.petitions.deadline(pid)))
