"""The calendar past its official table from Python: provisional answers marked, strict
refusals, the coverage warning, and an official year moving an open deadline."""

import datetime as dt
import unittest

import jiceng
from jiceng import Actor, Role

CST = jiceng.CST
HOUSEHOLD, GRID, COMMUNITY = "H-G01B01-0101", "320506001001G01", "320506001001"
RESIDENT = Actor("R-1", Role.RESIDENT)
GRID_WORKER = Actor("G-1", Role.GRID_WORKER, GRID)
STAFF = Actor("C-2", Role.COMMUNITY_STAFF, COMMUNITY)

OFFICIAL_2027 = ("2027-01-01,holiday,New Year's Day,元旦\n"
                 "2027-01-04,holiday,New Year's Day,元旦\n"
                 "2027-01-09,workday,New Year's Day,元旦\n")


class CalendarModes(unittest.TestCase):
    def test_provisional_is_the_default_and_marked(self):
        with jiceng.Calendar.china() as cal:
            self.assertEqual(cal.mode, jiceng.CalendarMode.PROVISIONAL)
            self.assertTrue(cal.is_provisional(dt.date(2027, 2, 9)))
            self.assertFalse(cal.is_workday(dt.date(2027, 2, 9)))  # make-up day of 春节 2027
            self.assertFalse(cal.is_provisional(dt.date(2026, 2, 16)))
            self.assertEqual(cal.add_workdays(dt.date(2027, 2, 4), 1), dt.date(2027, 2, 11))
            cov = cal.coverage(dt.date(2026, 12, 5))
            self.assertEqual(cov["first_provisional_day"], "2027-01-01")
            self.assertEqual(cov["official_days_left"], 26)
            self.assertIn("2026-12-31", cov["warning"])
            self.assertIsNone(cal.coverage(dt.date(2026, 6, 1))["warning"])
            cal.set_mode(jiceng.CalendarMode.STRICT)
            with self.assertRaises(jiceng.OutOfRange):
                cal.is_workday(dt.date(2027, 1, 4))
            with self.assertRaises(jiceng.InvalidArgument):
                cal.set_mode("lenient")
            self.assertEqual(cal.mode, jiceng.CalendarMode.STRICT)

    def test_an_official_year_moves_an_open_deadline(self):
        with jiceng.Engine(policy="national") as e:
            e.org.load_sample(now=dt.datetime(2026, 12, 1, tzinfo=CST))
            p = e.petitions
            t = dt.datetime(2026, 12, 28, 8, tzinfo=CST)
            pid = p.submit(RESIDENT, location=HOUSEHOLD, category="noise", text="噪音", now=t)
            p.accept(GRID_WORKER, pid, now=t + dt.timedelta(hours=1))
            p.dispatch(STAFF, pid, "", now=t + dt.timedelta(hours=2))
            p.sign(GRID_WORKER, pid, now=t + dt.timedelta(hours=3))
            view = p.get(pid)
            self.assertTrue(view["due_provisional"])
            self.assertEqual(view["deadline_revisions"], [])
            cov = e.calendar_coverage(dt.datetime(2026, 12, 20, tzinfo=CST))
            self.assertIsNotNone(cov["warning"])
            with self.assertRaises(jiceng.InvalidArgument):
                e.load_calendar_csv("2027-01-01,holiday,X\n", now=t)
            self.assertEqual(p.get(pid), view)
            e.load_calendar_csv(OFFICIAL_2027, now=t + dt.timedelta(days=1))
            after = p.get(pid)
            self.assertFalse(after["due_provisional"])
            self.assertEqual(len(after["deadline_revisions"]), 1)
            rev = after["deadline_revisions"][0]
            self.assertEqual(rev["seq"], e.last_seq)
            self.assertEqual(rev["after"] - rev["before"], 86400)  # 01-04 became a holiday
            with self.assertRaises(jiceng.InvalidArgument):
                e.set_calendar_mode("strict", provisional_rule=5)
            e.set_calendar_mode("strict")
            self.assertEqual(e.calendar.mode, jiceng.CalendarMode.STRICT)


if __name__ == "__main__":
    unittest.main()
