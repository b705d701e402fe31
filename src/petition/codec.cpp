// Canonical bytes: the event encoding (the journal's payload) and the whole-state
// snapshot (the journal's state digest), plus the JSON export of one petition.
//
// Event format, version 1 (all integers little-endian base-128 varints, signed ones
// zig-zag encoded, strings as varint length + bytes, every field always present, in
// this order): 'E' 0x01 | seq | time | actor.id | role | actor.unit | petition | type |
// petitioner | contact.name | contact.phone | location | category | urgency | severity |
// channel | text | idempotency_key | flags (same_matter 1, designated 2, explicit_unit 4,
// automatic 8, contacted 16, solved 32) | linked | unit | reason | extension.amount |
// extension.unit | satisfaction | reopen_kind | document.
// A return as not ours adds flags not_ours 64 and, when it names a body outside the org
// graph, external 128 — `unit` then holds the body's name (the two never come together).
#include <utility>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/policy.hpp"
#include "petition/engine_impl.hpp"

namespace jiceng {

using pet::kNoIndex;
using pet::kNoRef;
using pet::Rec;
using pet::StoredEvent;

namespace {

constexpr char kEventMagic = 'E';
constexpr std::uint8_t kEventVersion = 1;
constexpr std::string_view kSnapshotMagic = "JCSNAP";
// Version 2 adds the deadline revisions of calendar events; version 1 (none) still restores.
// 2: deadline revisions; 3: sections of hosted loops (written only when a loop holds
// something, so an engine that never used a loop still writes version 2, byte for byte).
constexpr std::uint8_t kSnapshotVersion = 3;

inline void put_u(std::string& o, std::uint64_t v) {
  while (v >= 0x80) {
    o.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  o.push_back(static_cast<char>(v));
}
inline void put_i(std::string& o, std::int64_t v) {
  put_u(o, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}
inline void put_s(std::string& o, std::string_view s) {
  put_u(o, s.size());
  o.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool u(std::uint64_t* v) {
    std::uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size()) return fail();
      const auto c = static_cast<std::uint8_t>(b_[pos_++]);
      r |= static_cast<std::uint64_t>(c & 0x7F) << shift;
      if (!(c & 0x80)) {
        *v = r;
        return true;
      }
    }
    return fail();
  }
  bool i(std::int64_t* v) {
    std::uint64_t z;
    if (!u(&z)) return false;
    *v = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    return true;
  }
  bool byte(std::uint8_t* v, std::uint8_t max) {
    std::uint64_t x;
    if (!u(&x) || x > max) return fail();
    *v = static_cast<std::uint8_t>(x);
    return true;
  }
  bool s(std::string* out) {
    std::uint64_t n;
    if (!u(&n) || n > b_.size() - pos_) return fail();
    out->assign(b_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool raw(std::string_view* out, std::size_t n) {
    if (n > b_.size() - pos_) return fail();
    *out = b_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return ok_ && pos_ == b_.size(); }
  bool ok() const { return ok_; }
  std::size_t pos() const { return pos_; }

 private:
  bool fail() {
    ok_ = false;
    return false;
  }
  std::string_view b_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

void Engine::encode_event_to(const Event& e, std::string& o) {
  const EventPayload& p = e.payload;
  const bool external = !p.external_body.empty();
  o.push_back(kEventMagic);
  o.push_back(static_cast<char>(kEventVersion));
  put_u(o, e.seq);
  put_i(o, e.time);
  put_s(o, e.actor.id);
  put_u(o, static_cast<std::uint8_t>(e.actor.role));
  put_s(o, e.actor.unit);
  put_u(o, e.petition);
  put_u(o, static_cast<std::uint8_t>(e.type));
  put_s(o, p.petitioner);
  put_s(o, p.contact.name);
  put_s(o, p.contact.phone);
  put_s(o, p.location);
  put_s(o, p.category);
  put_u(o, static_cast<std::uint8_t>(p.urgency));
  put_u(o, static_cast<std::uint8_t>(p.severity));
  put_u(o, static_cast<std::uint8_t>(p.channel));
  put_s(o, p.text);
  put_s(o, p.idempotency_key);
  put_u(o, (p.same_matter ? 1u : 0u) | (p.designated ? 2u : 0u) | (p.explicit_unit ? 4u : 0u) |
               (p.automatic ? 8u : 0u) | (p.evaluation.contacted ? 16u : 0u) | (p.evaluation.solved ? 32u : 0u) |
               (p.not_ours ? 64u : 0u) | (external ? 128u : 0u));
  put_u(o, p.linked);
  put_s(o, external ? p.external_body : p.unit);
  put_s(o, p.reason);
  put_i(o, p.extension.amount);
  put_u(o, static_cast<std::uint8_t>(p.extension.unit));
  put_u(o, static_cast<std::uint8_t>(p.evaluation.satisfaction));
  put_u(o, static_cast<std::uint8_t>(p.reopen_kind));
  put_s(o, p.document);
}

std::string Engine::encode_event(const Event& e) {
  std::string o;
  o.reserve(64 + e.actor.id.size() + e.actor.unit.size() + e.payload.text.size() + e.payload.reason.size() +
            e.payload.document.size() + e.payload.location.size() + e.payload.unit.size());
  encode_event_to(e, o);
  return o;
}

absl::StatusOr<Event> Engine::decode_event(std::string_view bytes) {
  if (bytes.size() < 2 || bytes[0] != kEventMagic) return absl::DataLossError("decode_event: not an encoded event");
  if (static_cast<std::uint8_t>(bytes[1]) != kEventVersion) {
    return absl::FailedPreconditionError(
        internal::cat("decode_event: format version ", static_cast<int>(static_cast<std::uint8_t>(bytes[1])),
                     " is not supported (this library reads version ", kEventVersion, ")"));
  }
  Reader r(bytes.substr(2));
  Event e;
  EventPayload& p = e.payload;
  std::uint8_t role = 0, type = 0, urg = 0, sev = 0, ch = 0, tu = 0, sat = 0, rk = 0;
  std::uint64_t flags = 0;
  r.u(&e.seq) && r.i(&e.time) && r.s(&e.actor.id) && r.byte(&role, kRoleCount - 1) && r.s(&e.actor.unit) &&
      r.u(&e.petition) && r.byte(&type, kEventTypeCount - 1) && r.s(&p.petitioner) && r.s(&p.contact.name) &&
      r.s(&p.contact.phone) && r.s(&p.location) && r.s(&p.category) && r.byte(&urg, 1) && r.byte(&sev, 2) &&
      r.byte(&ch, 6) && r.s(&p.text) && r.s(&p.idempotency_key) && r.u(&flags) && r.u(&p.linked) && r.s(&p.unit) &&
      r.s(&p.reason) && r.i(&p.extension.amount) && r.byte(&tu, 2) && r.byte(&sat, 2) && r.byte(&rk, 2) &&
      r.s(&p.document);
  // external (128) only on a return as not ours (64)
  if (!r.done() || flags > 255 || ((flags & 128) && !(flags & 64))) {
    return absl::DataLossError(internal::cat("decode_event: malformed or truncated at byte ", r.pos() + 2));
  }
  e.actor.role = static_cast<Role>(role);
  e.type = static_cast<EventType>(type);
  p.urgency = static_cast<Urgency>(urg);
  p.severity = static_cast<Severity>(sev);
  p.channel = static_cast<Channel>(ch);
  p.same_matter = flags & 1;
  p.designated = flags & 2;
  p.explicit_unit = flags & 4;
  p.automatic = flags & 8;
  p.evaluation.contacted = flags & 16;
  p.evaluation.solved = flags & 32;
  p.not_ours = flags & 64;
  if (flags & 128) p.external_body = std::exchange(p.unit, std::string());
  p.extension.unit = static_cast<TimeUnit>(tu);
  p.evaluation.satisfaction = static_cast<Satisfaction>(sat);
  p.reopen_kind = static_cast<ReopenKind>(rk);
  return e;
}

// ---------------------------------------------------------------------------------------
// Snapshot

std::string Engine::Impl::snapshot() const {
  std::vector<std::pair<std::string_view, std::string>> sections;
  for (const auto& l : loops) {
    std::string b = l->snapshot();
    if (!b.empty()) sections.emplace_back(l->table().loop, std::move(b));
  }
  std::string o;
  o.append(kSnapshotMagic);
  o.push_back(static_cast<char>(sections.empty() ? 2 : kSnapshotVersion));
  put_s(o, cfg.policy_set->to_json());
  put_s(o, cfg.org->unit_count() > 0 ? cfg.org->export_json() : std::string());
  put_u(o, cfg.calendar_docs.size());
  for (const auto& d : cfg.calendar_docs) put_s(o, d);
  put_u(o, recs.size());
  for (std::uint32_t i = 0; i < recs.size(); ++i) {
    const Rec& r = recs[i];
    put_u(o, static_cast<std::uint8_t>(r.state));
    for (Timestamp t : {r.submitted, r.updated, r.stage_start, r.due, r.resolve_base, r.dispatched_at, r.resolved_at})
      put_i(o, t);
    put_s(o, text(r.text));
    put_s(o, text(r.location));
    put_s(o, text(r.key));
    put_s(o, r.cur_unit == kNoRef ? std::string_view() : units.name(r.cur_unit));
    put_s(o, r.loc_unit == kNoRef ? std::string_view() : units.name(r.loc_unit));
    put_s(o, actors.name(r.petitioner));
    put_s(o, cats[r.category].name);
    put_u(o, r.merged_into == kNoRef ? 0 : r.merged_into + 1ull);
    put_u(o, r.same_matter_as == kNoRef ? 0 : r.same_matter_as + 1ull);
    put_i(o, r.ext_granted);
    put_i(o, r.ext_pending);
    for (std::uint8_t b : {r.urgency, r.severity, r.channel, r.track})
      put_u(o, b);
    // The flags carry the escalation ladder's state above bit 8 (none: the bytes of before).
    put_u(o, r.flags | static_cast<std::uint64_t>(r.rungs_fired) << 8 | static_cast<std::uint64_t>(r.ladder_level) << 16);
    for (std::uint8_t b : {r.eval, r.returns, r.reopens, r.extensions, r.escalations, r.reviews, r.urges, r.supervisions})
      put_u(o, b);
    auto c = contacts.find(i);
    put_s(o, c == contacts.end() ? std::string_view() : std::string_view(c->second.name));
    put_s(o, c == contacts.end() ? std::string_view() : std::string_view(c->second.phone));
  }
  put_u(o, events.size());
  std::string buf;
  for (std::uint32_t i = 0; i < events.size(); ++i) {
    buf.clear();
    Engine::encode_event_to(public_event(i), buf);
    put_s(o, buf);
  }
  put_u(o, revisions.size());
  for (const auto& rev : revisions) {
    put_u(o, rev.petition);
    put_u(o, rev.event);
    put_i(o, rev.before);
    put_i(o, rev.after);
  }
  if (!sections.empty()) {
    put_u(o, sections.size());
    for (const auto& [name, b] : sections) {
      put_s(o, name);
      put_s(o, b);
    }
  }
  return o;
}

void Engine::Impl::rebuild_indices() {
  per_state.fill(0);
  open_count = 0;
  by_key.clear();
  final_matters.clear();
  heap.clear();
  for (std::uint32_t i = 0; i < recs.size(); ++i) {
    Rec& r = recs[i];
    ++per_state[static_cast<int>(r.state)];
    if (is_open(r.state)) ++open_count;
    if (pet::text_len(r.key) > 0) by_key.emplace(std::string(text(r.key)), i);
    if ((r.flags & pet::kFinal) && r.state == State::kClosed) {
      final_matters.emplace(pet::MatterKey{r.petitioner, r.category, r.loc_unit}, i);
    }
    r.wake = compute_wake(r);
    if (r.wake != pet::kNoWake) heap.push_back({r.wake, i});
  }
  std::make_heap(heap.begin(), heap.end(), std::greater<>());
}

absl::Status Engine::Impl::restore(std::string_view bytes) {
  auto bad = [](std::string_view what) {
    return absl::DataLossError(internal::cat("restore: snapshot is malformed: ", what));
  };
  if (bytes.substr(0, kSnapshotMagic.size()) != kSnapshotMagic || bytes.size() < kSnapshotMagic.size() + 1) {
    return bad("missing JCSNAP header");
  }
  const auto version = static_cast<std::uint8_t>(bytes[kSnapshotMagic.size()]);
  if (version < 1 || version > kSnapshotVersion) {
    return absl::FailedPreconditionError("restore: unsupported snapshot version");
  }
  Reader rd(bytes.substr(kSnapshotMagic.size() + 1));
  auto t = std::make_unique<Impl>();
  Impl& n = *t;
  n.loops = make_registered_loops();
  std::string policy_json, org_json;
  if (!rd.s(&policy_json) || !rd.s(&org_json)) return bad("configuration");
  auto set = PolicySet::from_json(policy_json, "snapshot policy");
  if (!set.ok()) return absl::DataLossError(internal::cat("restore: policy: ", set.status().message()));
  JICENG_RETURN_IF_ERROR(n.install_policy(std::make_shared<const PolicySet>(*std::move(set))));
  n.cfg.calendar = WorkCalendar::china();
  std::uint64_t count;
  if (!rd.u(&count) || count > bytes.size()) return bad("calendar count");
  for (std::uint64_t k = 0; k < count; ++k) {
    std::string csv;
    if (!rd.s(&csv)) return bad("calendar");
    if (auto st = pet::apply_calendar_doc(n.cfg.calendar, csv, "snapshot calendar"); !st.ok()) {
      return absl::DataLossError(internal::cat("restore: calendar: ", st.message()));
    }
    n.cfg.calendar_docs.push_back(std::move(csv));
  }
  if (org_json.empty()) {
    n.cfg.org = pet::OrgData::empty();
  } else {
    auto org = pet::OrgData::load(org_json, "snapshot org");
    if (!org.ok()) return absl::DataLossError(internal::cat("restore: org: ", org.status().message()));
    n.cfg.org = *std::move(org);
  }
  JICENG_RETURN_IF_ERROR(n.install_org(n.cfg.org));
  auto unit_ref_of = [&n](const std::string& id) -> std::uint32_t {
    if (id.empty()) return kNoRef;
    const std::uint32_t r = n.units.intern(id);
    if (r >= n.ref_to_graph.size()) n.ref_to_graph.resize(n.units.size(), kNoIndex);
    return r;
  };
  if (!rd.u(&count) || count > bytes.size()) return bad("petition count");
  for (std::uint64_t k = 0; k < count; ++k) {
    Rec r;
    std::uint8_t st;
    std::string txt, loc, key, cur, locu, person, cat, cname, cphone;
    std::uint64_t merged = 0, same = 0;  // set by the reads below; 0 keeps -O3 -Werror quiet
    std::int64_t eg, ep;
    bool ok = rd.byte(&st, kStateCount - 1);
    for (Timestamp* f : {&r.submitted, &r.updated, &r.stage_start, &r.due, &r.resolve_base, &r.dispatched_at,
                         &r.resolved_at})
      ok = ok && rd.i(f);
    ok = ok && rd.s(&txt) && rd.s(&loc) && rd.s(&key) && rd.s(&cur) && rd.s(&locu) && rd.s(&person) && rd.s(&cat) &&
         rd.u(&merged) && rd.u(&same) && rd.i(&eg) && rd.i(&ep);
    std::uint64_t flags = 0;
    for (std::uint8_t* b : {&r.urgency, &r.severity, &r.channel, &r.track}) ok = ok && rd.byte(b, 255);
    ok = ok && rd.u(&flags) && flags < (std::uint64_t{1} << 24);
    r.flags = static_cast<std::uint8_t>(flags);
    r.rungs_fired = static_cast<std::uint8_t>(flags >> 8);
    r.ladder_level = static_cast<std::uint8_t>(flags >> 16);
    for (std::uint8_t* b : {&r.eval, &r.returns, &r.reopens, &r.extensions, &r.escalations, &r.reviews, &r.urges,
                            &r.supervisions})
      ok = ok && rd.byte(b, 255);
    ok = ok && rd.s(&cname) && rd.s(&cphone);
    if (!ok || r.urgency > 1 || r.severity > 2 || r.channel > 6 || r.track > 1 || merged > count || same > count ||
        txt.size() > pet::kMaxArenaText || !pet::valid_category(cat)) {
      return bad(internal::cat("petition ", k + 1));
    }
    r.state = static_cast<State>(st);
    r.text = n.add_text(txt);
    r.location = n.add_text(loc);
    r.key = n.add_text(key);
    r.cur_unit = unit_ref_of(cur);
    r.loc_unit = unit_ref_of(locu);
    r.petitioner = n.actors.intern(person);
    r.category = n.intern_category(cat);
    r.merged_into = merged == 0 ? kNoRef : static_cast<std::uint32_t>(merged - 1);
    r.same_matter_as = same == 0 ? kNoRef : static_cast<std::uint32_t>(same - 1);
    r.ext_granted = static_cast<std::int32_t>(eg);
    r.ext_pending = static_cast<std::int32_t>(ep);
    if (!cname.empty() || !cphone.empty()) n.contacts[static_cast<std::uint32_t>(k)] = Contact{cname, cphone};
    n.recs.push_back(r);
  }
  if (!rd.u(&count) || count > bytes.size()) return bad("event count");
  for (std::uint64_t k = 0; k < count; ++k) {
    std::string buf;
    if (!rd.s(&buf)) return bad(internal::cat("event ", k + 1));
    auto e = Engine::decode_event(buf);
    if (!e.ok()) return absl::DataLossError(internal::cat("restore: event ", k + 1, ": ", e.status().message()));
    if (e->seq != k + 1) return bad(internal::cat("event ", k + 1, " has seq ", e->seq));
    const EventPayload& p = e->payload;
    StoredEvent ev;
    ev.time = e->time;
    ev.type = static_cast<std::uint8_t>(e->type);
    ev.role = static_cast<std::uint8_t>(e->actor.role);
    ev.actor = n.actors.intern(e->actor.id);
    ev.actor_unit = unit_ref_of(e->actor.unit);
    if (p.automatic) ev.flags |= pet::kEvAutomatic;
    if (acts_on_petition(e->type)) {
      if (e->petition == kNoPetition || e->petition > n.recs.size()) return bad(internal::cat("event ", k + 1));
      ev.petition = static_cast<std::uint32_t>(e->petition - 1);
      Rec& r = n.recs[ev.petition];
      ev.prev = r.last_event;
      if (r.first_event == kNoRef) r.first_event = static_cast<std::uint32_t>(k);
      r.last_event = static_cast<std::uint32_t>(k);
    }
    if (!p.reason.empty()) ev.aux = n.add_text(p.reason);
    switch (e->type) {
      case EventType::kReturn:
        if (!p.not_ours) break;
        ev.flags |= pet::kEvNotOurs;
        if (!p.external_body.empty()) {
          if (p.external_body.size() > kMaxExternalBody) return bad(internal::cat("event ", k + 1));
          ev.flags |= pet::kEvExternal;
          ev.unit = static_cast<std::uint32_t>(p.external_body.size());
          ev.aux = n.add_text(internal::cat(p.external_body, p.reason));
        } else {
          if (p.unit.empty()) return bad(internal::cat("event ", k + 1));
          ev.unit = unit_ref_of(p.unit);
        }
        break;
      case EventType::kMerge:
        if (p.linked == kNoPetition || p.linked > n.recs.size()) return bad(internal::cat("event ", k + 1));
        ev.aux = p.linked - 1;
        break;
      case EventType::kDispatch:
      case EventType::kEscalate:
      case EventType::kReopen:
        ev.unit = unit_ref_of(p.unit);
        if (p.designated) ev.flags |= pet::kEvDesignated;
        if (p.explicit_unit) ev.flags |= pet::kEvExplicit;
        ev.flags |= static_cast<std::uint16_t>(static_cast<unsigned>(p.reopen_kind) << 7);
        if (e->type != EventType::kReopen) ev.flags &= static_cast<std::uint16_t>(~(3u << 7));
        break;
      case EventType::kRequestExtension:
        ev.unit = static_cast<std::uint32_t>(p.extension.amount);
        ev.flags |= static_cast<std::uint16_t>(static_cast<unsigned>(p.extension.unit) << 9);
        break;
      case EventType::kEvaluate:
        ev.flags |= static_cast<std::uint16_t>((p.evaluation.contacted ? pet::kEvContacted : 0) |
                                               (p.evaluation.solved ? pet::kEvSolved : 0) |
                                               (static_cast<unsigned>(p.evaluation.satisfaction) << 5));
        break;
      case EventType::kLoadOrg:
      case EventType::kSetPolicy:
      case EventType::kLoadCalendar:
      case EventType::kSetCalendar:
      case EventType::kLoop:
        if (e->type == EventType::kLoop && e->petition != kNoPetition) return bad(internal::cat("event ", k + 1));
        ev.aux = n.documents.size();
        n.documents.push_back(p.document);
        break;
      default:
        break;
    }
    n.events.push_back(ev);
    if (e->type == EventType::kSupport || e->type == EventType::kWithdrawSupport || e->type == EventType::kMerge) {
      n.fold_participation(ev.petition, ev);
    }
  }
  // Supporter counts are not in the snapshot's records: they follow from the events.
  for (std::uint32_t i = 0; i < n.recs.size(); ++i) {
    auto it = n.supporters_of.find(i);
    n.recs[i].supporters = it == n.supporters_of.end() ? 0 : static_cast<std::uint32_t>(it->second.size());
  }
  if (version >= 2) {
    if (!rd.u(&count) || count > bytes.size()) return bad("revision count");
    for (std::uint64_t k = 0; k < count; ++k) {
      std::uint64_t petition, event;
      pet::Revision rev{};
      if (!rd.u(&petition) || !rd.u(&event) || !rd.i(&rev.before) || !rd.i(&rev.after) || petition >= n.recs.size() ||
          event >= n.events.size() || (!n.revisions.empty() && event < n.revisions.back().event)) {
        return bad("revision");
      }
      const auto type = static_cast<EventType>(n.events[event].type);
      if (type != EventType::kLoadCalendar && type != EventType::kSetCalendar) return bad("revision event type");
      rev.petition = static_cast<std::uint32_t>(petition);
      rev.event = static_cast<std::uint32_t>(event);
      n.add_revision(rev);
    }
  }
  if (version >= 3) {
    if (!rd.u(&count) || count == 0 || count > n.loops.size()) return bad("loop section count");
    std::string name, section;
    auto next = n.loops.begin();  // sections come in registration order, each once
    for (std::uint64_t k = 0; k < count; ++k) {
      if (!rd.s(&name) || !rd.s(&section)) return bad("loop section");
      auto it = std::find_if(n.loops.begin(), n.loops.end(), [&](const auto& l) { return l->table().loop == name; });
      if (it == n.loops.end()) {
        return absl::DataLossError(
            internal::cat("restore: the snapshot holds loop ", name, ", which this engine does not host"));
      }
      if (it < next) return bad(internal::cat("loop ", name, ": section out of order or repeated"));
      next = it + 1;
      if (section.empty()) return bad(internal::cat("loop ", name, ": empty section"));
      JICENG_RETURN_IF_ERROR((*it)->restore(section));
    }
  }
  if (!rd.done()) return bad("trailing bytes");
  n.rebuild_indices();
  // Install: everything but the lock, the batch owner and the sink.
  cfg = std::move(n.cfg);
  due_minute = n.due_minute;
  due_rungs = n.due_rungs;
  units = std::move(n.units);
  actors = std::move(n.actors);

  categories = std::move(n.categories);
  cats = std::move(n.cats);
  ref_to_graph = std::move(n.ref_to_graph);
  graph_to_ref = std::move(n.graph_to_ref);
  recs = std::move(n.recs);
  events = std::move(n.events);
  arena = std::move(n.arena);
  documents = std::move(n.documents);
  by_key = std::move(n.by_key);
  contacts = std::move(n.contacts);
  final_matters = std::move(n.final_matters);
  per_state = n.per_state;
  heap = std::move(n.heap);
  open_count = n.open_count;
  revisions = std::move(n.revisions);
  revisions_of = std::move(n.revisions_of);
  supporters_of = std::move(n.supporters_of);
  merged_from = std::move(n.merged_from);
  loops = std::move(n.loops);
  return absl::OkStatus();
}

}  // namespace jiceng
