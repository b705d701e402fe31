// The KPI report renderers (table, CSV, HTML) of the `jiceng report` command.
#include "report/kpi_render.hpp"

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/strings.hpp"
#include "kpi/kpi_internal.hpp"
#include "report/text.hpp"

namespace jiceng {

using kpi_detail::format_day;
using report::display_width;
using report::html_escape;
using report::html_table;

namespace {

std::string pct(const std::optional<double>& v) { return v ? report::format_percent(*v) : "—"; }
std::string num(const std::optional<std::int32_t>& v) { return v ? report::format_count(static_cast<std::uint64_t>(*v)) : "—"; }
std::string count(std::uint64_t v) { return report::format_count(v); }
std::string csv_rate(const std::optional<double>& v) { return v ? absl::StrFormat("%.6f", *v) : ""; }

using Rows = std::vector<std::vector<std::string>>;

/// Renders rows as aligned columns; column 0 left-aligned, the rest right-aligned.
std::string render_table(const Rows& rows) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows) {
    if (widths.size() < r.size()) widths.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], display_width(r[i]));
  }
  std::string out;
  for (std::size_t ri = 0; ri < rows.size(); ++ri) {
    const auto& r = rows[ri];
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string pad(widths[i] - display_width(r[i]), ' ');
      if (i > 0) out += "  ";
      out += i == 0 ? r[i] + pad : pad + r[i];
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
    if (ri == 0) {
      std::size_t total = 0;
      for (auto w : widths) total += w + 2;
      out += std::string(total > 2 ? total - 2 : 0, '-') + "\n";
    }
  }
  return out;
}

std::vector<std::string> summary_header() {
  // Short, for a terminal; the last two are 办结用时 in working days (the table's note says so).
  return {"单位", "登记", "办结", "响应率", "解决率", "满意率", "综合", "办结率", "按时率", "超期率", "重办率", "上报率",
          "用时中位", "用时P90"};
}
std::vector<std::string> summary_row(const std::string& label, const KpiReport& r) {
  const auto& x = r.rates;
  return {label,
          count(r.counts.received),
          count(r.counts.done),
          pct(x.response),
          pct(x.solve),
          pct(x.satisfaction),
          x.composite ? report::format_fixed(*x.composite * 100, 1) : "—",
          pct(x.completion),
          pct(x.on_time),
          pct(x.overdue),
          pct(x.reopen),
          pct(x.escalation),
          num(r.resolve_workdays_median),
          num(r.resolve_workdays_p90)};
}

std::string label_of(const KpiReport& r) { return r.unit.empty() ? r.unit_name : absl::StrCat(r.unit_name, " ", r.unit); }

/// "2024-03-01 至 2024-03-31"; an open bound reads 起 / 止 as far as the journal goes.
std::string period_zh(const KpiPeriod& p) {
  if (!p.from && !p.to) return "全部";
  return absl::StrCat(p.from ? format_day(*p.from) : "最早", " 至 ", p.to ? format_day(*p.to) : "最新");
}

// The ranked units under `header` with a first column `rank_head`; the months of the trend
// under `header` with its first cell `month_head`.
Rows ranking_rows(const KpiBundle& b, std::vector<std::string> header, const std::string& rank_head) {
  header.insert(header.begin(), rank_head);
  Rows rows{std::move(header)};
  for (const auto& e : b.ranking) {
    auto row = summary_row(label_of(e.report), e.report);
    row.insert(row.begin(), absl::StrCat(e.rank));
    rows.push_back(std::move(row));
  }
  return rows;
}
Rows trend_rows(const KpiBundle& b, std::vector<std::string> header, const std::string& month_head) {
  header[0] = month_head;
  Rows rows{std::move(header)};
  for (const auto& t : b.trend) rows.push_back(summary_row(absl::StrFormat("%04d-%02d", t.year, t.month), t.report));
  return rows;
}
Rows below_minimum_rows(const KpiBundle& b) {
  Rows rows{{"单位", "登记"}};
  for (const auto& r : b.below_minimum) rows.push_back({label_of(r), count(r.counts.received)});
  return rows;
}
std::string minimum_note(const KpiBundle& b) {
  return absl::StrCat("排名门槛：统计期内登记诉求不少于 ", count(b.ranking_min_received),
                      " 件的单位参加排名");
}
std::string below_note(const KpiBundle& b) {
  return absl::StrCat("未达门槛、不参加排名的单位 ", b.below_minimum.size(), " 个");
}
/// The last month's 办结率 counts petitions still open when the data end: say how many.
std::string last_month_note(const KpiBundle& b) {
  if (b.trend.empty()) return "";
  const KpiTrendPoint& t = b.trend.back();
  const KpiCounts& c = t.report.counts;
  if (c.accepted <= c.done) return "";
  return absl::StrFormat("注：%04d-%02d 的办结率按数据截止时计：该月受理的 %s 件中 %s 件尚未办结，多数仍在办理时限内。",
                         t.year, t.month, count(c.accepted), count(c.accepted - c.done));
}

