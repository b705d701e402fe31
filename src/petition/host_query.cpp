// The engine's petitions as a hosted loop may query them (LoopHost::query_loop "petition"):
// what a loop's guard needs to check a reference — a mediation referral names a petition —
// and nothing more; contact data never leaves.
#include "boost/json.hpp"
#include "common/strings.hpp"
#include "petition/engine_impl.hpp"

namespace jiceng {
namespace json = boost::json;

// `get` {"id": "P00000042"} → {"id", "state", "category", "track", "unit" (the handling
// unit), "location_unit", "evaluation_held" (referred to an item not yet concluded)}; NOT_FOUND for a petition the engine does not hold.
absl::StatusOr<std::string> Engine::Impl::petition_query(std::string_view name, std::string_view params) const {
  if (name != "get") return absl::NotFoundError(internal::cat("petition: unknown query \"", name, "\" (get)"));
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
