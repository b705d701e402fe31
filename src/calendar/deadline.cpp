// Durations, deadlines and the deadline policy (办理时限规则) of the two petition tracks.
#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/strings.hpp"
#include "jiceng/calendar.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;
using internal::av;

constexpr std::string_view kDefaultCategory = "default";
constexpr std::int64_t kEpochDay = 2440588;  // Boost day number of 1970-01-01
constexpr std::int64_t kMaxDay = 5373484;    // 9999-12-31

Duration wd(std::int64_t n) { return {n, TimeUnit::kWorkdays}; }
Duration days(std::int64_t n) { return {n, TimeUnit::kNaturalDays}; }
Duration hours(std::int64_t n) { return {n, TimeUnit::kHours}; }

struct Field {
  std::string_view name;
  Duration DeadlineLimits::*member;
};
constexpr Field kFields[] = {
    {"accept", &DeadlineLimits::accept},
    {"sign", &DeadlineLimits::sign},
    {"resolve", &DeadlineLimits::resolve},
    {"evaluate", &DeadlineLimits::evaluate},
    {"max_extension", &DeadlineLimits::max_extension},
    {"return_window", &DeadlineLimits::return_window},
    {"objection_window", &DeadlineLimits::objection_window},
    {"review_request", &DeadlineLimits::review_request},
    {"review_decide", &DeadlineLimits::review_decide},
};
// The fields `default.normal` must give; the rest default to 0 (does not apply).
constexpr std::string_view kRequiredFields[] = {"accept", "sign", "resolve", "evaluate"};
constexpr std::string_view kUrgencyKeys[] = {"normal", "urgent"};

const Field* find_field(std::string_view name) {
  for (const auto& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string field_list() {
  std::string out;
  for (const auto& f : kFields) absl::StrAppend(&out, out.empty() ? "" : ", ", av(f.name));
  return out;
}

// "HH:MM" (00:00..23:59) to a minute of day, or -1.
int parse_hh_mm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return -1;
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -100; };
  const int h = digit(0) * 10 + digit(1);
  const int m = digit(3) * 10 + digit(4);
  if (h < 0 || h > 23 || m < 0 || m > 59) return -1;
  return h * 60 + m;
}

// Applies the fields of `obj` over `limits`. `where` is e.g. "policy.json: categories.x.normal".
absl::Status read_limits(const json::object& obj, const std::string& where, DeadlineLimits* limits) {
  for (const auto& [key, value] : obj) {
    const Field* f = find_field(key);
    if (f == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".", av(std::string_view(key)),
                                                     ": unknown field (known: ", field_list(), ")"));
    }
    if (!value.is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".", av(f->name), ": must be a duration string such as \"5wd\", \"15d\" or \"2h\""));
    }
    auto d = parse_duration(std::string_view(value.get_string()));
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ".", av(f->name), ": ", d.status().message()));
    limits->*(f->member) = *d;
  }
  return absl::OkStatus();
}

// Reads one category object {"normal": {...}, "urgent": {...}} over `base`.
absl::Status read_category(const json::value& value, const std::string& where,
                           std::array<DeadlineLimits, 2>* limits, std::array<bool, 2>* given) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": must be an object with \"normal\" and/or \"urgent\""));
  }
  *given = {false, false};
  for (const auto& [key, v] : value.get_object()) {
    std::size_t u = 0;
    while (u < 2 && kUrgencyKeys[u] != std::string_view(key)) ++u;
    if (u == 2) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".", av(std::string_view(key)),
                                                     ": unknown urgency (use normal or urgent)"));
    }
    const std::string here = absl::StrCat(where, ".", av(kUrgencyKeys[u]));
    if (!v.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(here, ": must be an object of durations"));
    }
    JICENG_RETURN_IF_ERROR(read_limits(v.get_object(), here, &(*limits)[u]));
    (*given)[u] = true;
  }
  return absl::OkStatus();
}

json::object limits_to_json(const DeadlineLimits& l) {
  json::object o;
  for (const auto& f : kFields) o[f.name] = format_duration(l.*(f.member));
  return o;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Durations and deadlines

absl::StatusOr<Duration> parse_duration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("duration \"", av(text), "\": ", av(why)));
  };
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return bad("must start with a whole number, e.g. 2h, 15d, 5wd");
  if (digits > 9) return bad(absl::StrCat("amount exceeds ", kMaxDurationAmount));
  std::int64_t amount = 0;
  (void)std::from_chars(text.data(), text.data() + digits, amount);
  if (amount > kMaxDurationAmount) return bad(absl::StrCat("amount exceeds ", kMaxDurationAmount));
  const std::string_view unit = text.substr(digits);
  Duration d{amount, TimeUnit::kWorkdays};
  if (unit == "h") {
    d.unit = TimeUnit::kHours;
  } else if (unit == "d") {
    d.unit = TimeUnit::kNaturalDays;
  } else if (unit == "wd") {
    d.unit = TimeUnit::kWorkdays;
  } else {
    return bad("unit must be h (hours), d (natural days) or wd (working days)");
  }
  return d;
}

