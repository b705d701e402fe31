// report.html: one self-contained page (no external resources: styles, charts and the
// self-check script are inline) drawn from report.json. The four charts are SVG written
// here — KPIs per street, category mix, monthly trend, resolve-time distribution — so the
// page opens offline in any browser. A small script records, after load, each chart's
// size and drawn elements into <pre id="selfcheck"> (the browser test reads it).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "demo/internal.hpp"
#include "demo/loop_parts.hpp"
#include "report/text.hpp"

namespace jiceng::demo {
namespace {

namespace json = boost::json;

std::string esc(std::string_view s) { return report::html_escape(s); }

double num(const json::value* v) {
  if (v == nullptr) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}
double num(const json::object& o, std::string_view key) { return num(o.if_contains(key)); }
bool present(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && !v->is_null();
}
std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}
const json::array& arr(const json::object& o, std::string_view key) {
  static const json::array empty;
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? v->get_array() : empty;
}
const json::object& obj(const json::object& o, std::string_view key) {
  static const json::object empty;
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? v->get_object() : empty;
}
std::string pct(const json::object& o, std::string_view key) {
  return present(o, key) ? absl::StrFormat("%.1f%%", num(o, key) * 100) : std::string("—");
}
std::string f1(double v) { return absl::StrFormat("%.1f", v); }

constexpr const char* kPalette[] = {"#c0392b", "#2e86c1", "#d68910", "#239b56", "#7d3c98",
                                    "#17a589", "#ba4a00", "#5d6d7e", "#a93226", "#1f618d"};

// Chart 1: composite score and completion rate per street, horizontal bars.
std::string chart_streets(const json::array& streets) {
  const int row = 30, left = 150, width = 760, top = 34, plot = width - left - 70;
  const int height = top + row * static_cast<int>(streets.size()) + 30;
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"chart-streets\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"KPIs per street\">",
      width, height, width, height);
  absl::StrAppend(&s, "<rect class=\"legend\" x=\"", left, "\" y=\"8\" width=\"12\" height=\"12\" fill=\"#c0392b\"/>",
                  "<text x=\"", left + 18, "\" y=\"18\">综合成绩 composite (points)</text>",
                  "<rect class=\"legend\" x=\"", left + 250, "\" y=\"8\" width=\"12\" height=\"12\" fill=\"#2e86c1\"/>",
                  "<text x=\"", left + 268, "\" y=\"18\">办结率 completion (%)</text>");
  for (int g = 0; g <= 100; g += 25) {
    const double x = left + plot * g / 100.0;
    absl::StrAppend(&s, "<line x1=\"", f1(x), "\" y1=\"", top - 4, "\" x2=\"", f1(x), "\" y2=\"", height - 26,
                    "\" stroke=\"#ddd\"/><text class=\"axis\" x=\"", f1(x), "\" y=\"", height - 10,
                    "\" text-anchor=\"middle\">", g, "</text>");
  }
  for (std::size_t i = 0; i < streets.size(); ++i) {
    const json::object& r = streets[i].as_object();
    const int y = top + row * static_cast<int>(i);
    const json::object& rates = obj(r, "rates");
    const double comp = num(rates, "composite") * 100, done = num(rates, "completion") * 100;
    absl::StrAppend(&s, "<text x=\"", left - 8, "\" y=\"", y + 17, "\" text-anchor=\"end\">", esc(str(r, "unit_name")),
                    "</text>");
    absl::StrAppend(&s, "<rect class=\"bar\" x=\"", left, "\" y=\"", y + 3, "\" width=\"", f1(std::max(1.0, plot * comp / 100)),
                    "\" height=\"11\" fill=\"#c0392b\"><title>", esc(str(r, "unit_name")), " composite ", f1(comp),
                    "</title></rect>");
    absl::StrAppend(&s, "<rect class=\"bar\" x=\"", left, "\" y=\"", y + 15, "\" width=\"", f1(std::max(1.0, plot * done / 100)),
                    "\" height=\"11\" fill=\"#2e86c1\"><title>", esc(str(r, "unit_name")), " completion ", f1(done),
                    "%</title></rect>");
    absl::StrAppend(&s, "<text class=\"value\" x=\"", f1(left + plot * std::max(comp, done) / 100 + 6), "\" y=\"",
                    y + 17, "\">", f1(comp), "</text>");
  }
  s += "</svg>";
  return s;
}

