// whatif.html: the what-if comparison as one Chinese page with an inline SVG chart of the
// largest changes (no external resources, so it opens offline).
#include "report/whatif_html.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jiceng/petition.hpp"
#include "report/text.hpp"

namespace jiceng::report {
namespace {

namespace json = boost::json;

const json::value* at(const json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}
const json::value& path(const json::value& v, std::initializer_list<std::string_view> keys) {
  static const json::value null;
  const json::value* cur = &v;
  for (auto k : keys) {
    cur = at(*cur, k);
    if (cur == nullptr) return null;
  }
  return *cur;
}
std::string text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return absl::StrCat(v.get_int64());
  if (v.is_uint64()) return absl::StrCat(v.get_uint64());
  if (v.is_double()) return absl::StrFormat("%g", v.get_double());
  return "—";
}
double number(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return 0;
}
std::string percent(const json::value& v) {
  return v.is_number() ? absl::StrFormat("%.1f%%", number(v) * 100) : std::string("—");
}
// A change in percentage points, signed.
std::string points(const json::value& v) {
  return v.is_number() ? absl::StrFormat("%+.1f 个百分点", number(v) * 100) : std::string("—");
}
std::string signed_count(const json::value& v) {
  return v.is_number() ? absl::StrFormat("%+d", static_cast<long long>(number(v))) : std::string("—");
}

std::string_view rate_zh(std::string_view metric) {
  if (metric == "composite") return "综合成绩";
  if (metric == "completion") return "办结率";
  if (metric == "on_time") return "按时办结率";
  if (metric == "overdue") return "超期率";
  if (metric == "escalation") return "上报率";
  if (metric == "reopen") return "重办率";
  if (metric == "satisfaction") return "满意率";
  return metric;
}

// A petition command by the petition table's Chinese name (e.g. "request_extension" → 申请延期).
std::string command_zh(const std::string& command) {
  const std::optional<EventType> e = parse_event_type(command);
  return e ? std::string(chinese_name(*e)) : command;
}

std::vector<std::string> count_row(std::string label, const json::value& d) {
  return {std::move(label), text(path(d, {"baseline"})), text(path(d, {"variant"})), signed_count(path(d, {"delta"}))};
}
// Fen as yuan with two decimals, signed when asked.
std::string yuan(const json::value& v, bool sign) {
  if (!v.is_number()) return "—";
  const long long fen = static_cast<long long>(number(v));
  const unsigned long long a = fen < 0 ? 0ULL - static_cast<unsigned long long>(fen) : static_cast<unsigned long long>(fen);
  return absl::StrFormat("%s%llu.%02llu 元", fen < 0 ? "-" : (sign ? "+" : ""), a / 100, a % 100);
}
std::vector<std::string> money_row(std::string label, const json::value& d) {
  return {std::move(label), yuan(path(d, {"baseline"}), false), yuan(path(d, {"variant"}), false),
          yuan(path(d, {"delta"}), true)};
}
std::vector<std::string> rate_row(std::string label, const json::value& d) {
  return {std::move(label), percent(path(d, {"baseline"})), percent(path(d, {"variant"})), points(path(d, {"delta"}))};
}

// Horizontal bars of the largest changes, centred on zero (up to the right, down to the left).
std::string chart(const json::array& changes) {
  const int row = 24, left = 300, width = 860, top = 30, half = (width - left - 20) / 2;
  const int height = top + row * static_cast<int>(changes.size()) + 20;
  double most = 0;
  for (const auto& c : changes) most = std::max(most, std::abs(number(path(c, {"delta"}))));
  if (most == 0) most = 1;
  std::string s = absl::StrFormat(
      "<svg id=\"chart-changes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "role=\"img\" aria-label=\"变化最大的指标\">",
      width, height, width, height);
  const int zero = left + half;
  absl::StrAppend(&s, "<text x=\"", zero, "\" y=\"16\" text-anchor=\"middle\">0（变体 − 基线，百分点）</text>",
                  "<line x1=\"", zero, "\" y1=\"", top - 6, "\" x2=\"", zero, "\" y2=\"", height - 14,
                  "\" stroke=\"#888\"/>");
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const json::value& c = changes[i];
    const double d = number(path(c, {"delta"}));
    const int y = top + row * static_cast<int>(i);
    const int len = static_cast<int>(std::lround(half * std::abs(d) / most));
    const int x = d >= 0 ? zero : zero - len;
    const std::string label = text(path(c, {"name"})) + " · " + std::string(rate_zh(text(path(c, {"metric"}))));
    absl::StrAppend(&s, "<text x=\"", left - 8, "\" y=\"", y + 16, "\" text-anchor=\"end\">", html_escape(label),
                    "</text><rect class=\"bar\" x=\"", x, "\" y=\"", y + 4, "\" width=\"", std::max(len, 1),
                    "\" height=\"16\" fill=\"", d >= 0 ? "#2e86c1" : "#c0392b", "\"/><text x=\"",
                    d >= 0 ? x + len + 4 : x - 4, "\" y=\"", y + 16, "\" text-anchor=\"", d >= 0 ? "start" : "end",
                    "\">", html_escape(absl::StrFormat("%+.1f", d * 100)), "</text>");
  }
  return s + "</svg>\n";
}

}  // namespace

