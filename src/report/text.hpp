// Text helpers the applications share (the KPI report renderers, the demo's terminal
// report and HTML page): one HTML escaper, one display width, zh-CN numbers. Not part of
// the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jiceng::report {

/// Text safe inside HTML element content and attribute values (double- or single-quoted):
/// & < > " ' become entities.
std::string html_escape(std::string_view s);

/// An HTML table of text cells, each escaped: the first row as headers (th), the rest as
/// data (td).
std::string html_table(const std::vector<std::vector<std::string>>& rows);

/// A count as written for zh-CN readers, grouped by thousands (ICU): 12345 → "12,345".
std::string format_count(std::uint64_t v);

/// A number with `fraction_digits` digits after the point, grouped as format_count
/// (ICU, zh-CN, half-even rounding): (1234.56, 1) → "1,234.6".
std::string format_fixed(double v, int fraction_digits);

/// A fraction as a zh-CN percent with one decimal: 0.8734 → "87.3%".
std::string format_percent(double fraction);

/// Chinese names for the codes a report shows (no bare codes on an office's page): a
/// channel (`Channel` name, e.g. "wechat_account" → 微信公众号), a petition state
/// ("in_progress" → 办理中) and a finding's severity ("error" → 不合规). An unknown code
/// is returned as given.
std::string channel_zh(std::string_view channel);
std::string state_zh(std::string_view state);
std::string severity_zh(std::string_view severity);

/// Terminal columns of UTF-8 text, by utf8proc's character widths (Unicode's East Asian
/// width: CJK and full-width characters take two, combining marks none). Bytes that are
/// not valid UTF-8 count one column each.
std::size_t display_width(std::string_view s);

/// `s` padded with spaces on the right (left-aligned) or left (right-aligned) to `width`
/// display columns; unchanged when already as wide.
std::string pad_right(std::string_view s, std::size_t width);
std::string pad_left(std::string_view s, std::size_t width);

}  // namespace jiceng::report
