"""The party organization hierarchy (党组织体系): units, the chain of command, coverage."""

import ctypes
import json
import os

from . import _capi as C
from ._core import _Handle, buffer_array, buffer_string, check, enc, int_arg, take_json, take_string, to_jc_date


# Kinds beside the territorial tree (their level comes from what they attach to).
BESIDE_THE_TREE = frozenset({"joint_committee", "resident_unit", "property_branch", "owners_committee_group",
                             "industry_committee", "station"})


def _new_org():
    h = C.jc_org_p()
    check(C.jc_org_new(ctypes.byref(h)))
    return h


class Org(_Handle):
    """An organization graph. ``Org()`` is an empty owned graph; ``engine.org`` is a read-only
    view of an engine's graph whose ``load`` replaces the engine's graph (one event).

    Units are named by their string ids everywhere; the dense index is an implementation
    detail (``index(id)`` when you need it).

    On an engine's view every query takes ``min_seq=``: it first waits until the engine holds
    that seq (``Engine.await_seq``: read-your-writes across servers sharing a journal)."""

    _what = "org"

    _view_of = ("jc_engine_org", "jc_org_p")

    def __init__(self, _handle=None, _engine=None):
        self._own_or_view(_handle, _engine, _new_org)

    def _release(self, h):
        C.jc_org_free(h)

    # --- loading ---------------------------------------------------------------------------
    def load(self, path, now=None):
        """Loads a JSON / JSON Lines file (into an engine: replaces its graph)."""
        path = os.fspath(path)
        if self._engine is not None:
            from ._core import to_ts
            check(C.jc_engine_load_org_file(self._engine._handle, enc(path, "path"), to_ts(now)))
        else:
            check(C.jc_org_load_file(self._handle, enc(path, "path")))

    def load_json(self, text, source_name="org.json", now=None, by=None):
        """Loads an org document (into an engine: replaces its graph, one event recorded as
        ``by`` — an Actor, the person who configures — or, without it, as ``system``)."""
        if not isinstance(text, (str, bytes)):
            text = json.dumps(text, ensure_ascii=False)
        data = enc(text, "text")
        if self._engine is not None:
            from ._core import to_ts
            if by is not None:
                import ctypes
                from .engine import _configurer
                a = _configurer(by)
                check(C.jc_engine_load_org_as(self._engine._handle, ctypes.byref(a), data, len(data), to_ts(now)))
                return
            check(C.jc_engine_load_org(self._engine._handle, data, len(data), to_ts(now)))
        else:
            check(C.jc_org_load_json(self._handle, data, len(data), enc(source_name, "source_name")))

    def load_sample(self, now=None):
        """The bundled sample district (吴中区, data/sample-district.json)."""
        if self._engine is not None:
            from ._core import to_ts
            check(C.jc_engine_load_sample_org(self._engine._handle, to_ts(now)))
        else:
            check(C.jc_org_load_sample(self._handle))

    @staticmethod
    def generate_json(units=10000, seed=1, members=True):
        """A deterministic synthetic city (JSON text) of exactly ``units`` units."""
        o = C.jc_city_options()
        check(C.jc_city_options_init(ctypes.byref(o), C.JC_CITY_OPTIONS_VERSION))
        o.units, o.seed = int_arg(units, "units"), int_arg(seed, "seed")
        o.members = 1 if members else 0
        return take_string(C.jc_org_generate_json, ctypes.byref(o))

    # --- queries ---------------------------------------------------------------------------
    def __len__(self):
        n = ctypes.c_size_t()
        check(C.jc_org_unit_count(ctypes.byref(n), self._handle))
        return n.value

    def __contains__(self, unit_id):
        try:
            self.index(unit_id)
            return True
        except LookupError:
            return False

    def index(self, unit_id, *, min_seq=None):
        self._at(min_seq)
        out = ctypes.c_uint32()
        check(C.jc_org_find(ctypes.byref(out), self._handle, enc(unit_id, "unit id")))
        return out.value

    def _id(self, h, u):
        return buffer_string(C.jc_org_unit_id, h, u, size=64)

    def unit(self, unit_id, *, min_seq=None):
        """The unit as a dict (id, name, level, kind, schema, parent, children, counts)."""
        self._at(min_seq)
        h = self._handle
        return take_json(C.jc_org_unit_json, h, self._index(h, unit_id))

    def units(self, level=None, kind=None, beside=False, *, min_seq=None):
        """Ids of the units at ``level`` (0..5) and of ``kind`` (e.g. "building_group"),
        either or both None for any, in index order.

        With a ``level`` (0..5; None or -1 for any) and no ``kind``, units beside the tree (``BESIDE_THE_TREE``: the
        物业行业党委 at level 1, 大党委, 驻区单位, 物业党支部, ...) are left out, so
        ``units(level=1)`` is the streets and townships; ``beside=True`` keeps them. An
        explicit ``kind`` is always listed."""
        self._at(min_seq)
        h = self._handle
        lv = -1 if level is None else int_arg(level, "level", ctypes.c_int)
        ids = take_json(C.jc_org_units_json, h, lv, None if kind is None else enc(kind, "kind"))
        if lv == -1 or kind is not None or beside:
            return ids
        drop = set()
        for k in sorted(BESIDE_THE_TREE):
            drop.update(take_json(C.jc_org_units_json, h, lv, enc(k, "kind")))
        return [u for u in ids if u not in drop]

    def households(self, unit_id=None, *, min_seq=None):
        """The households (户) as dicts ``{"id", "building", "central_household"?}``, in
        the graph's order; with ``unit_id``, those whose building is in that unit's subtree."""
        self._at(min_seq)
        doc = json.loads(self.export_json())
        hs = doc.get("households", [])
        if unit_id is None:
            return hs
        self.index(unit_id)  # NotFound for an unknown unit
        return [hh for hh in hs if self.is_ancestor(unit_id, hh["building"])]

    def _index(self, h, unit_id):
        out = ctypes.c_uint32()
        check(C.jc_org_find(ctypes.byref(out), h, enc(unit_id, "unit id")))
        return out.value

    def name(self, unit_id, *, min_seq=None):
        self._at(min_seq)
        h = self._handle
        return buffer_string(C.jc_org_unit_name, h, self._index(h, unit_id))

    def level(self, unit_id, *, min_seq=None):
        self._at(min_seq)
        h = self._handle
        out = ctypes.c_int()
        check(C.jc_org_level(ctypes.byref(out), h, self._index(h, unit_id)))
        return out.value

    def parent(self, unit_id, *, min_seq=None):
        self._at(min_seq)
        h = self._handle
        out = ctypes.c_uint32()
        check(C.jc_org_parent(ctypes.byref(out), h, self._index(h, unit_id)))
        return None if out.value == C.JC_NO_UNIT else self._id(h, out.value)

    def ancestors(self, unit_id, *, min_seq=None):
        """The chain of command: the unit, its parent, ..., the district root (ids)."""
        self._at(min_seq)
        h = self._handle
        chain = buffer_array(C.jc_org_ancestors, ctypes.c_uint32, h, self._index(h, unit_id), size=8)
        return [self._id(h, u) for u in chain]

    def children(self, unit_id, *, min_seq=None):
        self._at(min_seq)
        h = self._handle
        kids = buffer_array(C.jc_org_children, ctypes.c_uint32, h, self._index(h, unit_id))
        return [self._id(h, u) for u in kids]

    def ancestor_at_level(self, unit_id, level, *, min_seq=None):
        self._at(min_seq)
        h = self._handle
        out = ctypes.c_uint32()
        check(C.jc_org_ancestor_at_level(ctypes.byref(out), h, self._index(h, unit_id),
                                         int_arg(level, "level", ctypes.c_int)))
        return self._id(h, out.value)

    def is_ancestor(self, ancestor_id, unit_id, *, min_seq=None):
        """True when ``ancestor_id`` is ``unit_id`` or one of its ancestors (O(1))."""
        self._at(min_seq)
        h = self._handle
        out = ctypes.c_int()
        check(C.jc_org_is_ancestor(ctypes.byref(out), h, self._index(h, ancestor_id), self._index(h, unit_id)))
        return bool(out.value)

    def lca(self, a, b, *, min_seq=None):
        """The lowest common ancestor's id (None when in different trees)."""
        self._at(min_seq)
        h = self._handle
        out = ctypes.c_uint32()
        check(C.jc_org_lca(ctypes.byref(out), h, self._index(h, a), self._index(h, b)))
        return None if out.value == C.JC_NO_UNIT else self._id(h, out.value)

    def subtree_size(self, unit_id, *, min_seq=None):
        self._at(min_seq)
        h = self._handle
        out = ctypes.c_size_t()
        check(C.jc_org_subtree_size(ctypes.byref(out), h, self._index(h, unit_id)))
        return out.value

    def subtree_members(self, unit_id, *, min_seq=None):
        """(members, party members) with their relation in the subtree."""
        self._at(min_seq)
        h = self._handle
        m, p = ctypes.c_size_t(), ctypes.c_size_t()
        check(C.jc_org_subtree_members(ctypes.byref(m), ctypes.byref(p), h, self._index(h, unit_id)))
        return (m.value, p.value)

    def responsible_units(self, household_id, *, min_seq=None):
        """Ids of the units responsible for a household, by level 0..5 (None where none)."""
        self._at(min_seq)
        h = self._handle
        out = (ctypes.c_uint32 * 6)()
        check(C.jc_org_responsible_units(out, h, enc(household_id, "household id")))
        return [None if u == C.JC_NO_UNIT else self._id(h, u) for u in out]

    def coverage(self, as_of=None, compound_branch_threshold=3, *, min_seq=None):
        """The coverage report (覆盖情况) as a dict."""
        self._at(min_seq)
        o = C.jc_coverage_options()
        check(C.jc_coverage_options_init(ctypes.byref(o), C.JC_COVERAGE_OPTIONS_VERSION))
        o.as_of = enc(as_of.isoformat() if hasattr(as_of, "isoformat") else as_of, "as_of")
        o.compound_branch_threshold = int_arg(compound_branch_threshold, "compound_branch_threshold", ctypes.c_int)
        return take_json(C.jc_org_coverage_json, self._handle, ctypes.byref(o))

    def export_json(self, raw=False, *, min_seq=None):
        """The graph as a JSON document; member names are masked (personal data) unless
        ``raw=True``, which loads back exactly."""
        self._at(min_seq)
        return take_string(C.jc_org_export_json_raw if raw else C.jc_org_export_json, self._handle)

    def export_dot(self, root_id, depth=-1, *, min_seq=None):
        self._at(min_seq)
        return take_string(C.jc_org_export_dot, self._handle, enc(root_id, "unit id"), int_arg(depth, "depth", ctypes.c_int))

    def transfer_member(self, member_id, to_unit_id, day):
        """组织关系转接 (owned graphs only)."""
        check(C.jc_org_transfer_member(self._handle, enc(member_id, "member_id"), enc(to_unit_id, "to_unit_id"),
                                       to_jc_date(day)))
