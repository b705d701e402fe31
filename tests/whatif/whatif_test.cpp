// Policy what-if replay (jiceng/whatif.hpp) against a journal made by a short demo run:
// the worked examples of docs/whatif.md, a shorter limit missing more deadlines, a refused
// command marking its petition diverged while the run goes on, byte-identical output, and
// bad input refused with the journal untouched.
#include "jiceng/whatif.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "demo/demo.hpp"
#include "report/whatif_html.hpp"

namespace jiceng {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class WhatIfTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string((fs::temp_directory_path() / ("jiceng-whatif-" + std::to_string(::getpid()))).string());
    DemoOptions o;
    o.days = 45;
    o.petitions_per_day = 30;
    o.seed = 11;
    o.out_dir = *dir_ + "/demo";
    o.render_svg = false;
    o.party_dispatch = false;  // the recorded policy is then the built-in wuzhong the tests name
    auto r = run_demo(o);
    ASSERT_TRUE(r.ok()) << r.status();
    journal_ = new std::string(*dir_ + "/demo/journal.sqlite");
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
  }

  static std::string example(const std::string& name) {
    return std::string(JICENG_SOURCE_DIR) + "/docs/examples/whatif/" + name;
  }
  // A policy file written for one test, extending the demo's set.
  static std::string policy_file(const std::string& name, const std::string& rules) {
    const std::string path = *dir_ + "/" + name + ".json";
    std::ofstream(path) << R"({"name": ")" << name << R"(", "extends": "wuzhong", "rules": [)" << rules << "]}";
    return path;
  }
  static json::object run(const std::string& policy, KpiPeriod period = {}) {
    WhatIfOptions o;
    o.policy = policy;
    o.period = period;
    auto r = run_whatif(*journal_, o);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    return json::parse(r->json).as_object();
  }
  static std::int64_t delta(const json::object& doc, std::string_view key) {
    return doc.at("diff").at(key).at("delta").to_number<std::int64_t>();
  }

  static std::string* dir_;
  static std::string* journal_;
};
std::string* WhatIfTest::dir_ = nullptr;
std::string* WhatIfTest::journal_ = nullptr;

TEST_F(WhatIfTest, TheRecordedPolicyAsVariantChangesNothing) {
  const json::object doc = run("wuzhong");
  ASSERT_FALSE(doc.empty());
  EXPECT_EQ(json::serialize(doc.at("baseline").at("totals")), json::serialize(doc.at("variant").at("totals")));
  EXPECT_EQ(json::serialize(doc.at("baseline").at("streets")), json::serialize(doc.at("variant").at("streets")));
  EXPECT_EQ(delta(doc, "deadlines_missed"), 0);
  EXPECT_EQ(delta(doc, "escalations"), 0);
  EXPECT_EQ(delta(doc, "refusals"), 0);
  EXPECT_EQ(doc.at("diff").at("diverged_only_in_variant").to_number<std::int64_t>(), 0);
  EXPECT_TRUE(doc.at("diff").at("largest_changes").as_array().empty());
  // The replay itself is faithful to the recording: every petition command is accepted again.
  const auto& replay = doc.at("baseline").at("replay").as_object();
  EXPECT_GT(replay.at("petition_commands").to_number<std::int64_t>(), 1000);
  // The hosted loops end the same on both sides: every state, the fund's money.
  const auto& loops = doc.at("diff").at("loops").as_object();
  ASSERT_TRUE(loops.contains("projects"));
  ASSERT_TRUE(loops.contains("fund"));
  for (const auto& l : loops) {
    EXPECT_EQ(l.value().at("refused").at("delta").to_number<std::int64_t>(), 0) << l.key();
    for (const auto& st : l.value().at("items_by_state").as_object()) {
      EXPECT_EQ(st.value().at("delta").to_number<std::int64_t>(), 0) << l.key() << " " << st.key();
    }
  }
  EXPECT_GT(loops.at("fund").at("allocated_fen").at("baseline").to_number<std::int64_t>(), 0);
  EXPECT_GT(loops.at("fund").at("spent_fen").at("baseline").to_number<std::int64_t>(), 0);
  EXPECT_EQ(loops.at("fund").at("spent_fen").at("delta").to_number<std::int64_t>(), 0);
  EXPECT_EQ(json::serialize(doc.at("baseline").at("loops")), json::serialize(doc.at("variant").at("loops")));
}

