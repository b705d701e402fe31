// The main job: run_demo end to end — the loop runs without a refused command,
// the report is deterministic per seed, the files are written, and the journal alone
// rebuilds the same engine and the same KPIs.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "demo/demo.hpp"
#include "demo/loop_parts.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/kpi.hpp"
#include "jiceng/loop.hpp"

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
  // The terminal report has its sections, in Chinese like report.html.
  for (const char* s : {"全区考核指标", "街道/镇考核排名", "社区排名前五名", "社区排名后五名", "政策检查",
                        "长桥街道党工委", "排名门槛：统计期内登记诉求不少于 30 件", "物业服务"}) {
    EXPECT_NE(r->report_text.find(s), std::string::npos) << s;
  }
}

// The visible text of a page: tags, scripts and styles left out, entities as written.
std::string visible_text(const std::string& page) {
  std::string out;
  bool in_tag = false;
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (!in_tag && (page.compare(i, 7, "<script") == 0 || page.compare(i, 6, "<style") == 0)) {
      const std::size_t end = page.find(page.compare(i, 7, "<script") == 0 ? "</script>" : "</style>", i);
      if (end == std::string::npos) break;
      i = end;
      in_tag = true;
    }
    if (page[i] == '<') in_tag = true;
    if (!in_tag) out += page[i];
    if (page[i] == '>') in_tag = false;
  }
  return out;
}

