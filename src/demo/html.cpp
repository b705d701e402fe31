// report.html: one self-contained page in Chinese for a district office (no external
// resources: styles, charts and the self-check script are inline), drawn from
// report.json; readable on a phone (390 px): charts scale, tables scroll in their box.
// The four charts are SVG written here — KPIs per street, category mix, monthly trend,
// resolve-time distribution — so the page opens offline in any browser. A small script
// records, after load, each chart's size, drawn elements and smallest text, and the
// page's width, into <pre id="selfcheck"> (the browser test reads it).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "demo/internal.hpp"
#include "demo/compound_report.hpp"
#include "demo/ladder_report.hpp"
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
// A count for the reader: zh-CN grouping (12,345).
std::string count(double v) { return report::format_count(static_cast<std::uint64_t>(std::max(0.0, v))); }

constexpr const char* kPalette[] = {"#c0392b", "#2e86c1", "#d68910", "#239b56", "#7d3c98",
                                    "#17a589", "#ba4a00", "#5d6d7e", "#a93226", "#1f618d"};

// An axis over the values' own range, so that a chart shows the differences it ranks:
// round ticks (1, 2, 2.5 or 5 × 10^k apart, 3 to 6 of them) from just below the smallest
// value to just above the largest, within [floor, ceiling].
struct Axis {
  double lo = 0, hi = 100, step = 25;
};
Axis axis_for(double min, double max, double floor, double ceiling) {
  if (!(max > min)) {
    min -= 1;
    max += 1;
  }
  const double raw = (max - min) / 4;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  Axis a;
  a.step = step;
  a.lo = std::max(floor, std::floor(min / step) * step - (std::fmod(min, step) == 0 ? step : 0));
  a.hi = std::min(ceiling, std::ceil(max / step) * step);
  if (a.hi <= a.lo) a.hi = a.lo + step;
  return a;
}
std::string tick(double v) { return std::fabs(v - std::round(v)) < 1e-9 ? absl::StrCat(std::lround(v)) : f1(v); }

// Chart 1: composite score and completion rate per ranked street, horizontal bars on an
// axis over the values' range (not 0–100: the streets differ by a few points).
std::string chart_streets(const json::array& streets) {
  const int row = 30, left = 130, width = 640, top = 34, plot = width - left - 50;
  const int height = top + row * static_cast<int>(streets.size()) + 30;
  double lo_v = 100, hi_v = 0;
  for (const auto& v : streets) {
    const json::object& rates = obj(v.as_object(), "rates");
    for (const char* k : {"composite", "completion"}) {
      if (!present(rates, k)) continue;
      lo_v = std::min(lo_v, num(rates, k) * 100);
      hi_v = std::max(hi_v, num(rates, k) * 100);
    }
  }
  const Axis ax = streets.empty() ? Axis{} : axis_for(lo_v, hi_v, 0, 100);
  auto x_of = [&](double v) { return left + plot * (std::clamp(v, ax.lo, ax.hi) - ax.lo) / (ax.hi - ax.lo); };
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"chart-streets\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"各街道/镇综合成绩与办结率\" data-axis-lo=\"%s\" "
      "data-axis-hi=\"%s\">",
      width, height, width, height, tick(ax.lo), tick(ax.hi));
  absl::StrAppend(&s, "<rect class=\"legend\" x=\"", left, "\" y=\"8\" width=\"12\" height=\"12\" fill=\"#c0392b\"/>",
                  "<text x=\"", left + 18, "\" y=\"18\">综合成绩（分）</text>",
                  "<rect class=\"legend\" x=\"", left + 170, "\" y=\"8\" width=\"12\" height=\"12\" fill=\"#2e86c1\"/>",
                  "<text x=\"", left + 188, "\" y=\"18\">办结率（%）</text>");
  for (double g = ax.lo; g <= ax.hi + 1e-9; g += ax.step) {
    const double x = x_of(g);
    absl::StrAppend(&s, "<line x1=\"", f1(x), "\" y1=\"", top - 4, "\" x2=\"", f1(x), "\" y2=\"", height - 26,
                    "\" stroke=\"#ddd\"/><text class=\"axis\" x=\"", f1(x), "\" y=\"", height - 10,
                    "\" text-anchor=\"middle\">", tick(g), "</text>");
  }
  for (std::size_t i = 0; i < streets.size(); ++i) {
    const json::object& r = streets[i].as_object();
    const int y = top + row * static_cast<int>(i);
    const json::object& rates = obj(r, "rates");
    const double comp = num(rates, "composite") * 100, done = num(rates, "completion") * 100;
    absl::StrAppend(&s, "<text x=\"", left - 8, "\" y=\"", y + 17, "\" text-anchor=\"end\">", esc(str(r, "unit_name")),
                    "</text>");
    absl::StrAppend(&s, "<rect class=\"bar\" x=\"", left, "\" y=\"", y + 3, "\" width=\"",
                    f1(std::max(1.0, x_of(comp) - left)), "\" height=\"11\" fill=\"#c0392b\"><title>",
                    esc(str(r, "unit_name")), " 综合成绩 ", f1(comp), "</title></rect>");
    absl::StrAppend(&s, "<rect class=\"bar\" x=\"", left, "\" y=\"", y + 15, "\" width=\"",
                    f1(std::max(1.0, x_of(done) - left)), "\" height=\"11\" fill=\"#2e86c1\"><title>",
                    esc(str(r, "unit_name")), " 办结率 ", f1(done), "%</title></rect>");
    absl::StrAppend(&s, "<text class=\"value\" x=\"", f1(std::max(x_of(comp), x_of(done)) + 6), "\" y=\"", y + 17,
                    "\">", f1(comp), "</text>");
  }
  s += "</svg>";
  return s;
}

