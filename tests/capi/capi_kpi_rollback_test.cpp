// tests/capi/capi_kpi_rollback_test.cpp — KPIs through the C ABI after a rolled-back batch
// and under threads (issue 15): jc_engine_kpi_json inside a jc_engine_batch that then
// fails no longer leaves the batch's events in the KPIs (nor misses the real events that
// reuse their seqs), and KPI queries inside batches and on other threads do not deadlock.
// The reference for "right" is a fresh engine restored from the engine's snapshot, whose
// KPI index is built from scratch.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "capi_test_support.hpp"

namespace {

using namespace capi_test;

const char* const kHouseholds[] = {"H-G01B01-0101", "H-G02B01-0101", "H-G03B01-0601", "H-C01B01-1201",
                                   "H-C02B01-0301"};
const jc_actor kDistrictOfficer = {"D-1", JC_ROLE_DISTRICT_OFFICER, kDistrict};

jc_engine* open_sample() {
  jc_engine* e = nullptr;
  jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
  o.policy = "suzhou-sip";
  EXPECT_EQ(jc_engine_open(&e, &o), JC_OK) << jc_last_error();
  EXPECT_EQ(jc_engine_load_sample_org(e, kMon - 86400), JC_OK) << jc_last_error();
  return e;
}

uint64_t submit_at(jc_engine* e, const char* household, const char* category, int64_t t) {
  jc_submission s = sample_submission();
  s.location = household;
  s.category = category;
  uint64_t id = 0;
  EXPECT_EQ(jc_engine_submit(&id, e, &kResident, &s, t), JC_OK) << jc_last_error();
  return id;
}

/// The whole engine's KPI bundle (report, ranking of the streets, trend) as JSON text.
std::string kpis(jc_engine* e, jc_status* rc = nullptr) {
  jc_kpi_query q;
  EXPECT_EQ(jc_kpi_query_init(&q, JC_KPI_QUERY_VERSION), JC_OK);
  q.bundle = 1;
  q.ranking_level = 1;
  char* out = nullptr;
  const jc_status s = jc_engine_kpi_json(&out, e, &q);
  if (rc != nullptr) *rc = s;
  else EXPECT_EQ(s, JC_OK) << jc_last_error();
  return take(out);
}

/// The number after `"received":` in the bundle's report.
uint64_t received(const std::string& json) {
  const std::string key = "\"received\":";
  const auto at = json.find(key);
  if (at == std::string::npos) return ~0ull;
  return std::strtoull(json.c_str() + at + key.size(), nullptr, 10);
}

/// KPIs of a fresh engine restored from `e`'s snapshot: the index built from scratch.
std::string fresh_kpis(jc_engine* e) {
  char* snap = nullptr;
  size_t len = 0;
  EXPECT_EQ(jc_engine_snapshot(&snap, &len, e), JC_OK) << jc_last_error();
  const std::string bytes(snap, len);
  jc_string_free(snap);
  jc_engine* f = nullptr;
  jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
  o.policy = "suzhou-sip";
  EXPECT_EQ(jc_engine_open(&f, &o), JC_OK) << jc_last_error();
  EXPECT_EQ(jc_engine_restore(f, bytes.data(), bytes.size()), JC_OK) << jc_last_error();
  std::string r = kpis(f);
  jc_engine_free(f);
  return r;
}

uint64_t petitions(jc_engine* e) {
  const std::string s = take([&] {
    char* out = nullptr;
    EXPECT_EQ(jc_engine_stats_json(&out, e), JC_OK) << jc_last_error();
    return out;
  }());
  const std::string key = "\"petitions\":";
  const auto at = s.find(key);
  return at == std::string::npos ? ~0ull : std::strtoull(s.c_str() + at + key.size(), nullptr, 10);
}

struct BatchThatFails {
  std::string seen;  // the KPIs read inside the batch
};

jc_status submit_two_read_kpis_fail(jc_engine* e, void* user) {
  auto* b = static_cast<BatchThatFails*>(user);
  submit_at(e, kHouseholds[3], "parking", kMon + kHour);
  submit_at(e, kHouseholds[4], "parking", kMon + kHour);
  b->seen = kpis(e);
  return JC_ABORTED;
}

// The scenario: submit 1; a batch submits 2, asks the KPIs, fails. The engine holds
// 1 petition and so do the KPIs; the real events that then reuse the batch's seqs count.
TEST(CapiKpiRollback, BatchThatAskedForKpisThenFailed) {
  jc_engine* e = open_sample();
  submit_at(e, kHouseholds[0], "noise", kMon);
  EXPECT_EQ(received(kpis(e)), 1u);
  BatchThatFails b;
  EXPECT_STATUS(JC_ABORTED, jc_engine_batch(e, submit_two_read_kpis_fail, &b));
  EXPECT_EQ(received(b.seen), 3u) << b.seen;  // inside, the batch's own petitions count
  EXPECT_EQ(petitions(e), 1u);
  const std::string after = kpis(e);
  EXPECT_EQ(received(after), 1u) << after;
  EXPECT_EQ(after, fresh_kpis(e));
  // Real events reuse the rolled-back seqs (other units, another category, an accept).
  const uint64_t p2 = submit_at(e, kHouseholds[1], "noise", kMon + 2 * kHour);
  submit_at(e, kHouseholds[2], "noise", kMon + 2 * kHour);
  ASSERT_OK(jc_engine_accept(e, &kDistrictOfficer, p2, kMon + 3 * kHour));
  const std::string later = kpis(e);
  EXPECT_EQ(received(later), 3u) << later;
  EXPECT_EQ(later, fresh_kpis(e));
  EXPECT_EQ(later.find("parking"), std::string::npos) << "a rolled-back category is counted: " << later;
  jc_engine_free(e);
}

// A restore is a rewind too: the KPIs follow the restored history (and what comes after).
TEST(CapiKpiRollback, RestoreThenNewEvents) {
  jc_engine* e = open_sample();
  submit_at(e, kHouseholds[0], "noise", kMon);
  char* snap = nullptr;
  size_t len = 0;
  ASSERT_OK(jc_engine_snapshot(&snap, &len, e));
  const std::string one(snap, len);
  jc_string_free(snap);
  submit_at(e, kHouseholds[3], "parking", kMon);
  EXPECT_EQ(received(kpis(e)), 2u);
  ASSERT_OK(jc_engine_restore(e, one.data(), one.size()));
  submit_at(e, kHouseholds[1], "noise", kMon);
  const std::string k = kpis(e);
  EXPECT_EQ(received(k), 2u) << k;
  EXPECT_EQ(k, fresh_kpis(e));
  jc_engine_free(e);
}

struct StressBatch {
  int round = 0;
  bool fail = false;
  bool mismatch = false;
};

jc_status stress_batch_body(jc_engine* e, void* user) {
  auto* s = static_cast<StressBatch*>(user);
  const uint64_t id = submit_at(e, kHouseholds[s->round % 5], "noise", kMon + s->round);
  if (id != 0 && s->round % 2 == 0) {
    const jc_status rc = jc_engine_accept(e, &kDistrictOfficer, id, kMon + s->round + 60);
    if (rc != JC_OK) return rc;
  }
  jc_status rc = JC_OK;
  const std::string k = kpis(e, &rc);
  if (rc != JC_OK) return rc;
  if (received(k) != petitions(e)) s->mismatch = true;  // inside: the batch's view
  submit_at(e, kHouseholds[(s->round + 2) % 5], "parking", kMon + s->round);
  return s->fail ? JC_ABORTED : JC_OK;
}

// Threads ask for KPIs inside batches (engine lock, then the KPI index) and outside them
// (the order that deadlocked), and submit plainly; a third of the batches roll back after
// reading the KPIs. A watchdog fails the test instead of hanging. At the end the KPIs
// equal those of a fresh engine restored from the snapshot.
TEST(CapiKpiRollback, ConcurrentKpiQueriesAndBatchesInBothOrders) {
  jc_engine* e = open_sample();
  constexpr int kRounds = 150;
  std::atomic<int> errors{0}, rolled_back{0}, mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t + 7));
      for (int i = 0; i < kRounds; ++i) {
        StressBatch s{i, rng() % 3 == 0, false};
        const jc_status rc = jc_engine_batch(e, stress_batch_body, &s);
        if (s.mismatch) ++mismatches;
        if (s.fail && rc == JC_ABORTED) {
          ++rolled_back;
        } else if (rc != JC_OK) {
          ++errors;
          std::fprintf(stderr, "batch: %s %s\n", jc_status_name(rc), jc_last_error());
        }
      }
    });
  }
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds * 2; ++i) {
        jc_status rc = JC_OK;
        const std::string k = kpis(e, &rc);
        if (rc != JC_OK || received(k) == ~0ull) ++errors;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kRounds; ++i) submit_at(e, kHouseholds[i % 5], "noise", kMon + i);
  });

  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread joiner([&] {
    for (auto& th : threads) th.join();
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(120), [&] { return done; })) {
      std::fprintf(stderr, "CapiKpiRollback.ConcurrentKpiQueriesAndBatchesInBothOrders: deadlock (no progress in 120 s)\n");
      std::fflush(stderr);
      std::_Exit(3);
    }
  }
  joiner.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(rolled_back.load(), 0);
  const std::string k = kpis(e);
  EXPECT_EQ(received(k), petitions(e)) << k;
  EXPECT_EQ(k, fresh_kpis(e));
  jc_engine_free(e);
}

}  // namespace
