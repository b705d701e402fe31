// The one JSON shape of a petition and of its events (jiceng/petition_json.hpp), and
// Engine::export_json, which is the petition with its events.
#include "jiceng/petition_json.hpp"

#include "boost/json.hpp"

namespace jiceng {
namespace {
namespace json = boost::json;

json::value time_or_null(Timestamp t) { return t == kNoDeadline ? json::value(nullptr) : json::value(t); }

json::value id_or_null(PetitionId id) {
  return id == kNoPetition ? json::value(nullptr) : json::value(Engine::display_id(id));
}

json::string_view sv(std::string_view s) { return {s.data(), s.size()}; }

json::object evaluation_object(const Evaluation& e) {
  return json::object{{"contacted", e.contacted}, {"solved", e.solved}, {"satisfaction", sv(to_string(e.satisfaction))}};
}

json::object petition_object(const PetitionView& v) {
  json::object o;
  o["id"] = v.display_id;
  o["idempotency_key"] = v.idempotency_key;
  o["state"] = sv(to_string(v.state));
  o["stage"] = sv(to_string(v.stage));
  o["track"] = sv(to_string(v.track));
  o["petitioner"] = v.petitioner;
  o["contact"] = json::object{{"name", v.contact.name}, {"phone", v.contact.phone}};
  o["location"] = v.location;
  o["location_unit"] = v.location_unit;
  o["category"] = v.category;
  o["urgency"] = sv(to_string(v.urgency));
  o["severity"] = sv(to_string(v.severity));
  o["channel"] = sv(to_string(v.channel));
  o["text"] = v.text;
  o["current_unit"] = v.current_unit;
  o["submitted_at"] = v.submitted_at;
  o["updated_at"] = v.updated_at;
  o["stage_started_at"] = v.stage_started_at;
  o["due_at"] = time_or_null(v.due_at);
  o["due_provisional"] = v.due_provisional;
  json::array revisions;
  for (const auto& r : v.deadline_revisions) {
    revisions.push_back(json::object{{"seq", r.seq}, {"before", time_or_null(r.before)}, {"after", time_or_null(r.after)}});
  }
  o["deadline_revisions"] = std::move(revisions);
  o["dispatched_at"] = v.dispatched_at;
  o["resolved_at"] = v.resolved_at;
  o["returns"] = v.returns;
  o["extensions"] = v.extensions;
  o["extension_granted"] = v.extension_granted;
  o["extension_pending"] = v.extension_pending;
  o["reopenings"] = v.reopenings;
  o["reviews"] = v.reviews;
  o["escalations"] = v.escalations;
  o["urges"] = v.urges;
  o["supervisions"] = v.supervisions;
  o["ladder_level"] = v.ladder_level;
  o["party"] = sv(to_string(v.party));
  o["party_unit"] = v.party_unit;
  o["party_fallback"] = v.party_fallback;
  o["designated"] = v.designated;
  o["overdue"] = v.overdue;
  o["ever_overdue"] = v.ever_overdue;
  o["final_matter"] = v.final_matter;
  o["evaluation_held"] = v.evaluation_held;  // referred (转办) to a case or matter not yet ended
  o["evaluation"] = v.evaluation ? json::value(evaluation_object(*v.evaluation)) : json::value(nullptr);
  // Residents' participation: 附议, the merge links, the latest return as not ours.
  o["merged_into"] = id_or_null(v.merged_into);
  o["same_matter_as"] = id_or_null(v.same_matter_as);
  json::array from;
  for (PetitionId m : v.merged_from) from.emplace_back(Engine::display_id(m));
  o["merged_from"] = std::move(from);
  o["supporters"] = v.supporters;
  o["priority"] = v.priority;
  o["not_ours_returns"] = v.not_ours_returns;
  if (v.not_ours) {
    o["not_ours"] = json::object{{"returned_by", v.not_ours->returned_by},
                                 {"competent_unit", v.not_ours->competent_unit},
                                 {"external_body", v.not_ours->external_body},
                                 {"reason", v.not_ours->reason},
                                 {"at", v.not_ours->at}};
  } else {
    o["not_ours"] = nullptr;
  }
  // What the resident is told: where the matter went (merged, or not ours); "" when nothing.
  o["notice"] = resident_notice(v);
  return o;
}

std::string masked(std::string_view s, bool phone, bool raw) {
  if (raw || s.empty()) return std::string(s);
  return phone ? mask_phone(s) : mask_name(s);
}

json::object event_object(const Event& ev, bool raw) {
  json::object o;
  o["seq"] = ev.seq;
  o["time"] = ev.time;
  o["type"] = sv(to_string(ev.type));
  o["petition"] = id_or_null(ev.petition);
  o["actor"] = json::object{{"id", ev.actor.id}, {"role", sv(to_string(ev.actor.role))}, {"unit", ev.actor.unit}};
  const EventPayload& p = ev.payload;
  json::object pl;
  auto put = [&](const char* k, std::string_view v) {
    if (!v.empty()) pl[k] = sv(v);
  };
  put("petitioner", p.petitioner);
  put("contact_name", masked(p.contact.name, false, raw));
  put("contact_phone", masked(p.contact.phone, true, raw));
  put("location", p.location);
  put("category", p.category);
  put("text", p.text);
  put("idempotency_key", p.idempotency_key);
  put("unit", p.unit);
  put("reason", p.reason);
  if (ev.type == EventType::kSubmit) {
    pl["urgency"] = sv(to_string(p.urgency));
    pl["severity"] = sv(to_string(p.severity));
    pl["channel"] = sv(to_string(p.channel));
  }
  if (p.same_matter) pl["same_matter"] = true;
  if (p.linked != kNoPetition) pl["linked"] = Engine::display_id(p.linked);
  if (p.designated) pl["designated"] = true;
  if (p.explicit_unit) pl["explicit_unit"] = true;
  if (p.automatic) pl["automatic"] = true;
  if (ev.type == EventType::kRequestExtension) pl["extension"] = format_duration(p.extension);
  if (ev.type == EventType::kEvaluate) pl["evaluation"] = evaluation_object(p.evaluation);
  if (ev.type == EventType::kReopen) pl["reopen_kind"] = sv(to_string(p.reopen_kind));
  o["payload"] = std::move(pl);
  return o;
}

json::array event_array(const std::vector<Event>& events, bool raw) {
  json::array a;
  a.reserve(events.size());
  for (const Event& ev : events) a.emplace_back(event_object(ev, raw));
  return a;
}

}  // namespace

std::string petition_json(const PetitionView& view) { return json::serialize(petition_object(view)); }

std::string event_json(const Event& event, bool raw_contact) { return json::serialize(event_object(event, raw_contact)); }

std::string events_json(const std::vector<Event>& events, bool raw_contact) {
  return json::serialize(event_array(events, raw_contact));
}

absl::StatusOr<std::string> Engine::export_json(PetitionId id, const QueryOptions& o) const {
  JICENG_ASSIGN_OR_RETURN(PetitionView v, get(id, o));
  JICENG_ASSIGN_OR_RETURN(std::vector<Event> hist, history(id));
  json::object p = petition_object(v);
  p["events"] = event_array(hist, o.raw_contact);
  return json::serialize(p);
}

}  // namespace jiceng
