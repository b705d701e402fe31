// Internal: what the commitments and assessment demo parts share — the part's span of the
// demo year (from the first day to the simulation's last clock tick, so that the parts'
// own ticks find no petition wake-up the year left undone), a timeline of commands run day
// by day in batches with the clock between them, and the actors of the district.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json.hpp"
#include "common/strings.hpp"
#include "demo/internal.hpp"
#include "demo/loop_parts.hpp"
#include "jiceng/engine.hpp"
#include "loop/civic_util.hpp"

namespace jiceng::demo::civic_part {

/// The part's span: [begin, end], China time; `f` in [0, 1] maps onto it.
struct Span {
  Timestamp begin = 0, end = 0;
  int year = 0;  ///< the civil year of the first day
  Timestamp at(double f) const {
    f = std::clamp(f, 0.0, 1.0);
    return begin + static_cast<Timestamp>(f * static_cast<double>(end - begin));
  }
};

/// From the first day 08:00 to 18:00 of the last working day (the simulation's last tick).
inline absl::StatusOr<Span> span_of(const Engine& engine, const DemoOptions& o) {
  const auto first = civic::parse_day(o.start);
  if (!first) return absl::InvalidArgumentError(internal::cat("demo: start ", o.start, " is not a day"));
  Span s;
  s.year = civic::year_of_day(*first);
  s.begin = civic::day_start(*first) + 8 * 3600;
  std::int64_t last = *first + std::max(o.days, 1) - 1;
  for (; last > *first; --last) {
    JICENG_ASSIGN_OR_RETURN(Date d, parse_date(civic::format_day(last)));
    JICENG_ASSIGN_OR_RETURN(bool work, engine.calendar().is_workday(d));
    if (work) break;
  }
  s.end = std::max(s.begin, civic::day_start(last) + 18 * 3600);
  return s;
}

/// A timeline of commands. Each action runs at its time; actions of one day run in one
/// batch, after the clock's tick of that day at 17:00 when `daily_ticks` is set.
class Timeline {
 public:
  using Action = std::function<void()>;
  void add(Timestamp t, Action a) { actions_.push_back({t, actions_.size(), std::move(a)}); }

  absl::Status run(Engine& engine, const Span& span, bool daily_ticks) {
    std::stable_sort(actions_.begin(), actions_.end(), [](const Item& a, const Item& b) { return a.t < b.t; });
    std::map<std::int64_t, std::vector<const Item*>> days;
    for (const auto& a : actions_) days[civic::day_of(a.t)].push_back(&a);
    if (daily_ticks) {
      for (std::int64_t d = civic::day_of(span.begin); d <= civic::day_of(span.end); ++d) days[d];
    }
    for (const auto& [day, items] : days) {
      const Timestamp tick_at = std::min(civic::day_start(day) + 17 * 3600, span.end);
      const absl::Status st = engine.batch([&](Engine& e) -> absl::Status {
        bool ticked = !daily_ticks;
        for (const Item* it : items) {
          if (!ticked && tick_at <= it->t) {
            JICENG_RETURN_IF_ERROR(e.tick(tick_at).status());
            ticked = true;
          }
          it->action();
        }
        if (!ticked) return e.tick(tick_at).status();
        return absl::OkStatus();
      });
      JICENG_RETURN_IF_ERROR(st);
    }
    return absl::OkStatus();
  }

 private:
  struct Item {
    Timestamp t;
    std::size_t order;
    Action action;
  };
  std::vector<Item> actions_;
};

/// Runs one loop command; a refusal the part did not intend counts in the year's refusals,
/// one it did (to show the check) in the part's own count.
class Commander {
 public:
  Commander(Engine& e, std::string_view loop, SimStats& sim, LoopPartReport& rep)
      : e_(e), loop_(loop), sim_(sim), rep_(rep) {}
  std::uint64_t run(std::string_view event, std::uint64_t item, const Actor& a, Timestamp t,
                    const boost::json::object& payload, bool expect_refusal = false) {
    ++rep_.commands;
    ++sim_.commands[internal::cat(loop_, ".", event)];
    auto r = loop_command(e_, loop_, event, item, a, t, payload);
    if (r.ok() && !expect_refusal) return r->item;
    if (!r.ok() && expect_refusal) {
      ++rep_.refused_on_purpose;
      refusals_.push_back(std::string(r.status().message()));
      return 0;
    }
    ++sim_.refused;
    const std::string why = r.ok() ? internal::cat(loop_, " ", event, ": accepted but meant to be refused")
                                   : r.status().ToString();
    if (sim_.refusals.size() < 20 || sim_.refusals.contains(why)) ++sim_.refusals[why];
    return 0;
  }
  /// Messages of the refusals the part meant (shown in the report).
  const std::vector<std::string>& refusals() const { return refusals_; }

 private:
  Engine& e_;
  std::string loop_;
  SimStats& sim_;
  LoopPartReport& rep_;
  std::vector<std::string> refusals_;
};

/// The district's members by the unit holding their relation, in load order (from the
/// org document, which the demo built).
inline std::map<std::string, std::vector<std::string>> members_by_unit(const District& d) {
  std::map<std::string, std::vector<std::string>> out;
  boost::json::error_code ec;
  const boost::json::value doc = boost::json::parse(d.json, ec);
  if (ec || !doc.is_object()) return out;
  if (const auto* ms = doc.as_object().if_contains("members"); ms && ms->is_array()) {
    for (const auto& m : ms->as_array()) {
      const auto& o = m.as_object();
      const auto* u = o.if_contains("org_unit");
      if (u && u->is_string()) out[std::string(u->as_string())].push_back(std::string(o.at("id").as_string()));
    }
  }
  return out;
}

inline std::string street_of(const District& d, int unit) {
  const int s = d.units[static_cast<std::size_t>(unit)].street;
  return s < 0 ? std::string() : d.units[static_cast<std::size_t>(d.streets[static_cast<std::size_t>(s)])].id;
}

}  // namespace jiceng::demo::civic_part
