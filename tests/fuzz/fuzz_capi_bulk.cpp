// libFuzzer target: the C ABI's bulk entry points (批量办理) — jc_engine_submit_many
// (struct jc_submission_columns), jc_engine_execute_many, jc_engine_execute_text_many,
// jc_engine_evaluate_many — alone and inside jc_engine_batch, beside the clock and the KPI
// query (with fuzzed weights JSON).
//
// The input is a little program: each op's bytes choose the call, the count, which columns
// are NULL, every string (a valid id from a pool, NULL, "", raw bytes, a valid id followed
// by invalid UTF-8, an over-long text), every id (created in this run, seeded, 0, unknown,
// random), event types and enum values in and out of range, and forged, zeroed, NULL,
// foreign or stale actor handles (resolved before a jc_engine_restore: every input starts
// with one, and an op restores mid-run, so handle generations advance while it runs).
//
// Oracle: two engines start from the same state (the sample district plus petitions at
// every stage of the loop). Engine A takes the bulk call; engine B takes the same items one
// by one through the single-item calls (jc_engine_submit, jc_engine_accept, ...,
// jc_engine_execute). After every op: each item's status in A equals B's, ids[i] is 0
// exactly when item i was refused, the call returns the first failure (or JC_OK), an error
// always leaves a message in jc_last_error, the petition count grows by the new ids only,
// and both engines have the same state digest — so a refused item changed nothing, as in
// the single call. A refused call (bad actor handle, event type, NULL array, version) or a
// rolled-back batch leaves the digest and the results array untouched.
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "jiceng.h"

