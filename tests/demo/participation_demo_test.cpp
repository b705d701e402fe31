// Residents' participation in the demo year: neighbours support recurring petitions (附议),
// intake staff merge suggested duplicates (合并), units return petitions as not ours naming
// who is competent (非本单位职责); report.json counts them as the KPIs do and report.html
// shows them in Chinese — all without a refused command.
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "demo/demo.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;

std::uint64_t u(const json::object& o, std::string_view key) { return o.at(key).to_number<std::uint64_t>(); }

TEST(DemoParticipation, SupportsMergesAndReturnsAsNotOurs) {
  DemoOptions o;
  o.seed = 7;
  o.days = 90;
  o.petitions_per_day = 30;
  o.write_files = false;
  absl::StatusOr<DemoResult> r = run_demo(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->refused, 0u) << r->report_json.substr(r->report_json.find("\"refusals\""), 2000);
  const json::object root = json::parse(r->report_json).as_object();
  ASSERT_TRUE(root.contains("participation"));
  const json::object& p = root.at("participation").as_object();
  EXPECT_GT(u(p, "duplicates_suggested"), 0u);
  EXPECT_GT(u(p, "supports"), 0u);
  EXPECT_GT(u(p, "petitions_supported"), 0u);
  EXPECT_GT(u(p, "merges_of_duplicates"), 0u);
  EXPECT_GE(u(p, "merged"), u(p, "merges_of_duplicates"));
  const json::object& no = p.at("not_ours_returns").as_object();
  EXPECT_GT(u(no, "naming_a_unit"), 0u);
  EXPECT_EQ(u(no, "total"), u(no, "naming_a_unit") + u(no, "naming_an_outside_body"))
      << "every not-ours return of the demo is counted by the KPI index";
  // The figures are the KPI counts: the district's, and the streets' add up to them.
  const json::object& counts = root.at("kpi").as_object().at("counts").as_object();
  EXPECT_EQ(u(counts, "supports"), u(p, "supports"));
  EXPECT_EQ(u(counts, "not_ours_returns"), u(no, "total"));
  std::uint64_t by_street = 0;
  for (const auto& v : p.at("by_street").as_array()) by_street += u(v.as_object(), "not_ours_returns");
  EXPECT_EQ(by_street, u(no, "total"));
  const json::array& most = p.at("most_supported").as_array();
  ASSERT_FALSE(most.empty());
  EXPECT_GT(u(most.front().as_object(), "supporters"), 0u);
  EXPECT_NE(r->report_html.find("居民参与 · 附议、合并与非本单位职责"), std::string::npos);
  EXPECT_NE(r->report_html.find("非本单位职责退回（件）"), std::string::npos);
}

}  // namespace
}  // namespace jiceng
