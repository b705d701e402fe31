// `jiceng commitments …`: the public commitments loop (承诺) of a journal — the public board
// (公开栏) with the share ticked off (销号率), the yearly reviews (述职评议) and the offices
// they ended (职务终止, two consecutive 不称职: 居委会组织法 2026 第三十七条 / 村委会组织法 2026
// 第三十八条), and the loop's diagram and permission matrix from its table.
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
  std::string db, unit, member, format = "table";
  int term_start = 0, year = 0;
  MinSeqOptions min_seq;
};

int print_json(const json::value& v) {
  std::cout << json::serialize(v) << "\n";
  return std::cout.good() ? kExitOk : kExitUsage;
}

int board(const Options& o) {
  json::object p;
  if (!o.unit.empty()) p["unit"] = o.unit;
  if (o.term_start != 0) p["term_start"] = o.term_start;
  auto r = civic::query_journal(o.db, "commitments", "board", p, o.min_seq);
  if (!r.ok()) return civic::fail("commitments board", r.status());
  if (o.format == "json") return print_json(*r);
  const auto& b = r->as_object();
  std::cout << "承诺公开栏 (public commitments)\n单位\t公开\t已销号\t逾期\t未兑现\t撤回\t销号率%\n";
  for (const auto& u : b.at("units").as_array()) {
    const auto& x = u.as_object();
    std::cout << text(x, "unit_name") << " (" << text(x, "unit") << ")\t" << text(x, "published") << "\t"
              << text(x, "done") << "\t" << text(x, "overdue") << "\t" << text(x, "not_fulfilled") << "\t"
              << text(x, "withdrawn") << "\t" << text(x, "done_percent") << "\n";
  }
  const auto& t = b.at("totals").as_object();
  std::cout << "合计\t" << text(t, "published") << "\t" << text(t, "done") << "\t" << text(t, "overdue") << "\t"
            << text(t, "not_fulfilled") << "\t" << text(t, "withdrawn") << "\t" << text(t, "done_percent") << "\n";
  for (const auto& i : b.at("items").as_array()) {
    const auto& x = i.as_object();
    if (text(x, "state") == "done" || text(x, "state") == "in_progress" || text(x, "state") == "published") continue;
    std::cout << text(x, "id") << "\t" << text(x, "unit_name") << "\t" << text(x, "state_zh") << "\t" << text(x, "text");
    if (!text(x, "explanation").empty()) std::cout << "\t说明: " << text(x, "explanation");
    if (!text(x, "withdraw_reason").empty()) std::cout << "\t撤回理由: " << text(x, "withdraw_reason");
    std::cout << "\n";
  }
  return std::cout.good() ? kExitOk : kExitUsage;
}

int reviews(const Options& o) {
  json::object p;
  if (!o.unit.empty()) p["unit"] = o.unit;
  if (!o.member.empty()) p["member"] = o.member;
  if (o.year != 0) p["year"] = o.year;
  auto r = civic::query_journal(o.db, "commitments", "reviews", p, o.min_seq);
  if (!r.ok()) return civic::fail("commitments reviews", r.status());
  if (o.format == "json") return print_json(*r);
  std::cout << "述职评议 (yearly reviews)\n编号\t成员\t职务\t年度\t组织评\t党员评\t群众评\t结果\t连续不称职\t状态\n";
  for (const auto& i : r->as_object().at("reviews").as_array()) {
    const auto& x = i.as_object();
    const auto& ratings = x.at("ratings").as_object();
    auto grade = [&](const char* k) {
      const auto* v = ratings.if_contains(k);
      return v ? text(v->as_object(), "grade") : std::string("-");
    };
    std::cout << text(x, "id") << "\t" << text(x, "member_name") << " (" << text(x, "member") << ")\t"
              << text(x, "office") << "\t" << text(x, "year") << "\t" << grade("organization") << "\t"
              << grade("party_members") << "\t" << grade("residents") << "\t" << text(x, "grade") << "\t"
              << text(x, "consecutive_unfit") << "\t" << text(x, "state_zh") << "\n";
  }
  // The yearly cadence's findings: a year that ended without a member's review.
  const auto& missed = r->as_object().at("missed").as_array();
  if (!missed.empty()) std::cout << "未按期评议 (a year without the review)\n成员\t单位\t职务\t年度\t上次评议\n";
  for (const auto& m : missed) {
    const auto& x = m.as_object();
    std::cout << text(x, "member_name") << " (" << text(x, "member") << ")\t" << text(x, "unit") << "\t"
              << text(x, "office") << "\t" << text(x, "year") << "\t" << text(x, "last_review") << "\n";
  }
  return std::cout.good() ? kExitOk : kExitUsage;
}

int offices(const Options& o) {
  auto r = civic::query_journal(o.db, "commitments", "offices", {}, o.min_seq);
  if (!r.ok()) return civic::fail("commitments offices", r.status());
  if (o.format == "json") return print_json(*r);
  std::cout << "职务终止 (offices ended by two consecutive 不称职)\n成员\t单位\t职务\t评议年度\t评议\n";
  for (const char* list : {"ended", "ending"}) {
    for (const auto& i : r->as_object().at(list).as_array()) {
      const auto& x = i.as_object();
      std::cout << text(x, "member_name") << " (" << text(x, "member") << ")\t" << text(x, "unit_name") << "\t"
                << text(x, "office") << "\t" << text(x, "year") << "\t" << text(x, "review")
                << (std::string_view(list) == "ending" ? "\t(the clock ends it at its next tick)" : "") << "\n";
    }
  }
  return std::cout.good() ? kExitOk : kExitUsage;
}

void add_commitments(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("commitments", "Public commitments 承诺 and yearly reviews 述职评议 of a journal");
  cmd->require_subcommand(1);
  auto common = [&](CLI::App* sub) {
    sub->add_option("DB", o->db, "journal file (SQLite)")->required();
    sub->add_option("--format", o->format, "table | json")->check(CLI::IsMember({"table", "json"}));
    add_min_seq_options(sub, o->min_seq);
  };
  auto* b = cmd->add_subcommand("board", "The public board: commitments per unit, ticked off, overdue, not fulfilled");
  common(b);
  b->add_option("--unit", o->unit, "a unit whose subtree to show");
  b->add_option("--term-start", o->term_start, "only the lists of the term starting that year");
  b->callback([o, &exit_code] { exit_code = board(*o); });
  auto* rv = cmd->add_subcommand("reviews", "Yearly reviews with the three ratings and the result");
  common(rv);
  rv->add_option("--unit", o->unit, "a unit whose subtree to show");
  rv->add_option("--member", o->member, "one member's reviews");
  rv->add_option("--year", o->year, "one year's reviews");
  rv->callback([o, &exit_code] { exit_code = reviews(*o); });
  auto* of = cmd->add_subcommand("offices", "Offices ended by two consecutive 不称职 (居37 / 村38)");
  common(of);
  of->callback([o, &exit_code] { exit_code = offices(*o); });
  civic::add_table_commands(cmd, commitments_table(), exit_code);
}

}  // namespace

JICENG_CLI_COMMAND("commitments", add_commitments);

}  // namespace jiceng::cli