// Chart 2: category mix, a donut of arc paths with a legend.
std::string chart_categories(const json::array& shares) {
  const int width = 760, height = 300;
  const double cx = 150, cy = 150, r = 120, hole = 62;
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"chart-categories\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"category mix\">",
      width, height, width, height);
  double total = 0;
  for (const auto& v : shares) total += num(v.as_object(), "count");
  double angle = -std::numbers::pi / 2;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const json::object& o = shares[i].as_object();
    const double part = total > 0 ? num(o, "count") / total : 0;
    const char* color = kPalette[i % std::size(kPalette)];
    if (part <= 0) continue;
    const double a1 = angle + std::min(part, 0.999999) * 2 * std::numbers::pi;
    const int large = part > 0.5 ? 1 : 0;
    auto pt = [&](double rad, double a) {
      return absl::StrFormat("%.2f,%.2f", cx + rad * std::cos(a), cy + rad * std::sin(a));
    };
    absl::StrAppend(&s, "<path class=\"slice\" d=\"M", pt(r, angle), " A", f1(r), ",", f1(r), " 0 ", large, ",1 ",
                    pt(r, a1), " L", pt(hole, a1), " A", f1(hole), ",", f1(hole), " 0 ", large, ",0 ", pt(hole, angle),
                    " Z\" fill=\"", color, "\"><title>", esc(str(o, "key")), " ", f1(part * 100), "%</title></path>");
    angle = a1;
    const int ly = 30 + 26 * static_cast<int>(i);
    absl::StrAppend(&s, "<rect class=\"legend\" x=\"320\" y=\"", ly - 11, "\" width=\"14\" height=\"14\" fill=\"", color,
                    "\"/><text x=\"342\" y=\"", ly, "\">", esc(str(o, "key")), "</text><text class=\"value\" x=\"600\" y=\"",
                    ly, "\" text-anchor=\"end\">", f1(part * 100), "%</text><text class=\"axis\" x=\"680\" y=\"", ly,
                    "\" text-anchor=\"end\">", static_cast<std::uint64_t>(num(o, "count")), "</text>");
  }
  absl::StrAppend(&s, "<text x=\"", f1(cx), "\" y=\"", f1(cy + 5), "\" text-anchor=\"middle\">类别 categories</text>");
  s += "</svg>";
  return s;
}

// Chart 3: monthly trend — petitions received (bars) and 满意率 / 办结率 (lines).
std::string chart_trend(const json::array& trend) {
  const int width = 760, height = 300, left = 60, right = 60, top = 30, bottom = 40;
  const int pw = width - left - right, ph = height - top - bottom;
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"chart-trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"monthly trend\">",
      width, height, width, height);
  double max = 1;
  for (const auto& v : trend) max = std::max(max, num(obj(v.as_object(), "counts"), "received"));
  const double step = trend.empty() ? pw : static_cast<double>(pw) / static_cast<double>(trend.size());
  for (int g = 0; g <= 4; ++g) {
    const double y = top + ph - ph * g / 4.0;
    absl::StrAppend(&s, "<line x1=\"", left, "\" y1=\"", f1(y), "\" x2=\"", left + pw, "\" y2=\"", f1(y),
                    "\" stroke=\"#ddd\"/><text class=\"axis\" x=\"", left - 6, "\" y=\"", f1(y + 4),
                    "\" text-anchor=\"end\">", static_cast<long>(std::lround(max * g / 4)), "</text><text class=\"axis\" x=\"",
                    left + pw + 6, "\" y=\"", f1(y + 4), "\">", g * 25, "%</text>");
  }
  std::string sat, done;
  for (std::size_t i = 0; i < trend.size(); ++i) {
    const json::object& o = trend[i].as_object();
    const json::object& counts = obj(o, "counts");
    const json::object& rates = obj(o, "rates");
    const double x = left + step * static_cast<double>(i);
    const double h = ph * num(counts, "received") / max;
    absl::StrAppend(&s, "<rect class=\"bar\" x=\"", f1(x + step * 0.15), "\" y=\"", f1(top + ph - h), "\" width=\"",
                    f1(step * 0.7), "\" height=\"", f1(std::max(h, 0.5)), "\" fill=\"#76b7b2\"><title>",
                    esc(str(o, "month")), ": ", static_cast<std::uint64_t>(num(counts, "received")), " received</title></rect>");
    absl::StrAppend(&s, "<text class=\"axis\" x=\"", f1(x + step / 2), "\" y=\"", height - bottom + 16,
                    "\" text-anchor=\"middle\">", esc(str(o, "month").substr(5)), "</text>");
    const double cxp = x + step / 2;
    if (present(rates, "satisfaction")) {
      absl::StrAppend(&sat, sat.empty() ? "" : " ", f1(cxp), ",", f1(top + ph - ph * num(rates, "satisfaction")));
    }
    if (present(rates, "completion")) {
      absl::StrAppend(&done, done.empty() ? "" : " ", f1(cxp), ",", f1(top + ph - ph * num(rates, "completion")));
    }
  }
  if (!sat.empty()) {
    absl::StrAppend(&s, "<polyline class=\"line\" points=\"", sat, "\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2.5\"/>");
  }
  if (!done.empty()) {
    absl::StrAppend(&s, "<polyline class=\"line\" points=\"", done, "\" fill=\"none\" stroke=\"#2e86c1\" stroke-width=\"2.5\"/>");
  }
  absl::StrAppend(&s, "<rect class=\"legend\" x=\"", left, "\" y=\"6\" width=\"12\" height=\"12\" fill=\"#76b7b2\"/><text x=\"",
                  left + 16, "\" y=\"16\">received 登记</text><rect class=\"legend\" x=\"", left + 140,
                  "\" y=\"6\" width=\"12\" height=\"12\" fill=\"#c0392b\"/><text x=\"", left + 156,
                  "\" y=\"16\">满意率 satisfaction</text><rect class=\"legend\" x=\"", left + 320,
                  "\" y=\"6\" width=\"12\" height=\"12\" fill=\"#2e86c1\"/><text x=\"", left + 336,
                  "\" y=\"16\">办结率 completion</text>");
  s += "</svg>";
  return s;
}

