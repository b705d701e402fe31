// Residents' participation and the escalation ladder in the demo year: neighbours support
// recurring petitions (附议) and some take the support back (撤回附议), intake staff merge
// suggested duplicates (合并), units return petitions as not ours naming who is competent
// (非本单位职责), and the clock follows the policy's ladder (督办阶梯: warnings, then
// reassignments); report.json counts them as the KPIs and the clock do, and report.html
// shows them in Chinese — all without a refused command.
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "demo/demo.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;

std::uint64_t u(const json::object& o, std::string_view key) { return o.at(key).to_number<std::uint64_t>(); }

// One 90-day run shared by the tests of this file.
const DemoResult& year() {
  static const DemoResult result = [] {
    DemoOptions o;
    o.seed = 7;
    o.days = 90;
    o.petitions_per_day = 30;
    o.write_files = false;
    absl::StatusOr<DemoResult> r = run_demo(o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : DemoResult{};
  }();
  return result;
}

TEST(DemoParticipation, SupportsMergesAndReturnsAsNotOurs) {
  const DemoResult& r = year();
  ASSERT_FALSE(r.report_json.empty());
  EXPECT_EQ(r.refused, 0u) << r.report_json.substr(r.report_json.find("\"refusals\""), 2000);
  const json::object root = json::parse(r.report_json).as_object();
  ASSERT_TRUE(root.contains("participation"));
  const json::object& p = root.at("participation").as_object();
  EXPECT_GT(u(p, "duplicates_suggested"), 0u);
  EXPECT_GT(u(p, "supports"), 0u);
  EXPECT_GT(u(p, "petitions_supported"), 0u);
  EXPECT_GT(u(p, "merges_of_duplicates"), 0u);
  EXPECT_GE(u(p, "merged"), u(p, "merges_of_duplicates"));
  // 撤回附议: some supports taken back; what stands is what was given less what was withdrawn.
  EXPECT_GT(u(p, "supports_withdrawn"), 0u);
  EXPECT_LT(u(p, "supports_withdrawn"), u(p, "supports_given"));
  EXPECT_EQ(u(p, "supports_given") - u(p, "supports_withdrawn"), u(p, "supports"));
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
  EXPECT_NE(r.report_html.find("居民参与 · 附议、合并与非本单位职责"), std::string::npos);
  EXPECT_NE(r.report_html.find("非本单位职责退回（件）"), std::string::npos);
}

TEST(DemoLadder, RungFiringsAddUpToTheClockAndShowInChinese) {
  const DemoResult& r = year();
  ASSERT_FALSE(r.report_json.empty());
  const json::object root = json::parse(r.report_json).as_object();
  ASSERT_TRUE(root.contains("escalation_ladder"));
  const json::object& l = root.at("escalation_ladder").as_object();
  const json::object& sim = root.at("simulation").as_object();
  const json::object& clock = sim.at("clock").as_object();
  // Every automatic urge of the clock is a warning rung's firing, every automatic
  // escalation a reassign rung's: the rungs add up to the clock's own counts.
  const json::array& rungs = l.at("rungs").as_array();
  ASSERT_FALSE(rungs.empty());
  std::uint64_t warn = 0, reassign = 0;
  for (const auto& v : rungs) {
    const json::object& rung = v.as_object();
    (rung.at("action").as_string() == "warn" ? warn : reassign) += u(rung, "fired");
    EXPECT_LE(u(rung, "petitions"), u(rung, "fired"));
  }
  EXPECT_EQ(warn, u(l, "warnings"));
  EXPECT_EQ(reassign, u(l, "reassignments"));
  EXPECT_EQ(u(l, "warnings"), u(clock, "urged"));
  EXPECT_EQ(u(l, "reassignments"), u(clock, "escalated"));
  EXPECT_GT(u(l, "warnings"), 0u);
  EXPECT_GT(u(l, "reassignments"), 0u);
  EXPECT_GT(u(l, "petitions_warned"), 0u);
  EXPECT_LE(u(l, "petitions_warned"), u(l, "warnings"));
  EXPECT_LE(u(l, "petitions_reassigned"), u(l, "reassignments"));
  // Levels: every petition once by the highest level it reached, every open one once.
  std::uint64_t reached = 0, open = 0, above_zero = 0;
  for (const auto& v : l.at("by_level").as_array()) {
    const json::object& row = v.as_object();
    reached += u(row, "petitions_reached");
    open += u(row, "open_at_end");
    if (u(row, "level") > 0) above_zero += u(row, "petitions_reached");
  }
  EXPECT_EQ(reached, u(sim, "petitions"));
  EXPECT_EQ(open, u(sim, "open_at_end"));
  EXPECT_GE(above_zero, u(l, "petitions_warned"));
  // Streets, by where each petition is located, add up to the district.
  std::uint64_t street_warn = 0, street_reassign = 0;
  for (const auto& v : l.at("by_street").as_array()) {
    street_warn += u(v.as_object(), "warnings");
    street_reassign += u(v.as_object(), "reassignments");
  }
  EXPECT_EQ(street_warn, u(l, "warnings"));
  EXPECT_EQ(street_reassign, u(l, "reassignments"));
  EXPECT_NE(r.report_html.find("督办阶梯 · 预警催办与自动升级"), std::string::npos);
  EXPECT_NE(r.report_html.find("<td>预警催办</td>"), std::string::npos);
  EXPECT_NE(r.report_html.find("<td>升级改派</td>"), std::string::npos);
}

// 四方协同 in the demo year: the demo's district sends compound matters to the unit of the
// party answering for them (dispatch_to_party on over the policy set): some go to an owners'
// committee group or a property branch the category's own routing would not pick, and
// report.html shows the parties in Chinese. Without it (--no-party-dispatch) none do.
TEST(DemoCompoundParties, CompoundMattersGoToTheAnsweringParty) {
  // Compound matters are a small share of the district's: a longer, busier run than year().
  auto run = [](bool party_dispatch) {
    DemoOptions o;
    o.seed = 7;
    o.days = 120;
    o.petitions_per_day = 80;
    o.write_files = false;
    o.party_dispatch = party_dispatch;
    absl::StatusOr<DemoResult> r = run_demo(o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : DemoResult{};
  };
  const DemoResult r = run(true);
  ASSERT_FALSE(r.report_json.empty());
  EXPECT_EQ(r.refused, 0u) << r.report_json.substr(r.report_json.find("\"refusals\""), 2000);
  const json::object root = json::parse(r.report_json).as_object();
  ASSERT_TRUE(root.contains("compound_parties"));
  const json::object& c = root.at("compound_parties").as_object();
  EXPECT_TRUE(c.at("dispatch_to_party").as_bool());
  EXPECT_GT(u(c, "petitions"), 0u);
  EXPECT_GT(u(c, "to_party_beside_grid"), 0u) << json::serialize(c);
  EXPECT_GE(u(c, "first_dispatch_to_party"), u(c, "to_party_beside_grid"));
  EXPECT_LE(u(c, "first_dispatch_to_party"), u(c, "dispatched"));
  EXPECT_LE(u(c, "dispatched"), u(c, "petitions"));
  std::uint64_t petitions = 0, dispatched = 0, to_party = 0, fallback = 0;
  for (const auto& v : c.at("by_party").as_array()) {
    const json::object& p = v.as_object();
    petitions += u(p, "petitions");
    dispatched += u(p, "dispatched");
    to_party += u(p, "first_dispatch_to_party");
    fallback += u(p, "fallback");
  }
  EXPECT_EQ(petitions, u(c, "petitions"));
  EXPECT_EQ(dispatched, u(c, "dispatched"));
  EXPECT_EQ(to_party, u(c, "first_dispatch_to_party"));
  EXPECT_EQ(fallback, u(c, "fallback"));
  EXPECT_FALSE(c.at("examples").as_array().empty());
  EXPECT_NE(r.report_html.find("四方协同 · 小区事项派至责任方"), std::string::npos);
  EXPECT_NE(r.report_html.find("本演示开启四方协同派单"), std::string::npos);
  EXPECT_NE(r.report_html.find("<td>物业服务企业</td>"), std::string::npos);
  // The same run without it: the parties are shown, but no matter goes beside its routing.
  const DemoResult off = run(false);
  ASSERT_FALSE(off.report_json.empty());
  EXPECT_EQ(off.refused, 0u);
  const json::value off_root = json::parse(off.report_json);
  const json::object& c0 = off_root.at("compound_parties").as_object();
  EXPECT_FALSE(c0.at("dispatch_to_party").as_bool());
  EXPECT_GT(u(c0, "petitions"), 0u);
  EXPECT_EQ(u(c0, "to_party_beside_grid"), 0u) << json::serialize(c0);
  EXPECT_NE(off.report_html.find("本次演示未开启四方协同派单"), std::string::npos);
}

}  // namespace
}  // namespace jiceng