TEST_F(WhatIfTest, AShorterResolveLimitMissesMoreDeadlines) {
  const std::string p = policy_file(
      "resolve-2wd", R"({"id": "petition.deadlines", "params": {"categories": {"default": {"normal": {"resolve": "2wd"},
      "urgent": {"resolve": "2wd"}}}}})");
  const json::object doc = run(p);
  ASSERT_FALSE(doc.empty());
  EXPECT_GT(delta(doc, "deadlines_missed"), 0);
  EXPECT_GT(doc.at("diff").at("clock").at("marked_overdue").at("delta").to_number<std::int64_t>(), 0);
  EXPECT_FALSE(doc.at("diff").at("largest_changes").as_array().empty());
  // Only ranked units (at least the minimum of petitions) enter the largest changes.
  std::set<std::string> ranked;
  for (const char* level : {"streets", "communities"}) {
    for (const auto& u : doc.at("baseline").at(level).as_array()) ranked.insert(std::string(u.at("unit").as_string()));
  }
  for (const auto& c : doc.at("diff").at("largest_changes").as_array()) {
    EXPECT_TRUE(ranked.count(std::string(c.at("unit").as_string()))) << c;
  }
  EXPECT_EQ(doc.at("variant").at("policy").as_string(), "resolve-2wd");
  EXPECT_EQ(doc.at("baseline").at("policy").as_string(), "wuzhong");
}

TEST_F(WhatIfTest, WorkedExamplePropertyResolveThreeDays) {
  const json::object doc = run(example("property-resolve-3wd.json"));
  ASSERT_FALSE(doc.empty());
  EXPECT_GE(delta(doc, "deadlines_missed"), 0);
  EXPECT_GT(doc.at("diff").at("clock").at("marked_overdue").at("delta").to_number<std::int64_t>(), 0);
}

TEST_F(WhatIfTest, WorkedExampleMinorCeilingAtTheStreet) {
  const json::object doc = run(example("minor-ceiling-street.json"));
  ASSERT_FALSE(doc.empty());
  EXPECT_GE(delta(doc, "escalations"), 0);
  EXPECT_GE(doc.at("diff").at("clock").at("escalated").at("delta").to_number<std::int64_t>(), 0);
}

TEST_F(WhatIfTest, WorkedExampleExtensionCapFiveDays) {
  const json::object doc = run(example("extension-cap-5wd.json"));
  ASSERT_FALSE(doc.empty());
  EXPECT_EQ(doc.at("variant").at("policy").as_string(), "wuzhong-extension-5wd");
}

TEST_F(WhatIfTest, ARefusedCommandMarksItsPetitionDivergedAndTheRunGoesOn) {
  // The demo asks for half the cap (5 working days); a 2-day cap refuses those requests.
  const std::string p = policy_file(
      "extension-2wd", R"({"id": "petition.deadlines", "params": {"categories": {"default": {"normal":
      {"max_extension": "2wd"}, "urgent": {"max_extension": "2wd"}}}}})");
  const json::object doc = run(p);
  ASSERT_FALSE(doc.empty());
  const auto& var = doc.at("variant").as_object();
  const auto& diverged = var.at("diverged").as_array();
  ASSERT_FALSE(diverged.empty());
  bool extension_seen = false;
  for (const auto& d : diverged) {
    const auto& f = d.at("first_refused").as_object();
    EXPECT_FALSE(f.at("reason").as_string().empty());
    EXPECT_GT(f.at("seq").to_number<std::int64_t>(), 0);
    if (f.at("command").as_string() == "request_extension") extension_seen = true;
  }
  EXPECT_TRUE(extension_seen);
  EXPECT_GT(var.at("replay").at("refused_by_command").at("request_extension").to_number<std::int64_t>(), 0);
  EXPECT_EQ(var.at("diverged_count").to_number<std::size_t>(), diverged.size());
  // The run went on: every recorded command was tried on both sides.
  EXPECT_EQ(var.at("replay").at("commands").to_number<std::int64_t>(),
            doc.at("baseline").at("replay").at("commands").to_number<std::int64_t>());
  EXPECT_GT(doc.at("diff").at("diverged_only_in_variant").to_number<std::int64_t>(), 0);
  // The diverged petitions were still resolved or closed later (commands after the refusal ran).
  EXPECT_GT(var.at("totals").at("counts").at("done").to_number<std::int64_t>(), 0);
  // The page names the refused command in Chinese (the petition table's name), not by code.
  auto html = report::render_whatif_html(json::serialize(doc));
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_NE(html->find("<td>申请延期</td>"), std::string::npos);
  EXPECT_EQ(html->find("<td>request_extension</td>"), std::string::npos);
}

