// KPI definitions shared by the full scan and the index: periods, weights, rates,
// quantiles, report assembly, and output (JSON, table, CSV, HTML).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jiceng/engine.hpp"
#include "jiceng/kpi.hpp"
#include "kpi/kpi_internal.hpp"

namespace jiceng {

namespace json = boost::json;
using namespace kpi_detail;

// --- periods --------------------------------------------------------------------------

namespace {
// Own strict YYYY-MM-DD parse and format: jiceng::parse_date/format_date are declared by
// both calendar.hpp and org.hpp with different types, so which one a call binds to at
// link time is not certain.
absl::StatusOr<Date> parse_day(std::string_view s) {
  auto digits = [&](std::size_t from, std::size_t n, int* out) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4, &y) || !digits(5, 2, &m) || !digits(8, 2, &d) ||
      y < 1400 || m < 1 || m > 12 || d < 1 ||
      d > boost::gregorian::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(y),
                                                                 static_cast<unsigned short>(m))) {
    return absl::InvalidArgumentError(absl::StrCat("date \"", internal::av(s), "\" is not a real YYYY-MM-DD day"));
  }
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}
}  // namespace

namespace kpi_detail {
std::string format_day(Date d) {
  if (d.is_special()) return "";
  return absl::StrFormat("%04d-%02d-%02d", static_cast<int>(d.year()), static_cast<int>(d.month()),
                         static_cast<int>(d.day()));
}
}  // namespace kpi_detail

bool KpiPeriod::contains(Date day) const {
  if (day.is_special()) return false;
  if (from && day < *from) return false;
  if (to && day > *to) return false;
  return true;
}

std::string KpiPeriod::to_string() const {
  if (!from && !to) return "all";
  return absl::StrCat(from ? format_day(*from) : "", "..", to ? format_day(*to) : "");
}

absl::StatusOr<KpiPeriod> parse_kpi_period(std::string_view from, std::string_view to) {
  KpiPeriod p;
  if (!from.empty()) {
    auto d = parse_day(from);
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat("period start: ", d.status().message()));
    p.from = *d;
  }
  if (!to.empty()) {
    auto d = parse_day(to);
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat("period end: ", d.status().message()));
    p.to = *d;
  }
  if (p.from && p.to && *p.from > *p.to) {
    return absl::InvalidArgumentError(
        absl::StrCat("period start ", format_day(*p.from), " is after its end ", format_day(*p.to)));
  }
  return p;
}

namespace kpi_detail {

std::int32_t day_number(Date d) {
  static const Date kEpoch(1970, 1, 1);
  return static_cast<std::int32_t>((d - kEpoch).days());
}

Date date_of_day_number(std::int32_t n) { return Date(1970, 1, 1) + boost::gregorian::days(n); }

DayRange day_range(const KpiPeriod& p) {
  DayRange r;
  if (p.from && !p.from->is_special()) r.from = day_number(*p.from);
  if (p.to && !p.to->is_special()) r.to = day_number(*p.to);
  return r;
}

std::int32_t resolve_workdays(const WorkCalendar& cal, Timestamp submitted, Timestamp resolved) {
  const Date a = china_date(submitted), b = china_date(resolved);
  if (a.is_special() || b.is_special()) return -1;
  auto n = cal.workdays_between(a, b);
  if (!n.ok() || *n < 0) return -1;
  return *n;
}

void counters_to_counts(const CounterArray& c, KpiCounts& out) {
  out.received = c[kReceived];
  out.accepted = c[kAccepted];
  out.rejected = c[kRejected];
  out.merged = c[kMerged];
  out.withdrawn = c[kWithdrawn];
  out.dispatched = c[kDispatched];
  out.answered = c[kAnswered];
  out.done = c[kDone];
  out.closed = c[kClosed];
  out.on_time = c[kOnTime];
  out.closed_late = c[kClosedLate];
  out.open_past_deadline = c[kOpenPastDeadline];
  out.ever_overdue = c[kEverOverdue];
  out.reopened = c[kReopened];
  out.escalated = c[kEscalated];
  out.evaluated = c[kEvaluated];
  out.contacted = c[kContacted];
  out.solved = c[kSolved];
  out.satisfied = c[kSatisfied];
  out.basically_satisfied = c[kBasicallySatisfied];
  for (int i = 0; i < kChannelCount; ++i) out.by_channel[i] = c[kChannel0 + i];
}

void Tallies::finish(KpiCounts& out) {
  out.by_category.clear();
  for (auto& [k, v] : categories)
    if (v != 0) out.by_category.emplace_back(k, v);
  std::sort(out.by_category.begin(), out.by_category.end());
  out.resolve_workdays.clear();
  for (auto& [k, v] : workdays)
    if (v != 0) out.resolve_workdays.emplace_back(k, v);
  std::sort(out.resolve_workdays.begin(), out.resolve_workdays.end());
}

void finish_ranking(std::vector<KpiRankEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const KpiRankEntry& a, const KpiRankEntry& b) {
    const auto& ca = a.report.rates.composite;
    const auto& cb = b.report.rates.composite;
    if (ca.has_value() != cb.has_value()) return ca.has_value();
    if (ca && cb && *ca != *cb) return *ca > *cb;
    return a.report.unit < b.report.unit;
  });
  for (std::size_t i = 0; i < entries.size(); ++i) entries[i].rank = static_cast<int>(i + 1);
}

