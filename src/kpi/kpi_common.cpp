// KPI definitions shared by the full scan and the index: periods, weights, rates,
// quantiles, report assembly, and the report's JSON (the renderers are the
// application's: src/report).
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
  out.supports = c[kSupports];
  out.not_ours_returns = c[kNotOursReturns];
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

std::uint64_t ranking_minimum(const Engine& engine) { return engine.policy().kpi_min_received; }

KpiLeagueTable league_table(std::vector<KpiRankEntry> ranking, std::uint64_t min_received) {
  KpiLeagueTable t;
  t.min_received = min_received;
  for (KpiRankEntry& e : ranking) {
    if (e.report.counts.received >= min_received) {
      e.rank = static_cast<int>(t.ranked.size()) + 1;
      t.ranked.push_back(std::move(e));
    } else {
      t.below_minimum.push_back(std::move(e.report));
    }
  }
  std::sort(t.below_minimum.begin(), t.below_minimum.end(), [](const KpiReport& a, const KpiReport& b) {
    return a.counts.received != b.counts.received ? a.counts.received > b.counts.received : a.unit < b.unit;
  });
  return t;
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
  supports += o.supports;
  not_ours_returns += o.not_ours_returns;
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
  counts["supports"] = c.supports;
  counts["not_ours_returns"] = c.not_ours_returns;
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
  o["ranking_min_received"] = b.ranking_min_received;
  json::array below;
  for (const auto& r : b.below_minimum) below.push_back(report_object(r));
  o["below_minimum"] = std::move(below);
  json::array trend;
  for (const auto& t : b.trend) {
    json::object x = report_object(t.report);
    x["month"] = absl::StrFormat("%04d-%02d", t.year, t.month);
    trend.push_back(std::move(x));
  }
  o["trend"] = std::move(trend);
  return json::serialize(o);
}

}  // namespace jiceng
