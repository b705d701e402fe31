// The main job: run_demo end to end — the loop runs without a refused command,
// the report is deterministic per seed, the files are written, and the journal alone
// rebuilds the same engine and the same KPIs.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "demo/demo.hpp"
#include "demo/loop_parts.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/kpi.hpp"

namespace jiceng {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

DemoOptions quick(std::uint64_t seed) {
  DemoOptions o;
  o.seed = seed;
  o.days = 45;
  o.petitions_per_day = 40;
  o.write_files = false;
  return o;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path fresh_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("jiceng-demo-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

TEST(Demo, RunsTheWholeLoopWithoutARefusedCommand) {
  absl::StatusOr<DemoResult> r = run_demo(quick(7));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->petitions, 1000u);
  EXPECT_GT(r->events, 5 * r->petitions);
  EXPECT_EQ(r->refused, 0u) << r->report_json.substr(r->report_json.find("\"refusals\""), 2000);
  const json::object root = json::parse(r->report_json).as_object();
  const json::object& sim = root.at("simulation").as_object();
  const json::object& cmds = sim.at("commands").as_object();
  // Every kind of step the brief asks for happened.
  for (const char* c : {"submit", "accept", "dispatch", "sign", "return", "request_extension", "grant_extension",
                        "deny_extension", "escalate", "supervise", "resolve", "evaluate", "reopen", "reject",
                        "withdraw", "merge"}) {
    ASSERT_TRUE(cmds.contains(c)) << c;
    EXPECT_GT(cmds.at(c).to_number<std::int64_t>(), 0) << c;
  }
  const json::object& clock = sim.at("clock").as_object();
  EXPECT_GT(clock.at("marked_overdue").to_number<std::uint64_t>(), 0u);
  EXPECT_GT(clock.at("escalated").to_number<std::uint64_t>(), 0u);
  EXPECT_GT(clock.at("closed_without_evaluation").to_number<std::uint64_t>(), 0u);
  // The KPIs come from kpi.hpp and match the counts the engine holds.
  const json::object& kpi = root.at("kpi").as_object();
  EXPECT_EQ(kpi.at("counts").as_object().at("received").to_number<std::uint64_t>(), r->petitions);
  EXPECT_EQ(root.at("streets").as_array().size(), 15u);
  EXPECT_EQ(root.at("communities").as_object().at("count").to_number<std::uint64_t>(), 115u);
  // Category mix: about 40% property and 36% government consultation.
  double property = 0, consult = 0;
  for (const auto& s : kpi.at("category_shares").as_array()) {
    if (s.at("key") == "property") property = s.at("share").as_double();
    if (s.at("key") == "government_consultation") consult = s.at("share").as_double();
  }
  EXPECT_NEAR(property, 0.40, 0.03);
  EXPECT_NEAR(consult, 0.36, 0.03);
  // Policy findings include the grids without a station (128 of 826).
  EXPECT_EQ(root.at("findings").as_object().at("coverage").as_object().at("grids_without_station").to_number<std::uint64_t>(), 128u);
  bool station_rule = false;
  for (const auto& f : root.at("findings").as_object().at("rules").as_array()) {
    if (f.at("rule") == "coverage.grid_station") {
      station_rule = true;
      EXPECT_EQ(f.at("failed").to_number<std::uint64_t>(), 1u);  // one coverage subject, below 100%
    }
  }
  EXPECT_TRUE(station_rule);
  // The terminal report has its sections.
  for (const char* s : {"KPIs 全区考核指标", "Streets and towns", "Top communities", "Bottom communities",
                        "Policy findings", "长桥街道党工委"}) {
    EXPECT_NE(r->report_text.find(s), std::string::npos) << s;
  }
}

TEST(Demo, RunsUnderOtherPolicySetsToo) {
  // The 信访 track: objections within its window, review (复查) and re-review (复核).
  for (const char* policy : {"national-xinfang", "changshu"}) {
    DemoOptions o = quick(3);
    o.policy = policy;
    o.days = 75;
    absl::StatusOr<DemoResult> r = run_demo(o);
    ASSERT_TRUE(r.ok()) << policy << ": " << r.status();
    EXPECT_EQ(r->refused, 0u) << policy << ": " << r->report_json.substr(r->report_json.find("\"refusals\""), 1500);
    const json::object root = json::parse(r->report_json).as_object();
    EXPECT_EQ(root.at("policy").as_object().at("name"), policy);
  }
}

TEST(Demo, SameSeedSameReportOtherSeedOtherReport) {
  absl::StatusOr<DemoResult> a = run_demo(quick(11));
  absl::StatusOr<DemoResult> b = run_demo(quick(11));
  absl::StatusOr<DemoResult> c = run_demo(quick(12));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->report_json, b->report_json);
  EXPECT_EQ(a->report_html, b->report_html);
  EXPECT_NE(a->report_json, c->report_json);
}

TEST(Demo, RunsIntoTheProvisionalYearsAndSaysSo) {
  DemoOptions o = quick(5);
  o.start = "2026-11-20";  // the period and its deadlines run into 2027, past the official table
  absl::StatusOr<DemoResult> r = run_demo(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->refused, 0u) << r->report_json.substr(r->report_json.find("\"refusals\""), 1500);
  const json::object root = json::parse(r->report_json).as_object();
  const json::object& cal = root.at("calendar").as_object();
  EXPECT_EQ(cal.at("last_official_year").to_number<int>(), 2026);
  EXPECT_EQ(cal.at("first_provisional_day").as_string(), "2027-01-01");
  EXPECT_TRUE(cal.at("period_reaches_provisional").as_bool());
  EXPECT_TRUE(cal.at("warning").is_string());
  EXPECT_NE(r->report_html.find("<h2>工作日历 Calendar</h2>"), std::string::npos);
  // A period well inside the official years has the key but no section.
  absl::StatusOr<DemoResult> early = run_demo(quick(5));
  ASSERT_TRUE(early.ok());
  const json::object root2 = json::parse(early->report_json).as_object();
  EXPECT_TRUE(root2.at("calendar").as_object().at("warning").is_null());
  EXPECT_FALSE(root2.at("calendar").as_object().at("period_reaches_provisional").as_bool());
  EXPECT_EQ(early->report_html.find("工作日历 Calendar"), std::string::npos);
}

TEST(Demo, RefusesBadOptionsAndWritesNothing) {
  const fs::path dir = fresh_dir("bad");
  DemoOptions o = quick(1);
  o.write_files = true;
  o.out_dir = dir.string();
  o.days = 0;
  absl::StatusOr<DemoResult> r = run_demo(o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--days 0"), std::string::npos) << r.status();
  o.days = 10;
  o.start = "2025-13-01";
  EXPECT_EQ(run_demo(o).status().code(), absl::StatusCode::kInvalidArgument);
  o.start = "2036-11-01";  // deadlines would run past the calendar's last provisional year
  EXPECT_EQ(run_demo(o).status().code(), absl::StatusCode::kInvalidArgument);
  o.start = "2025-01-01";
  o.policy = "no-such-policy";
  r = run_demo(o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("no-such-policy"), std::string::npos);
  o.policy = "wuzhong";
  o.petitions_per_day = -1;
  EXPECT_EQ(run_demo(o).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir));
}

// Each hosted loop is complete through the demo: it has a part (its year, its report.json
// sections, its Chinese section of report.html) in src/demo/loop_parts.cpp.
TEST(Demo, EveryHostedLoopHasADemoPart) {
  ASSERT_FALSE(registered_loops().empty());
  for (const std::string& loop : registered_loops()) {
    bool found = false;
    for (const demo::LoopPart& part : demo::loop_parts()) {
      for (absl::string_view name : absl::StrSplit(absl::string_view(part.loop.data(), part.loop.size()), '+')) {
        found = found || std::string_view(name.data(), name.size()) == loop;
      }
    }
    EXPECT_TRUE(found) << "loop " << loop << " has no demo part in src/demo/loop_parts.cpp";
  }
}

TEST(Demo, WritesItsFilesAndTheJournalRebuildsEverything) {
  const fs::path dir = fresh_dir("files");
  DemoOptions o = quick(5);
  o.days = 30;
  o.write_files = true;
  o.out_dir = dir.string();
  std::size_t progress_calls = 0;
  o.progress = [&](std::string_view, std::size_t, std::size_t) { ++progress_calls; };
  absl::StatusOr<DemoResult> r = run_demo(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(progress_calls, 30u);
  EXPECT_EQ(slurp(dir / "report.json"), r->report_json);
  EXPECT_EQ(slurp(dir / "report.html"), r->report_html);
  EXPECT_TRUE(fs::exists(dir / "org.svg") || fs::exists(dir / "org.dot"));
  EXPECT_TRUE(fs::exists(dir / "workflow.svg") || fs::exists(dir / "workflow.dot"));
  if (fs::exists(dir / "org.svg")) {
    const std::string svg = slurp(dir / "org.svg");
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("长桥街道党工委"), std::string::npos);
  }
  if (fs::exists(dir / "workflow.svg")) {
    EXPECT_NE(slurp(dir / "workflow.svg").find("in_progress"), std::string::npos);
  }
  // Every hosted loop's workflow is drawn from its table, and listed.
  for (const std::string& loop : registered_loops()) {
    SCOPED_TRACE(loop);
    const std::string stem = loop + "-workflow";
    EXPECT_TRUE(fs::exists(dir / (stem + ".svg")) || fs::exists(dir / (stem + ".dot")));
    EXPECT_NE(r->report_json.find("\"" + stem), std::string::npos);
  }
  // The page is self-contained: no external resources.
  for (const char* bad : {"src=\"http", "href=\"http", "@import", "url(http"}) {
    EXPECT_EQ(r->report_html.find(bad), std::string::npos) << bad;
  }
  for (const char* id : {"chart-streets", "chart-categories", "chart-trend", "chart-resolve"}) {
    EXPECT_NE(r->report_html.find(id), std::string::npos) << id;
  }
  // The journal alone rebuilds the engine: same events, same KPIs.
  JournalOptions jo;
  jo.read_only = true;
  absl::StatusOr<std::unique_ptr<DurableEngine>> de = DurableEngine::open((dir / "journal.sqlite").string(), jo);
  ASSERT_TRUE(de.ok()) << de.status();
  EXPECT_EQ((*de)->engine().last_seq(), r->events);
  EXPECT_EQ((*de)->engine().policy_name(), "wuzhong");
  KpiIndex index((*de)->engine());
  ASSERT_TRUE(index.update().ok());
  absl::StatusOr<KpiReport> whole = index.rollup("", KpiPeriod{});
  ASSERT_TRUE(whole.ok());
  const json::object root = json::parse(r->report_json).as_object();
  EXPECT_EQ(json::parse(kpi_report_json(*whole)).as_object().at("counts"),
            root.at("kpi").as_object().at("counts"));
  // A second run into the same folder starts a fresh journal.
  absl::StatusOr<DemoResult> again = run_demo(o);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->events, r->events);
  EXPECT_EQ(again->report_json, r->report_json);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace jiceng
