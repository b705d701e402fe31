// Periods counted in days as the Civil Code counts them (民法典 第二百零一条: the day a
// period starts is not counted; 第二百零三条: a last day that is a statutory rest day moves to
// the day after the rest ends, and the last day ends at 24:00).
#include "common/strings.hpp"
#include "jiceng/calendar.hpp"

namespace jiceng {

absl::StatusOr<Date> civil_code_period_last_day(const WorkCalendar& cal, Date start, std::int64_t days) {
  if (start.is_special()) return absl::InvalidArgumentError("civil_code_period_last_day: start is not a date");
  if (days < 0 || days > kMaxDurationAmount) {
    return absl::InvalidArgumentError(
        internal::cat("civil_code_period_last_day: days ", days, " outside [0, ", kMaxDurationAmount, "]"));
  }
  static const Date kLastDate(9999, 12, 31);
  if (static_cast<std::int64_t>(kLastDate.day_number()) - static_cast<std::int64_t>(start.day_number()) < days) {
    return absl::InvalidArgumentError("civil_code_period_last_day: the last day is after 9999-12-31");
  }
  const Date last = start + boost::gregorian::date_duration(static_cast<long>(days));
  // add_workdays(d, 0): d itself when it is a working day, else the next working day.
  return cal.add_workdays(last, 0);
}

}  // namespace jiceng
