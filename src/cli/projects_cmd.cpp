// `jiceng projects …` and `jiceng fund …`: the projects loop (项目) and the community
// service fund (为民服务专项经费) of a journal — the project board, a 大党委's four lists,
// the findings, the 一村一策 campaign, the fund's yearly statement, ledger and disclosure
// findings — as a terminal table, JSON, CSV
// or a self-contained HTML page; and each loop's diagram and permission matrix, generated
// from its transition table.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "boost/json.hpp"
#include "cli/civic_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/loop.hpp"

namespace jiceng::cli {
namespace {
namespace json = boost::json;

struct Options {
  std::string db, unit, kind, state, account, format = "table", out, start, as_of;
  std::vector<std::string> villages;
  int year = 0;
  MinSeqOptions min_seq;
};

using civic::fail;

int emit(std::string_view cmd, const std::string& text, const std::string& out) {
  if (out.empty()) {
    std::cout << text;
    return std::cout.good() ? kExitOk : kExitUsage;
  }
  std::ofstream f(out, std::ios::binary);
  f << text;
  if (!f.good()) return fail(cmd, absl::UnavailableError("cannot write " + out));
  return kExitOk;
}

std::string str(const json::value* v) {
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

// A table: a title, headers and rows, rendered as text, CSV or HTML.
struct Table {
  std::string title;
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

// Display width: CJK characters take two columns.
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += n >= 3 ? 2 : 1;
    i += n;
  }
  return w;
}

std::string text_table(const Table& t) {
  std::vector<std::size_t> w(t.headers.size(), 0);
  for (std::size_t i = 0; i < t.headers.size(); ++i) w[i] = width(t.headers[i]);
  for (const auto& r : t.rows)
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  std::string out = t.title + "\n";
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(w[i] - width(cells[i]) + 2, ' ');
    }
    out += "\n";
  };
  line(t.headers);
  for (const auto& r : t.rows) line(r);
  return out;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

std::string csv_table(const Table& t) {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_cell(cells[i]);
    out += "\n";
  };
  line(t.headers);
  for (const auto& r : t.rows) line(r);
  return out;
}

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string html_page(const std::string& title, const std::vector<Table>& tables) {
  std::string o = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + esc(title) +
                  "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:"
                  "2em}td,th{border:1px solid #ccc;padding:4px 8px}th{background:#f3f3f3}</style></head><body>\n<h1>" +
                  esc(title) + "</h1>\n";
  for (const auto& t : tables) {
    o += "<h2>" + esc(t.title) + "</h2>\n<table><tr>";
    for (const auto& h : t.headers) o += "<th>" + esc(h) + "</th>";
    o += "</tr>\n";
    for (const auto& r : t.rows) {
      o += "<tr>";
      for (const auto& c : r) o += "<td>" + esc(c) + "</td>";
      o += "</tr>\n";
    }
    o += "</table>\n";
  }
  return o + "</body></html>\n";
}

std::string render(const std::string& title, const std::vector<Table>& tables, const std::string& raw_json,
                   const std::string& format) {
  if (format == "json") return raw_json + "\n";
  if (format == "html") return html_page(title, tables);
  std::string out;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (format == "csv") {
      if (tables.size() > 1) out += "# " + tables[i].title + "\n";
      out += csv_table(tables[i]);
    } else {
      out += (i ? "\n" : "") + text_table(tables[i]);
    }
  }
  return out;
}

std::string params(std::initializer_list<std::pair<const char*, std::string>> kv) {
  json::object o;
  for (const auto& [k, v] : kv)
    if (!v.empty()) o[k] = v;
  return json::serialize(o);
}

// The fund queries' `unit` and `year` parameters from the options.
std::string unit_year(const Options& o) {
  json::object q;
  if (!o.unit.empty()) q["unit"] = o.unit;
  if (o.year > 0) q["year"] = o.year;
  return json::serialize(q);
}