// The report is for a district office: in Chinese (categories by the policy's names,
// findings by their requirement, no rule ids or state codes), numbers grouped, the
// 物业行业党委's row beside the streets, a street chart scaled to the streets' range, a
// note on the last month's 办结率, and fair league tables: a unit is ranked only with
// the policy's minimum of petitions, the others listed apart, the minimum printed.
TEST(Demo, ReportIsForADistrictOffice) {
  DemoOptions o = quick(9);
  o.days = 20;
  o.petitions_per_day = 25;  // about 500 petitions: some streets below the minimum of 30
  absl::StatusOr<DemoResult> r = run_demo(o);
  ASSERT_TRUE(r.ok()) << r.status();
  const json::object root = json::parse(r->report_json).as_object();
  const std::uint64_t min = root.at("ranking_min_received").to_number<std::uint64_t>();
  EXPECT_EQ(min, 30u);  // national.json kpi.ranking
  auto received = [](const json::value& v) {
    return v.as_object().at("counts").as_object().at("received").to_number<std::uint64_t>();
  };
  const json::array& streets = root.at("streets").as_array();
  const json::array& streets_below = root.at("streets_below_minimum").as_array();
  EXPECT_EQ(streets.size() + streets_below.size(), 15u);
  EXPECT_FALSE(streets.empty());
  EXPECT_FALSE(streets_below.empty()) << "the test wants streets on both sides of the minimum";
  for (std::size_t i = 0; i < streets.size(); ++i) {
    EXPECT_GE(received(streets[i]), min) << "ranked below the minimum: " << streets[i];
    EXPECT_EQ(streets[i].as_object().at("rank").to_number<std::size_t>(), i + 1);
  }
  for (const auto& v : streets_below) {
    EXPECT_LT(received(v), min);
    EXPECT_FALSE(v.as_object().contains("rank"));
  }
  const json::object& comm = root.at("communities").as_object();
  EXPECT_EQ(comm.at("ranked").to_number<std::uint64_t>() + comm.at("below_minimum").as_array().size(),
            comm.at("count").to_number<std::uint64_t>());
  for (const char* k : {"top", "bottom"}) {
    for (const auto& v : comm.at(k).as_array()) EXPECT_GE(received(v), min) << k << " ranked below the minimum";
  }
  for (const auto& v : comm.at("below_minimum").as_array()) EXPECT_LT(received(v), min);

  const std::string& page = r->report_html;
  const std::string text = visible_text(page);
  // The report's own sections: the hosted loops' sections (their own parts) left out.
  const std::size_t loops_at = page.find("<div id=\"loop-parts\">");
  const std::size_t findings_at = page.find("<h2>政策检查</h2>");
  ASSERT_NE(loops_at, std::string::npos);
  ASSERT_NE(findings_at, std::string::npos);
  const std::string own = visible_text(page.substr(0, loops_at) + page.substr(findings_at));
  // The minimum beside the table; the units below it listed apart by name and count.
  EXPECT_NE(text.find("排名门槛：统计期内登记诉求不少于 30 件"), std::string::npos);
  EXPECT_NE(text.find(absl::StrCat("未达排名门槛、不参加排名的街道/镇（", streets_below.size(), " 个）")),
            std::string::npos);
  for (const auto& v : streets_below) {
    EXPECT_NE(text.find(std::string(v.as_object().at("unit_name").as_string())), std::string::npos);
  }
  // The chart draws the ranked streets only (two bars each).
  const std::size_t chart = page.find("id=\"chart-streets\"");
  const std::size_t chart_end = page.find("</svg>", chart);
  std::size_t bars = 0;
  for (std::size_t at = page.find("class=\"bar\"", chart); at < chart_end; at = page.find("class=\"bar\"", at + 1)) ++bars;
  EXPECT_EQ(bars, 2 * streets.size());
  // The 物业行业党委's companies beside the streets, as in the terminal and the JSON.
  const std::string property(root.at("property_companies").as_object().at("unit_name").as_string());
  EXPECT_NE(r->report_text.find(property), std::string::npos);
  EXPECT_NE(text.find(property), std::string::npos) << property;
  // Categories by the policy's Chinese names, findings by their requirement; no codes.
  for (const char* zh : {"物业服务", "政务咨询", "诉求类别", "政策检查", "未通过示例"}) {
    EXPECT_NE(text.find(zh), std::string::npos) << zh;
  }
  for (const char* code : {"government_consultation", "illegal_construction", "coverage.grid_station",
                           "grid.practical_projects", "in_progress", "wechat_account", "composite", "completion",
                           "received", "Policy findings", "grids have a station"}) {
    EXPECT_EQ(own.find(code), std::string::npos) << "visible on the page: " << code;
  }
  // zh-CN numbers: the events journaled, grouped by thousands.
  const std::uint64_t events = root.at("simulation").as_object().at("events").to_number<std::uint64_t>();
  ASSERT_GE(events, 1000u);
  ASSERT_LT(events, 1000000u);
  EXPECT_NE(text.find(absl::StrCat("事件日志 ", events / 1000, ",", absl::StrFormat("%03d", events % 1000), " 条")),
            std::string::npos);
  // The street chart's axis spans the streets' values, not 0–100.
  const std::size_t lo_at = page.find("data-axis-lo=\"", chart) + 14;
  const std::size_t hi_at = page.find("data-axis-hi=\"", chart) + 14;
  const double lo = std::stod(page.substr(lo_at, page.find('"', lo_at) - lo_at));
  const double hi = std::stod(page.substr(hi_at, page.find('"', hi_at) - hi_at));
  EXPECT_TRUE(lo > 0 || hi < 100) << lo << ".." << hi;
  double lowest = 100;
  for (const auto& v : streets) {
    const json::object& rates = v.as_object().at("rates").as_object();
    for (const char* k : {"composite", "completion"}) {
      if (rates.at(k).is_double()) lowest = std::min(lowest, rates.at(k).as_double() * 100);
    }
  }
  EXPECT_LT(lo, lowest);
  EXPECT_GT(lo, lowest - 25);
  // December's (the last month's) 办结率 carries its note: cases still open at the end.
  const std::size_t note = page.find("id=\"last-month-note\"");
  ASSERT_NE(note, std::string::npos);
  EXPECT_NE(page.find(std::string(root.at("period").as_object().at("to").as_string()), note), std::string::npos);
}

