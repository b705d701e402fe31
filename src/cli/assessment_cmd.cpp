// `jiceng assessment …`: the assessment of property companies (考评) of a journal — scores
// (base + Σ credit points, no floor), grades and the red and black lists (红黑榜) by the
// policy's bands, the published periods, and the loop's diagram and permission matrix.
#include <iostream>
#include <memory>
#include <string>

#include "cli/civic_cli.hpp"
#include "cli/registry.hpp"
#include "loop/commitments_loop.hpp"

namespace jiceng::cli {
namespace {

namespace json = boost::json;
using civic::text;

struct Options {
  std::string db, unit, period, format = "table";
  MinSeqOptions min_seq;
};

int list(const Options& o) {
  json::object p;
  if (!o.unit.empty()) p["unit"] = o.unit;
  if (!o.period.empty()) p["period"] = o.period;
  auto r = civic::query_journal(o.db, "assessment", "scores", p, o.min_seq);
  if (!r.ok()) return civic::fail("assessment list", r.status());
  if (o.format == "json") {
    std::cout << json::serialize(*r) << "\n";
    return std::cout.good() ? kExitOk : kExitUsage;
  }
  const auto& s = r->as_object();
  std::cout << "物业服务企业信用考评 (" << (o.period.empty() ? std::string("all records") : o.period)
            << "; base " << text(s, "base") << ", no floor)\n编号\t企业\t得分\t等级\t榜单\t加分\t扣分\t记录数"
            << "\t诉求\t办结率\t满意率\t超期率\n";
  for (const auto& c : s.at("companies").as_array()) {
    const auto& x = c.as_object();
    const std::string list = text(x, "list");
    std::cout << text(x, "company") << "\t" << text(x, "name") << "\t" << text(x, "score") << "\t" << text(x, "grade")
              << "\t" << (list == "red" ? "红榜" : list == "black" ? "黑榜" : "-") << "\t" << text(x, "good_points")
              << "\t" << text(x, "bad_points") << "\t" << text(x, "records");
    // The petitions routed to the company's property branches (read from the engine's).
    const auto& pet = x.at("petitions").as_object();
    std::cout << "\t" << text(pet, "received");
    for (const char* k : {"closed_percent", "satisfied_percent", "overdue_percent"}) {
      const std::string v = text(pet, k);
      std::cout << "\t" << (v.empty() ? "-" : v + "%");
    }
    std::cout << "\n";
  }
  return std::cout.good() ? kExitOk : kExitUsage;
}

int periods(const Options& o) {
  auto r = civic::query_journal(o.db, "assessment", "periods", {}, o.min_seq);
  if (!r.ok()) return civic::fail("assessment periods", r.status());
  if (o.format == "json") {
    std::cout << json::serialize(*r) << "\n";
    return std::cout.good() ? kExitOk : kExitUsage;
  }
  std::cout << "考评期\t单位\t状态\t红榜\t黑榜\t移出黑榜\n";
  for (const auto& i : r->as_object().at("periods").as_array()) {
    const auto& x = i.as_object();
    std::cout << text(x, "period") << "\t" << text(x, "unit") << "\t" << text(x, "state_zh") << "\t" << text(x, "red")
              << "\t" << text(x, "black") << "\t" << text(x, "released") << "\n";
  }
  return std::cout.good() ? kExitOk : kExitUsage;
}

void add_assessment(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("assessment", "Assessment 考评 of property companies: credit scores, 红黑榜");
  cmd->require_subcommand(1);
  auto* l = cmd->add_subcommand("list", "Companies with score, grade and list (red/black) over a period or all records");
  l->add_option("DB", o->db, "journal file (SQLite)")->required();
  l->add_option("--period", o->period, "a period label of the policy's kind, e.g. 2026Q3");
  l->add_option("--unit", o->unit, "companies registered at this unit or below (default: the district)");
  l->add_option("--format", o->format, "table | json")->check(CLI::IsMember({"table", "json"}));
  add_min_seq_options(l, o->min_seq);
  l->callback([o, &exit_code] { exit_code = list(*o); });
  auto* p = cmd->add_subcommand("periods", "Assessment periods and the lists each published");
  p->add_option("DB", o->db, "journal file (SQLite)")->required();
  p->add_option("--format", o->format, "table | json")->check(CLI::IsMember({"table", "json"}));
  add_min_seq_options(p, o->min_seq);
  p->callback([o, &exit_code] { exit_code = periods(*o); });
  civic::add_table_commands(cmd, assessment_table(), exit_code);
}

}  // namespace

JICENG_CLI_COMMAND("assessment", add_assessment);

}  // namespace jiceng::cli