std::vector<std::pair<std::pair<int, int>, DayRange>> months_between(std::int32_t first, std::int32_t last) {
  std::vector<std::pair<std::pair<int, int>, DayRange>> out;
  if (first > last) return out;
  const Date a = date_of_day_number(first), b = date_of_day_number(last);
  int y = a.year(), m = a.month();
  while (y < b.year() || (y == b.year() && m <= static_cast<int>(b.month()))) {
    const Date start(static_cast<unsigned short>(y), static_cast<unsigned short>(m), 1);
    const Date end = start.end_of_month();
    DayRange r{std::max(first, day_number(start)), std::min(last, day_number(end))};
    out.push_back({{y, m}, r});
    if (++m == 13) {
      m = 1;
      ++y;
    }
  }
  return out;
}

absl::StatusOr<std::uint32_t> ranking_scope(const OrgGraph& g, const KpiOptions& options) {
  if (options.within.empty()) return kpi_org::kNone;
  const std::uint32_t u = kpi_org::find(g, options.within);
  if (u == kpi_org::kNone) {
    return absl::NotFoundError(absl::StrCat("kpi ranking: unit \"", options.within, "\" is not in the org graph"));
  }
  return u;
}

absl::StatusOr<KpiWeights> weights_for(const Engine& engine, const KpiOptions& options) {
  if (options.weights) return *options.weights;
  return KpiWeights::from_engine(engine);
}

}  // namespace kpi_detail

// --- weights --------------------------------------------------------------------------

absl::StatusOr<KpiWeights> KpiWeights::from_json(std::string_view params_json) {
  json::value v;
  try {
    v = json::parse(params_json);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("kpi.weights: malformed JSON: ", e.what()));
  }
  if (!v.is_object()) return absl::InvalidArgumentError("kpi.weights: params must be a JSON object");
  KpiWeights w;
  struct Field {
    const char* name;
    double* out;
    double max;
  } fields[] = {{"response", &w.response, 100},
                {"solve", &w.solve, 100},
                {"satisfaction", &w.satisfaction, 100},
                {"basic_satisfaction_factor", &w.basic_satisfaction_factor, 1}};
  const auto& o = v.as_object();
  for (const auto& f : fields) {
    auto it = o.find(f.name);
    if (it == o.end()) continue;
    if (!it->value().is_number()) {
      return absl::InvalidArgumentError(absl::StrCat("kpi.weights: ", f.name, " must be a number"));
    }
    const double x = it->value().to_number<double>();
    if (!(x >= 0 && x <= f.max)) {
      return absl::InvalidArgumentError(absl::StrCat("kpi.weights: ", f.name, " = ", x, " is outside [0, ", f.max, "]"));
    }
    *f.out = x;
  }
  for (const auto& [k, _] : o) {
    bool known = false;
    for (const auto& f : fields) known = known || k == f.name;
    if (!known) return absl::InvalidArgumentError(absl::StrCat("kpi.weights: unknown member \"", std::string(k), "\""));
  }
  const double sum = w.response + w.solve + w.satisfaction;
  if (std::fabs(sum - 100.0) > 1e-9) {
    return absl::InvalidArgumentError(
        absl::StrCat("kpi.weights: response + solve + satisfaction must sum to 100, got ", sum));
  }
  return w;
}

absl::StatusOr<KpiWeights> KpiWeights::from_engine(const Engine& engine) {
  const PetitionPolicy p = engine.policy();
  auto w = from_json(p.kpi_weights_json.empty() ? std::string_view("{}") : std::string_view(p.kpi_weights_json));
  if (!w.ok()) return absl::InvalidArgumentError(absl::StrCat("policy ", p.name, ": ", w.status().message()));
  return w;
}

// --- counts and rates -----------------------------------------------------------------

