// libFuzzer target: the C ABI's string entry points. The first byte picks the entry
// point; the rest is split at '\n' into its text arguments (kept as raw bytes, so invalid
// UTF-8, embedded NULs and overlong input reach the library). Every call must return a
// status — with a message when it is not JC_OK — and never crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "jiceng.h"

namespace {

jc_engine* shared_engine() {
  static jc_engine* e = [] {
    jc_engine* x = nullptr;
    jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
    o.policy = "suzhou-sip";
    if (jc_engine_open(&x, &o) != JC_OK) std::abort();
    if (jc_engine_load_sample_org(x, 1700000000) != JC_OK) std::abort();
    return x;
  }();
  return e;
}

void check(jc_status s) {
  if (s != JC_OK && jc_last_error()[0] == '\0') std::abort();
  if (s < JC_OK || s > JC_UNAUTHENTICATED) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned op = data[0] % 12;
  std::vector<std::string> args;
  std::string cur;
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == '\n') {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(cur);
  while (args.size() < 6) args.emplace_back();
  const char* a0 = args[0].c_str();
  const char* a1 = args[1].c_str();
  jc_clear_error();
  jc_engine* e = shared_engine();
  switch (op) {
    case 0: {
      jc_date d;
      check(jc_date_parse(&d, a0));
      break;
    }
    case 1: {
      int v = 0;
      check(jc_enum_parse(&v, a0, a1));
      const char* name = nullptr;
      check(jc_enum_name(&name, a0, static_cast<int>(args[1].size()) - 3));
      break;
    }
    case 2: {
      jc_calendar* c = nullptr;
      check(jc_calendar_china(&c));
      check(jc_calendar_load_csv(c, args[0].data(), args[0].size(), a1));
      jc_date d = {2025, 1, 1};
      jc_date out;
      check(jc_calendar_add_workdays(&out, c, d, static_cast<int>(args[1].size())));
      jc_calendar_free(c);
      break;
    }
    case 3: {
      const jc_calendar* c = nullptr;
      check(jc_engine_calendar(&c, e));
      int64_t t = 0;
      check(jc_calendar_deadline_after(&t, c, 1735689600, a0, static_cast<int>(args[1].size()) * 97 - 5));
      break;
    }
    case 4: {
      const jc_org* org = nullptr;
      check(jc_engine_org(&org, e));
      uint32_t u = 0;
      check(jc_org_find(&u, org, a0));
      uint32_t units[6];
      check(jc_org_responsible_units(units, org, a1));
      char* dot = nullptr;
      if (jc_org_export_dot(&dot, org, a0, 1) == JC_OK) jc_string_free(dot);
      break;
    }
    case 5: {
      jc_actor actor = {a0, static_cast<int>(args[1].size()) % 12, a1};
      jc_submission s = JC_SUBMISSION_INIT;
      s.petitioner = a0;
      s.contact_name = args[2].c_str();
      s.contact_phone = args[3].c_str();
      s.location = args[4].c_str();
      s.category = args[5].c_str();
      s.text = args.size() > 6 ? args[6].c_str() : "";
      s.idempotency_key = args.size() > 7 ? args[7].c_str() : nullptr;
      uint64_t id = 0;
      check(jc_engine_submit(&id, e, &actor, &s, 1735776000));
      if (id != 0) {
        char* js = nullptr;
        if (jc_engine_petition_json(&js, e, id, 0) == JC_OK) jc_string_free(js);
        if (jc_engine_history_json(&js, e, id, 1) == JC_OK) jc_string_free(js);
        check(jc_engine_reject(e, &actor, id, a1, 1735776100));
      }
      break;
    }
    case 6: {
      jc_policy* p = nullptr;
      check(jc_policy_load_builtin(&p, "suzhou-sip"));
      char* out = nullptr;
      if (jc_policy_evaluate(&out, p, args[0].data(), args[0].size()) == JC_OK) jc_string_free(out);
      if (jc_policy_rule_params_json(&out, p, a1) == JC_OK) jc_string_free(out);
      jc_policy_free(p);
      break;
    }
    case 7: {
      char* out = nullptr;
      if (jc_workflow_matrix(&out, a0) == JC_OK) jc_string_free(out);
      uint64_t id = 0;
      check(jc_engine_find_by_key(&id, e, a0));
      size_t n = 0;
      check(jc_engine_by_unit(nullptr, 0, &n, e, a1));
      break;
    }
    case 8: {
      // Snapshot bytes: a fresh engine must refuse garbage without changing.
      jc_engine* x = nullptr;
      check(jc_engine_open(&x, nullptr));
      char before[65], after[65];
      size_t len = 0;
      check(jc_engine_digest(before, sizeof before, &len, x));
      if (jc_engine_restore(x, reinterpret_cast<const char*>(data + 1), size - 1) != JC_OK) {
        check(jc_engine_digest(after, sizeof after, &len, x));
        if (std::string(before) != std::string(after)) std::abort();
      }
      jc_engine_free(x);
      break;
    }
    case 9: {
      jc_engine* x = nullptr;
      check(jc_engine_open(&x, nullptr));
      check(jc_engine_set_policy(x, a0, 0));
      check(jc_engine_load_calendar_csv(x, args[1].data(), args[1].size(), 0));
      check(jc_engine_load_org(x, args[2].data(), args[2].size(), 0));
      jc_engine_free(x);
      break;
    }
    case 10: {
      jc_actor actor = {"fuzz-officer", JC_ROLE_DISTRICT_OFFICER, "320506"};
      check(jc_engine_request_extension(e, &actor, args[1].size() + 1, a0, a1, 1735776000));
      check(jc_engine_dispatch(e, &actor, args[0].size() + 1, a1, 0, 1735776000));
      break;
    }
    default: {
      char buf[16];
      size_t len = 0;
      check(jc_sha256_hex(buf, sizeof buf, &len, args[0].data(), args[0].size()));
      jc_coverage_options o = JC_COVERAGE_OPTIONS_INIT;
      o.as_of = a0;
      const jc_org* org = nullptr;
      check(jc_engine_org(&org, e));
      char* out = nullptr;
      if (jc_org_coverage_json(&out, org, &o) == JC_OK) jc_string_free(out);
      break;
    }
  }
  return 0;
}