// A table whose columns are the fields of each object of `answer[list]`, as text.
Table table_of(std::string title, const std::string& answer, std::string_view list, std::vector<std::string> fields) {
  Table t{std::move(title), std::move(fields), {}};
  // The parsed answer must outlive the loop: a range-for keeps only the array's reference.
  const json::value doc = json::parse(answer);
  for (const auto& v : doc.as_object().at(json::string_view(list.data(), list.size())).as_array()) {
    std::vector<std::string> row;
    for (const auto& f : t.headers) row.push_back(str(v.as_object().if_contains(f)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

int board(const Options& o) {
  auto r = civic::query_journal_text(o.db, "projects", "board", params({{"unit", o.unit}, {"kind", o.kind}, {"state", o.state}}), o.min_seq);
  if (!r.ok()) return fail("projects board", r.status());
  Table t = table_of("项目看板 project board", *r, "projects",
                     {"id", "kind", "title", "unit", "street", "lead_unit", "state_zh", "progress", "due",
                      "missed_reviews", "matter"});
  t.headers[5] = "lead";
  t.headers[6] = "state";
  return emit("projects board", render("项目看板", {t}, *r, o.format), o.out);
}

int four_lists(const Options& o) {
  auto r = civic::query_journal_text(o.db, "projects", "four_lists", params({{"unit", o.unit}}), o.min_seq);
  if (!r.ok()) return fail("projects four-lists", r.status());
  const json::object l = json::parse(*r).as_object();
  Table needs{"需求清单 needs", {"kind", "need", "projects", "answered"}, {}};
  for (const auto& n : l.at("needs").as_array()) {
    const auto& x = n.as_object();
    needs.rows.push_back({str(x.if_contains("kind")), str(x.if_contains("ref")), str(x.if_contains("projects")),
                          x.at("answered").as_bool() ? "yes" : "no"});
  }
  Table res{"资源清单 resources", {"month", "by", "what", "value", "project"}, {}};
  for (const auto& n : l.at("resources").as_array()) {
    const auto& x = n.as_object();
    res.rows.push_back({str(x.if_contains("month")), str(x.if_contains("by_name")), str(x.if_contains("what")),
                        str(x.if_contains("value")), str(x.if_contains("project"))});
  }
  Table prj{"项目清单 projects", {"id", "title", "state", "progress", "due"}, {}};
  for (const auto& n : l.at("projects").as_array()) {
    const auto& x = n.as_object();
    prj.rows.push_back({str(x.if_contains("id")), str(x.if_contains("title")), str(x.if_contains("state_zh")),
                        str(x.if_contains("progress")), str(x.if_contains("due"))});
  }
  Table resp{"责任清单 responsibilities", {"unit", "name", "leads", "joins"}, {}};
  for (const auto& n : l.at("responsibilities").as_array()) {
    const auto& x = n.as_object();
    resp.rows.push_back({str(x.if_contains("unit")), str(x.if_contains("name")), str(x.if_contains("leads")),
                         str(x.if_contains("joins"))});
  }
  return emit("projects four-lists", render(str(l.if_contains("name")) + " 四项清单", {needs, res, prj, resp}, *r, o.format),
              o.out);
}

int findings(const Options& o) {
  auto r = civic::query_journal_text(o.db, "projects", "findings", "", o.min_seq);
  if (!r.ok()) return fail("projects findings", r.status());
  Table t{"项目问题 findings", {"project", "unit", "code", "due"}, {}};
  // The parsed answer must outlive the loop: a range-for keeps only the array's reference.
  const json::value answer = json::parse(*r);
  for (const auto& f : answer.as_object().at("findings").as_array()) {
    const auto& x = f.as_object();
    t.rows.push_back({str(x.if_contains("project")), str(x.if_contains("unit")), str(x.if_contains("code")),
                      str(x.if_contains("due"))});
  }
  const int rc = emit("projects findings", render("项目问题", {t}, *r, o.format), o.out);
  return rc != kExitOk ? rc : t.rows.empty() ? kExitOk : kExitProblems;
}

// 一村一策: each village's tier, items and the campaign's two checks as of a day.
int village_campaign(const Options& o) {
  json::array ids;
  for (const auto& v : o.villages) ids.push_back(json::string(v));
  const std::string p = json::serialize(json::object{{"villages", std::move(ids)}, {"start", o.start}, {"as_of", o.as_of}});
  auto r = civic::query_journal_text(o.db, "projects", "village_campaign", p, o.min_seq);
  if (!r.ok()) return fail("projects village-campaign", r.status());
  const json::value answer = json::parse(*r);
  const auto& a = answer.as_object();
  Table head{"一村一策 campaign", {"start", "as_of", "plan_by", "cover_by", "villages", "planned", "covered", "failing"},
             {{str(a.if_contains("start")), str(a.if_contains("as_of")), str(a.if_contains("plan_by")),
               str(a.if_contains("cover_by")), str(a.if_contains("villages")), str(a.if_contains("planned")),
               str(a.if_contains("covered")), str(a.if_contains("failing"))}}};
  Table rows{"各村 villages", {"village", "tier", "items", "done", "plan", "planned_on", "coverage", "covered_on"}, {}};
  for (const auto& v : a.at("rows").as_array()) {
    const auto& x = v.as_object();
    rows.rows.push_back({str(x.if_contains("village")), str(x.if_contains("tier")), str(x.if_contains("items")),
                         str(x.if_contains("done")), str(x.if_contains("plan")), str(x.if_contains("planned_on")),
                         str(x.if_contains("coverage")), str(x.if_contains("covered_on"))});
  }
  const int rc = emit("projects village-campaign", render("一村一策", {head, rows}, *r, o.format), o.out);
  return rc != kExitOk ? rc : a.at("failing").as_int64() == 0 ? kExitOk : kExitProblems;
}

// The fund's disclosure findings: notices taken down early, spends never posted.
int fund_findings(const Options& o) {
  auto r = civic::query_journal_text(o.db, "fund", "findings", unit_year(o), o.min_seq);
  if (!r.ok()) return fail("fund findings", r.status());
  const Table t = table_of("经费公示问题 findings", *r, "findings",
                           {"account", "community", "year", "spend", "code", "on", "last_day", "reason"});
  const int rc = emit("fund findings", render("经费公示问题", {t}, *r, o.format), o.out);
  return rc != kExitOk ? rc : t.rows.empty() ? kExitOk : kExitProblems;
}

int statement(const Options& o) {
  std::string p;
  if (!o.account.empty()) {
    p = params({{"item", o.account}});
  } else if (!o.unit.empty() && o.year > 0) {
    json::object q{{"unit", o.unit}, {"year", o.year}};
    p = json::serialize(q);
  } else {
    return fail("fund statement", absl::InvalidArgumentError("give --account F00000001, or --unit and --year"));
  }
  auto r = civic::query_journal_text(o.db, "fund", "statement", p, o.min_seq);
  if (!r.ok()) return fail("fund statement", r.status());
  const json::object s = json::parse(*r).as_object();
  Table head{"为民服务专项经费年度收支 yearly statement", {"account", "community", "name", "year", "allocation", "spent", "balance", "state"},
             {{str(s.if_contains("account")), str(s.if_contains("community")), str(s.if_contains("name")),
               str(s.if_contains("year")), str(s.if_contains("allocation")), str(s.if_contains("spent")),
               str(s.if_contains("balance")), str(s.if_contains("state_zh"))}}};
  Table cats{"按类别 by category", {"category", "zh", "amount", "spends"}, {}};
  for (const auto& c : s.at("by_category").as_array()) {
    const auto& x = c.as_object();
    cats.rows.push_back({str(x.if_contains("category")), str(x.if_contains("zh")), str(x.if_contains("amount")),
                         str(x.if_contains("spends"))});
  }
  Table spends{"支出明细 spends", {"n", "on", "project", "decision", "category", "amount", "purpose", "notice", "last_day"}, {}};
  for (const auto& c : s.at("spend_list").as_array()) {
    const auto& x = c.as_object();
    const json::value* d = x.if_contains("disclosure");  // the spend's own notice (公示)
    spends.rows.push_back({str(x.if_contains("n")), str(x.if_contains("on")), str(x.if_contains("project")),
                           str(x.if_contains("decision")), str(x.if_contains("category")), str(x.if_contains("amount")),
                           str(x.if_contains("purpose")), d ? str(d->as_object().if_contains("state")) : "",
                           d ? str(d->as_object().if_contains("last_day")) : ""});
  }
  return emit("fund statement", render("为民服务专项经费年度收支", {head, cats, spends}, *r, o.format), o.out);
}

int ledger(const Options& o) {
  auto r = civic::query_journal_text(o.db, "fund", "ledger", unit_year(o), o.min_seq);
  if (!r.ok()) return fail("fund ledger", r.status());
  Table t = table_of("为民服务专项经费台账 ledger", *r, "accounts",
                     {"account", "community", "name", "year", "allocation", "spent", "balance", "state_zh"});
  t.headers.back() = "state";
  return emit("fund ledger", render("为民服务专项经费台账", {t}, *r, o.format), o.out);
}

// The loop's diagram or permission matrix, from the table a fresh engine hosts.
int artefact(std::string_view loop, bool diagram, const std::string& out) {
  auto e = Engine::create("national");
  if (!e.ok()) return fail(loop, e.status());
  const LoopTable* t = (*e)->loop_table(loop);
  if (t == nullptr) return fail(loop, absl::NotFoundError(std::string(loop) + ": not hosted by this library"));
  return emit(loop, diagram ? loop_diagram_dot(*t) : loop_permission_matrix(*t), out);
}

void formats(CLI::App* c, Options& o) {
  c->add_option("--format", o.format, "table | json | csv | html")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}))
      ->capture_default_str();
  c->add_option("--out", o.out, "write to this file instead of stdout");
  add_min_seq_options(c, o.min_seq);
}

void add_projects(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("projects", "Projects 项目 (实事项目, 微实事, 一村一策, 跨域项目) of a journal");
  cmd->require_subcommand(1);
  auto* b = cmd->add_subcommand("board", "the project board: state, progress, deadline per project");
  b->add_option("DB", o->db, "journal file (SQLite)")->required();
  b->add_option("--unit", o->unit, "only projects in this unit's subtree");
  b->add_option("--kind", o->kind, "practical | micro | village_plan | cross_area");
  b->add_option("--state", o->state, "only projects in this state");
  formats(b, *o);
  b->callback([o, &exit_code] { exit_code = board(*o); });
  auto* l = cmd->add_subcommand("four-lists", "a 大党委's four lists: needs, resources, projects, responsibilities");
  l->add_option("DB", o->db, "journal file (SQLite)")->required();
  l->add_option("--unit", o->unit, "the joint committee (大党委) id")->required();
  formats(l, *o);
  l->callback([o, &exit_code] { exit_code = four_lists(*o); });
  auto* f = cmd->add_subcommand("findings", "missed periodic reviews, overdue projects, late completions (exit 1 if any)");
  f->add_option("DB", o->db, "journal file (SQLite)")->required();
  formats(f, *o);
  f->callback([o, &exit_code] { exit_code = findings(*o); });
  auto* v = cmd->add_subcommand("village-campaign",
                                 "一村一策: each village's tier and items, planned within a year, covered by year two (exit 1 if failing)");
  v->add_option("DB", o->db, "journal file (SQLite)")->required();
  v->add_option("--village", o->villages, "a village's unit id (repeat for each village of the campaign)")->required();
  v->add_option("--start", o->start, "the campaign's first day, YYYY-MM-DD")->required();
  v->add_option("--as-of", o->as_of, "the day to judge on, YYYY-MM-DD")->required();
  formats(v, *o);
  v->callback([o, &exit_code] { exit_code = village_campaign(*o); });
  auto* d = cmd->add_subcommand("diagram", "Graphviz DOT of the projects loop, from its table");
  d->add_option("--out", o->out, "write to this file instead of stdout");
  d->callback([o, &exit_code] { exit_code = artefact("projects", true, o->out); });
  auto* m = cmd->add_subcommand("matrix", "permission matrix (role × scope per row), from its table");
  m->add_option("--out", o->out, "write to this file instead of stdout");
  m->callback([o, &exit_code] { exit_code = artefact("projects", false, o->out); });
}

void add_fund(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("fund", "The community service fund 为民服务专项经费 of a journal");
  cmd->require_subcommand(1);
  auto* s = cmd->add_subcommand("statement", "one account's yearly statement: allocation, spent, balance, spends");
  s->add_option("DB", o->db, "journal file (SQLite)")->required();
  s->add_option("--account", o->account, "account id, e.g. F00000001");
  s->add_option("--unit", o->unit, "the community (with --year)");
  s->add_option("--year", o->year, "the budget year (with --unit)");
  formats(s, *o);
  s->callback([o, &exit_code] { exit_code = statement(*o); });
  auto* l = cmd->add_subcommand("ledger", "every account: community, year, allocation, spent, balance");
  l->add_option("DB", o->db, "journal file (SQLite)")->required();
  l->add_option("--unit", o->unit, "only accounts in this unit's subtree");
  l->add_option("--year", o->year, "only this year");
  formats(l, *o);
  l->callback([o, &exit_code] { exit_code = ledger(*o); });
  auto* f = cmd->add_subcommand("findings", "spend notices taken down before 15 days, spends never posted (exit 1 if any)");
  f->add_option("DB", o->db, "journal file (SQLite)")->required();
  f->add_option("--unit", o->unit, "only accounts in this unit's subtree");
  f->add_option("--year", o->year, "only this year");
  formats(f, *o);
  f->callback([o, &exit_code] { exit_code = fund_findings(*o); });
  auto* d = cmd->add_subcommand("diagram", "Graphviz DOT of the fund loop, from its table");
  d->add_option("--out", o->out, "write to this file instead of stdout");
  d->callback([o, &exit_code] { exit_code = artefact("fund", true, o->out); });
  auto* m = cmd->add_subcommand("matrix", "permission matrix (role × scope per row), from its table");
  m->add_option("--out", o->out, "write to this file instead of stdout");
  m->callback([o, &exit_code] { exit_code = artefact("fund", false, o->out); });
}

}  // namespace

JICENG_CLI_COMMAND("projects", add_projects);
JICENG_CLI_COMMAND("fund", add_fund);

}  // namespace jiceng::cli
