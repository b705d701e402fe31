// Response templates: parse, check and render (see response_template.hpp).
#include "policy/response_template.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "jiceng/types.hpp"

namespace jiceng::policy_internal {

std::span<const std::string_view> response_placeholders() {
  static constexpr std::string_view kNames[] = {"petition_id", "category", "state",        "unit",
                                                "location",    "deadline", "submitted_at"};
  return kNames;
}

absl::Status render_response(std::string_view text,
                             absl::FunctionRef<absl::Status(std::string_view name, std::string& out)> fill,
                             std::string& out) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      out.push_back('{');
      i += 2;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      out.push_back('}');
      i += 2;
    } else if (c == '}') {
      return absl::InvalidArgumentError(internal::cat("a lone \"}\" at byte ", i, " (write \"}}\" for a brace)"));
    } else if (c == '{') {
      const std::size_t close = text.find('}', i + 1);
      if (close == std::string_view::npos) {
        return absl::InvalidArgumentError(internal::cat("an unclosed \"{\" at byte ", i, " (write \"{{\" for a brace)"));
      }
      const std::string_view name = text.substr(i + 1, close - i - 1);
      if (name.empty()) return absl::InvalidArgumentError(internal::cat("an empty placeholder \"{}\" at byte ", i));
      JICENG_RETURN_IF_ERROR(fill(name, out));
      i = close + 1;
    } else {
      const std::size_t next = text.find_first_of("{}", i);
      const std::size_t end = next == std::string_view::npos ? text.size() : next;
      out.append(text.substr(i, end - i));
      i = end;
    }
  }
  return absl::OkStatus();
}

absl::Status check_response(std::string_view text) {
  std::string scratch;
  return render_response(
      text,
      [](std::string_view name, std::string&) -> absl::Status {
        const auto known = response_placeholders();
        if (std::find(known.begin(), known.end(), name) != known.end()) return absl::OkStatus();
        std::string list;
        for (std::string_view k : known) internal::append(&list, list.empty() ? "" : ", ", "{", k, "}");
        return absl::InvalidArgumentError(internal::cat("unknown placeholder {", name, "} (known: ", list, ")"));
      },
      scratch);
}

}  // namespace jiceng::policy_internal
