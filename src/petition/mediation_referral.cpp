// refer_petition_to_mediation (jiceng/mediation.hpp): a petition and a mediation case linked
// by two events in one batch — the case records the petition's id, the petition's answer
// names the case. Loops reach each other only through the host, so this helper lives beside
// the Engine, not in the loop.
#include "jiceng/mediation.hpp"

#include "boost/json.hpp"
#include "common/strings.hpp"

namespace jiceng {
namespace json = boost::json;

absl::StatusOr<LoopOutcome> refer_petition_to_mediation(Engine& engine, const Actor& actor, PetitionId petition,
                                                        std::string_view case_payload, Timestamp now) {
  const std::string where = internal::cat("mediation refer ", Engine::display_id(petition));
  // The refer command checks the petition's state and category itself (through the host);
  // the batch turns its refusal into this call's.
  JICENG_ASSIGN_OR_RETURN(PetitionView view, engine.get(petition));
  json::error_code ec;
  json::value v = json::parse(json::string_view(case_payload.data(), case_payload.size()), ec);
  if (ec || !v.is_object()) return absl::InvalidArgumentError(internal::cat(where, ": the case payload must be a JSON object"));
  json::object& p = v.as_object();
  if (p.contains("petition") || p.contains("category")) {
    return absl::InvalidArgumentError(internal::cat(where, ": the payload must not name petition or category (taken from the petition)"));
  }
  p["petition"] = view.display_id;
  p["category"] = view.category;
  const std::string payload = json::serialize(p);
  LoopOutcome out;
  const absl::Status done = engine.batch([&](Engine& e) -> absl::Status {
    LoopCommand c;
    c.event = "refer";
    c.payload = payload;
    c.actor = actor;
    c.now = now;
    auto made = e.command(kMediationLoop, c);
    if (!made.ok()) return made.status();
    out = *made;
    auto got = e.query(kMediationLoop, "get", internal::cat("{\"item\":", out.item, "}"));
    if (!got.ok()) return got.status();
    const json::object item = json::parse(*got).as_object();
    const std::string_view case_id(item.at("id").as_string().data(), item.at("id").as_string().size());
    const std::string answer =
        internal::cat("已转人民调解委员会调解（调解案件 ", case_id, "）; referred to people's mediation, case ", case_id);
    return e.resolve(actor, petition, answer, now);
  });
  if (!done.ok()) return done;
  // The batch's outcome seq is the command's; the resolve came after it.
  return out;
}

}  // namespace jiceng