// A loop rule, not a petition rule: results posted on the notice board for 60 days instead
// of 15 leave projects posted (publishing) on the variant side that the baseline's clock or
// staff concluded (published) — the projects' outcome differs, the petitions' does not.
TEST_F(WhatIfTest, ALongerPostingPeriodChangesTheProjectsOutcome) {
  const std::string p = policy_file("posting-60d", R"({"id": "disclosure.posting", "params": {"min_days": 60}})");
  const json::object doc = run(p);
  ASSERT_FALSE(doc.empty());
  const auto& projects = doc.at("diff").at("loops").at("projects").as_object();
  EXPECT_EQ(projects.at("zh").as_string(), "项目");
  const auto& states = projects.at("items_by_state").as_object();
  EXPECT_LT(states.at("published").at("delta").to_number<std::int64_t>(), 0);
  EXPECT_GT(states.at("publishing").at("delta").to_number<std::int64_t>(), 0);
  EXPECT_EQ(states.at("published").at("zh").as_string(), "结果已公示");
  // Each side's own figures agree with the diff.
  EXPECT_EQ(doc.at("variant").at("loops").at("projects").at("items_by_state").at("publishing").to_number<std::int64_t>(),
            states.at("publishing").at("variant").to_number<std::int64_t>());
  EXPECT_EQ(delta(doc, "deadlines_missed"), 0);
  auto html = report::render_whatif_html(json::serialize(doc));
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_NE(html->find("其他环节的结果"), std::string::npos);
  EXPECT_NE(html->find("状态：结果公示中"), std::string::npos);
}

// Fair league tables, as `jiceng report` ranks: each side ranks only the units with its
// policy's minimum of petitions (`kpi.ranking`; 30 in the national set) and lists the others
// apart; a variant that ranks every unit shows the difference unit by unit.
TEST_F(WhatIfTest, ARankingListsOnlyUnitsWithThePolicysMinimum) {
  const std::string p = policy_file("rank-all", R"({"id": "kpi.ranking", "params": {"min_received": 0}})");
  const json::object doc = run(p);
  ASSERT_FALSE(doc.empty());
  auto received = [](const json::value& u) { return u.at("counts").at("received").to_number<std::int64_t>(); };
  const auto& base = doc.at("baseline").as_object();
  const auto& var = doc.at("variant").as_object();
  EXPECT_EQ(base.at("ranking_min_received").to_number<std::int64_t>(), 30);
  EXPECT_EQ(var.at("ranking_min_received").to_number<std::int64_t>(), 0);
  EXPECT_EQ(doc.at("diff").at("ranking_min_received").at("delta").to_number<std::int64_t>(), -30);
  // About 90 petitions per street (all ranked) and 12 per community (most below 30).
  const auto& streets = base.at("streets").as_array();
  ASSERT_FALSE(streets.empty());
  for (std::size_t i = 0; i < streets.size(); ++i) {
    EXPECT_GE(received(streets[i]), 30) << streets[i];
    EXPECT_EQ(streets[i].at("rank").to_number<std::size_t>(), i + 1);
  }
  const auto& ranked = base.at("communities").as_array();
  const auto& below = base.at("communities_below_minimum").as_array();
  ASSERT_FALSE(below.empty());
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    EXPECT_GE(received(ranked[i]), 30) << ranked[i];
    EXPECT_EQ(ranked[i].at("rank").to_number<std::size_t>(), i + 1);
  }
  for (const auto& u : below) {
    EXPECT_LT(received(u), 30) << u;
    EXPECT_FALSE(u.as_object().contains("rank"));
  }
  EXPECT_TRUE(var.at("communities_below_minimum").as_array().empty());
  EXPECT_EQ(var.at("communities").as_array().size(), ranked.size() + below.size());
  // In the diff, a unit below the baseline's minimum has no baseline rank and no rank change.
  const std::string unranked(below.front().at("unit").as_string());
  bool seen = false;
  for (const auto& u : doc.at("diff").at("communities").as_array()) {
    if (u.at("unit").as_string() != unranked) continue;
    seen = true;
    EXPECT_TRUE(u.at("rank").at("baseline").is_null());
    EXPECT_GT(u.at("rank").at("variant").to_number<std::int64_t>(), 0);
    EXPECT_TRUE(u.at("rank").at("delta").is_null());
  }
  EXPECT_TRUE(seen) << unranked;
  auto html = report::render_whatif_html(json::serialize(doc));
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_NE(html->find("排名门槛：统计期内登记诉求不少于 30 件（基线政策；变体政策 0 件）"), std::string::npos);
}