// Chart 4: working days to resolve (办结用时), a histogram; the last bar gathers 20+.
std::string chart_resolve(const json::array& hist) {
  constexpr int kMax = 20;
  std::vector<double> bins(kMax + 1, 0);
  for (const auto& v : hist) {
    const json::array& pair = v.as_array();
    if (pair.size() != 2) continue;
    const int d = static_cast<int>(num(&pair[0]));
    bins[static_cast<std::size_t>(std::clamp(d, 0, kMax))] += num(&pair[1]);
  }
  const int width = 760, height = 260, left = 60, top = 20, bottom = 40;
  const int pw = width - left - 20, ph = height - top - bottom;
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"chart-resolve\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"resolve-time distribution\">",
      width, height, width, height);
  const double max = std::max(1.0, *std::max_element(bins.begin(), bins.end()));
  const double step = static_cast<double>(pw) / (kMax + 1);
  for (int g = 0; g <= 4; ++g) {
    const double y = top + ph - ph * g / 4.0;
    absl::StrAppend(&s, "<line x1=\"", left, "\" y1=\"", f1(y), "\" x2=\"", left + pw, "\" y2=\"", f1(y),
                    "\" stroke=\"#ddd\"/><text class=\"axis\" x=\"", left - 6, "\" y=\"", f1(y + 4),
                    "\" text-anchor=\"end\">", static_cast<long>(std::lround(max * g / 4)), "</text>");
  }
  for (int d = 0; d <= kMax; ++d) {
    const double x = left + step * d;
    const double h = ph * bins[static_cast<std::size_t>(d)] / max;
    absl::StrAppend(&s, "<rect class=\"bar\" x=\"", f1(x + 2), "\" y=\"", f1(top + ph - h), "\" width=\"", f1(step - 4),
                    "\" height=\"", f1(std::max(h, 0.5)), "\" fill=\"#239b56\"><title>", d, d == kMax ? "+" : "",
                    " working days: ", static_cast<std::uint64_t>(bins[static_cast<std::size_t>(d)]), "</title></rect>");
    absl::StrAppend(&s, "<text class=\"axis\" x=\"", f1(x + step / 2), "\" y=\"", height - bottom + 16,
                    "\" text-anchor=\"middle\">", d, d == kMax ? "+" : "", "</text>");
  }
  absl::StrAppend(&s, "<text class=\"axis\" x=\"", left + pw / 2, "\" y=\"", height - 4,
                  "\" text-anchor=\"middle\">working days from acceptance to resolution 办结用时（工作日）</text>");
  s += "</svg>";
  return s;
}