absl::StatusOr<std::string> render_whatif_html(const std::string& whatif_json) {
  boost::system::error_code ec;
  const json::value doc = json::parse(whatif_json, ec);
  if (ec || !doc.is_object() || at(doc, "baseline") == nullptr || at(doc, "variant") == nullptr ||
      at(doc, "diff") == nullptr) {
    return absl::InvalidArgumentError("not a what-if document (an object with baseline, variant and diff)");
  }
  const json::value& d = path(doc, {"diff"});
  const std::string base = text(path(d, {"policy", "baseline"})), var = text(path(d, {"policy", "variant"}));
  std::string o = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>政策推演 — ", html_escape(var),
      " 对比 ", html_escape(base),
      "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
      "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}td:first-child,th:first-child{text-align:left}"
      "th{background:#f3f3f3}svg text{font-size:12px}</style></head><body>\n");
  absl::StrAppend(&o, "<h1>政策推演：", html_escape(var), " 对比 ", html_escape(base), "</h1>\n<p>统计周期 ",
                  html_escape(text(path(d, {"period"}))),
                  "。同一份日志里记录的命令在两个新引擎里重放：基线用记录时的政策，变体用新政策；"
                  "两边的时钟各按自己的期限运行。</p>\n");

  std::vector<std::vector<std::string>> rows{{"指标", "基线", "变体", "变化"}};
  rows.push_back(count_row("登记诉求", path(d, {"totals", "counts", "received"})));
  rows.push_back(count_row("办结", path(d, {"totals", "counts", "done"})));
  rows.push_back(count_row("按时办结", path(d, {"totals", "counts", "on_time"})));
  rows.push_back(count_row("超期诉求（错过期限）", path(d, {"deadlines_missed"})));
  rows.push_back(count_row("上报诉求", path(d, {"escalations"})));
  rows.push_back(count_row("被拒绝的命令", path(d, {"refusals"})));
  rows.push_back(count_row("偏离的诉求", path(d, {"diverged"})));
  for (std::string_view r : {"composite", "completion", "on_time", "overdue", "escalation"}) {
    rows.push_back(rate_row(std::string(rate_zh(r)), path(d, {"totals", "rates", r})));
  }
  absl::StrAppend(&o, "<h2>概况</h2>\n", html_table(rows));

  const json::value& changes = path(d, {"largest_changes"});
  if (changes.is_array() && !changes.as_array().empty()) {
    absl::StrAppend(&o, "<h2>变化最大的指标（街道、社区）</h2>\n", chart(changes.as_array()));
    std::vector<std::vector<std::string>> t{{"单位", "层级", "指标", "基线", "变体", "变化"}};
    for (const auto& c : changes.as_array()) {
      t.push_back({text(path(c, {"name"})), number(path(c, {"level"})) == 1 ? "街道" : "社区",
                   std::string(rate_zh(text(path(c, {"metric"})))), percent(path(c, {"baseline"})),
                   percent(path(c, {"variant"})), points(path(c, {"delta"}))});
    }
    o += html_table(t);
  } else {
    o += "<h2>变化最大的指标</h2>\n<p>街道和社区的各项比率没有变化。</p>\n";
  }

  const json::value& streets = path(d, {"streets"});
  if (streets.is_array() && !streets.as_array().empty()) {
    // A street below a side's ranking minimum has no rank there ("—") and is listed with
    // its petitions, so the reader sees why.
    std::vector<std::vector<std::string>> t{{"街道", "登记诉求（基线）", "排名（基线）", "排名（变体）", "综合成绩变化",
                                             "按时办结率变化", "超期诉求变化", "上报诉求变化"}};
    for (const auto& s : streets.as_array()) {
      t.push_back({text(path(s, {"name"})), text(path(s, {"counts", "received", "baseline"})),
                   text(path(s, {"rank", "baseline"})), text(path(s, {"rank", "variant"})),
                   points(path(s, {"rates", "composite", "delta"})), points(path(s, {"rates", "on_time", "delta"})),
                   signed_count(path(s, {"counts", "ever_overdue", "delta"})),
                   signed_count(path(s, {"counts", "escalated", "delta"}))});
    }
    const json::value& min = path(d, {"ranking_min_received"});
    const std::string lo = text(path(min, {"baseline"})), hi = text(path(min, {"variant"}));
    absl::StrAppend(&o, "<h2>街道排名</h2>\n<p id=\"ranking-minimum\">排名门槛：统计期内登记诉求不少于 ", html_escape(lo),
                    " 件", lo == hi ? "" : absl::StrCat("（基线政策；变体政策 ", html_escape(hi), " 件）"),
                    "的街道参加排名；未达门槛的不排名（排名栏为“—”）。变化最大的指标也只取两边都参加排名的单位。</p>\n",
                    html_table(t));
  }

  // The hosted loops' outcomes: commands refused, items per state (the states either side
  // holds items in), and the service fund's money.
  const json::value& loops = path(d, {"loops"});
  if (loops.is_object() && !loops.as_object().empty()) {
    std::vector<std::vector<std::string>> t{{"环节", "项", "基线", "变体", "变化"}};
    auto add = [&t](const std::string& loop, std::vector<std::string> r) {
      r.insert(r.begin(), loop);
      t.push_back(std::move(r));
    };
    for (const auto& kv : loops.as_object()) {
      const json::value& l = kv.value();
      const std::string name = path(l, {"zh"}).is_string() ? text(path(l, {"zh"})) : std::string(kv.key().data(), kv.key().size());
      add(name, count_row("重放的命令", path(l, {"commands"})));
      add(name, count_row("被拒绝的命令", path(l, {"refused"})));
      const json::value& states = path(l, {"items_by_state"});
      if (states.is_object()) {
        for (const auto& st : states.as_object()) {
          if (number(path(st.value(), {"baseline"})) == 0 && number(path(st.value(), {"variant"})) == 0) continue;
          add(name, count_row("状态：" + text(path(st.value(), {"zh"})), st.value()));
        }
      }
      if (at(l, "spent_fen") != nullptr) {
        add(name, money_row("下达额度", path(l, {"allocated_fen"})));
        add(name, money_row("已支出", path(l, {"spent_fen"})));
      }
    }
    absl::StrAppend(&o, "<h2>其他环节的结果</h2>\n<p>有记录命令的各环节（项目、经费等）在两边结束时的情况："
                    "各状态的事项数、被拒绝的命令。</p>\n",
                    html_table(t));
  }

  constexpr std::size_t kListed = 100;
  const json::value& diverged = path(doc, {"variant", "diverged"});
  if (diverged.is_array() && !diverged.as_array().empty()) {
    const auto& a = diverged.as_array();
    std::vector<std::vector<std::string>> t{{"诉求", "第一条被拒命令", "时间", "执行人", "原因", "被拒命令数"}};
    for (std::size_t i = 0; i < a.size() && i < kListed; ++i) {
      const json::value& f = path(a[i], {"first_refused"});
      t.push_back({text(path(a[i], {"petition"})), command_zh(text(path(f, {"command"}))), text(path(f, {"time"})),
                   text(path(f, {"actor"})), text(path(f, {"reason"})), text(path(a[i], {"refused_commands"}))});
    }
    absl::StrAppend(&o, "<h2>变体中偏离的诉求</h2>\n<p>共 ", a.size(), " 件",
                    a.size() > kListed ? absl::StrCat("，列出前 ", kListed, " 件") : std::string(),
                    "：变体拒绝了记录中的某条命令（期限、上限或分派改变），该诉求此后与记录不同；重放继续。</p>\n",
                    html_table(t));
  } else {
    o += "<h2>变体中偏离的诉求</h2>\n<p>没有：变体接受了记录中的每条命令。</p>\n";
  }
  absl::StrAppend(&o, "<p>基线重放中被拒绝的命令：", text(path(doc, {"baseline", "refusals"})),
                  " 条（重放方法本身与原运行的差别：两边的时钟都按各自的期限运行，而原运行按自己的节奏）。</p>\n</body></html>\n");
  return o;
}

}  // namespace jiceng::report
