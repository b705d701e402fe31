// Shared by the loop tests: a recording sink, an engine over a test org, commands and
// queries through the generic surface, and the replay and restore checks every loop makes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "boost/json.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/loop.hpp"

namespace jiceng::loop_test {

/// Records every event the engine emits; `fail` makes the next appends fail.
class VectorSink final : public EventSink {
 public:
  absl::Status append(std::span<const Event> events) override {
    ++appends;
    if (fail) return absl::UnavailableError("sink down");
    all.insert(all.end(), events.begin(), events.end());
    return absl::OkStatus();
  }
  std::vector<Event> all;
  int appends = 0;
  bool fail = false;
};

/// An engine under `policy` with `org` loaded at `org_time`, `sink` (if any) set before
/// its first event.
inline std::unique_ptr<Engine> engine_with(std::string_view org, Timestamp org_time, std::string_view policy,
                                           VectorSink* sink = nullptr) {
  auto e = Engine::create(policy);
  EXPECT_TRUE(e.ok()) << e.status();
  if (!e.ok()) return nullptr;
  if (sink != nullptr) (*e)->set_event_sink(sink);
  auto st = (*e)->load_org(org, org_time);
  EXPECT_TRUE(st.ok()) << st;
  return std::move(*e);
}

/// One command of `loop` through the generic surface.
inline absl::StatusOr<LoopOutcome> run(Engine& e, std::string_view loop, std::string_view event, std::uint64_t item,
                                       const Actor& a, Timestamp t, std::string_view payload = "") {
  LoopCommand c;
  c.event = event;
  c.item = item;
  c.payload = payload;
  c.actor = a;
  c.now = t;
  return e.command(loop, c);
}

/// A query's answer as a JSON object (an empty one, and a test failure, when it fails).
inline boost::json::object query(const Engine& e, std::string_view loop, std::string_view name,
                                 std::string_view params = "") {
  auto r = e.query(loop, name, params);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status();
  return r.ok() ? boost::json::parse(*r).as_object() : boost::json::object{};
}

/// Replays `sink` into a fresh engine under `policy`; the snapshot and the given queries must
/// equal the live engine's. Then the same for an engine restored from the live snapshot.
inline void expect_replay_equal(const Engine& live, const VectorSink& sink, std::string_view loop,
                                const std::vector<std::pair<std::string, std::string>>& queries,
                                std::string_view policy = "wuzhong") {
  auto r = Engine::create(policy);
  ASSERT_TRUE(r.ok());
  for (const Event& ev : sink.all) {
    auto st = (*r)->apply_event(ev);
    ASSERT_TRUE(st.ok()) << ev.seq << ": " << st;
  }
  EXPECT_EQ((*r)->snapshot(), live.snapshot());
  for (const auto& [name, params] : queries) {
    EXPECT_EQ(*(*r)->query(loop, name, params), *live.query(loop, name, params)) << name;
  }
  auto s = Engine::create(policy);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->restore(live.snapshot()).ok());
  EXPECT_EQ((*s)->snapshot(), live.snapshot());
  for (const auto& [name, params] : queries) {
    EXPECT_EQ(*(*s)->query(loop, name, params), *live.query(loop, name, params)) << name;
  }
}

/// Replays `sink` under `policy` with event `index` replaced by `document`: the status of the
/// first failure (OK when every event applies).
inline absl::Status replay_tampered(const VectorSink& sink, std::size_t index, const std::string& document,
                                    std::string_view policy = "wuzhong") {
  auto r = Engine::create(policy);
  if (!r.ok()) return r.status();
  for (std::size_t i = 0; i < sink.all.size(); ++i) {
    Event ev = sink.all[i];
    if (i == index) ev.payload.document = document;
    JICENG_RETURN_IF_ERROR((*r)->apply_event(ev));
  }
  return absl::OkStatus();
}

/// The index in `sink` of the first loop event whose document contains `needle`; sink.all.size()
/// when none does.
inline std::size_t find_event(const VectorSink& sink, std::string_view needle) {
  for (std::size_t i = 0; i < sink.all.size(); ++i) {
    if (sink.all[i].type == EventType::kLoop && sink.all[i].payload.document.find(needle) != std::string::npos) return i;
  }
  return sink.all.size();
}

}  // namespace jiceng::loop_test