// Chart 2: category mix, a donut of arc paths with a legend.
std::string chart_categories(const json::array& shares, const json::object& names) {
  const int width = 640, height = 300;
  const double cx = 150, cy = 150, r = 120, hole = 62;
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"chart-categories\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"诉求类别构成\">",
      width, height, width, height);
  double total = 0;
  for (const auto& v : shares) total += num(v.as_object(), "count");
  double angle = -std::numbers::pi / 2;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const json::object& o = shares[i].as_object();
    const std::string name = str(names, str(o, "key")).empty() ? str(o, "key") : str(names, str(o, "key"));
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
                    " Z\" fill=\"", color, "\"><title>", esc(name), " ", f1(part * 100), "%</title></path>");
    angle = a1;
    const int ly = 30 + 26 * static_cast<int>(i);
    absl::StrAppend(&s, "<rect class=\"legend\" x=\"310\" y=\"", ly - 11, "\" width=\"14\" height=\"14\" fill=\"", color,
                    "\"/><text x=\"332\" y=\"", ly, "\">", esc(name), "</text><text class=\"value\" x=\"540\" y=\"",
                    ly, "\" text-anchor=\"end\">", f1(part * 100), "%</text><text class=\"axis\" x=\"630\" y=\"", ly,
                    "\" text-anchor=\"end\">", count(num(o, "count")), " 件</text>");
  }
  absl::StrAppend(&s, "<text x=\"", f1(cx), "\" y=\"", f1(cy + 5), "\" text-anchor=\"middle\">诉求类别</text>");
  s += "</svg>";
  return s;
}