namespace {

// 2025-01-06 (Monday) 09:00 CST.
constexpr int64_t kMon = 1736125200;
constexpr int64_t kHour = 3600;
constexpr jc_status kUntouched = JC_UNAUTHENTICATED;  // no engine command returns it
constexpr uint64_t kUntouchedId = 0xDEADBEEFDEADBEEFull;

[[noreturn]] void broken(const char* what, int line) {
  std::fprintf(stderr, "fuzz_capi_bulk.cpp:%d: invariant broken: %s (jc_last_error: \"%s\")\n", line, what,
               jc_last_error());
  std::abort();
}
#define REQUIRE(cond)                      \
  do {                                     \
    if (!(cond)) broken(#cond, __LINE__);  \
  } while (0)

/// Every status is a jc_status, and every error leaves a message.
jc_status checked(jc_status s) {
  REQUIRE(s >= JC_OK && s <= JC_UNAUTHENTICATED);
  if (s != JC_OK) REQUIRE(jc_last_error()[0] != '\0');
  return s;
}

// --- pools ------------------------------------------------------------------------------

const jc_actor kActors[] = {
    {"R-1", JC_ROLE_RESIDENT, nullptr},
    {"R-2", JC_ROLE_RESIDENT, ""},
    {"S-1", JC_ROLE_STREET_OFFICER, "320506001"},
    {"C-1", JC_ROLE_COMMUNITY_SECRETARY, "320506001001"},
    {"C-2", JC_ROLE_COMMUNITY_STAFF, "320506001001"},
    {"D-1", JC_ROLE_DISTRICT_OFFICER, "320506"},
    {"G-1", JC_ROLE_GRID_WORKER, "320506001001G01"},
    {"P-1", JC_ROLE_PROPERTY_COMPANY, "320506001002"},
    {"system", JC_ROLE_SYSTEM, nullptr},
    {"S-9", JC_ROLE_STREET_OFFICER, "320506101"},
};
constexpr std::size_t kActorCount = sizeof kActors / sizeof kActors[0];

const std::vector<std::string> kActorIds = {"R-1", "R-2", "R-3", "S-1", "C-2", "D-1", "system"};
const std::vector<std::string> kUnits = {"320506", "320506001", "320506001001", "320506001001G01", "320506101",
                                         "nowhere"};
const std::vector<std::string> kLocations = {"H-G01B01-0101", "H-G01B01-0202", "H-G02B01-0101", "H-C01B01-1201",
                                             "H-V01Z01-08",   "320506001001",  "320506001001G01B01",
                                             "H-nowhere"};
const std::vector<std::string> kCategories = {"noise", "property", "parking", "drains", "default",
                                              "elderly_meals", "no-such-category"};
const std::vector<std::string> kTexts = {"楼道灯坏了", "楼下广场舞噪音扰民", "已处理", "x", "重复诉求"};
const std::vector<std::string> kKeys = {"k1", "k2", "k3", "key-\xE4\xB8\xAD"};
const std::vector<std::string> kDates = {"2025-01-01", "2025-12-31", "2024-02-29", "2025-02-29", "20250101", ""};

// --- input decoding -----------------------------------------------------------------------

struct Reader {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return v;
  }
  /// A small value in [0, range) most of the time, an extreme one otherwise.
  int small(int range) { return ranged(0, range - 1); }
  /// A value in [lo, hi] most of the time, an extreme one otherwise.
  int ranged(int lo, int hi) {
    const std::uint8_t b = byte();
    if (b < 232) return lo + b % (hi - lo + 1);
    const int range = hi + 1;
    switch (b % 6) {
      case 0: return lo - 1;
      case 1: return range;
      case 2: return INT_MIN;
      case 3: return INT_MAX;
      case 4: return range + 1 + byte();
      default: return lo - 2 - static_cast<int>(byte());
    }
  }
};

/// Strings of one call, kept alive (and at stable addresses) until it returns.
struct Strings {
  std::deque<std::string> store;
  const char* keep(std::string s) {
    store.push_back(std::move(s));
    return store.back().c_str();
  }
  /// One element of a string column.
  const char* next(Reader& r, const std::vector<std::string>& pool) {
    const std::uint8_t tag = r.byte();
    const std::string& valid = pool[r.byte() % pool.size()];
    switch (tag % 10) {
      case 0: return nullptr;
      case 1: return keep("");
      case 2: {  // raw bytes: invalid UTF-8, control characters, an early NUL
        std::string s;
        for (int len = r.byte() % 48; len > 0 && !r.empty(); --len) s.push_back(static_cast<char>(r.byte()));
        return keep(std::move(s));
      }
      case 3: return keep(valid + "\xC3\x28");      // a broken two-byte sequence
      case 4: return keep(valid + "\xED\xA0\x80");  // an encoded surrogate
      case 5: {                                      // long: over the policy's text cap
        std::string s;
        for (int k = 1 + r.byte() * 8; k > 0; --k) s += "噪音";
        return keep(std::move(s));
      }
      default: return keep(valid);
    }
  }
  /// A whole column of `n` elements, or NULL (when `null_column`).
  const char* const* column(Reader& r, std::size_t n, const std::vector<std::string>& pool,
                            std::vector<const char*>* out, bool null_column) {
    out->clear();
    if (null_column) return nullptr;
    for (std::size_t i = 0; i < n; ++i) out->push_back(next(r, pool));
    return out->data();
  }
};

// --- the two engines ----------------------------------------------------------------------

jc_engine* open_engine() {
  jc_engine* e = nullptr;
  jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
  o.policy = "suzhou-sip";
  if (jc_engine_open(&e, &o) != JC_OK) broken("jc_engine_open", __LINE__);
  return e;
}

/// The sample district with petitions at every stage of the loop, as snapshot bytes.
struct Base {
  std::string snapshot;
  std::vector<uint64_t> ids;
};

const Base& base() {
  static const Base b = [] {
    Base out;
    jc_engine* e = open_engine();
    REQUIRE(jc_engine_load_sample_org(e, kMon - 86400) == JC_OK);
    const jc_actor& officer = kActors[5];
    const char* homes[] = {"H-G01B01-0101", "H-G02B01-0101", "H-C01B01-1201", "H-G01B02-0301"};
    for (int n = 0; n < 10; ++n) {
      jc_submission s = JC_SUBMISSION_INIT;
      s.petitioner = "R-1";
      s.contact_name = "张三";
      s.contact_phone = "13812345678";
      s.location = homes[n % 4];
      s.category = n % 2 == 0 ? "noise" : "property";
      s.text = "楼道灯坏了";
      uint64_t id = 0;
      const int64_t t = kMon + n * 60;
      REQUIRE(jc_engine_submit(&id, e, &kActors[0], &s, t) == JC_OK);
      out.ids.push_back(id);
      // n: 0 received, 1 accepted, 2 dispatched, 3 in progress, 4 extension requested,
      // 5 resolved, 6 evaluated, 7 rejected, 8 withdrawn, 9 in progress
      if (n == 7) {
        REQUIRE(jc_engine_reject(e, &officer, id, "不属于受理范围", t + 60) == JC_OK);
        continue;
      }
      if (n == 8) {
        REQUIRE(jc_engine_withdraw(e, &kActors[0], id, nullptr, t + 60) == JC_OK);
        continue;
      }
      if (n >= 1) REQUIRE(jc_engine_accept(e, &officer, id, t + 60) == JC_OK);
      if (n >= 2) REQUIRE(jc_engine_dispatch(e, &officer, id, nullptr, 0, t + 120) == JC_OK);
      if (n >= 3) REQUIRE(jc_engine_sign(e, &officer, id, t + 180) == JC_OK);
      if (n == 4) REQUIRE(jc_engine_request_extension(e, &officer, id, "5wd", "需协调物业", t + 240) == JC_OK);
      if (n == 5 || n == 6) REQUIRE(jc_engine_resolve(e, &officer, id, "已修复", t + 240) == JC_OK);
      if (n == 6) REQUIRE(jc_engine_evaluate(e, &officer, id, 1, 1, JC_SATISFIED, t + 300) == JC_OK);
    }
    char* bytes = nullptr;
    std::size_t len = 0;
    REQUIRE(jc_engine_snapshot(&bytes, &len, e) == JC_OK);
    out.snapshot.assign(bytes, len);
    jc_string_free(bytes);
    jc_engine_free(e);
    return out;
  }();
  return b;
}

std::string digest(jc_engine* e) {
  char buf[65];
  std::size_t len = 0;
  REQUIRE(jc_engine_digest(buf, sizeof buf, &len, e) == JC_OK);
  return std::string(buf, len);
}

uint64_t petition_count(jc_engine* e) {
  char* js = nullptr;
  REQUIRE(jc_engine_stats_json(&js, e) == JC_OK);
  const char* p = std::strstr(js, "\"petitions\":");
  REQUIRE(p != nullptr);
  const uint64_t n = std::strtoull(p + 12, nullptr, 10);
  jc_string_free(js);
  return n;
}

uint64_t last_seq(jc_engine* e) {
  uint64_t s = 0;
  REQUIRE(jc_engine_last_seq(&s, e) == JC_OK);
  return s;
}

struct Run {
  jc_engine* a = nullptr;  // takes the bulk calls
  jc_engine* b = nullptr;  // takes the same items one by one
  jc_actor_handle ha[kActorCount] = {};
  jc_actor_handle hb[kActorCount] = {};
  jc_actor_handle stale[kActorCount] = {};  // A's handles from before its latest restore
  bool resolved[kActorCount] = {};
  std::vector<uint64_t> ids;  // seeded and created petitions
  std::set<uint64_t> known;
  int64_t now = kMon + 2 * kHour;