KpiCounts& KpiCounts::operator+=(const KpiCounts& o) {
  received += o.received;
  accepted += o.accepted;
  rejected += o.rejected;
  merged += o.merged;
  withdrawn += o.withdrawn;
  dispatched += o.dispatched;
  answered += o.answered;
  done += o.done;
  closed += o.closed;
  on_time += o.on_time;
  closed_late += o.closed_late;
  open_past_deadline += o.open_past_deadline;
  ever_overdue += o.ever_overdue;
  reopened += o.reopened;
  escalated += o.escalated;
  evaluated += o.evaluated;
  contacted += o.contacted;
  solved += o.solved;
  satisfied += o.satisfied;
  basically_satisfied += o.basically_satisfied;
  for (int i = 0; i < kChannelCount; ++i) by_channel[i] += o.by_channel[i];
  Tallies t;
  for (const auto& [k, v] : by_category) t.categories[k] += v;
  for (const auto& [k, v] : o.by_category) t.categories[k] += v;
  for (const auto& [k, v] : resolve_workdays) t.workdays[k] += v;
  for (const auto& [k, v] : o.resolve_workdays) t.workdays[k] += v;
  t.finish(*this);
  return *this;
}

namespace {
std::optional<double> ratio(double num, std::uint64_t den) {
  if (den == 0) return std::nullopt;
  return num / static_cast<double>(den);
}
}  // namespace

KpiRates compute_rates(const KpiCounts& c, const KpiWeights& w) {
  KpiRates r;
  r.response = ratio(static_cast<double>(c.contacted), c.evaluated);
  r.solve = ratio(static_cast<double>(c.solved), c.evaluated);
  r.satisfaction = ratio(static_cast<double>(c.satisfied) +
                             w.basic_satisfaction_factor * static_cast<double>(c.basically_satisfied),
                         c.evaluated);
  if (c.evaluated > 0) {
    r.composite = (w.response * *r.response + w.solve * *r.solve + w.satisfaction * *r.satisfaction) / 100.0;
  }
  r.completion = ratio(static_cast<double>(c.done), c.accepted);
  r.on_time = ratio(static_cast<double>(c.on_time), c.on_time + c.closed_late + c.open_past_deadline);
  r.overdue = ratio(static_cast<double>(c.ever_overdue), c.received);
  r.reopen = ratio(static_cast<double>(c.reopened), c.answered);
  r.escalation = ratio(static_cast<double>(c.escalated), c.dispatched);
  return r;
}

std::optional<std::int32_t> histogram_quantile(std::span<const std::pair<std::int32_t, std::uint64_t>> h, double p) {
  std::uint64_t n = 0;
  for (const auto& [_, c] : h) n += c;
  if (n == 0 || !(p > 0) || p > 1) return std::nullopt;
  // Nearest rank ⌈p·n⌉, computed without floating error for the usual p (0.5, 0.9).
  std::uint64_t rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(n) - 1e-9));
  rank = std::clamp<std::uint64_t>(rank, 1, n);
  std::uint64_t seen = 0;
  for (const auto& [v, c] : h) {
    seen += c;
    if (seen >= rank) return v;
  }
  return h.back().first;
}

KpiReport make_kpi_report(std::string unit, std::string unit_name, int level, const KpiPeriod& period,
                          KpiCounts counts, const KpiWeights& weights) {
  KpiReport r;
  r.unit = std::move(unit);
  r.unit_name = std::move(unit_name);
  r.level = level;
  r.period = period;
  r.weights = weights;
  r.counts = std::move(counts);
  r.rates = compute_rates(r.counts, weights);
  r.resolve_workdays_median = histogram_quantile(r.counts.resolve_workdays, 0.5);
  r.resolve_workdays_p90 = histogram_quantile(r.counts.resolve_workdays, 0.9);
  const auto received = r.counts.received;
  auto share = [&](std::uint64_t n) { return received == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(received); };
  for (const auto& [k, n] : r.counts.by_category) r.category_shares.push_back({k, n, share(n)});
  std::stable_sort(r.category_shares.begin(), r.category_shares.end(),
                   [](const KpiShare& a, const KpiShare& b) { return a.count > b.count; });
  for (int i = 0; i < kChannelCount; ++i) {
    const auto n = r.counts.by_channel[i];
    if (n > 0) r.channel_shares.push_back({std::string(to_string(static_cast<Channel>(i))), n, share(n)});
  }
  std::stable_sort(r.channel_shares.begin(), r.channel_shares.end(),
                   [](const KpiShare& a, const KpiShare& b) { return a.count > b.count; });
  return r;
}

// --- JSON -----------------------------------------------------------------------------