// Chart 3: monthly trend — petitions received (bars) and 满意率 / 办结率 (lines).
std::string chart_trend(const json::array& trend) {
  const int width = 640, height = 300, left = 60, right = 50, top = 30, bottom = 40;
  const int pw = width - left - right, ph = height - top - bottom;
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"chart-trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"月度趋势\">",
      width, height, width, height);
  double max = 1;
  for (const auto& v : trend) max = std::max(max, num(obj(v.as_object(), "counts"), "received"));
  const double step = trend.empty() ? pw : static_cast<double>(pw) / static_cast<double>(trend.size());
  for (int g = 0; g <= 4; ++g) {
    const double y = top + ph - ph * g / 4.0;
    absl::StrAppend(&s, "<line x1=\"", left, "\" y1=\"", f1(y), "\" x2=\"", left + pw, "\" y2=\"", f1(y),
                    "\" stroke=\"#ddd\"/><text class=\"axis\" x=\"", left - 6, "\" y=\"", f1(y + 4),
                    "\" text-anchor=\"end\">", count(std::round(max * g / 4)), "</text><text class=\"axis\" x=\"",
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
                    esc(str(o, "month")), "：登记 ", count(num(counts, "received")), " 件</title></rect>");
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
                  left + 16, "\" y=\"16\">登记（件）</text><rect class=\"legend\" x=\"", left + 120,
                  "\" y=\"6\" width=\"12\" height=\"12\" fill=\"#c0392b\"/><text x=\"", left + 136,
                  "\" y=\"16\">满意率</text><rect class=\"legend\" x=\"", left + 220,
                  "\" y=\"6\" width=\"12\" height=\"12\" fill=\"#2e86c1\"/><text x=\"", left + 236,
                  "\" y=\"16\">办结率</text>");
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
  const int width = 640, height = 260, left = 60, top = 20, bottom = 40;
  const int pw = width - left - 20, ph = height - top - bottom;
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"chart-resolve\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"办结用时分布\">",
      width, height, width, height);
  const double max = std::max(1.0, *std::max_element(bins.begin(), bins.end()));
  const double step = static_cast<double>(pw) / (kMax + 1);
  for (int g = 0; g <= 4; ++g) {
    const double y = top + ph - ph * g / 4.0;
    absl::StrAppend(&s, "<line x1=\"", left, "\" y1=\"", f1(y), "\" x2=\"", left + pw, "\" y2=\"", f1(y),
                    "\" stroke=\"#ddd\"/><text class=\"axis\" x=\"", left - 6, "\" y=\"", f1(y + 4),
                    "\" text-anchor=\"end\">", count(std::round(max * g / 4)), "</text>");
  }
  for (int d = 0; d <= kMax; ++d) {
    const double x = left + step * d;
    const double h = ph * bins[static_cast<std::size_t>(d)] / max;
    absl::StrAppend(&s, "<rect class=\"bar\" x=\"", f1(x + 2), "\" y=\"", f1(top + ph - h), "\" width=\"", f1(step - 4),
                    "\" height=\"", f1(std::max(h, 0.5)), "\" fill=\"#239b56\"><title>", d, d == kMax ? "+" : "",
                    " 个工作日：", count(bins[static_cast<std::size_t>(d)]), " 件</title></rect>");
    absl::StrAppend(&s, "<text class=\"axis\" x=\"", f1(x + step / 2), "\" y=\"", height - bottom + 16,
                    "\" text-anchor=\"middle\">", d, d == kMax ? "+" : "", "</text>");
  }
  absl::StrAppend(&s, "<text class=\"axis\" x=\"", left + pw / 2, "\" y=\"", height - 4,
                  "\" text-anchor=\"middle\">自受理至办结的工作日数（办结用时）</text>");
  s += "</svg>";
  return s;
}