std::string unit_table(const json::array& rows) {
  std::string s =
      "<table><thead><tr><th>#</th><th>unit 单位</th><th>received</th><th>办结率</th><th>满意率</th><th>综合成绩</th>"
      "<th>超期未办</th><th>曾超期</th><th>上报</th></tr></thead><tbody>";
  for (const auto& v : rows) {
    const json::object& r = v.as_object();
    const json::object& c = obj(r, "counts");
    const json::object& x = obj(r, "rates");
    absl::StrAppend(&s, "<tr><td>", present(r, "rank") ? std::to_string(static_cast<int>(num(r, "rank"))) : "",
                    "</td><td>", esc(str(r, "unit_name")), "</td><td>", static_cast<std::uint64_t>(num(c, "received")),
                    "</td><td>", pct(x, "completion"), "</td><td>", pct(x, "satisfaction"), "</td><td>",
                    present(x, "composite") ? f1(num(x, "composite") * 100) : "—", "</td><td>",
                    static_cast<std::uint64_t>(num(c, "open_past_deadline")), "</td><td>",
                    static_cast<std::uint64_t>(num(c, "ever_overdue")), "</td><td>",
                    static_cast<std::uint64_t>(num(c, "escalated")), "</td></tr>");
  }
  s += "</tbody></table>";
  return s;
}

