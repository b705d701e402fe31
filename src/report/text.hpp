// Text helpers the applications share (the KPI report renderers, the demo's terminal
// report and HTML page): one HTML escaper, one display width. Not part of the library.
#pragma once

#include <cstddef>
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

/// Terminal columns of UTF-8 text, by utf8proc's character widths (Unicode's East Asian
/// width: CJK and full-width characters take two, combining marks none). Bytes that are
/// not valid UTF-8 count one column each.
std::size_t display_width(std::string_view s);

/// `s` padded with spaces on the right (left-aligned) or left (right-aligned) to `width`
/// display columns; unchanged when already as wide.
std::string pad_right(std::string_view s, std::size_t width);
std::string pad_left(std::string_view s, std::size_t width);

}  // namespace jiceng::report
