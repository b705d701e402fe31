"""The public commitments loop (承诺: 任期目标公开承诺清单, 逐项销号, 述职评议) and the
assessment of property companies (考评: 信用记录, 红黑榜), with their queries as methods.
Their events are methods too, built from the tables (see jiceng.loops.Loop):

    c = engine.commitments
    r = c.draft(secretary, unit="C11", owner="committee", category="惠及民生实事",
                text="加装电梯3部", measure="3部电梯投入使用", due="2026-12-31", term_start=2026)
    c.approve(secretary, item=r.item); c.publish(staff, item=r.item)
    c.board(unit="S1")["totals"]["done_percent"]
    c.offices()["ended"]                  # offices ended by two consecutive 不称职 (居37/村38)

    a = engine.assessment
    co = a.register_company(district, unit="D", name="甲物业", credit_code="91320506MA1ABCDE01",
                            projects=["G111"])
    a.record(street, unit="S1", company=co.id, project="G111", credit="bad", points=-20, reason="…")
    a.scores(period="2026Q3")["black"]
"""

from typing import Optional

from ._core import int_arg
from .loops import Loop


def _params(**kw):
    return {k: v for k, v in kw.items() if v is not None}


class Commitments(Loop):
    """engine.commitments: commitments and the yearly review (述职评议)."""

    def __init__(self, engine):
        super().__init__(engine, "commitments")

    def board(self, unit: Optional[str] = None, term_start: Optional[int] = None, *, min_seq=None):
        """The public board (公开栏): published commitments, per unit and in total, with the
        share ticked off (done_percent, a decimal string)."""
        if term_start is not None:
            term_start = int_arg(term_start, "term_start")
        return self.query("board", min_seq=min_seq, **_params(unit=unit, term_start=term_start))

    def reviews(self, unit: Optional[str] = None, member: Optional[str] = None, year: Optional[int] = None, *,
                min_seq=None):
        """Yearly reviews with their ratings, grade and run of 不称职; counts per grade; and
        `missed`: the years that ended without a committee member's review (the clock's
        findings, 居37/村38: at least once a year)."""
        if year is not None:
            year = int_arg(year, "year")
        return self.query("reviews", min_seq=min_seq, **_params(unit=unit, member=member, year=year))

    def offices(self, *, min_seq=None):
        """Offices ended by the review (ended) and those the clock ends at its next tick
        (ending): the loop's record, shown beside the org graph's posts."""
        return self.query("offices", min_seq=min_seq)


class Assessment(Loop):
    """engine.assessment: credit records and the red and black lists of property companies."""

    def __init__(self, engine):
        super().__init__(engine, "assessment")

    def scores(self, period: Optional[str] = None, unit: Optional[str] = None, *, min_seq=None):
        """Scores (base + Σ points, no floor), grades and lists of the companies registered
        at `unit` or below (default: the whole district), over a period label such as
        "2026Q3" or over every record."""
        return self.query("scores", min_seq=min_seq, **_params(period=period, unit=unit))

    def companies(self, *, min_seq=None):
        """The registered property companies with the projects they serve."""
        return self.query("companies", min_seq=min_seq)["companies"]

    def periods(self, *, min_seq=None):
        """Assessment periods, with the red and black lists of the published ones (closed by
        the clock at their end, or published by the unit) and the companies `released` from
        the black list."""
        return self.query("periods", min_seq=min_seq)["periods"]