// Units with their rank (none for a unit listed beside a ranking), in Chinese.
std::string unit_table(const json::array& rows, const json::array& unranked = {}) {
  std::string s =
      "<div class=\"scroll\"><table><thead><tr><th>名次</th><th>单位</th><th>登记</th><th>办结率</th><th>满意率</th>"
      "<th>综合成绩</th><th>超期未办</th><th>曾超期</th><th>上报</th></tr></thead><tbody>";
  auto row = [&](const json::object& r) {
    const json::object& c = obj(r, "counts");
    const json::object& x = obj(r, "rates");
    absl::StrAppend(&s, "<tr><td>", present(r, "rank") ? std::to_string(static_cast<int>(num(r, "rank"))) : "—",
                    "</td><td>", esc(str(r, "unit_name")), "</td><td>", count(num(c, "received")), "</td><td>",
                    pct(x, "completion"), "</td><td>", pct(x, "satisfaction"), "</td><td>",
                    present(x, "composite") ? f1(num(x, "composite") * 100) : "—", "</td><td>",
                    count(num(c, "open_past_deadline")), "</td><td>", count(num(c, "ever_overdue")), "</td><td>",
                    count(num(c, "escalated")), "</td></tr>");
  };
  for (const auto& v : rows) row(v.as_object());
  for (const auto& v : unranked) row(v.as_object());
  s += "</tbody></table></div>";
  return s;
}

// The units below a ranking's minimum, listed apart with their counts.
std::string below_minimum(const json::array& units, std::string_view what) {
  if (units.empty()) return "";
  std::string s = absl::StrCat("<p class=\"below-minimum\">未达排名门槛、不参加排名的", std::string(what), "（",
                               units.size(), " 个）：");
  for (std::size_t i = 0; i < units.size(); ++i) {
    const json::object& r = units[i].as_object();
    absl::StrAppend(&s, i ? "、" : "", esc(str(r, "unit_name")), "（", count(num(obj(r, "counts"), "received")), " 件）");
  }
  return s + "。</p>";
}