std::string format_duration(Duration d) {
  switch (d.unit) {
    case TimeUnit::kHours: return absl::StrCat(d.amount, "h");
    case TimeUnit::kNaturalDays: return absl::StrCat(d.amount, "d");
    case TimeUnit::kWorkdays: return absl::StrCat(d.amount, "wd");
  }
  return absl::StrCat(d.amount, "?");
}

absl::StatusOr<Timestamp> deadline_after(const WorkCalendar& cal, Timestamp start, Duration d,
                                         int due_minute_of_day) {
  if (d.amount < 0 || d.amount > kMaxDurationAmount) {
    return absl::InvalidArgumentError(absl::StrCat("duration ", format_duration(d),
                                                   ": amount must be 0..", kMaxDurationAmount));
  }
  if (due_minute_of_day < 0 || due_minute_of_day >= 24 * 60) {
    return absl::InvalidArgumentError(
        absl::StrCat("due minute of day ", due_minute_of_day, " is outside 0..1439"));
  }
  const Date day = china_date(start);
  if (day.is_special()) {
    return absl::OutOfRangeError(absl::StrCat("timestamp ", start, " is outside 1400..9999"));
  }
  switch (d.unit) {
    case TimeUnit::kHours:
      return start + d.amount * 3600;
    case TimeUnit::kNaturalDays: {
      const std::int64_t due = static_cast<std::int64_t>(day.day_number()) + d.amount;
      if (due > kMaxDay) {
        return absl::OutOfRangeError(absl::StrCat(format_duration(d), " after ", format_date(day),
                                                  " is after 9999-12-31"));
      }
      return (due - kEpochDay) * 86400 + due_minute_of_day * 60 - kChinaUtcOffsetSeconds;
    }
    case TimeUnit::kWorkdays: {
      JICENG_ASSIGN_OR_RETURN(Date due, cal.add_workdays(day, static_cast<int>(d.amount)));
      return china_time_to_utc(due, due_minute_of_day);
    }
  }
  return absl::InvalidArgumentError("unknown time unit");
}

// ---------------------------------------------------------------------------------------
// DeadlinePolicy

absl::StatusOr<DeadlinePolicy> DeadlinePolicy::from_json(std::string_view text, std::string_view source) {
  try {
    return from_json_impl(text, source);
  } catch (const std::exception& e) {  // allocation failure and the like; never escapes
    return absl::InternalError(absl::StrCat(av(source), ": ", e.what()));
  }
}

absl::StatusOr<DeadlinePolicy> DeadlinePolicy::from_json_impl(std::string_view text, std::string_view source) {
  boost::system::error_code ec;
  json::parser parser;
  const std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat(av(source), ": invalid JSON near offset ", used, ": ", ec.message()));
  }
  if (text.substr(used).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(av(source), ": text after the JSON value at offset ", used));
  }
  const json::value root = parser.release();
  if (!root.is_object()) return absl::InvalidArgumentError(absl::StrCat(av(source), ": must be a JSON object"));
  const json::object& obj = root.get_object();

  DeadlinePolicy policy;
  const json::value* track = obj.if_contains("track");
  if (track == nullptr || !track->is_string() ||
      (track->get_string() != "hotline" && track->get_string() != "xinfang")) {
    return absl::InvalidArgumentError(
        absl::StrCat(av(source), ": track must be \"hotline\" or \"xinfang\""));
  }
  policy.track_ = std::string(track->get_string());

  if (const json::value* due = obj.if_contains("due_time")) {
    const int minute = due->is_string() ? parse_hh_mm(std::string_view(due->get_string())) : -1;
    if (minute < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(av(source), ": due_time must be a local time \"HH:MM\" (00:00..23:59)"));
    }
    policy.due_minute_ = minute;
  }

  const json::value* cats = obj.if_contains("categories");
  if (cats == nullptr || !cats->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(av(source), ": categories must be an object"));
  }
  const json::value* def = cats->get_object().if_contains("default");
  if (def == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(av(source), ": categories.default is missing"));
  }
  // default: normal first, then urgent over normal.
  {
    const std::string where = absl::StrCat(av(source), ": categories.default");
    PerUrgency limits{};
    std::array<bool, 2> given{};
    JICENG_RETURN_IF_ERROR(read_category(*def, where, &limits, &given));
    if (!given[0]) return absl::InvalidArgumentError(absl::StrCat(where, ".normal is missing"));
    const json::object& normal = def->get_object().at("normal").get_object();
    for (std::string_view f : kRequiredFields) {
      if (!normal.contains(f)) {
        return absl::InvalidArgumentError(absl::StrCat(where, ".normal.", av(f), " is missing"));
      }
    }
    policy.default_[0] = limits[0];
    policy.default_[1] = limits[0];
    if (given[1]) {
      JICENG_RETURN_IF_ERROR(read_limits(def->get_object().at("urgent").get_object(),
                                         absl::StrCat(where, ".urgent"), &policy.default_[1]));
    }
  }
  for (const auto& [key, value] : cats->get_object()) {
    const std::string_view name(key);
    if (name == kDefaultCategory) continue;
    const std::string where = absl::StrCat(av(source), ": categories.", av(name));
    if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": empty category name"));
    PerUrgency limits = policy.default_;
    std::array<bool, 2> given{};
    JICENG_RETURN_IF_ERROR(read_category(value, where, &limits, &given));
    policy.categories_[std::string(name)] = limits;
  }
  return policy;
}