  uint64_t pick_id(Reader& r) {
    const std::uint8_t b = r.byte();
    switch (b % 8) {
      case 0: return 0;
      case 1: return 424242;
      case 2: return UINT64_MAX;
      case 3: return r.u64();
      default: return ids[r.byte() % ids.size()];
    }
  }
  int64_t pick_time(Reader& r) {
    const std::uint8_t b = r.byte();
    switch (b % 8) {
      case 0: return INT64_MIN;
      case 1: return INT64_MAX;
      case 2: return 0;
      case 3: return static_cast<int64_t>(r.u64());
      case 4: return now - 366 * 86400;
      default: return now + (b % 64) * 60;
    }
  }
};

// --- one bulk op, run on A and mirrored on B ----------------------------------------------

/// A resolved actor handle for engine A (and its twin on B), or a bad one. `bad` says which
/// (0 = good).
struct HandlePick {
  const jc_actor_handle* a = nullptr;
  const jc_actor_handle* b = nullptr;
  std::size_t index = 0;
  bool bad = false;
  jc_actor_handle storage{};
};

HandlePick pick_handle(Run& run, Reader& r) {
  HandlePick h;
  const std::uint8_t b = r.byte();
  h.index = r.byte() % kActorCount;
  if (!run.resolved[h.index]) h.index = 5;  // the district officer always resolves
  h.a = &run.ha[h.index];
  h.b = &run.hb[h.index];
  if (b < 224) return h;
  h.bad = true;
  switch (b % 6) {
    case 5: h.a = &run.stale[h.index]; break;  // resolved before a restore of A
    case 0: h.a = nullptr; break;
    case 1: h.storage = run.ha[h.index]; h.storage.check ^= 1u << (b % 32); h.a = &h.storage; break;
    case 2: h.storage = jc_actor_handle{0, 0, 0, 0}; h.a = &h.storage; break;
    case 3: h.a = &run.hb[h.index]; break;  // made by the other engine
    default: h.storage = run.ha[h.index]; h.storage.role += 11u + r.byte(); h.a = &h.storage; break;
  }
  return h;
}

/// The results of one bulk call and of its mirror.
struct Outcome {
  jc_status ret = JC_OK;
  bool call_refused = false;  // expected: the call itself is refused before any item runs
  std::vector<jc_status> results;
  bool results_null = false;
  std::vector<jc_status> mirror;
  std::vector<uint64_t> ids_a, ids_b;  // submit_many only
};

/// Checks the per-item invariants once A ran and B mirrored.
void check_items(const Outcome& o) {
  if (o.call_refused) {
    REQUIRE(o.ret == JC_INVALID_ARGUMENT);
    for (jc_status s : o.results) REQUIRE(s == kUntouched);
    for (uint64_t id : o.ids_a) REQUIRE(id == kUntouchedId);
    return;
  }
  jc_status first = JC_OK;
  for (std::size_t i = 0; i < o.mirror.size(); ++i) {
    if (!o.results_null) REQUIRE(o.results[i] == o.mirror[i]);
    if (first == JC_OK) first = o.mirror[i];
    if (!o.ids_a.empty()) {
      REQUIRE((o.ids_a[i] == 0) == (o.mirror[i] != JC_OK));
      REQUIRE(o.ids_a[i] == o.ids_b[i]);
    }
  }
  REQUIRE(o.ret == first);
}

Outcome submit_many(Run& run, Reader& r, bool in_batch, jc_engine* a) {
  Outcome o;
  Strings str;
  const std::uint8_t flags = r.byte();  // bit i: column i is NULL
  const std::uint8_t flags2 = r.byte();
  const std::size_t n = r.byte() % 13;
  std::vector<const char*> actor_ids, actor_units, petitioners, names, phones, locations, categories, texts, keys;
  std::vector<int> roles, urgencies, severities, channels;
  std::vector<int64_t> times;
  jc_submission_columns c;
  REQUIRE(jc_submission_columns_init(&c, JC_SUBMISSION_COLUMNS_VERSION) == JC_OK);
  c.count = n;
  c.actor_ids = str.column(r, n, kActorIds, &actor_ids, (flags & 1) && (flags2 & 1));
  c.actor_units = str.column(r, n, kUnits, &actor_units, flags & 2);
  c.petitioners = str.column(r, n, kActorIds, &petitioners, flags & 4);
  c.contact_names = str.column(r, n, {"张三", "李四"}, &names, flags & 8);
  c.contact_phones = str.column(r, n, {"13812345678", "0512-1234"}, &phones, flags & 16);
  c.locations = str.column(r, n, kLocations, &locations, (flags2 & 2) && (flags2 & 4));
  c.categories = str.column(r, n, kCategories, &categories, (flags2 & 8) && (flags2 & 16));
  c.texts = str.column(r, n, kTexts, &texts, (flags2 & 32) && (flags2 & 64));
  c.idempotency_keys = str.column(r, n, kKeys, &keys, flags & 32);
  for (std::size_t i = 0; i < n; ++i) {
    roles.push_back(r.byte() < 200 ? JC_ROLE_RESIDENT : r.small(11));
    urgencies.push_back(r.small(2));
    severities.push_back(r.small(3));
    channels.push_back(r.small(7));
    times.push_back(run.pick_time(r));
  }
  const bool roles_null = flags & 64, enums_null = flags & 128, times_null = flags2 & 128;
  c.actor_roles = roles_null ? nullptr : roles.data();
  c.urgencies = enums_null ? nullptr : urgencies.data();
  c.severities = enums_null ? nullptr : severities.data();
  c.channels = enums_null ? nullptr : channels.data();
  c.times = times_null ? nullptr : times.data();
  const std::uint8_t call = r.byte();
  if (call >= 248) c.version = call;  // an unknown version
  const bool ids_null = call % 31 == 7;
  o.results_null = call % 17 == 3;
  o.results.assign(n, kUntouched);
  o.ids_a.assign(n, kUntouchedId);
  o.call_refused = n != 0 && (c.version != JC_SUBMISSION_COLUMNS_VERSION || ids_null || c.actor_ids == nullptr ||
                              c.locations == nullptr || c.categories == nullptr || c.texts == nullptr);
  if (c.version != JC_SUBMISSION_COLUMNS_VERSION) o.call_refused = true;
  // No queries inside a batch: the callback holds the engine.
  const uint64_t count_before = in_batch ? 0 : petition_count(a);
  jc_clear_error();
  o.ret = checked(jc_engine_submit_many(ids_null ? nullptr : o.ids_a.data(), o.results_null ? nullptr : o.results.data(),
                                        a, &c, run.now));
  if (ids_null) o.ids_a.clear();
  if (o.call_refused) return o;
  // How many new petitions A made: ids it had not seen (a repeated key returns the first).
  std::set<uint64_t> fresh;
  for (uint64_t id : o.ids_a)
    if (id != 0 && run.known.count(id) == 0) fresh.insert(id);
  if (!in_batch) REQUIRE(petition_count(a) == count_before + fresh.size());
  // Mirror on B, one jc_engine_submit per item.
  const auto col = [](const char* const* p, std::size_t i) -> const char* { return p == nullptr ? nullptr : p[i]; };
  for (std::size_t i = 0; i < n; ++i) {
    jc_actor actor = {c.actor_ids[i], roles_null ? JC_ROLE_RESIDENT : roles[i], col(c.actor_units, i)};
    jc_submission s = JC_SUBMISSION_INIT;
    const char* petitioner = col(c.petitioners, i);
    s.petitioner = petitioner == nullptr || petitioner[0] == '\0' ? c.actor_ids[i] : petitioner;
    s.contact_name = col(c.contact_names, i);
    s.contact_phone = col(c.contact_phones, i);
    s.location = c.locations[i];
    s.category = c.categories[i];
    s.text = c.texts[i];
    s.idempotency_key = col(c.idempotency_keys, i);
    if (!enums_null) {
      s.urgency = urgencies[i];
      s.severity = severities[i];
      s.channel = channels[i];
    }
    uint64_t id = 0;
    jc_clear_error();
    o.mirror.push_back(checked(jc_engine_submit(&id, run.b, &actor, &s, times_null ? run.now : times[i])));
    o.ids_b.push_back(o.mirror.back() == JC_OK ? id : 0);
  }
  if (o.ids_a.empty()) o.ids_a = o.ids_b;  // ids NULL is a refused call when n > 0
  for (uint64_t id : o.ids_b)
    if (id != 0 && run.known.insert(id).second) run.ids.push_back(id);
  return o;
}

/// The single-item twin of a payload-free command through a resolved handle.
jc_status execute_one(Run& run, std::size_t actor, int type, uint64_t id) {
  const jc_actor* a = &kActors[actor];
  jc_engine* b = run.b;
  jc_clear_error();
  switch (type) {
    case JC_EVENT_ACCEPT: return checked(jc_engine_accept(b, a, id, run.now));
    case JC_EVENT_SIGN: return checked(jc_engine_sign(b, a, id, run.now));
    case JC_EVENT_GRANT_EXTENSION: return checked(jc_engine_grant_extension(b, a, id, run.now));
    case JC_EVENT_DISPATCH: return checked(jc_engine_dispatch(b, a, id, nullptr, 0, run.now));
    case JC_EVENT_URGE: return checked(jc_engine_urge(b, a, id, nullptr, run.now));
    case JC_EVENT_SUPERVISE: return checked(jc_engine_supervise(b, a, id, nullptr, run.now));
    case JC_EVENT_CLOSE: return checked(jc_engine_close(b, a, id, nullptr, run.now));
    case JC_EVENT_WITHDRAW: return checked(jc_engine_withdraw(b, a, id, nullptr, run.now));
    case JC_EVENT_ESCALATE: return checked(jc_engine_escalate(b, a, id, nullptr, run.now));
    default: return checked(jc_engine_execute(b, &run.hb[actor], type, id, run.now));
  }
}

/// The single-item twin of a command with one text.
jc_status text_one(Run& run, std::size_t actor, int type, uint64_t id, const char* text) {
  const jc_actor* a = &kActors[actor];
  jc_engine* b = run.b;
  const char* t = text == nullptr ? "" : text;  // the bulk call reads NULL as "no text"
  jc_clear_error();
  switch (type) {
    case JC_EVENT_RESOLVE: return checked(jc_engine_resolve(b, a, id, t, run.now));
    case JC_EVENT_REJECT: return checked(jc_engine_reject(b, a, id, t, run.now));
    case JC_EVENT_RETURN: return checked(jc_engine_return(b, a, id, t, run.now));
    case JC_EVENT_DENY_EXTENSION: return checked(jc_engine_deny_extension(b, a, id, t, run.now));
    case JC_EVENT_ESCALATE: return checked(jc_engine_escalate(b, a, id, t, run.now));
    case JC_EVENT_CLOSE: return checked(jc_engine_close(b, a, id, t, run.now));
    case JC_EVENT_WITHDRAW: return checked(jc_engine_withdraw(b, a, id, t, run.now));
    case JC_EVENT_URGE: return checked(jc_engine_urge(b, a, id, t, run.now));
    default: return checked(jc_engine_supervise(b, a, id, t, run.now));
  }
}

bool is_text_command(int t) {
  switch (t) {
    case JC_EVENT_RESOLVE: case JC_EVENT_REJECT: case JC_EVENT_RETURN: case JC_EVENT_DENY_EXTENSION:
    case JC_EVENT_ESCALATE: case JC_EVENT_CLOSE: case JC_EVENT_WITHDRAW: case JC_EVENT_URGE:
    case JC_EVENT_SUPERVISE:
      return true;
    default:
      return false;
  }
}

Outcome handle_many(Run& run, Reader& r, int kind, jc_engine* a) {
  // kind 1: execute_many, 2: execute_text_many, 3: evaluate_many
  Outcome o;
  Strings str;
  const HandlePick h = pick_handle(run, r);
  const std::uint8_t tb = r.byte();
  int type = 0;
  if (kind == 1) type = tb < 240 ? 1 + tb % 17 : r.ranged(-2, 22);
  if (kind == 2) {
    static const int text_types[] = {JC_EVENT_RESOLVE, JC_EVENT_REJECT,  JC_EVENT_RETURN,
                                     JC_EVENT_DENY_EXTENSION, JC_EVENT_ESCALATE, JC_EVENT_CLOSE,
                                     JC_EVENT_WITHDRAW, JC_EVENT_URGE, JC_EVENT_SUPERVISE};
    type = tb < 240 ? text_types[tb % 9] : r.ranged(-2, 22);
  }
  const std::size_t n = r.byte() % 13;
  std::vector<uint64_t> petitions;
  for (std::size_t i = 0; i < n; ++i) petitions.push_back(run.pick_id(r));
  std::vector<const char*> texts;
  std::vector<jc_evaluation> evs;
  const std::uint8_t shape = r.byte();
  const bool petitions_null = shape % 23 == 5, texts_null = shape % 7 == 2, evs_null = shape % 29 == 11;
  o.results_null = shape % 17 == 3;
  if (kind == 2) str.column(r, n, kTexts, &texts, texts_null);
  if (kind == 3)
    for (std::size_t i = 0; i < n; ++i) {
      jc_evaluation ev;
      ev.contacted = static_cast<int8_t>(r.byte());
      ev.solved = static_cast<int8_t>(r.byte());
      ev.satisfaction = r.small(3);
      evs.push_back(ev);
    }
  const bool bad_type = (kind == 1 && (type <= JC_EVENT_SUBMIT || type > JC_EVENT_WITHDRAW)) ||
                        (kind == 2 && !is_text_command(type));
  o.call_refused = h.bad || bad_type || (n != 0 && petitions_null) || (kind == 3 && n != 0 && evs_null);
  o.results.assign(n, kUntouched);
  const uint64_t* pp = petitions_null ? nullptr : petitions.data();
  jc_status* rp = o.results_null ? nullptr : o.results.data();
  jc_clear_error();
  if (kind == 1) o.ret = checked(jc_engine_execute_many(rp, a, h.a, type, pp, n, run.now));
  if (kind == 2)
    o.ret = checked(jc_engine_execute_text_many(rp, a, h.a, type, pp, texts_null ? nullptr : texts.data(), n, run.now));
  if (kind == 3)
    o.ret = checked(jc_engine_evaluate_many(rp, a, h.a, pp, evs_null ? nullptr : evs.data(), n, run.now));
  if (o.call_refused) return o;
  for (std::size_t i = 0; i < n; ++i) {
    if (kind == 1) o.mirror.push_back(execute_one(run, h.index, type, petitions[i]));
    if (kind == 2) o.mirror.push_back(text_one(run, h.index, type, petitions[i], texts_null ? nullptr : texts[i]));
    if (kind == 3) {
      jc_clear_error();
      o.mirror.push_back(checked(jc_engine_evaluate(run.b, &kActors[h.index], petitions[i], evs[i].contacted,
                                                    evs[i].solved, evs[i].satisfaction, run.now)));
    }
  }
  return o;
}

Outcome bulk(Run& run, Reader& r, int kind, bool in_batch, jc_engine* a) {
  return kind == 0 ? submit_many(run, r, in_batch, a) : handle_many(run, r, kind, a);
}

/// jc_engine_batch around one bulk call: the callback returns the call's status, JC_OK or
/// JC_ABORTED; a failed batch must leave A as it was.
struct BatchCtx {
  Run* run;
  Reader* r;
  int kind;
  std::uint8_t verdict;
  Outcome o;
  bool ran = false;
};

jc_status batch_body(jc_engine* e, void* user) {
  auto* ctx = static_cast<BatchCtx*>(user);
  ctx->o = bulk(*ctx->run, *ctx->r, ctx->kind, true, e);
  ctx->ran = true;
  switch (ctx->verdict % 3) {
    case 0: return JC_OK;
    case 1: return JC_ABORTED;
    default: return ctx->o.ret;
  }
}

void kpi(Run& run, Reader& r) {
  Strings str;
  jc_kpi_query q = JC_KPI_QUERY_INIT;
  q.unit = str.next(r, kUnits);
  q.from_date = str.next(r, kDates);
  q.to_date = str.next(r, kDates);
  const std::uint8_t b = r.byte();
  q.bundle = b & 1;
  q.include_units_beside_tree = (b >> 1) & 1;
  q.ranking_level = r.ranged(-1, 8);
  std::string weights;
  if (b & 4) {
    weights = R"({"response":0.2,"solve":0.4,"satisfaction":0.4,"basic_satisfaction_factor":0.8})";
    // overwrite a few bytes: numbers out of range, broken JSON, wrong types
    for (int k = r.byte() % 4; k > 0 && !r.empty(); --k) weights[r.byte() % weights.size()] = static_cast<char>(r.byte());
    q.weights_json = weights.c_str();
  } else if (b & 8) {
    q.weights_json = str.next(r, {"{}", "[]", "null", R"({"response":-1})", R"({"solve":1e999})"});
  }
  const std::string da = digest(run.a), db = digest(run.b);
  char* out_a = nullptr;
  char* out_b = nullptr;
  jc_clear_error();
  const jc_status sa = checked(jc_engine_kpi_json(&out_a, run.a, &q));
  jc_clear_error();
  const jc_status sb = checked(jc_engine_kpi_json(&out_b, run.b, &q));
  REQUIRE(sa == sb);
  if (sa == JC_OK) REQUIRE(std::strcmp(out_a, out_b) == 0);
  jc_string_free(out_a);
  jc_string_free(out_b);
  REQUIRE(digest(run.a) == da);  // a query changes nothing
  REQUIRE(digest(run.b) == db);
}

}  // namespace