// The hosted loops' sections of report.html (each loop's demo part writes its own) are in
// Chinese too: states by their tables' Chinese names, refusals by their reasons in Chinese,
// no state code and no English sentence on the page (report.json keeps both).
TEST(Demo, TheHostedLoopsSectionsAreInChinese) {
  DemoOptions o = quick(5);
  o.days = 30;
  o.petitions_per_day = 20;
  absl::StatusOr<DemoResult> r = run_demo(o);
  ASSERT_TRUE(r.ok()) << r.status();
  const json::object root = json::parse(r->report_json).as_object();
  const std::string& page = r->report_html;
  const std::size_t from = page.find("<div id=\"loop-parts\">");
  const std::size_t to = page.find("<h2>政策检查</h2>");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string text = visible_text(page.substr(from, to - from));
  for (const char* h : {"人民调解", "任期目标公开承诺", "物业服务企业红黑榜", "议事", "项目与为民服务专项经费", "跨域项目"}) {
    EXPECT_NE(text.find(h), std::string::npos) << h;
  }
  // No loop's state code, as a word.
  auto has_word = [&text](std::string_view w) {
    for (std::size_t at = text.find(w); at != std::string::npos; at = text.find(w, at + 1)) {
      auto latin = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
      const bool before = at > 0 && latin(text[at - 1]);
      const bool after = at + w.size() < text.size() && latin(text[at + w.size()]);
      if (!before && !after) return true;
    }
    return false;
  };
  std::size_t states = 0;
  for (const auto& loop : make_registered_loops()) {
    for (const auto& st : loop->table().states) {
      ++states;
      EXPECT_FALSE(has_word(st.name)) << loop->table().loop << " state code on the page: " << st.name;
    }
  }
  EXPECT_GT(states, 30u);
  // No English: no Latin word of four letters or more (ids like M00000004 and grades like
  // AAA are not words of letters).
  std::string word;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      word += c;
      continue;
    }
    EXPECT_LT(word.size(), 4u) << "English on the page: " << word << " in …"
                               << text.substr(i > 80 ? i - 80 : 0, 160) << "…";
    word.clear();
  }
  // The refusals the demo provoked: their reasons in Chinese, the English messages not shown.
  const json::array& refused = root.at("deliberation").as_object().at("refused_on_purpose").as_array();
  ASSERT_FALSE(refused.empty());
  for (const auto& v : refused) {
    EXPECT_EQ(text.find(std::string(v.at("refusal").as_string())), std::string::npos);
    EXPECT_NE(text.find(std::string(v.at("refusal_zh").as_string())), std::string::npos);
  }
  const json::object& fund = root.at("fund_use").as_object();
  ASSERT_FALSE(fund.at("refused_on_purpose").as_object().empty());
  for (const auto& kv : fund.at("refused_on_purpose").as_object()) {
    EXPECT_EQ(text.find(std::string_view(kv.key().data(), kv.key().size())), std::string::npos) << kv.key();
  }
  for (const auto& kv : fund.at("refused_on_purpose_zh").as_object()) {
    EXPECT_NE(text.find(std::string_view(kv.key().data(), kv.key().size())), std::string::npos) << kv.key();
  }
  // Amounts grouped for zh-CN readers.
  const std::string allocated(fund.at("allocated").as_string());  // e.g. "25580000.00"
  ASSERT_GT(allocated.size(), 7u);
  EXPECT_EQ(text.find(absl::StrCat("拨付 ", allocated, " 元")), std::string::npos) << "ungrouped: " << allocated;
  const std::size_t at = text.find("拨付 ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(text.substr(at, 20).find(','), std::string::npos) << text.substr(at, 40);
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
  auto snapshots_in = [&]() {
    absl::StatusOr<std::unique_ptr<Journal>> j = Journal::open((dir / "journal.sqlite").string(), jo);
    EXPECT_TRUE(j.ok()) << j.status();
    absl::StatusOr<ChainReport> chain = (*j)->verify(/*verify_states=*/false);  // the count, not each state
    EXPECT_TRUE(chain.ok()) << chain.status();
    return chain.ok() ? chain->snapshots : 0;
  };
  EXPECT_EQ(snapshots_in(), 0u) << "a month is far below the default policy's million events";
  de->reset();
  // A second run into the same folder starts a fresh journal; with --snapshot-every the
  // journal holds snapshots on the way, and opening it from the newest gives the same state.
  o.snapshot_every_events = r->events / 2;  // each policy snapshot costs ~0.5 s here (the org is in it)
  absl::StatusOr<DemoResult> again = run_demo(o);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->events, r->events);
  EXPECT_EQ(again->report_json, r->report_json);
  EXPECT_GE(snapshots_in(), 1u);
  // (Digests compare within one journal: its configuration events carry the wall clock.)
  de = DurableEngine::open((dir / "journal.sqlite").string(), jo);
  ASSERT_TRUE(de.ok()) << de.status();
  ASSERT_TRUE((*de)->open_report().snapshot_seq.has_value()) << "opened from the newest snapshot";
  const std::string from_snapshot = (*de)->state_digest();
  de->reset();
  JournalOptions from_start = jo;
  from_start.use_snapshots = false;
  de = DurableEngine::open((dir / "journal.sqlite").string(), from_start);
  ASSERT_TRUE(de.ok()) << de.status();
  EXPECT_EQ((*de)->state_digest(), from_snapshot);
  EXPECT_EQ((*de)->engine().last_seq(), again->events);
  de->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace jiceng
