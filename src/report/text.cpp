#include "report/text.hpp"

#include <utf8proc.h>

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
