// The engine's petitions as a hosted loop may query them (LoopHost::query_loop "petition"):
// what a loop's guard needs to check a reference — a mediation referral names a petition —
// and the counts the assessment of a property company reads (its petitions' 办结率, 满意率,
// overdue rate), nothing more; contact data never leaves.
#include <limits>
#include <vector>

#include "boost/json.hpp"
#include "common/strings.hpp"
#include "petition/engine_impl.hpp"

namespace jiceng {
namespace json = boost::json;

// `get` {"id": "P00000042"} → {"id", "state", "category", "track", "unit" (the handling
// unit), "location_unit", "evaluation_held" (referred to an item not yet concluded)}; NOT_FOUND for a petition the engine does not hold.
//
// `counts` {"units": ["pb-1", ...], "from"?: t, "to"?: t} → {"units": {"pb-1": {"received",
// "closed", "overdue", "rated", "satisfied"}, ...}}: the petitions submitted in [from, to)
// that a dispatch (派单) ever sent into each listed unit's subtree — routed there, whether
// they stayed or were escalated on (an escalation must not take a petition out of the
// figures of the one who let it run over) — with their state now, the KPIs' facts
// (docs/kpi.md): closed = resolved or closed (办结), overdue = marked overdue at least once,
// rated = an evaluation in force, satisfied = rated 满意. One pass over the petitions and
// their events, whatever the number of units.
absl::StatusOr<std::string> Engine::Impl::petition_counts(std::string_view params) const {
  constexpr std::string_view kShape =
      "petition query counts: parameters must be {\"units\": [unit ids], \"from\"?: seconds, \"to\"?: seconds}";
  json::error_code ec;
  const json::value p = json::parse(json::string_view(params.data(), params.size()), ec);
  if (ec || !p.is_object()) return absl::InvalidArgumentError(std::string(kShape));
  const json::array* list = nullptr;
  Timestamp from = std::numeric_limits<Timestamp>::min(), to = std::numeric_limits<Timestamp>::max();
  for (const auto& kv : p.as_object()) {
    const std::string_view k(kv.key().data(), kv.key().size());
    if (k == "units" && kv.value().is_array() && kv.value().as_array().size() <= 10000) {
      list = &kv.value().as_array();
    } else if ((k == "from" || k == "to") && kv.value().is_int64()) {
      (k == "from" ? from : to) = kv.value().as_int64();
    } else {
      return absl::InvalidArgumentError(internal::cat(kShape, "; \"", k, "\" is unknown or ill-typed"));
    }
  }
  if (list == nullptr) return absl::InvalidArgumentError(std::string(kShape));
  std::vector<std::uint32_t> units;  // graph indices, in the order listed
  for (const auto& u : *list) {
    if (!u.is_string()) return absl::InvalidArgumentError(internal::cat(kShape, "; each unit must be a string"));
    const std::string_view id(u.as_string().data(), u.as_string().size());
    const std::optional<std::uint32_t> g = cfg.org->find(id);
    if (!g) return absl::NotFoundError(internal::cat("petition query counts: unit \"", id, "\" is not in the org graph"));
    units.push_back(*g);
  }
  struct Tally {
    std::int64_t received = 0, closed = 0, overdue = 0, rated = 0, satisfied = 0;
  };
  std::vector<Tally> tally(units.size());
  for (std::uint32_t i = 0; i < recs.size(); ++i) {
    const pet::Rec& r = recs[i];
    if (r.submitted < from || r.submitted >= to) continue;
    std::vector<bool> routed(units.size(), false);
    for (std::uint32_t e = r.last_event; e != pet::kNoRef; e = events[e].prev) {
      if (events[e].type != static_cast<std::uint8_t>(EventType::kDispatch)) continue;
      const std::uint32_t g = graph_of(events[e].unit);
      if (g == pet::kNoIndex) continue;
      for (std::size_t k = 0; k < units.size(); ++k) routed[k] = routed[k] || cfg.org->is_ancestor_or_self(units[k], g);
    }
    for (std::size_t k = 0; k < units.size(); ++k) {
      if (!routed[k]) continue;
      Tally& t = tally[k];
      ++t.received;
      t.closed += r.state == State::kResolved || r.state == State::kClosed;
      t.overdue += (r.flags & pet::kEverOverdue) != 0;
      if (r.flags & pet::kHasEval) {
        ++t.rated;
        t.satisfied += static_cast<Satisfaction>((r.eval >> 2) & 3) == Satisfaction::kSatisfied;
      }
    }
  }
  json::object out;
  for (std::size_t k = 0; k < units.size(); ++k) {
    const Tally& t = tally[k];
    out[list->at(k).as_string()] = json::object{{"received", t.received}, {"closed", t.closed}, {"overdue", t.overdue},
                                                {"rated", t.rated},       {"satisfied", t.satisfied}};
  }
  return json::serialize(json::object{{"units", std::move(out)}});
}

absl::StatusOr<std::string> Engine::Impl::petition_query(std::string_view name, std::string_view params) const {
  if (name == "counts") return petition_counts(params);
  if (name != "get") return absl::NotFoundError(internal::cat("petition: unknown query \"", name, "\" (get, counts)"));
  json::error_code ec;
  const json::value p = json::parse(json::string_view(params.data(), params.size()), ec);
  const json::value* id = ec || !p.is_object() ? nullptr : p.as_object().if_contains("id");
  if (id == nullptr || !id->is_string() || p.as_object().size() != 1) {
    return absl::InvalidArgumentError("petition query get: parameters must be {\"id\": \"P00000042\"}");
  }
  const std::string_view text(id->as_string().data(), id->as_string().size());
  const std::optional<PetitionId> pid = Engine::parse_display_id(text);
  if (!pid) return absl::InvalidArgumentError(internal::cat("petition query get: \"", text, "\" is not a petition id"));
  JICENG_ASSIGN_OR_RETURN(std::uint32_t idx, index_of(*pid));
  const PetitionView v = view(idx, QueryOptions{});
  auto text_of = [](std::string_view t) { return json::string_view(t.data(), t.size()); };
  const json::object out{{"id", v.display_id},
                         {"state", text_of(to_string(v.state))},
                         {"category", v.category},
                         {"track", text_of(to_string(v.track))},
                         {"unit", v.current_unit},
                         {"location_unit", v.location_unit},
                         {"evaluation_held", v.evaluation_held}};
  return json::serialize(out);
}

}  // namespace jiceng
