// An event sink that throws (a host's own sink, a journal out of memory): the engine turns
// it into a status, rolls back, and stays usable — its lock released, its state unchanged.
#include <stdexcept>

#include <gtest/gtest.h>

#include "fixture.hpp"

namespace jiceng::testing {
namespace {

class ThrowingSink : public EventSink {
 public:
  absl::Status append(std::span<const Event>) override {
    if (throw_now) throw std::runtime_error("disk on fire (test)");
    return absl::OkStatus();
  }
  bool throw_now = false;
};

TEST(ThrowingSink, CommandsConfigurationAndBatchesReturnInternalAndChangeNothing) {
  auto e = make_engine();
  ThrowingSink sink;
  e->set_event_sink(&sink);
  auto id = e->submit(resident(), submission(), at(2026, 3, 2));
  ASSERT_TRUE(id.ok());
  const std::string before = e->snapshot();
  sink.throw_now = true;
  auto sub = e->submit(resident(), submission(), at(2026, 3, 2, 10));
  EXPECT_EQ(sub.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(sub.status().message().find("disk on fire"), std::string::npos) << sub.status();
  EXPECT_EQ(e->accept(grid_worker(), *id, at(2026, 3, 2, 11)).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(e->set_calendar_mode(CalendarMode::kStrict, 1, at(2026, 3, 2, 11)).code(), absl::StatusCode::kInternal);
  auto st = e->batch([&](Engine& b) { return b.accept(grid_worker(), *id, at(2026, 3, 2, 12)); });
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(e->snapshot(), before);
  // The lock was released: the engine still answers and takes commands.
  sink.throw_now = false;
  EXPECT_TRUE(e->accept(grid_worker(), *id, at(2026, 3, 2, 13)).ok());
  EXPECT_TRUE(e->batch([&](Engine& b) { return b.dispatch(community_staff(), *id, "", false, at(2026, 3, 2, 14)); }).ok());
  EXPECT_EQ(e->get(*id)->state, State::kDispatched);
}

}  // namespace
}  // namespace jiceng::testing