TEST_F(WhatIfTest, TheSameInputsGiveTheSameBytes) {
  WhatIfOptions o;
  o.policy = example("property-resolve-3wd.json");
  auto a = run_whatif(*journal_, o);
  auto b = run_whatif(*journal_, o);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->json, b->json);
  auto ha = report::render_whatif_html(a->json);
  auto hb = report::render_whatif_html(b->json);
  ASSERT_TRUE(ha.ok());
  ASSERT_TRUE(hb.ok());
  EXPECT_EQ(*ha, *hb);
  EXPECT_NE(ha->find("政策推演"), std::string::npos);
  EXPECT_NE(ha->find("<svg id=\"chart-changes\""), std::string::npos);
}

TEST_F(WhatIfTest, APeriodReplaysOnlyItsDays) {
  auto period = parse_kpi_period("2025-01-20", "2025-02-10");
  ASSERT_TRUE(period.ok());
  const json::object doc = run(example("property-resolve-3wd.json"), *period);
  ASSERT_FALSE(doc.empty());
  EXPECT_EQ(doc.at("diff").at("period").as_string(), "2025-01-20..2025-02-10");
  const json::object all = run(example("property-resolve-3wd.json"));
  EXPECT_LT(doc.at("baseline").at("replay").at("commands").to_number<std::int64_t>(),
            all.at("baseline").at("replay").at("commands").to_number<std::int64_t>());
  EXPECT_LT(doc.at("baseline").at("totals").at("counts").at("received").to_number<std::int64_t>(),
            all.at("baseline").at("totals").at("counts").at("received").to_number<std::int64_t>());
}

TEST_F(WhatIfTest, BadInputIsAClearErrorAndTouchesNothing) {
  const std::string before = read_file(*journal_);
  WhatIfOptions o;
  o.policy = "no-such-set";
  auto r = run_whatif(*journal_, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("no-such-set"), std::string::npos);

  o.policy = "national";
  r = run_whatif(*dir_ + "/missing.sqlite", o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();

  o.policy = "";
  EXPECT_EQ(run_whatif(*journal_, o).status().code(), absl::StatusCode::kInvalidArgument);

  o.policy = "national";
  auto outside = parse_kpi_period("2030-01-01", "2030-01-31");
  ASSERT_TRUE(outside.ok());
  o.period = *outside;
  r = run_whatif(*journal_, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("no event in the period"), std::string::npos);
  EXPECT_EQ(read_file(*journal_), before);

  // A tampered copy: one row's time moved by a second breaks the hash chain.
  const std::string tampered = *dir_ + "/tampered.sqlite";
  fs::copy_file(*journal_, tampered, fs::copy_options::overwrite_existing);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(tampered.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE events SET time = time + 1 WHERE seq = 20", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  o.period = {};
  r = run_whatif(tampered, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_NE(r.status().message().find("20"), std::string::npos) << r.status();
}

}  // namespace
}  // namespace jiceng
