// Limits on what a command may bring (issue 17, item 11): contact fields are capped like
// every other field, and a refused command keeps nothing it interned, so a flood of refused
// commands does not grow the engine.
#include <string>

#include <gtest/gtest.h>

#include "petition/fixture.hpp"

namespace jiceng::testing {
namespace {

TEST(Limits, ContactFieldsAreCapped) {
  auto e = make_engine();
  const std::string before = e->snapshot();
  EventPayload p = submission();
  p.contact.phone = std::string(65, '1');
  auto r = e->submit(resident(), p, at(2025, 3, 3));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_NE(std::string(r.status().message()).find("phone (65 bytes)"), std::string::npos) << r.status();
  p.contact.phone = "13912345678";
  p.contact.name = std::string(257, 'x');
  EXPECT_EQ(e->submit(resident(), p, at(2025, 3, 3)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->snapshot(), before);
  p.contact.name = std::string(256, 'x');
  p.contact.phone = std::string(64, '1');
  EXPECT_TRUE(e->submit(resident(), p, at(2025, 3, 3)).ok());
}

// One category rule (issue 16): restore holds a snapshot's categories to the rule submit
// applies, so an edited snapshot cannot bring in a category no command could have made.
TEST(Limits, RestoreRefusesACategorySubmitWouldRefuse) {
  auto e = make_engine();
  ASSERT_TRUE(e->submit(resident(), submission("zz-test"), at(2025, 3, 3)).ok());
  EXPECT_EQ(e->submit(resident(), submission("ZZ TEST"), at(2025, 3, 3)).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string good = e->snapshot();
  std::string forged = good;
  const auto at_cat = forged.find("zz-test");
  ASSERT_NE(at_cat, std::string::npos);
  forged.replace(at_cat, 7, "ZZ TEST");
  auto fresh = make_engine();
  const std::string before = fresh->snapshot();
  const absl::Status st = fresh->restore(forged);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
  EXPECT_EQ(fresh->snapshot(), before);
  EXPECT_TRUE(fresh->restore(good).ok());
}

TEST(Limits, RefusedSubmissionsInternNothing) {
  auto e = make_engine();
  ASSERT_TRUE(e->submit(resident(), submission(), at(2025, 3, 3)).ok());
  const std::size_t before = e->memory().index_bytes;
  const std::string snap = e->snapshot();
  // Refused after the petitioner and the category were looked up: the linked petition
  // does not exist. Each refusal names a new petitioner and a new category.
  for (int i = 0; i < 20000; ++i) {
    EventPayload p = submission("cat-" + std::to_string(i));
    p.petitioner = "flood-" + std::to_string(i);
    p.linked = 999999;
    auto r = e->submit(staff(Role::kCommunityStaff, kCommunity), p, at(2025, 3, 3));
    ASSERT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
  }
  EXPECT_EQ(e->snapshot(), snap);
  // 20,000 interned names would be over 600 KB; what may remain is hash-table slack.
  EXPECT_LT(e->memory().index_bytes, before + 64 * 1024) << "before " << before;
  // And an accepted one after them still interns and works.
  EventPayload ok = submission("cat-ok");
  ok.petitioner = "flood-ok";
  EXPECT_TRUE(e->submit(staff(Role::kCommunityStaff, kCommunity), ok, at(2025, 3, 3)).ok());
}

TEST(Limits, ARefusedCommandInABatchDropsOnlyItsOwnNames) {
  auto e = make_engine();
  ASSERT_TRUE(e->batch([&](Engine& en) -> absl::Status {
                 EventPayload a = submission("cat-a");
                 a.petitioner = "keep-a";
                 JICENG_RETURN_IF_ERROR(en.submit(staff(Role::kCommunityStaff, kCommunity), a, at(2025, 3, 3)).status());
                 EventPayload bad = submission("cat-b");
                 bad.petitioner = "drop-b";
                 bad.linked = 999999;
                 EXPECT_FALSE(en.submit(staff(Role::kCommunityStaff, kCommunity), bad, at(2025, 3, 3)).ok());
                 EventPayload c = submission("cat-a");
                 c.petitioner = "keep-a";
                 return en.submit(staff(Role::kCommunityStaff, kCommunity), c, at(2025, 3, 4)).status();
               }).ok());
  auto v = e->get(2);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->petitioner, "keep-a");
  EXPECT_EQ(v->category, "cat-a");
}

TEST(Limits, ATimeBeforeTheLastEventIsNamedInChinaTime) {
  auto e = make_engine();
  auto id = e->submit(resident(), submission(), at(2025, 3, 3));
  ASSERT_TRUE(id.ok());
  auto st = e->accept(community_staff(), *id, at(2025, 3, 3, 8));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(st.message()).find("time 2025-03-03T08:00:00+08:00 is before its last event at "
                                           "2025-03-03T09:00:00+08:00"),
            std::string::npos)
      << st;
}

}  // namespace
}  // namespace jiceng::testing
