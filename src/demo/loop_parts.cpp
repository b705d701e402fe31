// The list of the hosted loops' demo parts (one line per loop) and running them.
#include "demo/loop_parts.hpp"

#include <set>

#include "common/strings.hpp"
#include "jiceng/engine.hpp"

namespace jiceng::demo {

LoopPart mediation_part();  // src/demo/mediation_part.cpp
LoopPart commitments_part();  // src/demo/commitments_part.cpp
LoopPart assessment_part();   // src/demo/assessment_part.cpp
LoopPart deliberation_part();  // src/demo/deliberation_part.cpp
LoopPart projects_part();  // src/demo/projects_part.cpp

std::span<const LoopPart> loop_parts() {
  static const std::vector<LoopPart> parts = {
      mediation_part(),
      commitments_part(),
      assessment_part(),
      deliberation_part(),
      projects_part(),
  };
  return parts;
}

absl::StatusOr<std::vector<LoopPartReport>> run_loop_parts(Engine& engine, const District& district,
                                                           const DemoOptions& options,
                                                           SimStats& sim) {
  std::vector<LoopPartReport> out;
  std::set<std::string> keys;
  const auto parts = loop_parts();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (options.progress) options.progress("hosted loops", i, parts.size());
    auto r = parts[i].run(engine, district, options, sim);
    if (!r.ok()) {
      return absl::Status(r.status().code(), internal::cat("demo part of loop ", parts[i].loop, ": ",
                                                          r.status().message()));
    }
    for (const auto& [key, value] : r->sections) {
      if (!keys.insert(key).second) {
        return absl::InternalError(internal::cat("demo part of loop ", parts[i].loop,
                                                ": report.json key \"", key,
                                                "\" is already used by another part"));
      }
    }
    out.push_back(*std::move(r));
  }
  if (options.progress && !parts.empty())
    options.progress("hosted loops", parts.size(), parts.size());
  return out;
}

boost::json::object state_names(const Engine& engine, std::string_view loop) {
  boost::json::object names;
  if (const LoopTable* t = engine.loop_table(loop)) {
    for (const auto& st : t->states) {
      names[boost::json::string_view(st.name.data(), st.name.size())] = std::string(st.zh);
    }
  }
  return names;
}

std::string zh_of(const boost::json::object& section, std::string_view map, std::string_view code) {
  const boost::json::value* m = section.if_contains(boost::json::string_view(map.data(), map.size()));
  const boost::json::value* v =
      m != nullptr && m->is_object() ? m->as_object().if_contains(boost::json::string_view(code.data(), code.size()))
                                     : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string(code);
}

std::string loop_parts_html(const boost::json::object& report) {
  std::string h;
  for (const auto& p : loop_parts()) h += p.html(report);
  return h;
}

absl::StatusOr<LoopOutcome> loop_command(Engine& engine, std::string_view loop, std::string_view event,
                                         std::uint64_t item, const Actor& actor, Timestamp now,
                                         const boost::json::object& payload) {
  const std::string body = payload.empty() ? std::string() : boost::json::serialize(payload);
  LoopCommand c;
  c.event = event;
  c.item = item;
  c.payload = body;
  c.actor = actor;
  c.now = now;
  return engine.command(loop, c);
}

}  // namespace jiceng::demo