// The hotline track (12345 政务服务便民热线). Sources: the Shandong hotline rules cited beside
// each figure below, and docs/calendar.md.
DeadlinePolicy DeadlinePolicy::hotline_default() {
  DeadlinePolicy p;
  p.track_ = "hotline";
  p.due_minute_ = 17 * 60 + 30;  // end of the working day (practice; configurable)
  DeadlineLimits normal;
  normal.accept = wd(1);    // 受理: assumption, no statutory figure found; configurable
  normal.sign = wd(1);      // 签收: assumption (practice), configurable
  normal.resolve = wd(5);   // 济南条例 第二十四条, 潍坊条例 第二十条, 山东省管理办法: 5个工作日
  normal.evaluate = wd(2);  // 回访/评价: assumption; 北京条例 第二十三条 requires 回访, no figure
  normal.max_extension = wd(10);  // 山东省政务服务热线管理办法 (2020): 延期 ≤10个工作日
  normal.return_window = wd(2);   // 山东省政务服务热线管理办法 (2020): 回退 within 2个工作日
  DeadlineLimits urgent = normal;
  urgent.accept = hours(2);  // urgent matters: "最快2小时处置" — practice figure, UNVERIFIED
  urgent.sign = hours(2);    // same practice figure; the statutory 5 wd ceiling still applies
  p.default_ = {normal, urgent};
  return p;
}

// 广东省12345热线管理办法 (secondary source, docs/domain.md §3): 咨询 2, 求助/建议 10, 投诉/举报
// 15 working days. Extension and return windows are not given there; kept from Shandong.
DeadlinePolicy DeadlinePolicy::hotline_guangdong() {
  DeadlinePolicy p = hotline_default();
  const std::pair<std::string_view, std::int64_t> by_type[] = {
      {"consultation", 2}, {"help", 10}, {"suggestion", 10}, {"complaint", 15}, {"report", 15}};
  for (const auto& [name, resolve] : by_type) {
    PerUrgency limits = p.default_;
    limits[0].resolve = wd(resolve);
    limits[1].resolve = wd(resolve);
    p.categories_[std::string(name)] = limits;
  }
  return p;
}

// The 信访 track: 信访工作条例 (2022-02-25, in force 2022-05-01), docs/domain.md §2. Its limits
// are natural days (日) unless it says 工作日; the 条例 has no urgency tier.
DeadlinePolicy DeadlinePolicy::xinfang_default() {
  DeadlinePolicy p;
  p.track_ = "xinfang";
  p.due_minute_ = 17 * 60 + 30;
  DeadlineLimits l;
  l.accept = days(15);           // 第二十二条: 登记, 15日内 转送/交办
  l.sign = days(15);             // 第二十三条: a receiving unit tells the petitioner within 15日
  l.objection_window = wd(5);    // 第二十三条: 异议 within 5个工作日 when outside its remit
  l.resolve = days(60);          // 第三十四条: 自受理之日起60日内办结
  l.max_extension = days(30);    // 第三十四条: 延长期限不得超过30日
  l.evaluate = days(30);         // 第三十五条: the petitioner may ask for 复查 within 30日 of the answer
  l.review_request = days(30);   // 第三十五/三十六条: 复查/复核 requested within 30日
  l.review_decide = days(30);    // 第三十五/三十六条: decided within 30日
  p.default_ = {l, l};
  return p;
}

const DeadlineLimits& DeadlinePolicy::limits(std::string_view category, Urgency urgency) const {
  const auto u = static_cast<std::size_t>(urgency == Urgency::kUrgent ? 1 : 0);
  if (auto it = categories_.find(av(category)); it != categories_.end()) return it->second[u];
  return default_[u];
}

std::vector<std::string> DeadlinePolicy::categories() const {
  std::vector<std::string> out;
  out.reserve(categories_.size() + 1);
  out.emplace_back(kDefaultCategory);
  for (const auto& [name, limits] : categories_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::string DeadlinePolicy::to_json() const {
  json::object root;
  root["track"] = track_;
  root["due_time"] = absl::StrFormat("%02d:%02d", due_minute_ / 60, due_minute_ % 60);
  json::object cats;
  for (const std::string& name : categories()) {
    const PerUrgency& l = name == kDefaultCategory ? default_ : categories_.at(name);
    json::object c;
    c["normal"] = limits_to_json(l[0]);
    c["urgent"] = limits_to_json(l[1]);
    cats[name] = std::move(c);
  }
  root["categories"] = std::move(cats);
  return json::serialize(root);
}

}  // namespace jiceng