namespace {

/// A number as JSON: integral values as integers ("10", not Boost's "1E1").
json::value jnum(double x) {
  if (std::fabs(x) < 9.0e15 && x == std::floor(x)) return json::value(static_cast<std::int64_t>(x));
  return json::value(x);
}
json::value opt(const std::optional<double>& v) { return v ? jnum(*v) : json::value(nullptr); }
json::value opt(const std::optional<std::int32_t>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object report_object(const KpiReport& r) {
  json::object o;
  o["unit"] = r.unit;
  o["unit_name"] = r.unit_name;
  o["level"] = r.level;
  json::object period;
  period["from"] = r.period.from ? json::value(format_day(*r.period.from)) : json::value(nullptr);
  period["to"] = r.period.to ? json::value(format_day(*r.period.to)) : json::value(nullptr);
  o["period"] = std::move(period);
  json::object w;
  w["response"] = jnum(r.weights.response);
  w["solve"] = jnum(r.weights.solve);
  w["satisfaction"] = jnum(r.weights.satisfaction);
  w["basic_satisfaction_factor"] = jnum(r.weights.basic_satisfaction_factor);
  o["weights"] = std::move(w);
  const auto& c = r.counts;
  json::object counts;
  counts["received"] = c.received;
  counts["accepted"] = c.accepted;
  counts["rejected"] = c.rejected;
  counts["merged"] = c.merged;
  counts["withdrawn"] = c.withdrawn;
  counts["dispatched"] = c.dispatched;
  counts["answered"] = c.answered;
  counts["done"] = c.done;
  counts["closed"] = c.closed;
  counts["on_time"] = c.on_time;
  counts["closed_late"] = c.closed_late;
  counts["open_past_deadline"] = c.open_past_deadline;
  counts["ever_overdue"] = c.ever_overdue;
  counts["reopened"] = c.reopened;
  counts["escalated"] = c.escalated;
  counts["evaluated"] = c.evaluated;
  counts["contacted"] = c.contacted;
  counts["solved"] = c.solved;
  counts["satisfied"] = c.satisfied;
  counts["basically_satisfied"] = c.basically_satisfied;
  o["counts"] = std::move(counts);
  json::object rates;
  rates["response"] = opt(r.rates.response);
  rates["solve"] = opt(r.rates.solve);
  rates["satisfaction"] = opt(r.rates.satisfaction);
  rates["composite"] = opt(r.rates.composite);
  rates["completion"] = opt(r.rates.completion);
  rates["on_time"] = opt(r.rates.on_time);
  rates["overdue"] = opt(r.rates.overdue);
  rates["reopen"] = opt(r.rates.reopen);
  rates["escalation"] = opt(r.rates.escalation);
  o["rates"] = std::move(rates);
  json::object wd;
  wd["median"] = opt(r.resolve_workdays_median);
  wd["p90"] = opt(r.resolve_workdays_p90);
  json::array hist;
  for (const auto& [d, n] : c.resolve_workdays) hist.push_back(json::array{d, n});
  wd["histogram"] = std::move(hist);
  o["resolve_workdays"] = std::move(wd);
  auto shares = [](const std::vector<KpiShare>& v) {
    json::array a;
    for (const auto& s : v) a.push_back(json::object{{"key", s.key}, {"count", s.count}, {"share", jnum(s.share)}});
    return a;
  };
  o["category_shares"] = shares(r.category_shares);
  o["channel_shares"] = shares(r.channel_shares);
  return o;
}

}  // namespace

std::string kpi_report_json(const KpiReport& report) { return json::serialize(report_object(report)); }

std::string kpi_bundle_json(const KpiBundle& b) {
  json::object o;
  o["report"] = report_object(b.report);
  o["ranking_level"] = b.ranking_level;
  json::array ranking;
  for (const auto& e : b.ranking) {
    json::object x = report_object(e.report);
    x["rank"] = e.rank;
    ranking.push_back(std::move(x));
  }
  o["ranking"] = std::move(ranking);
  json::array trend;
  for (const auto& t : b.trend) {
    json::object x = report_object(t.report);
    x["month"] = absl::StrFormat("%04d-%02d", t.year, t.month);
    trend.push_back(std::move(x));
  }
  o["trend"] = std::move(trend);
  return json::serialize(o);
}

// --- table, CSV, HTML -----------------------------------------------------------------

namespace {

/// Terminal columns of UTF-8 text: East Asian wide characters take two.
std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = c;
    int len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    w += wide ? 2 : 1;
  }
  return w;
}

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

std::string html_escape(std::string_view s) {
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += ch;
    }
  }
  return o;
}

std::string html_table(const std::vector<std::vector<std::string>>& rows) {
  std::string o = "<table>\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    o += "<tr>";
    for (const auto& cell : rows[i]) o += absl::StrCat(i == 0 ? "<th>" : "<td>", html_escape(cell), i == 0 ? "</th>" : "</td>");
    o += "</tr>\n";
  }
  return o + "</table>\n";
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
