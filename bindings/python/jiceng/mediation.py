"""The mediation loop (调解: 人民调解, 乡音调解 and the 信访 track's mediation) as
``engine.mediation``: every event of the loop's table as a method (from jiceng.loops.Loop),
plus conveniences for committees, the mediator suggestion and referred petitions.

    m = engine.mediation
    c = m.establish(staff, unit="C11", name="木桥社区乡音调解委员会", level="residents",
                    term_start="2026-01-05", members=[...], hired=[...])
    k = m.refer_petition(staff, petition, committee=c.id, summary="空调外机噪音纠纷",
                         parties=[{"id": "p1", "name": "张某", "region": "河南"}, ...])
    m.suggest(k.item)[0]["mediator"]      # best match by dialect / home region, then load
    m.assign(staff, item=k.item, mediators=["m1"])

docs/mediation.md lists the events, their fields and the articles of 人民调解法 behind them.
"""

from ._core import InvalidArgument
from .loops import Loop

class Mediation(Loop):
    """The hosted loop ``mediation``; ``engine.mediation`` is the engine's one instance."""

    def __init__(self, engine):
        super().__init__(engine, "mediation")

    def suggest(self, case, *, min_seq=None):
        """The case's candidate mediators, best first: dicts with mediator, name, match (parties
        sharing a dialect or home region), load, available, matched_parties. A suggestion only:
        the parties may choose or refuse (人民调解法 第十九条、第二十三条)."""
        return self.query("suggest", min_seq=min_seq, item=self._id(case))["candidates"]

    def mediators(self, committee, *, min_seq=None):
        """A committee's members and hired mediators, each with its current load."""
        return self.query("mediators", min_seq=min_seq, item=self._id(committee))["mediators"]

    def summary(self, unit=None, *, min_seq=None):
        """Committees, mediators, cases by state, referrals, court confirmations and how the
        suggestions fared, for the subtree of ``unit`` (everything when None)."""
        return self.query("summary", min_seq=min_seq, **({} if unit is None else {"unit": unit}))

    def refer_petition(self, actor, petition, *, committee, summary, parties, unit=None, now=None):
        """Refers a petition of a dispute category (the policy's rule mediation.referral) that
        is being handled to ``committee``, in one batch: the loop's ``refer`` (recording the
        petition's id and category; the loop checks the petition through the engine) and the
        petition's ``resolve`` with an answer naming the case. The petition's evaluation then
        waits until the case ends (``evaluation_held`` in its view). Returns the case's
        LoopOutcome. A refusal of either changes nothing."""
        e = self._engine
        p = e.petitions.get(petition)
        if unit is None:
            unit = self.get(committee)["unit"]

        def run(en):
            out = self.command("refer", actor, now=now, unit=unit, committee=self._display(committee),
                               petition=p["id"], category=p["category"], summary=summary, parties=parties)
            en.petitions.resolve(actor, petition,
                                 "已转人民调解委员会调解（调解案件 %s）; referred to people's mediation, case %s"
                                 % (out.id, out.id), now=now)
            return out

        return e.batch(run)

    def _id(self, item):
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise InvalidArgument("mediation: an item is an int or an id like D00000001, got %r" % (item,))
        return item

    def _display(self, item):
        if isinstance(item, int) and not isinstance(item, bool):
            return "%s%08d" % (self.id_prefix, item)
        return self._id(item)
