"""The projects loop (项目) and the community service fund (为民服务专项经费) as named
attributes of an engine, ``engine.projects`` and ``engine.fund``: the generic loop (every
event of the table is a method) plus their queries by name.

    p = engine.projects.propose(staff, unit="G111", kind="practical", title="助餐点",
                                lead_unit="C11", rollup="equal",
                                milestones=[{"name": "建成"}], due="2026-06-30")
    engine.projects.approve(secretary, item=p.item, decided_by="社区党委会议",
                            record="2026-3", decided_on="2026-03-02")  # matter="M00000001": the
                            # deliberation matter that decided it (required above project.decision's amount)
    a = engine.fund.open(street, unit="C11", year=2026, allocation="200000.00")
    engine.fund.spend(secretary, item=a.item, project=p.id, decision="2026-3",
                      category="public_service", amount=Decimal("50000"), purpose="助餐点")
    engine.fund.statement(unit="C11", year=2026)["balance"]     # "150000.00"
    engine.fund.disclose(secretary, item=a.item, spend=1, channel="居务公开栏", **{"from": "2026-03-02"})
    engine.fund.findings(unit="C11", year=2026)                  # notices taken down early

Money is a decimal string of yuan in JSON; a ``decimal.Decimal`` (or an int of yuan) given
for an amount is written as such a string here, never as a binary float.
"""

import decimal

from .loops import Loop

_MONEY_FIELDS = ("amount", "allocation", "budget", "value")


def _money(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, decimal.Decimal):
        if v != v.quantize(decimal.Decimal("0.01")):
            from ._core import InvalidArgument
            raise InvalidArgument("amount %s has fractions of a fen" % v)
        return "%.2f" % v
    if isinstance(v, int):
        return "%d.00" % v
    return v  # strings pass as they are; the library checks them (floats are refused there)


def _with_money(payload):
    out = dict(payload)
    for k in _MONEY_FIELDS:
        if k in out:
            out[k] = _money(out[k])
    for r in out.get("resources", []) or []:
        if isinstance(r, dict) and "value" in r:
            r["value"] = _money(r["value"])
    return out


class Projects(Loop):
    """engine.projects: 便民实事项目, 微实事, 一村一策, 跨域项目."""

    def command(self, event, actor, item=None, now=None, **payload):
        return super().command(event, actor, item=item, now=now, **_with_money(payload))

    def board(self, unit=None, kind=None, state=None, *, min_seq=None):
        """One row per project (state, progress, deadline, missed reviews)."""
        params = {k: v for k, v in (("unit", unit), ("kind", kind), ("state", state)) if v is not None}
        return self.query("board", min_seq=min_seq, **params)["projects"]

    def four_lists(self, joint_committee, *, min_seq=None):
        """The four lists of a 大党委: needs, resources, projects, responsibilities."""
        return self.query("four_lists", min_seq=min_seq, unit=joint_committee)

    def village_campaign(self, villages, start, as_of, *, min_seq=None):
        """一村一策 campaign checks: planned within a year, covered by year two."""
        return self.query("village_campaign", min_seq=min_seq, villages=list(villages), start=str(start),
                          as_of=str(as_of))

    def findings(self, *, min_seq=None):
        """Missed periodic reviews, overdue projects, late completions."""
        return self.query("findings", min_seq=min_seq)["findings"]


class Fund(Loop):
    """engine.fund: one ring-fenced account per community and year."""

    def command(self, event, actor, item=None, now=None, **payload):
        return super().command(event, actor, item=item, now=now, **_with_money(payload))

    def statement(self, item=None, unit=None, year=None, *, min_seq=None):
        """The yearly statement of an account (by id, or by community and year)."""
        if item is not None:
            return self.query("statement", min_seq=min_seq, item=item)
        return self.query("statement", min_seq=min_seq, unit=unit, year=year)

    def ledger(self, unit=None, year=None, *, min_seq=None):
        """Every account (community, year, allocation, spent, balance), optionally filtered."""
        params = {k: v for k, v in (("unit", unit), ("year", year)) if v is not None}
        return self.query("ledger", min_seq=min_seq, **params)["accounts"]

    def findings(self, unit=None, year=None, *, min_seq=None):
        """Disclosure findings: a spend's notice taken down before its 15 days
        (disclosure_taken_down_early), a spend of a closed account never posted
        (spend_not_disclosed)."""
        params = {k: v for k, v in (("unit", unit), ("year", year)) if v is not None}
        return self.query("findings", min_seq=min_seq, **params)["findings"]


def loop_class(name):
    """The Python class of a hosted loop: a named one, or the generic Loop."""
    return {"projects": Projects, "fund": Fund}.get(name, Loop)