Rows share_rows(const std::string& head, const std::vector<KpiShare>& shares,
                const std::function<std::string(const std::string&)>& name) {
  Rows rows{{head, "件数", "占比"}};
  for (const auto& s : shares) rows.push_back({name(s.key), count(s.count), pct(s.share)});
  return rows;
}

std::string render_text(const KpiBundle& b, const PetitionPolicy& policy) {
  const KpiReport& r = b.report;
  std::string out = absl::StrCat("考核报表 — ", label_of(r), " — 统计周期 ", period_zh(r.period), "\n",
                                 absl::StrFormat("综合成绩权重：响应 %g / 解决 %g / 满意 %g，基本满意系数 %g\n\n",
                                                 r.weights.response, r.weights.solve, r.weights.satisfaction,
                                                 r.weights.basic_satisfaction_factor));
  const auto& c = r.counts;
  out += render_table({{"计数", "件数"},
                       {"登记", count(c.received)},
                       {"受理", count(c.accepted)},
                       {"派单", count(c.dispatched)},
                       {"办结（含归档）", count(c.done)},
                       {"归档", count(c.closed)},
                       {"按时办结", count(c.on_time)},
                       {"超期办结", count(c.closed_late)},
                       {"超期未办结", count(c.open_past_deadline)},
                       {"有效回访", count(c.evaluated)},
                       {"不予受理 / 合并 / 撤回", absl::StrCat(count(c.rejected), " / ", count(c.merged), " / ", count(c.withdrawn))}});
  out += "\n";
  out += render_table({summary_header(), summary_row(label_of(r), r)});
  out += "（用时中位、用时P90：办结用时，工作日）\n";
  if (!r.category_shares.empty()) {
    out += "\n" + render_table(share_rows("类别", r.category_shares,
                                           [&](const std::string& k) { return policy.category_name(k); }));
  }
  if (!r.channel_shares.empty()) {
    out += "\n" + render_table(share_rows("渠道", r.channel_shares, report::channel_zh));
  }
  if (b.ranking_level >= 0) {
    out += absl::StrCat("\n排名（第 ", b.ranking_level, " 级单位，按综合成绩）\n", minimum_note(b), "\n");
    if (b.ranking.empty()) {
      out += "（无单位达到门槛）\n";
    } else {
      out += render_table(ranking_rows(b, summary_header(), "名次"));
    }
    if (!b.below_minimum.empty()) out += "\n" + below_note(b) + "\n" + render_table(below_minimum_rows(b));
  }
  if (!b.trend.empty()) {
    out += "\n月度趋势\n" + render_table(trend_rows(b, summary_header(), "月份"));
    if (std::string note = last_month_note(b); !note.empty()) out += note + "\n";
  }
  return out;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"') o += '"';
    o += ch;
  }
  return o + "\"";
}

std::string render_csv(const KpiBundle& b) {
  std::string out =
      "section,key,unit,unit_name,level,from,to,received,accepted,rejected,merged,withdrawn,dispatched,answered,done,"
      "closed,on_time,closed_late,open_past_deadline,ever_overdue,reopened,escalated,evaluated,contacted,solved,"
      "satisfied,basically_satisfied,response_rate,solve_rate,satisfaction_rate,composite,completion_rate,"
      "on_time_rate,overdue_rate,reopen_rate,escalation_rate,resolve_workdays_median,resolve_workdays_p90\n";
  auto line = [&](std::string_view section, std::string_view key, const KpiReport& r) {
    const auto& c = r.counts;
    const auto& x = r.rates;
    out += absl::StrCat(
        std::string(section), ",", csv_field(key), ",", csv_field(r.unit), ",", csv_field(r.unit_name), ",", r.level, ",",
        r.period.from ? format_day(*r.period.from) : "", ",", r.period.to ? format_day(*r.period.to) : "", ",",
        c.received, ",", c.accepted, ",", c.rejected, ",", c.merged, ",", c.withdrawn, ",", c.dispatched, ",",
        c.answered, ",", c.done, ",", c.closed, ",", c.on_time, ",", c.closed_late, ",", c.open_past_deadline, ",");
    out += absl::StrCat(c.ever_overdue, ",", c.reopened, ",", c.escalated, ",", c.evaluated, ",", c.contacted, ",",
                        c.solved, ",", c.satisfied, ",", c.basically_satisfied, ",", csv_rate(x.response), ",",
                        csv_rate(x.solve), ",", csv_rate(x.satisfaction), ",", csv_rate(x.composite), ",",
                        csv_rate(x.completion), ",", csv_rate(x.on_time), ",", csv_rate(x.overdue), ",",
                        csv_rate(x.reopen), ",", csv_rate(x.escalation), ",",
                        r.resolve_workdays_median ? absl::StrCat(*r.resolve_workdays_median) : "", ",",
                        r.resolve_workdays_p90 ? absl::StrCat(*r.resolve_workdays_p90) : "", "\n");
  };
  line("report", "", b.report);
  for (const auto& e : b.ranking) line("ranking", absl::StrCat(e.rank), e.report);
  // Units below the ranking minimum: key "<minimum".
  for (const auto& r : b.below_minimum) line("below_minimum", absl::StrCat("<", b.ranking_min_received), r);
  for (const auto& t : b.trend) line("trend", absl::StrFormat("%04d-%02d", t.year, t.month), t.report);
  return out;
}

