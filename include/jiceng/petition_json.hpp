// The one JSON shape of a petition and of its events. The C ABI (jc_engine_petition_json,
// jc_engine_history_json), Python (`engine.petitions.get`, `history`) and `jiceng petition
// show` (Engine::export_json) all give these texts; docs/petition.md lists the fields.
//
// Petition ids are written as display ids ("P00000042") everywhere in the shape: "id",
// "merged_into", "merged_from", "same_matter_as", an event's "petition" and "linked". Every
// input that takes a petition accepts that form as well as the number.
#pragma once

#include <string>
#include <vector>

#include "jiceng/engine.hpp"

namespace jiceng {

/// A petition view as a JSON object (every field of the view; absent values are null). The
/// contact is as the view holds it: masked unless it was read with QueryOptions::raw_contact.
std::string petition_json(const PetitionView& view);

/// One event as {"seq", "time", "type", "petition", "actor": {"id", "role", "unit"},
/// "payload": {the fields that are set}}; contact data masked unless `raw_contact`.
std::string event_json(const Event& event, bool raw_contact);

/// Events as a JSON array of event_json objects, in the given order.
std::string events_json(const std::vector<Event>& events, bool raw_contact);

}  // namespace jiceng
