"""Deliberation (议事): ``engine.matters``, the loop "deliberation" with named helpers.

    m = engine.matters
    r = m.raise_matter(staff, unit="C1", title="加装电梯", kind="public_welfare_project",
                       raised_by="party_organization", now=t)
    m.start(staff, item=r.item, now=t)
    m.meeting(staff, r.item, body="party_committee", date="2026-03-02",
              roll=[{"person": "P1", "class": "committee_member"}], attended=["P1"], yes=["P1"], now=t)
    m.post(staff, item=r.item, channel="board", **{"from": "2026-03-02"}, now=t)
    engine.tick(...)            # the clock completes the disclosure after 15 days
    m.findings(year=2026); m.review(year=2026)

Every event of the table is also a method (``m.start``, ``m.conclude``, ...), as for any
loop (jiceng.loops.Loop); see docs/deliberation.md. 一事一议 in a village:

    m.canvass(staff, item=i, date="2026-03-01", households=[...], signed=[...], now=t)
    m.meeting(staff, i, "villagers_representatives_meeting", "2026-03-02", roll, attended, yes=...,
              authorisation={"date": "2026-01-10"}, now=t)    # 村 第二十八条第二款
    m.review_approved(township_officer, item=i, date="2026-03-02", now=t)   # 乡镇审核

A residents' or villagers' meeting gives ``noticed_on`` (10 days ahead) and each resident's
``born`` on its roll (those under 18 attend without a vote).
"""

from .loops import Loop


class Matters(Loop):
    """The deliberation loop of an engine (议事事项, ids M00000001, ...)."""

    def __init__(self, engine):
        super().__init__(engine, "deliberation")

    def raise_matter(self, actor, unit, title, kind, raised_by, now=None, **fields):
        """Raises a matter at `unit` (a community, compound or village); the policy chooses
        its procedure from `kind` and the unit's scope. Other fields: category, one_shoulder,
        proposers, eligible, levy."""
        return self.command("raise", actor, item=None, now=now, unit=unit, title=title, kind=kind,
                            raised_by=raised_by, **fields)

    def raise_from_petitions(self, actor, petitions, unit, title, kind, raised_by, now=None, **fields):
        """Raises a matter from petitions being handled (转办议事), in one batch: ``raise`` with
        their display ids as ``petitions`` (the loop checks each through the engine: in
        progress, not referred elsewhere) and each petition's ``resolve`` with an answer
        naming the matter. Their evaluation waits until the matter concludes or is abandoned
        (``evaluation_held`` in a petition's view). Returns the matter's LoopOutcome; a
        refusal of any step changes nothing."""
        e = self._engine
        petitions = list(petitions)
        ids = [e.petitions.get(p)["id"] for p in petitions]

        def run(en):
            out = self.command("raise", actor, item=None, now=now, unit=unit, title=title, kind=kind,
                               raised_by=raised_by, petitions=ids, **fields)
            for p in petitions:
                en.petitions.resolve(actor, p, "已提交居民议事（议事事项 %s），议定办结后回访评价; referred to "
                                     "deliberation, matter %s" % (out.id, out.id), now=now)
            return out

        return e.batch(run)

    def meeting(self, actor, item, body, date, roll, attended, yes=(), no=(), abstain=(), passed=True,
                now=None, **fields):
        """Records the meeting of the current step: `roll` (who sits in it, with voter class;
        residents with ``born``), who attended and how each voted; other fields: noticed_on,
        special_circumstances, authorisation, note. `passed` says which event records it
        (meeting_passed or meeting_failed); the engine refuses it when the count under the
        policy's vote rule says otherwise, naming the numbers."""
        return self.command("meeting_passed" if passed else "meeting_failed", actor, item=item, now=now, body=body,
                            date=date, roll=list(roll), attended=list(attended), yes=list(yes), no=list(no),
                            abstain=list(abstain), **fields)

    def findings(self, year=None, unit=None, *, min_seq=None):
        """Yearly-review findings: procedure overrides (with their reason), disclosures taken
        down early, major matters decided by another procedure or without disclosure."""
        return self.query("findings", min_seq=min_seq, **_filters(year, unit))["findings"]

    def review(self, year=None, unit=None, *, min_seq=None):
        """Per community: matters, major matters, and the share that completed 四议两公开."""
        return self.query("review", min_seq=min_seq, **_filters(year, unit))["communities"]


def _filters(year, unit):
    p = {}
    if year is not None:
        p["year"] = int(year)
    if unit is not None:
        p["unit"] = unit
    return p
