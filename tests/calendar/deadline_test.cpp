// Tests of durations, deadline_after and DeadlinePolicy (办理时限规则).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "jiceng/calendar.hpp"

namespace jiceng {
namespace {

using ::testing::HasSubstr;

// 2026-02-12 10:00 CST (Thursday before the Spring Festival) = 02:00 UTC.
constexpr Timestamp kThu20260212At10 = 1770861600;
constexpr int k1730 = 17 * 60 + 30;

std::string msg(const absl::Status& s) { return std::string(s.message()); }

TEST(Duration, ParsesAndFormats) {
  EXPECT_EQ(*parse_duration("2h"), (Duration{2, TimeUnit::kHours}));
  EXPECT_EQ(*parse_duration("15d"), (Duration{15, TimeUnit::kNaturalDays}));
  EXPECT_EQ(*parse_duration("5wd"), (Duration{5, TimeUnit::kWorkdays}));
  EXPECT_EQ(*parse_duration("0wd"), (Duration{0, TimeUnit::kWorkdays}));
  EXPECT_EQ(*parse_duration("100000h"), (Duration{100000, TimeUnit::kHours}));
  for (const char* s : {"2h", "15d", "5wd", "0d", "60d"}) EXPECT_EQ(format_duration(*parse_duration(s)), s);
}

TEST(Duration, RejectsBadTextNamingIt) {
  for (const char* bad : {"", "h", "5", "5 wd", " 5wd", "5wd ", "-5wd", "+5wd", "5w", "5dw", "5WD", "1.5d",
                          "100001h", "99999999999999999999d", "5wdx"}) {
    auto d = parse_duration(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(msg(d.status()), HasSubstr(std::string("duration \"") + bad + "\"")) << bad;
  }
}

TEST(DeadlineAfter, Hours) {
  const auto& cal = WorkCalendar::china();
  EXPECT_EQ(*deadline_after(cal, kThu20260212At10, {2, TimeUnit::kHours}), kThu20260212At10 + 7200);
  // Hours ignore the calendar, even on a holiday or in an uncovered year.
  EXPECT_EQ(*deadline_after(cal, 1950000000, {2, TimeUnit::kHours}), 1950000000 + 7200);
}

TEST(DeadlineAfter, NaturalDays) {
  const auto& cal = WorkCalendar::china();
  // 15 natural days after 2026-02-12 is 2026-02-27, due 17:30 CST = 09:30 UTC.
  EXPECT_EQ(*deadline_after(cal, kThu20260212At10, {15, TimeUnit::kNaturalDays}),
            china_time_to_utc(Date(2026, 2, 27), k1730));
  EXPECT_EQ(china_time_to_utc(Date(2026, 2, 27), k1730), 1772098200 + 86400);
  // A custom due minute: 12:00.
  EXPECT_EQ(*deadline_after(cal, kThu20260212At10, {1, TimeUnit::kNaturalDays}, 12 * 60),
            china_time_to_utc(Date(2026, 2, 13), 12 * 60));
}

TEST(DeadlineAfter, WorkdaysOverSpringFestival) {
  const auto& cal = WorkCalendar::china();
  // 5 working days after Thu 2026-02-12: 02-13, 02-14 (make-up Sat), 02-24, 02-25, 02-26.
  // Due 2026-02-26 17:30 CST = 2026-02-26 09:30 UTC.
  EXPECT_EQ(*deadline_after(cal, kThu20260212At10, {5, TimeUnit::kWorkdays}), 1772098200);
  // 0 working days on a holiday: the end of the next working day.
  EXPECT_EQ(*deadline_after(cal, china_time_to_utc(Date(2026, 2, 17), 9 * 60), {0, TimeUnit::kWorkdays}),
            china_time_to_utc(Date(2026, 2, 24), k1730));
}

TEST(DeadlineAfter, DayIsTakenInChinaTimeNearMidnight) {
  const auto& cal = WorkCalendar::china();
  // 2026-02-13 16:30 UTC is already 2026-02-14 00:30 CST (a make-up Saturday), so one
  // working day later is Tue 02-24, 17:30 CST = 09:30 UTC.
  EXPECT_EQ(*deadline_after(cal, 1771000200, {1, TimeUnit::kWorkdays}), 1771925400);
  // 2026-02-13 15:59 UTC is 23:59 CST on Friday 02-13: one working day later is 02-14.
  EXPECT_EQ(*deadline_after(cal, 1770998340, {1, TimeUnit::kWorkdays}), 1771061400);
  // Same for natural days.
  EXPECT_EQ(*deadline_after(cal, 1771000200, {1, TimeUnit::kNaturalDays}),
            china_time_to_utc(Date(2026, 2, 15), k1730));
  EXPECT_EQ(*deadline_after(cal, 1770998340, {1, TimeUnit::kNaturalDays}),
            china_time_to_utc(Date(2026, 2, 14), k1730));
}

TEST(DeadlineAfter, Errors) {
  const auto& cal = WorkCalendar::china();
  EXPECT_EQ(deadline_after(cal, kThu20260212At10, {-1, TimeUnit::kHours}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(deadline_after(cal, kThu20260212At10, {kMaxDurationAmount + 1, TimeUnit::kNaturalDays}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(msg(deadline_after(cal, kThu20260212At10, {1, TimeUnit::kWorkdays}, 1440).status()),
              HasSubstr("1440"));
  EXPECT_EQ(deadline_after(cal, kThu20260212At10, {1, TimeUnit::kWorkdays}, -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Working days need the calendar: past the table a strict calendar is OUT_OF_RANGE
  // naming the year; the default answers provisionally (2027-01-18, 17:30).
  WorkCalendar strict = cal;
  strict.set_mode(CalendarMode::kStrict);
  auto late = deadline_after(strict, china_time_to_utc(Date(2026, 12, 20), 600), {20, TimeUnit::kWorkdays});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(msg(late.status()), HasSubstr("year 2027"));
  auto provisional = deadline_after(cal, china_time_to_utc(Date(2026, 12, 20), 600), {20, TimeUnit::kWorkdays});
  ASSERT_TRUE(provisional.ok()) << provisional.status();
  EXPECT_EQ(*provisional, china_time_to_utc(Date(2027, 1, 18), 17 * 60 + 30));
  auto far = deadline_after(cal, china_time_to_utc(Date(2036, 12, 20), 600), {20, TimeUnit::kWorkdays});
  EXPECT_EQ(far.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(msg(far.status()), HasSubstr("year 2037"));
  EXPECT_EQ(deadline_after(cal, std::numeric_limits<Timestamp>::max(), {1, TimeUnit::kHours}).status().code(),
            absl::StatusCode::kOutOfRange);
}

// ------------------------------------------------------------------------------------
// DeadlinePolicy

constexpr char kPolicy[] = R"({
  "track": "hotline", "due_time": "18:00",
  "reopen_cap": 2,
  "categories": {
    "default": {
      "normal": {"accept": "1wd", "sign": "1wd", "resolve": "5wd", "evaluate": "2wd",
                 "max_extension": "10wd", "return_window": "2wd"},
      "urgent": {"accept": "2h", "sign": "2h"}
    },
    "complaint": {"normal": {"resolve": "15wd"}},
    "noise": {"urgent": {"resolve": "1wd"}}
  }
})";

TEST(DeadlinePolicy, ParsesAndInheritsFromDefault) {
  auto p = DeadlinePolicy::from_json(kPolicy, "p.json");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->track(), "hotline");
  EXPECT_EQ(p->due_minute_of_day(), 18 * 60);
  const auto& dn = p->limits("default", Urgency::kNormal);
  EXPECT_EQ(dn.resolve, (Duration{5, TimeUnit::kWorkdays}));
  EXPECT_EQ(dn.objection_window, (Duration{0, TimeUnit::kWorkdays}));  // not given: does not apply
  const auto& du = p->limits("default", Urgency::kUrgent);
  EXPECT_EQ(du.sign, (Duration{2, TimeUnit::kHours}));
  EXPECT_EQ(du.resolve, dn.resolve);  // urgent default falls back to normal default
  const auto& cn = p->limits("complaint", Urgency::kNormal);
  EXPECT_EQ(cn.resolve, (Duration{15, TimeUnit::kWorkdays}));
  EXPECT_EQ(cn.accept, dn.accept);
  const auto& cu = p->limits("complaint", Urgency::kUrgent);  // not given: default urgent
  EXPECT_EQ(cu, du);
  EXPECT_EQ(p->limits("noise", Urgency::kUrgent).resolve, (Duration{1, TimeUnit::kWorkdays}));
  EXPECT_EQ(p->limits("noise", Urgency::kUrgent).sign, (Duration{2, TimeUnit::kHours}));
  EXPECT_EQ(p->limits("noise", Urgency::kNormal), dn);
  EXPECT_EQ(p->limits("no-such-category", Urgency::kUrgent), du);
  EXPECT_EQ(p->categories(), (std::vector<std::string>{"complaint", "default", "noise"}));
}

TEST(DeadlinePolicy, RoundTripsThroughJson) {
  for (const DeadlinePolicy& p : {DeadlinePolicy::hotline_default(), DeadlinePolicy::hotline_guangdong(),
                                  DeadlinePolicy::xinfang_default(), *DeadlinePolicy::from_json(kPolicy, "p")}) {
    const std::string json = p.to_json();
    auto back = DeadlinePolicy::from_json(json, "round-trip");
    ASSERT_TRUE(back.ok()) << back.status() << "\n" << json;
    EXPECT_TRUE(*back == p) << json;
    EXPECT_EQ(back->to_json(), json);
  }
}

TEST(DeadlinePolicy, HotlineDefaultsFollowShandong) {
  const auto p = DeadlinePolicy::hotline_default();
  EXPECT_EQ(p.track(), "hotline");
  EXPECT_EQ(p.due_minute_of_day(), k1730);
  const auto& n = p.limits("anything", Urgency::kNormal);
  EXPECT_EQ(format_duration(n.resolve), "5wd");
  EXPECT_EQ(format_duration(n.max_extension), "10wd");
  EXPECT_EQ(format_duration(n.return_window), "2wd");
  const auto& u = p.limits("anything", Urgency::kUrgent);
  EXPECT_EQ(format_duration(u.sign), "2h");
  EXPECT_EQ(format_duration(u.resolve), "5wd");
}

TEST(DeadlinePolicy, GuangdongResolvesByType) {
  const auto p = DeadlinePolicy::hotline_guangdong();
  EXPECT_EQ(format_duration(p.limits("consultation", Urgency::kNormal).resolve), "2wd");
  EXPECT_EQ(format_duration(p.limits("help", Urgency::kNormal).resolve), "10wd");
  EXPECT_EQ(format_duration(p.limits("suggestion", Urgency::kNormal).resolve), "10wd");
  EXPECT_EQ(format_duration(p.limits("complaint", Urgency::kUrgent).resolve), "15wd");
  EXPECT_EQ(format_duration(p.limits("report", Urgency::kNormal).resolve), "15wd");
  EXPECT_EQ(format_duration(p.limits("complaint", Urgency::kUrgent).sign), "2h");
  EXPECT_EQ(format_duration(p.limits("other", Urgency::kNormal).resolve), "5wd");
}

TEST(DeadlinePolicy, XinfangDefaultsFollowTheRegulations) {
  const auto p = DeadlinePolicy::xinfang_default();
  EXPECT_EQ(p.track(), "xinfang");
  for (Urgency u : {Urgency::kNormal, Urgency::kUrgent}) {
    const auto& l = p.limits("default", u);
    EXPECT_EQ(format_duration(l.accept), "15d");
    EXPECT_EQ(format_duration(l.objection_window), "5wd");
    EXPECT_EQ(format_duration(l.resolve), "60d");
    EXPECT_EQ(format_duration(l.max_extension), "30d");
    EXPECT_EQ(format_duration(l.review_request), "30d");
    EXPECT_EQ(format_duration(l.review_decide), "30d");
    EXPECT_EQ(l.return_window.amount, 0);
  }
  // Conclude within 60 days of acceptance on 2026-02-12: 2026-04-13 17:30 CST.
  EXPECT_EQ(*deadline_after(WorkCalendar::china(), kThu20260212At10, p.limits("x", Urgency::kNormal).resolve),
            china_time_to_utc(Date(2026, 4, 13), k1730));
}

// The ```json blocks of docs/calendar.md, in order.
std::vector<std::string> doc_json_blocks() {
  std::ifstream in(std::string(JICENG_SOURCE_DIR) + "/docs/calendar.md");
  std::vector<std::string> blocks;
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

TEST(DeadlinePolicy, DocumentedExamplesParse) {
  const auto blocks = doc_json_blocks();
  ASSERT_EQ(blocks.size(), 2u);
  auto example = DeadlinePolicy::from_json(blocks[0], "docs/calendar.md");
  ASSERT_TRUE(example.ok()) << example.status();
  EXPECT_EQ(format_duration(example->limits("complaint", Urgency::kNormal).resolve), "15wd");
  // The Guangdong example in the docs is exactly hotline_guangdong().
  auto guangdong = DeadlinePolicy::from_json(blocks[1], "docs/calendar.md");
  ASSERT_TRUE(guangdong.ok()) << guangdong.status();
  EXPECT_TRUE(*guangdong == DeadlinePolicy::hotline_guangdong()) << guangdong->to_json();
}

struct BadPolicy {
  std::string json;
  const char* expect;
};

TEST(DeadlinePolicy, MalformedInputNamesWhere) {
  const std::string ok_default =
      R"("default": {"normal": {"accept": "1wd", "sign": "1wd", "resolve": "5wd", "evaluate": "2wd"}})";
  const std::string head = R"({"track": "hotline", "categories": {)" + ok_default;
  const BadPolicy cases[] = {
      {"{", "p.json: invalid JSON"},
      {"[1, 2]", "p.json: must be a JSON object"},
      {R"({"track": "hotline", "categories": {}} x)", "p.json: text after the JSON value"},
      {R"({"categories": {}})", "p.json: track must be"},
      {R"({"track": "12345", "categories": {}})", "p.json: track must be"},
      {R"({"track": "hotline", "due_time": "25:00", "categories": {}})", "p.json: due_time"},
      {R"({"track": "hotline", "due_time": "9:00", "categories": {}})", "p.json: due_time"},
      {R"({"track": "hotline", "due_time": 1050, "categories": {}})", "p.json: due_time"},
      {R"({"track": "hotline"})", "p.json: categories must be an object"},
      {R"({"track": "hotline", "categories": {"x": {}}})", "p.json: categories.default is missing"},
      {R"({"track": "hotline", "categories": {"default": {"urgent": {}}}})",
       "p.json: categories.default.normal is missing"},
      {R"({"track": "hotline", "categories": {"default": {"normal": {"accept": "1wd", "sign": "1wd", "evaluate": "2wd"}}}})",
       "p.json: categories.default.normal.resolve is missing"},
      {R"({"track": "hotline", "categories": {"default": []}})", "p.json: categories.default: must be an object"},
      {(head + R"(, "complaint": {"normal": {"resolve": "15x"}}}})"),
       "p.json: categories.complaint.normal.resolve: duration \"15x\""},
      {(head + R"(, "complaint": {"urgent": {"sign": 2}}}})"),
       "p.json: categories.complaint.urgent.sign: must be a duration string"},
      {(head + R"(, "complaint": {"urgent": {"sgin": "2h"}}}})"),
       "p.json: categories.complaint.urgent.sgin: unknown field"},
      {(head + R"(, "complaint": {"critical": {}}}})"),
       "p.json: categories.complaint.critical: unknown urgency"},
      {(head + R"(, "complaint": {"normal": "5wd"}}})"),
       "p.json: categories.complaint.normal: must be an object"},
      {(head + R"(, "complaint": 5}})"), "p.json: categories.complaint: must be an object"},
      {(head + R"(, "": {}}})"), "p.json: categories.: empty category name"},
      {R"({"track": "hotline", "categories": {"default": {"normal": {"accept": "1wd", "sign": "1wd", "resolve": "5wd", "evaluate": "2wd"}, "urgent": {"accept": "-2h"}}}})",
       "p.json: categories.default.urgent.accept: duration \"-2h\""},
  };
  // The cases above that build on `head` must be well-formed apart from the one defect.
  ASSERT_TRUE(DeadlinePolicy::from_json(head + "}}", "p.json").ok());
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    auto p = DeadlinePolicy::from_json(c.json, "p.json");
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(msg(p.status()), HasSubstr(c.expect));
  }
}

}  // namespace
}  // namespace jiceng