/// Restores both engines from A's snapshot (the same state, a new generation): A's handles
/// become stale — each is refused and changes nothing — and are resolved again.
void restore_both(Run& run, Reader& r) {
  char* bytes = nullptr;
  std::size_t len = 0;
  REQUIRE(jc_engine_snapshot(&bytes, &len, run.a) == JC_OK);
  const std::string before = digest(run.a);
  REQUIRE(jc_engine_restore(run.a, bytes, len) == JC_OK);
  REQUIRE(jc_engine_restore(run.b, bytes, len) == JC_OK);
  jc_string_free(bytes);
  REQUIRE(digest(run.a) == before);
  for (std::size_t i = 0; i < kActorCount; ++i) {
    if (!run.resolved[i]) continue;
    run.stale[i] = run.ha[i];
    jc_clear_error();
    const uint64_t id = run.pick_id(r);
    REQUIRE(checked(jc_engine_execute(run.a, &run.stale[i], JC_EVENT_ACCEPT + r.byte() % 16, id, run.now)) ==
            JC_INVALID_ARGUMENT);
    REQUIRE(digest(run.a) == before);
    REQUIRE(jc_engine_resolve_actor(&run.ha[i], run.a, &kActors[i]) == JC_OK);
    REQUIRE(jc_engine_resolve_actor(&run.hb[i], run.b, &kActors[i]) == JC_OK);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Base& b = base();
  // The two engines live for the whole run (opening one per input made the run slow):
  // each input restores both to the base state.
  static jc_engine* const engine_a = open_engine();
  static jc_engine* const engine_b = open_engine();
  // A's handles of the previous input: stale once A is restored below.
  static jc_actor_handle previous[kActorCount] = {};
  Run run;
  run.a = engine_a;
  run.b = engine_b;
  std::memcpy(run.stale, previous, sizeof previous);
  REQUIRE(jc_engine_restore(run.a, b.snapshot.data(), b.snapshot.size()) == JC_OK);
  REQUIRE(jc_engine_restore(run.b, b.snapshot.data(), b.snapshot.size()) == JC_OK);
  for (std::size_t i = 0; i < kActorCount; ++i) {
    const jc_status sa = jc_engine_resolve_actor(&run.ha[i], run.a, &kActors[i]);
    const jc_status sb = jc_engine_resolve_actor(&run.hb[i], run.b, &kActors[i]);
    REQUIRE(sa == sb);
    run.resolved[i] = sa == JC_OK;
  }
  REQUIRE(run.resolved[5]);
  run.ids = b.ids;
  run.known.insert(b.ids.begin(), b.ids.end());
  Reader r{data, size};
  for (int step = 0; step < 8 && !r.empty(); ++step) {
    run.now += (r.byte() % 48) * kHour;
    const std::uint8_t op = r.byte();
    const std::string before = digest(run.a);
    switch (op % 8) {
      case 0: case 1: case 2: case 3: {
        const Outcome o = bulk(run, r, op % 4, false, run.a);
        check_items(o);
        if (o.call_refused) REQUIRE(digest(run.a) == before);
        break;
      }
      case 4: case 5: {
        const std::vector<uint64_t> ids_before = run.ids;
        const std::set<uint64_t> known_before = run.known;
        BatchCtx ctx{&run, &r, r.byte() % 4, r.byte(), {}, false};
        jc_clear_error();
        const jc_status s = checked(jc_engine_batch(run.a, batch_body, &ctx));
        REQUIRE(ctx.ran);
        if (s != JC_OK) {
          REQUIRE(digest(run.a) == before);  // rolled back
          run.ids = ids_before;
          run.known = known_before;
          // Undo the mirror: B returns to A's state by replaying A's snapshot.
          char* bytes = nullptr;
          std::size_t len = 0;
          REQUIRE(jc_engine_snapshot(&bytes, &len, run.a) == JC_OK);
          REQUIRE(jc_engine_restore(run.b, bytes, len) == JC_OK);
          jc_string_free(bytes);
          for (std::size_t i = 0; i < kActorCount; ++i)
            if (run.resolved[i]) REQUIRE(jc_engine_resolve_actor(&run.hb[i], run.b, &kActors[i]) == JC_OK);
        } else {
          check_items(ctx.o);
        }
        break;
      }
      case 6: {
        jc_tick_report ra{}, rb{};
        jc_clear_error();
        const jc_status sa = checked(jc_engine_tick(&ra, run.a, run.now));
        jc_clear_error();
        const jc_status sb = checked(jc_engine_tick(&rb, run.b, run.now));
        REQUIRE(sa == sb);
        REQUIRE(std::memcmp(&ra, &rb, sizeof ra) == 0);
        break;
      }
      default:
        if (r.byte() % 4 == 0) {
          restore_both(run, r);
        } else {
          kpi(run, r);
        }
        break;
    }
    REQUIRE(digest(run.a) == digest(run.b));
    REQUIRE(last_seq(run.a) == last_seq(run.b));
  }
  std::memcpy(previous, run.ha, sizeof previous);
  return 0;
}