constexpr const char* kStyle = R"(
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f7f7f5;color:#222}
main{max-width:1000px;margin:0 auto;padding:24px;box-sizing:border-box}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #c0392b;padding-bottom:4px}
p,li{overflow-wrap:anywhere}
.meta,.note{color:#555;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin-top:12px}
.card{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:10px}
.card .v{font-size:22px;font-weight:700}.card .l{font-size:12px;color:#666}
figure{background:#fff;border:1px solid #e2e2e2;border-radius:6px;margin:0 0 12px;padding:10px;overflow-x:auto}
figcaption{font-size:13px;color:#555;margin-bottom:6px}
svg.chart{display:block;width:100%;height:auto;min-width:520px;max-width:640px}
svg text{font-size:13px;fill:#333}svg text.axis{fill:#666;font-size:12px}svg text.value{font-weight:600}
.scroll,#loop-parts table{overflow-x:auto;max-width:100%}#loop-parts table{display:block}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px}
th,td{border:1px solid #e2e2e2;padding:4px 6px;text-align:right;white-space:nowrap}th{background:#f0eeea}
td:nth-child(2),th:nth-child(2){text-align:left}
td.text{white-space:normal;text-align:left;min-width:14em}
.sev-error{color:#c0392b;font-weight:700}.sev-warning{color:#b9770e;font-weight:700}.sev-info{color:#1f618d}
@media (max-width:600px){main{padding:12px}h1{font-size:20px}.card .v{font-size:18px}}
#selfcheck{display:none}
)";

// After load: each chart's size, its drawn marks and its smallest text as rendered (CSS
// px, after the chart is scaled to the page), the page's and the window's widths, and
// any script error, as JSON.
constexpr const char* kSelfCheck = R"(
(function(){
  var errors=[];
  window.addEventListener('error',function(e){errors.push(String(e.message||e));});
  window.addEventListener('load',function(){
    var out={charts:[],errors:errors};
    document.querySelectorAll('svg.chart').forEach(function(svg){
      var r=svg.getBoundingClientRect(),marks=0,vb=svg.viewBox.baseVal;
      var scale=vb&&vb.width?r.width/vb.width:1,minFont=1e9;
      svg.querySelectorAll('rect.bar,path.slice,polyline.line').forEach(function(el){
        var b=el.getBBox(); if(b.width>0&&b.height>0) marks++;});
      svg.querySelectorAll('text').forEach(function(t){
        minFont=Math.min(minFont,parseFloat(getComputedStyle(t).fontSize)*scale);});
      out.charts.push({id:svg.id,x:Math.round(r.left+window.scrollX),y:Math.round(r.top+window.scrollY),
        width:Math.round(r.width),height:Math.round(r.height),marks:marks,min_font:Math.round(minFont*10)/10});
    });
    out.page={width:document.documentElement.scrollWidth,height:document.documentElement.scrollHeight};
    out.viewport={width:window.innerWidth};
    document.getElementById('selfcheck').textContent=JSON.stringify(out);
    if(window.parent!==window) window.parent.postMessage(out,'*');
  });
})();
)";

// The last month of a period counts petitions still open at its end: its 办结率 is not
// comparable with earlier months. Says how many, when any.
std::string last_month_note(const json::array& trend, std::string_view period_end) {
  if (trend.empty()) return "";
  const json::object& last = trend.back().as_object();
  const json::object& c = obj(last, "counts");
  const double accepted = num(c, "accepted"), done = num(c, "done");
  if (accepted <= done) return "";
  const std::string month = str(last, "month");
  return absl::StrCat("<p class=\"note\" id=\"last-month-note\">注：", esc(month.substr(0, 4)), " 年 ",
                      esc(std::to_string(std::atoi(month.substr(5).c_str()))), " 月的办结率按统计截止日 ",
                      esc(period_end), " 计算：该月受理的 ", count(accepted), " 件中有 ", count(accepted - done),
                      " 件截至当日尚未办结，多数仍在办理时限内，故该月办结率不宜与此前各月直接比较。</p>");
}

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
  absl::StrAppend(&h, "<title>", esc(str(district, "name")), " · 基层治理年度报告</title><style>", kStyle,
                  "</style><script>", kSelfCheck, "</script></head><body><main>");
  absl::StrAppend(&h, "<h1>", esc(str(district, "name")), " · 基层治理年度报告</h1>");
  std::string chain;
  for (const auto& v : arr(policy, "chain")) absl::StrAppend(&chain, chain.empty() ? "" : " → ", esc(v.as_string()));
  absl::StrAppend(&h, "<p class=\"meta\">统计周期 ", esc(str(period, "from")), " 至 ", esc(str(period, "to")),
                  " · 政策集 ", chain, " · 模拟种子 ", count(num(root, "seed")), " · 诉求 ", count(num(sim, "petitions")),
                  " 件，事件日志 ", count(num(sim, "events")), " 条 · 街道/镇 ", count(num(district, "streets_and_towns")),
                  " 个、社区 ", count(num(district, "communities")), " 个、网格党支部 ",
                  count(num(district, "grid_branches")), " 个、先锋枢纽驿站 ", count(num(district, "stations")),
                  " 个（jiceng 演示数据）</p>");

  auto card = [&](std::string_view label, const std::string& value) {
    absl::StrAppend(&h, "<div class=\"card\"><div class=\"v\">", esc(value), "</div><div class=\"l\">", esc(label),
                    "</div></div>");
  };
  h += "<h2>全区考核指标</h2><div class=\"cards\">";
  card("登记（件）", count(num(counts, "received")));
  card("响应率", pct(rates, "response"));
  card("解决率", pct(rates, "solve"));
  card("满意率", pct(rates, "satisfaction"));
  card("综合成绩", present(rates, "composite") ? f1(num(rates, "composite") * 100) : "—");
  card("办结率", pct(rates, "completion"));
  card("按时办结率", pct(rates, "on_time"));
  card("超期率", pct(rates, "overdue"));
  card("重办率", pct(rates, "reopen"));
  card("上报率", pct(rates, "escalation"));
  h += "</div>";

  // Streets: the ranked ones charted and tabled, the 物业行业党委's companies beside them
  // (not a street: listed, not ranked), the minimum printed, those below it listed apart.
  const json::array& streets = arr(root, "streets");
  const std::string minimum = count(num(root, "ranking_min_received"));
  h += "<h2>街道/镇考核排名</h2><figure><figcaption>各街道/镇综合成绩与办结率，按综合成绩排序。";
  if (!streets.empty()) {
    const std::string chart = chart_streets(streets);
    const std::size_t lo_at = chart.find("data-axis-lo=\"") + 14;
    absl::StrAppend(&h, "横轴自 ", chart.substr(lo_at, chart.find('"', lo_at) - lo_at),
                    " 起（不从 0 起），以显出各街道/镇之间的差距。</figcaption>", chart);
  } else {
    h += "</figcaption>";
  }
  h += "</figure>";
  absl::StrAppend(&h, "<p class=\"note\" id=\"ranking-minimum\">排名门槛：统计期内登记诉求不少于 ", minimum,
                  " 件的单位参加排名；不足的单位另列件数，不排名次（个别件数决定不了名次）。</p>");
  json::array property;
  if (const json::object& pc = obj(root, "property_companies"); !pc.empty()) property.push_back(pc);
  h += unit_table(streets, property);
  if (!property.empty()) {
    absl::StrAppend(&h, "<p class=\"note\">末行“", esc(str(property[0].as_object(), "unit_name")),
                    "”：物业行业党委所属物业服务企业，依三方协议承办派给它们的物业事项；不是街道/镇，不参加排名。</p>");
  }
  h += below_minimum(arr(root, "streets_below_minimum"), "街道/镇");
  h += "<h2>诉求类别</h2><figure><figcaption>各类别登记诉求的占比</figcaption>";
  h += chart_categories(arr(kpi, "category_shares"), obj(root, "category_names"));
  h += "</figure><h2>月度趋势</h2><figure><figcaption>每月登记诉求件数，及当月诉求的满意率、办结率</figcaption>";
  h += chart_trend(arr(root, "trend"));
  h += "</figure>";
  h += last_month_note(arr(root, "trend"), str(period, "to"));
  h += "<h2>办结用时</h2><figure><figcaption>已办结诉求按办结用时（工作日）分布</figcaption>";
  h += chart_resolve(arr(obj(kpi, "resolve_workdays"), "histogram"));
  h += "</figure>";

  // 居民参与: supports, merges of suggested duplicates, returns as not ours.
  const json::object& names = obj(root, "category_names");
  auto category = [&](const std::string& key) { return str(names, key).empty() ? key : str(names, key); };
  if (const json::object& part = obj(root, "participation"); !part.empty()) {
    const json::object& no = obj(part, "not_ours_returns");
    h += "<h2>居民参与 · 附议、合并与非本单位职责</h2><div class=\"cards\">";
    card("疑似重复提示（件）", count(num(part, "duplicates_suggested")));
    card("附议（人次）", count(num(part, "supports")));
    card("获附议诉求（件）", count(num(part, "petitions_supported")));
    card("合并（件）", count(num(part, "merged")));
    card("非本单位职责退回（件）", count(num(no, "total")));
    h += "</div>";
    absl::StrAppend(&h, "<p>居民提交诉求时，系统按同类别、同网格、30日内提示疑似重复诉求；受理人员可将其合并至在办诉求，"
                        "邻里也可对同一诉求附议。附议人数计入诉求优先级：（1＋附议人数）×严重程度权重（一般1、较重2、"
                        "严重4），紧急再乘2。非本单位职责退回须写明有权处理的单位或外部机构及理由：指明本区单位 ",
                    count(num(no, "naming_a_unit")), " 件，指明外部机构 ", count(num(no, "naming_an_outside_body")),
                    " 件。</p>");
    h += "<div class=\"scroll\"><table><thead><tr><th>街道/镇</th><th>附议（人次）</th><th>非本单位职责退回（件）</th></tr>"
         "</thead><tbody>";
    for (const auto& v : arr(part, "by_street")) {
      const json::object& r = v.as_object();
      absl::StrAppend(&h, "<tr><td style=\"text-align:left\">", esc(str(r, "name")), "</td><td>",
                      count(num(r, "supports")), "</td><td>", count(num(r, "not_ours_returns")), "</td></tr>");
    }
    h += "</tbody></table></div><h3>附议最多的诉求</h3><div class=\"scroll\"><table><thead><tr><th>诉求编号</th>"
         "<th>类别</th><th>状态</th><th>附议人数</th><th>优先级</th><th>合并自</th></tr></thead><tbody>";
    for (const auto& v : arr(part, "most_supported")) {
      const json::object& r = v.as_object();
      std::string from;
      for (const auto& m : arr(r, "merged_from")) absl::StrAppend(&from, from.empty() ? "" : "、", esc(m.as_string()));
      absl::StrAppend(&h, "<tr><td>", esc(str(r, "id")), "</td><td>", esc(category(str(r, "category"))), "</td><td>",
                      esc(report::state_zh(str(r, "state"))), "</td><td>", count(num(r, "supporters")), "</td><td>",
                      count(num(r, "priority")), "</td><td>", from.empty() ? "—" : from, "</td></tr>");
    }
    h += "</tbody></table></div>";
  }
  h += ladder_html(root);
  h += compound_html(root);

  const json::object& comm = obj(root, "communities");
  absl::StrAppend(&h, "<h2>社区排名：前五名与后五名</h2><p class=\"note\">社区共 ", count(num(comm, "count")),
                  " 个，其中登记诉求不少于 ", count(num(comm, "min_received")), " 件、参加排名的 ",
                  count(num(comm, "ranked")), " 个。</p>");
  if (arr(comm, "top").empty()) {
    h += "<p>本统计期内没有社区达到排名门槛。</p>";
  } else {
    h += "<h3>前五名</h3>" + unit_table(arr(comm, "top")) + "<h3>后五名</h3>" + unit_table(arr(comm, "bottom"));
  }
  h += below_minimum(arr(comm, "below_minimum"), "社区");

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
  h += "<div id=\"loop-parts\">" + loop_parts_html(root) + "</div>";
  // Findings in Chinese: the requirement (message_zh), how often it failed, and the first
  // unit that failed it by name; rule ids and English evidence stay in report.json.
  h += "<h2>政策检查</h2>";
  const json::object& findings = obj(root, "findings");
  const json::object& cov = obj(findings, "coverage");
  absl::StrAppend(&h, "<p>覆盖情况：", count(num(cov, "grids_without_station")), " 个网格未设先锋枢纽驿站，",
                  count(num(cov, "compounds_without_branch")), " 个符合条件的小区未单独建立党支部，",
                  count(num(cov, "units_without_secretary")), " 个党组织书记空缺。</p>");
  h += "<div class=\"scroll\"><table><thead><tr><th>性质</th><th>要求</th><th>未通过</th><th>检查次数</th>"
       "<th>未通过示例</th></tr></thead><tbody>";
  for (const auto& v : arr(findings, "rules")) {
    const json::object& r = v.as_object();
    std::string example = "—";
    const json::array& ex = arr(r, "examples");
    if (!ex.empty()) example = esc(str(ex[0].as_object(), "subject_name"));
    absl::StrAppend(&h, "<tr><td class=\"sev-", esc(str(r, "severity")), "\">", esc(report::severity_zh(str(r, "severity"))),
                    "</td><td class=\"text\">", esc(str(r, "message_zh")), "</td><td>", count(num(r, "failed")),
                    "</td><td>", count(num(r, "checks")), "</td><td class=\"text\">", example, "</td></tr>");
  }
  h += "</tbody></table></div><h2>文件</h2><ul>";
  for (const auto& v : arr(root, "files")) {
    const json::object& f = v.as_object();
    const std::string what = str(f, "what_zh").empty() ? str(f, "what") : str(f, "what_zh");
    absl::StrAppend(&h, "<li><code>", esc(str(f, "file")), "</code> — ", esc(what), "</li>");
  }
  h += "</ul><pre id=\"selfcheck\"></pre></main></body></html>\n";
  return h;
}

}  // namespace jiceng::demo
