// CalendarCoverage as JSON: one shape for the C ABI, Python and the command line.
#include <boost/json.hpp>

#include "jiceng/calendar.hpp"

namespace jiceng {

std::string to_json(const CalendarCoverage& c) {
  namespace json = boost::json;
  auto day = [](Date d) { return d.is_special() ? json::value(nullptr) : json::value(format_date(d)); };
  json::object o{{"mode", to_string(c.mode)},
                 {"provisional_rule", c.provisional_rule},
                 {"first_official_year", c.first_official_year},
                 {"last_official_year", c.last_official_year},
                 {"first_provisional_day", day(c.first_provisional_day)},
                 {"last_provisional_day", day(c.last_provisional_day)},
                 {"official_days_left", c.official_days_left},
                 {"warning", c.warning.empty() ? json::value(nullptr) : json::value(c.warning)}};
  return json::serialize(o);
}

}  // namespace jiceng
