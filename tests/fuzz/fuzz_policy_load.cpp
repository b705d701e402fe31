// libFuzzer target: the policy loader (jc_policy_from_json) and, when a set loads, its
// serialization (which must load again) and an evaluation of a fixed subject.
#include <cstdint>
#include <cstdlib>

#include "jiceng.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  jc_policy* p = nullptr;
  const jc_status s = jc_policy_from_json(&p, reinterpret_cast<const char*>(data), size, "fuzz.json");
  if (s != JC_OK) {
    if (p != nullptr || jc_last_error()[0] == '\0') std::abort();
    return 0;
  }
  char* text = nullptr;
  if (jc_policy_to_json(&text, p) != JC_OK) std::abort();
  jc_policy* again = nullptr;
  if (jc_policy_from_json(&again, text, JC_NUL_TERMINATED, "resolved.json") != JC_OK) std::abort();
  char* info = nullptr;
  if (jc_policy_info_json(&info, p) == JC_OK) jc_string_free(info);
  char* findings = nullptr;
  static const char kSubject[] =
      R"({"type":"committee_slate","id":"slate-1","candidates":[{"id":"a","party_member":true},{"id":"b","party_member":false}]})";
  if (jc_policy_evaluate(&findings, p, kSubject, JC_NUL_TERMINATED) == JC_OK) jc_string_free(findings);
  jc_string_free(text);
  jc_policy_free(again);
  jc_policy_free(p);
  return 0;
}
