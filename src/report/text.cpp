#include "report/text.hpp"

#include <initializer_list>
#include <optional>
#include <utility>

#include <unicode/locid.h>
#include <unicode/numberformatter.h>
#include <unicode/unistr.h>
#include <utf8proc.h>

#include "jiceng/petition.hpp"

namespace jiceng::report {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_table(const std::vector<std::vector<std::string>>& rows) {
  std::string o = "<table>\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    o += "<tr>";
    for (const auto& cell : rows[i]) {
      o += i == 0 ? "<th>" : "<td>";
      o += html_escape(cell);
      o += i == 0 ? "</th>" : "</td>";
    }
    o += "</tr>\n";
  }
  return o + "</table>\n";
}

namespace {

namespace number = icu::number;

// One formatter per precision (0..3 digits); the locale's own grouping (zh: every three
// digits, from 1,000). LocalizedNumberFormatter is immutable and thread-safe.
const number::LocalizedNumberFormatter& zh_formatter(int fraction_digits) {
  static const auto* f = [] {
    auto* a = new number::LocalizedNumberFormatter[4];
    for (int d = 0; d < 4; ++d) {
      a[d] = number::NumberFormatter::withLocale(icu::Locale::getSimplifiedChinese())
                 .precision(number::Precision::fixedFraction(d));
    }
    return a;
  }();
  return f[fraction_digits < 0 ? 0 : (fraction_digits > 3 ? 3 : fraction_digits)];
}

std::string to_utf8(const number::FormattedNumber& n, UErrorCode& status) {
  std::string out;
  if (U_SUCCESS(status)) n.toString(status).toUTF8String(out);
  return out;
}

}  // namespace

std::string format_count(std::uint64_t v) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out = to_utf8(zh_formatter(0).formatInt(static_cast<std::int64_t>(v), status), status);
  return U_SUCCESS(status) ? out : std::to_string(v);
}

std::string format_fixed(double v, int fraction_digits) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out = to_utf8(zh_formatter(fraction_digits).formatDouble(v, status), status);
  return U_SUCCESS(status) ? out : std::to_string(v);
}

std::string format_percent(double fraction) { return format_fixed(fraction * 100.0, 1) + "%"; }

namespace {

std::string lookup(std::string_view key, std::initializer_list<std::pair<std::string_view, std::string_view>> table) {
  for (const auto& [k, v] : table) {
    if (k == key) return std::string(v);
  }
  return std::string(key);
}

}  // namespace

std::string channel_zh(std::string_view channel) {
  return lookup(channel, {{"online_platform", "线上平台"},
                          {"wechat_account", "微信公众号"},
                          {"mini_program", "小程序"},
                          {"photo_report", "随手拍"},
                          {"door_to_door", "入户走访"},
                          {"meeting", "议事会"},
                          {"hotline", "12345热线"}});
}

std::string state_zh(std::string_view state) {
  // The petition table's own names (one dictionary: the one the workflow diagram shows).
  const std::optional<State> s = parse_state(state);
  return s ? std::string(chinese_name(*s)) : std::string(state);
}

std::string severity_zh(std::string_view severity) {
  return lookup(severity, {{"error", "不合规"}, {"warning", "提醒"}, {"info", "提示"}});
}

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {  // not UTF-8: one column for the byte, go on with the next
      ++w;
      ++p;
      --left;
      continue;
    }
    const int cw = utf8proc_charwidth(cp);
    w += cw > 0 ? static_cast<std::size_t>(cw) : 0;
    p += n;
    left -= n;
  }
  return w;
}

std::string pad_right(std::string_view s, std::size_t width) {
  std::string out(s);
  const std::size_t w = display_width(s);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string pad_left(std::string_view s, std::size_t width) {
  const std::size_t w = display_width(s);
  std::string out = w < width ? std::string(width - w, ' ') : std::string();
  out.append(s);
  return out;
}

}  // namespace jiceng::report
