// The KPI report renderers (table, CSV, HTML) of the `jiceng report` command.
#include "report/kpi_render.hpp"

#include <algorithm>
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

std::string pct(const std::optional<double>& v) { return v ? absl::StrFormat("%.1f%%", *v * 100) : "—"; }
std::string num(const std::optional<std::int32_t>& v) { return v ? absl::StrCat(*v) : "—"; }
std::string csv_rate(const std::optional<double>& v) { return v ? absl::StrFormat("%.6f", *v) : ""; }

/// Renders rows as aligned columns; column 0 left-aligned, the rest right-aligned.
std::string render_table(const std::vector<std::vector<std::string>>& rows) {
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
  return {"单位 unit", "受理 recv", "办结 done", "响应率", "解决率", "满意率", "综合", "办结率", "按时率", "超期率", "重办率", "上报率", "中位 wd", "P90 wd"};
}
std::vector<std::string> summary_row(const std::string& label, const KpiReport& r) {
  const auto& x = r.rates;
  return {label,
          absl::StrCat(r.counts.received),
          absl::StrCat(r.counts.done),
          pct(x.response),
          pct(x.solve),
          pct(x.satisfaction),
          x.composite ? absl::StrFormat("%.1f", *x.composite * 100) : "—",
          pct(x.completion),
          pct(x.on_time),
          pct(x.overdue),
          pct(x.reopen),
          pct(x.escalation),
          num(r.resolve_workdays_median),
          num(r.resolve_workdays_p90)};
}

std::string label_of(const KpiReport& r) { return r.unit.empty() ? r.unit_name : absl::StrCat(r.unit_name, " ", r.unit); }

std::string render_text(const KpiBundle& b) {
  const KpiReport& r = b.report;
  std::string out = absl::StrCat("KPI report 考核报表 — ", label_of(r), " — period ", r.period.to_string(), "\n",
                                 absl::StrFormat("weights 权重: 响应 %g / 解决 %g / 满意 %g, 基本满意系数 %g\n\n",
                                                 r.weights.response, r.weights.solve, r.weights.satisfaction,
                                                 r.weights.basic_satisfaction_factor));
  const auto& c = r.counts;
  out += render_table({{"count 计数", "value"},
                       {"received 登记", absl::StrCat(c.received)},
                       {"accepted 受理", absl::StrCat(c.accepted)},
                       {"dispatched 派单", absl::StrCat(c.dispatched)},
                       {"done 办结 (resolved or closed)", absl::StrCat(c.done)},
                       {"closed 归档", absl::StrCat(c.closed)},
                       {"on time 按时办结", absl::StrCat(c.on_time)},
                       {"closed late 超期办结", absl::StrCat(c.closed_late)},
                       {"open past deadline 超期未办结", absl::StrCat(c.open_past_deadline)},
                       {"evaluated 有效回访", absl::StrCat(c.evaluated)},
                       {"rejected / merged / withdrawn", absl::StrCat(c.rejected, " / ", c.merged, " / ", c.withdrawn)}});
  out += "\n";
  out += render_table({summary_header(), summary_row(label_of(r), r)});
  if (!r.category_shares.empty()) {
    out += "\n";
    std::vector<std::vector<std::string>> rows{{"category 类别", "count", "share"}};
    for (const auto& s : r.category_shares) rows.push_back({s.key, absl::StrCat(s.count), pct(s.share)});
    out += render_table(rows);
  }
  if (!r.channel_shares.empty()) {
    out += "\n";
    std::vector<std::vector<std::string>> rows{{"channel 渠道", "count", "share"}};
    for (const auto& s : r.channel_shares) rows.push_back({s.key, absl::StrCat(s.count), pct(s.share)});
    out += render_table(rows);
  }
  if (!b.ranking.empty()) {
    out += absl::StrCat("\nranking 排名, level ", b.ranking_level, " (composite 综合成绩 ×100)\n");
    std::vector<std::vector<std::string>> rows;
    auto h = summary_header();
    h.insert(h.begin(), "#");
    rows.push_back(h);
    for (const auto& e : b.ranking) {
      auto row = summary_row(label_of(e.report), e.report);
      row.insert(row.begin(), absl::StrCat(e.rank));
      rows.push_back(std::move(row));
    }
    out += render_table(rows);
  }
  if (!b.trend.empty()) {
    out += "\ntrend 月度趋势\n";
    std::vector<std::vector<std::string>> rows;
    auto h = summary_header();
    h[0] = "month 月份";
    rows.push_back(h);
    for (const auto& t : b.trend) rows.push_back(summary_row(absl::StrFormat("%04d-%02d", t.year, t.month), t.report));
    out += render_table(rows);
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
  for (const auto& t : b.trend) line("trend", absl::StrFormat("%04d-%02d", t.year, t.month), t.report);
  return out;
}

std::string render_html(const KpiBundle& b) {
  const KpiReport& r = b.report;
  std::string o =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>KPI report 考核报表 — " +
      html_escape(label_of(r)) +
      "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
      "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}td:first-child,th:first-child{text-align:left}"
      "th{background:#f3f3f3}</style></head><body>\n";
  o += "<h1>KPI report 考核报表 — " + html_escape(label_of(r)) + "</h1>\n<p>period " +
       html_escape(r.period.to_string()) + "</p>\n";
  o += "<h2>Summary 概况</h2>\n" + html_table({summary_header(), summary_row(label_of(r), r)});
  if (!r.category_shares.empty()) {
    std::vector<std::vector<std::string>> rows{{"category 类别", "count", "share"}};
    for (const auto& s : r.category_shares) rows.push_back({s.key, absl::StrCat(s.count), pct(s.share)});
    o += "<h2>Categories 类别</h2>\n" + html_table(rows);
  }
  if (!r.channel_shares.empty()) {
    std::vector<std::vector<std::string>> rows{{"channel 渠道", "count", "share"}};
    for (const auto& s : r.channel_shares) rows.push_back({s.key, absl::StrCat(s.count), pct(s.share)});
    o += "<h2>Channels 渠道</h2>\n" + html_table(rows);
  }
  if (!b.ranking.empty()) {
    std::vector<std::vector<std::string>> rows;
    auto h = summary_header();
    h.insert(h.begin(), "#");
    rows.push_back(h);
    for (const auto& e : b.ranking) {
      auto row = summary_row(label_of(e.report), e.report);
      row.insert(row.begin(), absl::StrCat(e.rank));
      rows.push_back(std::move(row));
    }
    o += absl::StrCat("<h2>Ranking 排名 (level ", b.ranking_level, ")</h2>\n") + html_table(rows);
  }
  if (!b.trend.empty()) {
    std::vector<std::vector<std::string>> rows;
    auto h = summary_header();
    h[0] = "month 月份";
    rows.push_back(h);
    for (const auto& t : b.trend) rows.push_back(summary_row(absl::StrFormat("%04d-%02d", t.year, t.month), t.report));
    o += "<h2>Trend 月度趋势</h2>\n" + html_table(rows);
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

absl::StatusOr<std::string> render_kpi_bundle(const KpiBundle& bundle, std::string_view format) {
  if (format == "table") return render_text(bundle);
  if (format == "json") return kpi_bundle_json(bundle) + "\n";
  if (format == "csv") return render_csv(bundle);
  if (format == "html") return render_html(bundle);
  return absl::InvalidArgumentError(absl::StrCat("report format \"", internal::av(format), "\" must be table, json, csv or html"));
}

}  // namespace jiceng
