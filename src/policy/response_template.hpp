// Response templates (答复模板): the text a petition's resident is shown in a state, with
// placeholders filled from the petition. One parser serves the lint at policy load (an
// unknown placeholder refuses the set) and the rendering by the engine, so both agree.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace jiceng::policy_internal {

/// The placeholders a template may use, each written `{name}`; `{{` and `}}` are literal braces.
std::span<const std::string_view> response_placeholders();

/// Walks `text`: literal runs are appended to `out`, each placeholder is handed to `fill`
/// (which appends its value or refuses it). INVALID_ARGUMENT for an unclosed `{`, a lone
/// `}` or an empty placeholder; `fill`'s error as it is.
absl::Status render_response(std::string_view text,
                             absl::FunctionRef<absl::Status(std::string_view name, std::string& out)> fill,
                             std::string& out);

/// The lint: OK when `text` is well formed and uses only known placeholders; else an
/// error naming the placeholder (or the malformation) — the caller adds file, category, state.
absl::Status check_response(std::string_view text);

}  // namespace jiceng::policy_internal
