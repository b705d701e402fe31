// The mediation loop's part of the demo (src/demo/mediation_part.cpp): a 乡音调解委员会 of 15
// mediators from 6 dialect regions, dispute petitions referred to it and resolved naming the
// case, every case accounted for by outcome, report.json's `mediation` and its Chinese
// section — with no command refused except the assignments against a party's choice that
// the part tries on purpose.
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "demo/demo.hpp"

namespace jiceng {
namespace {
namespace json = boost::json;

TEST(DemoMediation, ACommitteeAndAYearOfReferredDisputes) {
  DemoOptions o;
  o.seed = 11;
  o.days = 365;
  o.petitions_per_day = 4;
  o.write_files = false;
  auto r = run_demo(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->refused, 0u) << r->report_json.substr(r->report_json.find("\"refusals\""), 1500);
  const json::object root = json::parse(r->report_json).as_object();
  ASSERT_TRUE(root.contains("mediation")) << r->report_json.substr(0, 400);
  const json::object& m = root.at("mediation").as_object();
  const json::object& c = m.at("committee").as_object();
  EXPECT_EQ(c.at("mediators").to_number<int>(), 15);
  EXPECT_EQ(c.at("members").to_number<int>(), 5);
  EXPECT_EQ(c.at("hired").to_number<int>(), 10);
  EXPECT_EQ(c.at("dialect_regions").as_object().size(), 6u);
  const int cases = m.at("cases").to_number<int>();
  EXPECT_EQ(cases, 48);
  EXPECT_EQ(m.at("referred").to_number<int>(), cases);
  int sum = 0;
  for (const auto& kv : m.at("by_outcome").as_object()) sum += kv.value().to_number<int>();
  EXPECT_EQ(sum, cases);
  const json::object& by = m.at("by_outcome").as_object();
  // Most agreed and performed; some refused or ended without agreement; a few confirmed.
  EXPECT_GT(by.at("performed").to_number<int>(), cases / 2);
  EXPECT_GT(by.at("refused").to_number<int>() + by.at("ended").to_number<int>(), 0);
  EXPECT_GT(m.at("court_confirmed").to_number<int>(), 0);
  const json::object& s = m.at("suggestion").as_object();
  EXPECT_GT(s.at("matched_and_accepted").to_number<int>(), 0);
  EXPECT_LE(s.at("matched_and_accepted").to_number<int>(), s.at("assigned").to_number<int>());
  EXPECT_GT(m.at("assignments_refused_against_a_choice").to_number<int>(), 0);
  EXPECT_NE(r->report_html.find("人民调解 · 乡音调解"), std::string::npos);
  EXPECT_NE(r->report_text.find("人民调解：" + std::string(c.at("name").as_string())), std::string::npos);
}

}  // namespace
}  // namespace jiceng