// Chinese labels only: the page is for an office. Tables scroll sideways inside their own
// box on a phone instead of widening the page.
std::vector<std::string> summary_header_zh() {
  return {"单位", "登记", "办结", "响应率", "解决率", "满意率", "综合成绩", "办结率", "按时办结率", "超期率", "重办率",
          "上报率", "办结用时中位数（工作日）", "办结用时P90（工作日）"};
}
std::string wrapped(const Rows& rows) { return "<div class=\"scroll\">" + html_table(rows) + "</div>\n"; }

std::string render_html(const KpiBundle& b, const PetitionPolicy& policy) {
  const KpiReport& r = b.report;
  std::string o =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>考核报表 — " +
      html_escape(label_of(r)) +
      "</title>\n<style>body{font-family:\"Noto Sans CJK SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;"
      "margin:0 auto;padding:1em;max-width:1100px}.scroll{overflow-x:auto;max-width:100%}"
      "table{border-collapse:collapse;margin:.5em 0}"
      "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right;white-space:nowrap}"
      "td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}.note{color:#555}</style></head><body>\n";
  o += "<h1>考核报表 — " + html_escape(label_of(r)) + "</h1>\n<p>统计周期：" + html_escape(period_zh(r.period)) +
       absl::StrFormat("；综合成绩权重：响应率 %g%%、解决率 %g%%、满意率 %g%%，基本满意按 %g 折算。", r.weights.response,
                       r.weights.solve, r.weights.satisfaction, r.weights.basic_satisfaction_factor) +
       "</p>\n";
  o += "<h2>概况</h2>\n" + wrapped({summary_header_zh(), summary_row(label_of(r), r)});
  if (!r.category_shares.empty()) {
    Rows rows{{"类别", "件数", "占比"}};
    for (const auto& s : r.category_shares) rows.push_back({policy.category_name(s.key), count(s.count), pct(s.share)});
    o += "<h2>诉求类别</h2>\n" + wrapped(rows);
  }
  if (!r.channel_shares.empty()) {
    Rows rows{{"渠道", "件数", "占比"}};
    for (const auto& s : r.channel_shares) rows.push_back({report::channel_zh(s.key), count(s.count), pct(s.share)});
    o += "<h2>收集渠道</h2>\n" + wrapped(rows);
  }
  if (b.ranking_level >= 0) {
    o += absl::StrCat("<h2>排名（第 ", b.ranking_level, " 级单位，按综合成绩）</h2>\n<p class=\"note\" id=\"ranking-minimum\">",
                      html_escape(absl::StrCat("排名门槛：统计期内登记诉求不少于 ", count(b.ranking_min_received),
                                               " 件的单位参加排名；不足的单位另列件数，不排名次。")),
                      "</p>\n");
    if (b.ranking.empty()) {
      o += "<p>无单位达到门槛。</p>\n";
    } else {
      o += wrapped(ranking_rows(b, summary_header_zh(), "名次"));
    }
    if (!b.below_minimum.empty()) {
      Rows rows{{"单位", "登记"}};
      for (const auto& x : b.below_minimum) rows.push_back({label_of(x), count(x.counts.received)});
      o += absl::StrCat("<h3>未达门槛、不参加排名（", b.below_minimum.size(), " 个）</h3>\n") + wrapped(rows);
    }
  }
  if (!b.trend.empty()) {
    o += "<h2>月度趋势</h2>\n" + wrapped(trend_rows(b, summary_header_zh(), "月份"));
    if (std::string note = last_month_note(b); !note.empty()) o += "<p class=\"note\">" + html_escape(note) + "</p>\n";
  }
  // '<' only occurs inside JSON strings, where \u003c means the same: no "</script>" inside.
  std::string data;
  for (char ch : kpi_bundle_json(b)) {
    if (ch == '<') data += "\\u003c"; else data += ch;
  }
  o += "<script type=\"application/json\" id=\"kpi-data\">" + data + "</script>\n";
  return o + "</body></html>\n";
}

}  // namespace

absl::StatusOr<std::string> render_kpi_bundle(const KpiBundle& bundle, std::string_view format,
                                              const PetitionPolicy& policy) {
  if (format == "table") return render_text(bundle, policy);
  if (format == "json") return kpi_bundle_json(bundle) + "\n";
  if (format == "csv") return render_csv(bundle);
  if (format == "html") return render_html(bundle, policy);
  return absl::InvalidArgumentError(absl::StrCat("report format \"", internal::av(format), "\" must be table, json, csv or html"));
}

}  // namespace jiceng
