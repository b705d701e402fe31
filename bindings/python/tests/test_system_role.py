"""The role system is the engine's clock's: a host command claiming it is refused unless
the host opts in; configuration commands can name the person who configures."""

import datetime as dt
import unittest

import jiceng
from jiceng import Actor, Role

MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=jiceng.CST)
HOUSEHOLD = "H-G01B01-0101"
COMMUNITY = "320506001001"
RESIDENT = Actor("R-1", Role.RESIDENT)
STAFF = Actor("C-2", Role.COMMUNITY_STAFF, COMMUNITY)
OFFICER = Actor("D-wang", Role.DISTRICT_OFFICER, "320506")
SYSTEM = Actor("system", Role.SYSTEM)


def hours(n):
    return MON + dt.timedelta(hours=n)


class SystemRoleTests(unittest.TestCase):
    def setUp(self):
        self.e = jiceng.Engine(policy="suzhou-sip")
        self.e.org.load_sample(now=MON - dt.timedelta(days=1))
        p = self.e.petitions
        self.pid = p.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="噪音", now=MON)
        p.accept(STAFF, self.pid, now=hours(1))
        p.dispatch(STAFF, self.pid, now=hours(1))

    def test_refused_until_the_host_opts_in(self):
        p = self.e.petitions
        before, seq = self.e.snapshot(), self.e.last_seq
        with self.assertRaises(jiceng.PermissionDenied) as cm:
            p.urge(SYSTEM, self.pid, note="claimed", now=hours(2))
        self.assertIn("the role system is the engine's clock", str(cm.exception))
        self.assertEqual(self.e.snapshot(), before)
        self.assertEqual(self.e.last_seq, seq)
        self.e.allow_system_role(True)
        p.urge(SYSTEM, self.pid, note="migrated", now=hours(2))
        self.assertEqual(self.e.last_seq, seq + 1)
        self.e.allow_system_role(False)
        with self.assertRaises(jiceng.PermissionDenied):
            p.urge(SYSTEM, self.pid, note="again", now=hours(3))

    def test_configuration_names_the_person(self):
        seq = self.e.last_seq
        self.e.set_policy("national", now=hours(2), by=OFFICER)
        self.assertEqual(self.e.policy_name, "national")
        self.assertEqual(self.e.last_seq, seq + 1)
        before = self.e.snapshot()
        with self.assertRaises(jiceng.PermissionDenied):
            self.e.set_policy("suzhou-sip", now=hours(3), by=SYSTEM)
        with self.assertRaises(jiceng.InvalidArgument):
            self.e.load_calendar_csv("", now=hours(3), by=Actor("", Role.DISTRICT_OFFICER, "320506"))
        with self.assertRaises(jiceng.InvalidArgument):
            self.e.set_policy("suzhou-sip", now=hours(3), by=Actor("D\0x", Role.DISTRICT_OFFICER, "320506"))
        with self.assertRaises(TypeError):
            self.e.set_policy("suzhou-sip", now=hours(3), by="D-wang")
        self.assertEqual(self.e.snapshot(), before)
        self.assertEqual(self.e.policy_name, "national")


if __name__ == "__main__":
    unittest.main()