constexpr const char* kStyle = R"(
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f7f7f5;color:#222}
main{width:1000px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #c0392b;padding-bottom:4px}
.meta{color:#555;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:10px;margin-top:12px}
.card{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:10px}
.card .v{font-size:22px;font-weight:700}.card .l{font-size:12px;color:#666}
figure{background:#fff;border:1px solid #e2e2e2;border-radius:6px;margin:0 0 12px;padding:10px}
figcaption{font-size:13px;color:#555;margin-bottom:6px}
svg text{font-size:12px;fill:#333}svg text.axis{fill:#777;font-size:11px}svg text.value{font-weight:600}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px}
th,td{border:1px solid #e2e2e2;padding:4px 6px;text-align:right}th{background:#f0eeea}
td:nth-child(2),th:nth-child(2){text-align:left}
.sev-error{color:#c0392b;font-weight:700}.sev-warning{color:#b9770e;font-weight:700}.sev-info{color:#1f618d}
#selfcheck{display:none}
)";

// After load: each chart's size and its drawn marks, and any script error, as JSON.
constexpr const char* kSelfCheck = R"(
(function(){
  var errors=[];
  window.addEventListener('error',function(e){errors.push(String(e.message||e));});
  window.addEventListener('load',function(){
    var out={charts:[],errors:errors};
    document.querySelectorAll('svg.chart').forEach(function(svg){
      var r=svg.getBoundingClientRect(),marks=0;
      svg.querySelectorAll('rect.bar,path.slice,polyline.line').forEach(function(el){
        var b=el.getBBox(); if(b.width>0&&b.height>0) marks++;});
      out.charts.push({id:svg.id,x:Math.round(r.left+window.scrollX),y:Math.round(r.top+window.scrollY),
        width:Math.round(r.width),height:Math.round(r.height),marks:marks});
    });
    out.page={width:document.documentElement.scrollWidth,height:document.documentElement.scrollHeight};
    document.getElementById('selfcheck').textContent=JSON.stringify(out);
  });
})();
)";

}  // namespace

absl::StatusOr<std::string> render_html(const std::string& report_json) {
  boost::system::error_code ec;
  json::value root_v = json::parse(report_json, ec);
  if (ec || !root_v.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("report.json: not a JSON object: ", ec.message()));
  }
  const json::object& root = root_v.get_object();
  const json::object& kpi = obj(root, "kpi");
  const json::object& rates = obj(kpi, "rates");
  const json::object& counts = obj(kpi, "counts");
  const json::object& district = obj(root, "district");
  const json::object& period = obj(root, "period");
  const json::object& policy = obj(root, "policy");
  const json::object& sim = obj(root, "simulation");

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  absl::StrAppend(&h, "<title>", esc(str(root, "title")), "</title><style>", kStyle, "</style><script>", kSelfCheck,
                  "</script></head><body><main>");
  absl::StrAppend(&h, "<h1>", esc(str(district, "name")), " · 基层治理年度报告 (jiceng demo)</h1>");
  std::string chain;
  for (const auto& v : arr(policy, "chain")) absl::StrAppend(&chain, chain.empty() ? "" : " → ", esc(v.as_string()));
  absl::StrAppend(&h, "<p class=\"meta\">", esc(str(period, "from")), " … ", esc(str(period, "to")), " · policy ",
                  chain, " · seed ", static_cast<std::uint64_t>(num(root, "seed")), " · ",
                  static_cast<std::uint64_t>(num(sim, "petitions")), " petitions, ",
                  static_cast<std::uint64_t>(num(sim, "events")), " events journaled · ",
                  static_cast<std::uint64_t>(num(district, "streets_and_towns")), " streets and towns, ",
                  static_cast<std::uint64_t>(num(district, "communities")), " communities, ",
                  static_cast<std::uint64_t>(num(district, "grid_branches")), " grid branches, ",
                  static_cast<std::uint64_t>(num(district, "stations")), " stations</p>");

  auto card = [&](std::string_view label, const std::string& value) {
    absl::StrAppend(&h, "<div class=\"card\"><div class=\"v\">", esc(value), "</div><div class=\"l\">", esc(label),
                    "</div></div>");
  };
  h += "<h2>全区考核指标 District KPIs</h2><div class=\"cards\">";
  card("received 登记", std::to_string(static_cast<std::uint64_t>(num(counts, "received"))));
  card("响应率 response", pct(rates, "response"));
  card("解决率 solve", pct(rates, "solve"));
  card("满意率 satisfaction", pct(rates, "satisfaction"));
  card("综合成绩 composite", present(rates, "composite") ? f1(num(rates, "composite") * 100) : "—");
  card("办结率 completion", pct(rates, "completion"));
  card("按时办结率 on time", pct(rates, "on_time"));
  card("超期率 overdue", pct(rates, "overdue"));
  card("重办率 reopen", pct(rates, "reopen"));
  card("上报率 escalation", pct(rates, "escalation"));
  h += "</div>";

  h += "<h2>街道/镇 KPIs per street and town</h2><figure><figcaption>综合成绩 and 办结率 per street and town, ranked "
       "by composite score</figcaption>";
  h += chart_streets(arr(root, "streets"));
  h += "</figure>";
  h += unit_table(arr(root, "streets"));
  h += "<h2>诉求类别 Category mix</h2><figure><figcaption>Share of petitions received by category</figcaption>";
  h += chart_categories(arr(kpi, "category_shares"));
  h += "</figure><h2>月度趋势 Monthly trend</h2><figure><figcaption>Petitions received per month, with the month's "
       "satisfaction and completion rates</figcaption>";
  h += chart_trend(arr(root, "trend"));
  h += "</figure><h2>办结用时 Resolve-time distribution</h2><figure><figcaption>Resolved petitions by working days "
       "to resolve</figcaption>";
  h += chart_resolve(arr(obj(kpi, "resolve_workdays"), "histogram"));
  h += "</figure>";

  // 居民参与: supports, merges of suggested duplicates, returns as not ours.
  if (const json::object& part = obj(root, "participation"); !part.empty()) {
    const json::object& no = obj(part, "not_ours_returns");
    auto u = [](double x) { return std::to_string(static_cast<std::uint64_t>(x)); };
    h += "<h2>居民参与 · 附议、合并与非本单位职责</h2><div class=\"cards\">";
    card("疑似重复提示（件）", u(num(part, "duplicates_suggested")));
    card("附议（人次）", u(num(part, "supports")));
    card("获附议诉求（件）", u(num(part, "petitions_supported")));
    card("合并（件）", u(num(part, "merged")));
    card("非本单位职责退回（件）", u(num(no, "total")));
    h += "</div>";
    absl::StrAppend(&h, "<p>居民提交诉求时，系统按同类别、同网格、30日内提示疑似重复诉求；受理人员可将其合并至在办诉求，"
                        "邻里也可对同一诉求附议。附议人数计入诉求优先级：（1＋附议人数）×严重程度权重（一般1、较重2、"
                        "严重4），紧急再乘2。非本单位职责退回须写明有权处理的单位或外部机构及理由：指明本区单位 ",
                    u(num(no, "naming_a_unit")), " 件，指明外部机构 ", u(num(no, "naming_an_outside_body")),
                    " 件。</p>");
    h += "<table><thead><tr><th>街道/镇</th><th>附议（人次）</th><th>非本单位职责退回（件）</th></tr></thead><tbody>";
    for (const auto& v : arr(part, "by_street")) {
      const json::object& r = v.as_object();
      absl::StrAppend(&h, "<tr><td style=\"text-align:left\">", esc(str(r, "name")), "</td><td>", u(num(r, "supports")),
                      "</td><td>", u(num(r, "not_ours_returns")), "</td></tr>");
    }
    h += "</tbody></table><h3>附议最多的诉求</h3><table><thead><tr><th>诉求编号</th><th>类别</th><th>状态</th>"
         "<th>附议人数</th><th>优先级</th><th>合并自</th></tr></thead><tbody>";
    for (const auto& v : arr(part, "most_supported")) {
      const json::object& r = v.as_object();
      std::string from;
      for (const auto& m : arr(r, "merged_from")) absl::StrAppend(&from, from.empty() ? "" : "、", esc(m.as_string()));
      absl::StrAppend(&h, "<tr><td>", esc(str(r, "id")), "</td><td>", esc(str(r, "category")), "</td><td>",
                      esc(str(r, "state")), "</td><td>", u(num(r, "supporters")), "</td><td>", u(num(r, "priority")),
                      "</td><td>", from.empty() ? "—" : from, "</td></tr>");
    }
    h += "</tbody></table>";
  }

  const json::object& comm = obj(root, "communities");
  absl::StrAppend(&h, "<h2>社区排名 Communities: top and bottom of ", static_cast<std::uint64_t>(num(comm, "count")),
                  "</h2>");
  h += unit_table(arr(comm, "top"));
  h += "<p></p>";
  h += unit_table(arr(comm, "bottom"));

  // 工作日历: shown when the official holiday table ends within 60 days of the period's
  // end, or the period runs past it (deadlines then rest on provisional days).
  if (const auto it = root.find("calendar"); it != root.end() && it->value().is_object()) {
    const json::object& cal = it->value().get_object();
    if (const auto w = cal.find("warning"); w != cal.end() && w->value().is_string()) {
      const auto day = [&](const char* key) {
        const auto v = cal.find(key);
        return v != cal.end() && v->value().is_string() ? std::string(v->value().get_string()) : std::string("—");
      };
      absl::StrAppend(&h, "<h2>工作日历 Calendar</h2><p>官方节假日安排截至 ", esc(std::to_string(
                              static_cast<std::int64_t>(num(cal, "last_official_year")))), " 年底；",
                      esc(day("first_provisional_day")), " 至 ", esc(day("last_provisional_day")),
                      " 按《全国年节及纪念日放假办法》（2024年修订）的法定假日暂行推算（逢周末补假，不含调休），"
                      "据此计算的办理时限标注为“暂定”，载入国务院办公厅当年放假安排后自动重算。</p>"
                      "<p class=\"meta\">", esc(std::string(w->value().get_string())), "</p>");
    }
  }
  h += loop_parts_html(root);
  h += "<h2>政策检查 Policy findings</h2>";
  const json::object& findings = obj(root, "findings");
  const json::object& cov = obj(findings, "coverage");
  absl::StrAppend(&h, "<p>Coverage 覆盖: ", static_cast<std::uint64_t>(num(cov, "grids_without_station")),
                  " grids without a station, ", static_cast<std::uint64_t>(num(cov, "compounds_without_branch")),
                  " compounds without their own branch, ", static_cast<std::uint64_t>(num(cov, "units_without_secretary")),
                  " party organizations without a secretary in office.</p>");
  h += "<table><thead><tr><th>severity</th><th>rule</th><th>failed</th><th>checks</th><th>requirement 要求</th>"
       "<th>example</th></tr></thead><tbody>";
  for (const auto& v : arr(findings, "rules")) {
    const json::object& r = v.as_object();
    std::string example;
    const json::array& ex = arr(r, "examples");
    if (!ex.empty()) {
      const json::object& e = ex[0].as_object();
      example = absl::StrCat(esc(str(e, "subject")), ": ", esc(str(e, "evidence")));
    }
    absl::StrAppend(&h, "<tr><td class=\"sev-", esc(str(r, "severity")), "\">", esc(str(r, "severity")), "</td><td>",
                    esc(str(r, "rule")), "</td><td>", static_cast<std::uint64_t>(num(r, "failed")), "</td><td>",
                    static_cast<std::uint64_t>(num(r, "checks")), "</td><td style=\"text-align:left\">",
                    esc(str(r, "message_zh")), "<br><small>", esc(str(r, "message_en")),
                    "</small></td><td style=\"text-align:left\"><small>", example, "</small></td></tr>");
  }
  h += "</tbody></table><h2>文件 Files</h2><ul>";
  for (const auto& v : arr(root, "files")) {
    const json::object& f = v.as_object();
    absl::StrAppend(&h, "<li><code>", esc(str(f, "file")), "</code> — ", esc(str(f, "what")), "</li>");
  }
  h += "</ul><pre id=\"selfcheck\"></pre></main></body></html>\n";
  return h;
}

}  // namespace jiceng::demo
