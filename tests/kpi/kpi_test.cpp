// KPI tests: every rate on a hand-built scenario with known numbers, zero denominators,
// punctuality, quantiles, shares, rankings and ties, bad input, and the index against
// the full-scan oracle on random simulations (also incrementally vs. fresh).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>

#include <gtest/gtest.h>

#include "kpi/kpi_fixture.hpp"

namespace jiceng {
namespace {

using namespace kpi_test;

KpiPeriod march() { return KpiPeriod{Date(2024, 3, 1), Date(2024, 3, 31)}; }

TEST(KpiScenario, CountsAndRatesOfTheWholeDistrict) {
  Scenario s;
  s.build();
  ASSERT_FALSE(HasFailure());
  auto r = compute_kpis(*s.engine, "", march());
  ASSERT_TRUE(r.ok()) << r.status();
  const KpiCounts& c = r->counts;
  EXPECT_EQ(c.received, 6u);
  EXPECT_EQ(c.accepted, 5u);
  EXPECT_EQ(c.rejected, 1u);
  EXPECT_EQ(c.dispatched, 5u);
  EXPECT_EQ(c.answered, 4u);
  EXPECT_EQ(c.done, 4u);
  EXPECT_EQ(c.closed, 4u);
  EXPECT_EQ(c.on_time, 3u);
  EXPECT_EQ(c.closed_late, 1u);
  EXPECT_EQ(c.open_past_deadline, 1u);
  EXPECT_EQ(c.ever_overdue, 2u);
  EXPECT_EQ(c.reopened, 1u);
  EXPECT_EQ(c.escalated, 0u);
  EXPECT_EQ(c.evaluated, 3u);
  EXPECT_EQ(c.contacted, 3u);
  EXPECT_EQ(c.solved, 2u);
  EXPECT_EQ(c.satisfied, 1u);
  EXPECT_EQ(c.basically_satisfied, 2u);
  const KpiRates& x = r->rates;
  EXPECT_DOUBLE_EQ(*x.response, 1.0);
  EXPECT_DOUBLE_EQ(*x.solve, 2.0 / 3);
  EXPECT_DOUBLE_EQ(*x.satisfaction, (1 + 0.9 * 2) / 3);
  EXPECT_NEAR(*x.composite, (10 * 1.0 + 50 * 2.0 / 3 + 40 * 2.8 / 3) / 100, 1e-12);
  EXPECT_DOUBLE_EQ(*x.completion, 4.0 / 5);
  EXPECT_DOUBLE_EQ(*x.on_time, 3.0 / 5);
  EXPECT_DOUBLE_EQ(*x.overdue, 2.0 / 6);
  EXPECT_DOUBLE_EQ(*x.reopen, 1.0 / 4);
  ASSERT_TRUE(x.escalation.has_value());  // 0 of 5 dispatched: present and zero
  EXPECT_EQ(*x.escalation, 0.0);
  // Working days to resolve: P1 0, P2 2, P3 3, P5 6 (Mar 4 → Mar 12).
  using H = std::vector<std::pair<std::int32_t, std::uint64_t>>;
  EXPECT_EQ(c.resolve_workdays, (H{{0, 1}, {2, 1}, {3, 1}, {6, 1}}));
  EXPECT_EQ(r->resolve_workdays_median, 2);
  EXPECT_EQ(r->resolve_workdays_p90, 6);
  // Shares.
  ASSERT_EQ(r->category_shares.size(), 4u);
  EXPECT_EQ(r->category_shares[0].key, "parking");
  EXPECT_EQ(r->category_shares[0].count, 3u);
  EXPECT_DOUBLE_EQ(r->category_shares[0].share, 0.5);
  EXPECT_EQ(r->category_shares[1].key, "government_consultation");  // ties by id
  EXPECT_EQ(r->category_shares[2].key, "noise");
  EXPECT_EQ(r->category_shares[3].key, "property");
  EXPECT_EQ(c.by_channel[static_cast<int>(Channel::kOnlinePlatform)], 2u);
  EXPECT_EQ(c.by_channel[static_cast<int>(Channel::kWechatAccount)], 2u);
  EXPECT_EQ(c.by_channel[static_cast<int>(Channel::kHotline)], 1u);
  EXPECT_EQ(c.by_channel[static_cast<int>(Channel::kMiniProgram)], 1u);
  ASSERT_EQ(r->channel_shares.size(), 4u);
  EXPECT_EQ(r->channel_shares[0].key, "online_platform");
  EXPECT_DOUBLE_EQ(r->channel_shares[0].share, 2.0 / 6);
}

TEST(KpiScenario, SubtreesPeriodsAndTheIndexAgree) {
  Scenario s;
  s.build();
  ASSERT_FALSE(HasFailure());
  KpiIndex index(*s.engine);
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(index.last_seq(), s.engine->last_seq());
  EXPECT_EQ(index.petitions(), 7u);
  auto s1 = compute_kpis(*s.engine, "S1", march());
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->counts.received, 5u);  // P1, P2, P3, P4 and the rejected P6 (at its location)
  EXPECT_EQ(s1->unit_name, "一街道党工委");
  EXPECT_EQ(s1->level, 1);
  auto s2 = compute_kpis(*s.engine, "S2", KpiPeriod{});
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2->counts.received, 2u);  // P5 and, over all time, P7
  auto s2m = compute_kpis(*s.engine, "S2", march());
  ASSERT_TRUE(s2m.ok());
  EXPECT_EQ(s2m->counts.received, 1u);
  EXPECT_FALSE(s2m->rates.response.has_value());  // nobody evaluated: absent, not 0
  EXPECT_FALSE(s2m->rates.composite.has_value());
  EXPECT_DOUBLE_EQ(*s2m->rates.completion, 1.0);
  EXPECT_DOUBLE_EQ(*s2m->rates.on_time, 0.0);
  for (std::string unit : {"", "D", "S1", "S2", "C11", "C12", "C21", "G111", "G112", "G121", "G211", "G212"}) {
    for (const KpiPeriod& p : {KpiPeriod{}, march(), KpiPeriod{Date(2024, 4, 1), std::nullopt},
                               KpiPeriod{std::nullopt, Date(2024, 3, 3)}}) {
      auto a = compute_kpis(*s.engine, unit, p);
      auto b = index.rollup(unit, p);
      ASSERT_TRUE(a.ok() && b.ok()) << unit;
      EXPECT_EQ(*a, *b) << unit << " " << p.to_string();
    }
  }
  auto ta = compute_trend(*s.engine, "D", KpiPeriod{});
  auto tb = index.trend("D", KpiPeriod{});
  ASSERT_TRUE(ta.ok() && tb.ok());
  ASSERT_EQ(ta->size(), 2u);
  EXPECT_EQ((*ta)[0].month, 3);
  EXPECT_EQ((*ta)[0].report.counts.received, 6u);
  EXPECT_EQ((*ta)[1].month, 4);
  EXPECT_EQ((*ta)[1].report.counts.received, 1u);
  EXPECT_EQ(*ta, *tb);
}

TEST(KpiScenario, WeightsAndFactorComeFromPolicy) {
  Scenario s;
  s.build();
  ASSERT_FALSE(HasFailure());
  const char* policy = R"({"name": "custom-kpi", "extends": "national", "rules": [
    {"id": "kpi.weights", "params": {"response": 30, "solve": 35, "satisfaction": 35, "basic_satisfaction_factor": 0.8}}]})";
  auto st = s.engine->set_policy(policy, at(2024, 4, 2));
  ASSERT_TRUE(st.ok()) << st;
  auto w = KpiWeights::from_engine(*s.engine);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(*w, (KpiWeights{30, 35, 35, 0.8}));
  auto r = compute_kpis(*s.engine, "", march());
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(*r->rates.satisfaction, (1 + 0.8 * 2) / 3);
  EXPECT_NEAR(*r->rates.composite, (30 * 1.0 + 35 * 2.0 / 3 + 35 * 2.6 / 3) / 100, 1e-12);
  // Explicit weights override the policy.
  KpiOptions o;
  o.weights = KpiWeights{};
  auto d = compute_kpis(*s.engine, "", march(), o);
  ASSERT_TRUE(d.ok());
  EXPECT_NEAR(*d->rates.composite, (10 * 1.0 + 50 * 2.0 / 3 + 40 * 2.8 / 3) / 100, 1e-12);
  KpiIndex index(*s.engine);
  ASSERT_TRUE(index.update().ok());
  auto b = index.rollup("", march());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, *r);
}

TEST(KpiWeightsTest, ParsesAndRejects) {
  auto d = KpiWeights::from_json("{}");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, KpiWeights{});
  auto ok = KpiWeights::from_json(R"({"response": 30, "solve": 35, "satisfaction": 35})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->basic_satisfaction_factor, 0.9);
  for (const char* bad : {"[1]", "{", R"({"response": "10"})", R"({"response": 20})",
                          R"({"basic_satisfaction_factor": 1.5})", R"({"weight": 1})", R"({"solve": -1})"}) {
    auto r = KpiWeights::from_json(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("kpi.weights"), std::string::npos) << r.status();
  }
}

TEST(KpiRatesTest, ZeroDenominatorsAreAbsent) {
  auto engine = make_engine();
  auto r = compute_kpis(*engine, "", KpiPeriod{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->counts, KpiCounts{});
  const KpiRates& x = r->rates;
  for (const auto* v : {&x.response, &x.solve, &x.satisfaction, &x.composite, &x.completion, &x.on_time, &x.overdue,
                        &x.reopen, &x.escalation}) {
    EXPECT_FALSE(v->has_value());
  }
  EXPECT_FALSE(r->resolve_workdays_median.has_value());
  EXPECT_FALSE(r->resolve_workdays_p90.has_value());
  EXPECT_TRUE(r->category_shares.empty());
  const std::string json = kpi_report_json(*r);
  EXPECT_NE(json.find("\"response\":null"), std::string::npos) << json;
  EXPECT_EQ(json.find("nan"), std::string::npos);
}

TEST(KpiRatesTest, QuantilesByNearestRank) {
  using H = std::vector<std::pair<std::int32_t, std::uint64_t>>;
  EXPECT_FALSE(histogram_quantile(H{}, 0.5).has_value());
  EXPECT_EQ(histogram_quantile(H{{4, 1}}, 0.5), 4);
  EXPECT_EQ(histogram_quantile(H{{4, 1}}, 0.9), 4);
  // 1..10 once each: median rank 5 → 5, p90 rank 9 → 9.
  H ten;
  for (int i = 1; i <= 10; ++i) ten.push_back({i, 1});
  EXPECT_EQ(histogram_quantile(ten, 0.5), 5);
  EXPECT_EQ(histogram_quantile(ten, 0.9), 9);
  // 0 ×9, 20 ×1: p90 rank 9 → 0; 0 ×8, 20 ×2: p90 → 20.
  EXPECT_EQ(histogram_quantile(H{{0, 9}, {20, 1}}, 0.9), 0);
  EXPECT_EQ(histogram_quantile(H{{0, 8}, {20, 2}}, 0.9), 20);
  EXPECT_EQ(histogram_quantile(H{{1, 1}, {2, 1}, {3, 1}}, 0.5), 2);
}

TEST(KpiRanking, OrderAndTiesByUnitId) {
  auto engine = make_engine();
  Engine& e = *engine;
  const Timestamp t = at(2024, 5, 6);
  // C21 and C12 both perfect (tie → by id: C12 first), C11 lower, G-level petitions only.
  const PetitionId a = submit(e, "G211", "parking", t, Channel::kOnlinePlatform, "ra");
  const PetitionId b = submit(e, "G121", "parking", t, Channel::kOnlinePlatform, "rb");
  const PetitionId c = submit(e, "G111", "parking", t, Channel::kOnlinePlatform, "rc");
  for (PetitionId id : {a, b, c}) {
    take_up(e, id, t);
    ASSERT_TRUE(e.resolve(kOfficer, id, "ok", t + 60).ok());
  }
  evaluate(e, a, true, true, Satisfaction::kSatisfied, t + 120);
  evaluate(e, b, true, true, Satisfaction::kSatisfied, t + 120);
  evaluate(e, c, true, false, Satisfaction::kUnsatisfied, t + 120);
  auto r = compute_ranking(e, 2, KpiPeriod{});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].report.unit, "C12");
  EXPECT_EQ((*r)[1].report.unit, "C21");
  EXPECT_EQ((*r)[2].report.unit, "C11");
  EXPECT_EQ((*r)[0].rank, 1);
  EXPECT_EQ((*r)[2].rank, 3);
  EXPECT_DOUBLE_EQ(*(*r)[0].report.rates.composite, 1.0);
  EXPECT_DOUBLE_EQ(*(*r)[2].report.rates.composite, 0.1);  // response only: 10 %
  // Grids: the two without petitions have no composite and come last, by id.
  auto g = compute_ranking(e, 3, KpiPeriod{});
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->size(), 5u);
  EXPECT_EQ((*g)[0].report.unit, "G121");
  EXPECT_EQ((*g)[1].report.unit, "G211");
  EXPECT_EQ((*g)[2].report.unit, "G111");
  EXPECT_EQ((*g)[3].report.unit, "G112");
  EXPECT_EQ((*g)[4].report.unit, "G212");
  // Within one street.
  KpiOptions within;
  within.within = "S1";
  auto w = compute_ranking(e, 2, KpiPeriod{}, within);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->size(), 2u);
  EXPECT_EQ((*w)[0].report.unit, "C12");
  // Custom weights change the order: all on satisfaction → still C12, C21, C11; all on
  // response → all three equal → by id.
  KpiOptions resp;
  resp.weights = KpiWeights{100, 0, 0, 0.9};
  auto rr = compute_ranking(e, 2, KpiPeriod{}, resp);
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ((*rr)[0].report.unit, "C11");
  EXPECT_EQ((*rr)[1].report.unit, "C12");
  EXPECT_EQ((*rr)[2].report.unit, "C21");
  KpiIndex index(e);
  ASSERT_TRUE(index.update().ok());
  for (int level = 0; level <= 5; ++level) {
    auto x = compute_ranking(e, level, KpiPeriod{});
    auto y = index.ranking(level, KpiPeriod{});
    ASSERT_TRUE(x.ok() && y.ok());
    EXPECT_EQ(*x, *y) << level;
  }
  auto yw = index.ranking(2, KpiPeriod{}, within);
  ASSERT_TRUE(yw.ok());
  EXPECT_EQ(*yw, *w);
}

TEST(KpiErrors, BadInputIsRefusedAndChangesNothing) {
  Scenario s;
  s.build();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(compute_kpis(*s.engine, "NOPE", KpiPeriod{}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(compute_ranking(*s.engine, 6, KpiPeriod{}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(compute_ranking(*s.engine, -1, KpiPeriod{}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_kpi_period("2024-13-01", "").status().code(), absl::StatusCode::kInvalidArgument);
  auto rev = parse_kpi_period("2024-03-02", "2024-03-01");
  EXPECT_EQ(rev.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(rev.status().message().find("after its end"), std::string::npos);
  auto ok = parse_kpi_period("2024-03-01", "");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->from, Date(2024, 3, 1));
  EXPECT_FALSE(ok->to.has_value());

  KpiIndex index(*s.engine);
  ASSERT_TRUE(index.update(5).ok());
  EXPECT_EQ(index.last_seq(), 5u);
  auto before = index.rollup("", KpiPeriod{});
  ASSERT_TRUE(before.ok());
  // events[k] has seq k + 1: seq 1 loads the org, seqs 2..7 submit P1..P6.
  auto events = s.engine->events(1, 100);
  ASSERT_EQ(events[0].type, EventType::kLoadOrg);
  ASSERT_EQ(events[5].type, EventType::kSubmit);
  ASSERT_EQ(events[5].petition, 5u);
  // Out of order.
  EXPECT_EQ(index.ingest(events[7]).code(), absl::StatusCode::kFailedPrecondition);
  // Unknown petition, unknown location, a submit out of order, a dispatch without a unit —
  // each refused, nothing changed.
  Event unknown = events[5];
  unknown.petition = 999;
  unknown.type = EventType::kAccept;
  EXPECT_EQ(index.ingest(unknown).code(), absl::StatusCode::kInvalidArgument);
  Event bad_loc = events[5];
  bad_loc.payload.location = "nowhere";
  auto st = index.ingest(bad_loc);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("nowhere"), std::string::npos) << st;
  Event twice = events[1];
  twice.seq = 6;
  EXPECT_EQ(index.ingest(twice).code(), absl::StatusCode::kInvalidArgument);
  Event no_unit = events[5];
  no_unit.type = EventType::kDispatch;
  no_unit.petition = 1;
  no_unit.payload.unit.clear();
  EXPECT_EQ(index.ingest(no_unit).code(), absl::StatusCode::kInvalidArgument);
  Event config = events[0];
  config.seq = 6;
  config.petition = 2;
  EXPECT_EQ(index.ingest(config).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(index.last_seq(), 5u);
  auto after = index.rollup("", KpiPeriod{});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);
  EXPECT_EQ(index.rollup("NOPE", KpiPeriod{}).status().code(), absl::StatusCode::kNotFound);
  // And it carries on normally.
  ASSERT_TRUE(index.update().ok());
  auto full = index.rollup("", KpiPeriod{});
  auto oracle = compute_kpis(*s.engine, "", KpiPeriod{});
  ASSERT_TRUE(full.ok() && oracle.ok());
  EXPECT_EQ(*full, *oracle);
}

// --- random simulations: index == full scan ---------------------------------------------

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed) : rng_(seed), engine_(make_engine()) {}
  Engine& engine() { return *engine_; }
  std::size_t supports() const { return supports_; }
  std::size_t withdrawals() const { return withdrawals_; }
  std::size_t merges() const { return merges_; }

  /// Runs `steps` random commands (many fail their guards; that is fine), advancing the
  /// clock and ticking now and then.
  void run(int steps) {
    static const char* kLocations[] = {"G111", "G112", "G121", "G211", "G212", "C11", "C21"};
    static const char* kCategories[] = {"parking", "property", "noise", "government_consultation", "drains",
                                        "street_stalls"};
    static const char* kUnits[] = {"G111", "G112", "G121", "G211", "G212", "C11", "C12", "C21", "S1", "S2"};
    Engine& e = *engine_;
    for (int i = 0; i < steps; ++i) {
      now_ += pick(0, 4 * 3600);
      const int op = pick(0, 99);
      if (op < 18 || ids_.empty()) {
        EventPayload p;
        p.petitioner = "r" + std::to_string(pick(1, 30));
        p.location = kLocations[pick(0, 6)];
        p.category = kCategories[pick(0, 5)];
        p.channel = static_cast<Channel>(pick(0, 6));
        p.urgency = pick(0, 9) == 0 ? Urgency::kUrgent : Urgency::kNormal;
        p.severity = static_cast<Severity>(pick(0, 2));
        p.text = "text";
        auto id = e.submit(Actor{p.petitioner, Role::kResident, ""}, p, now_);
        if (id.ok()) ids_.push_back({*id, p.petitioner});
        continue;
      }
      if (op < 21) {
        auto r = e.tick(now_);
        ASSERT_TRUE(r.ok()) << r.status();
        continue;
      }
      const auto& [id, who] = ids_[pick(0, static_cast<int>(ids_.size()) - 1)];
      if (op >= 90 && op < 92) {  // 合并 into another petition of its category (often refused)
        const auto v = e.get(id);
        for (int tries = 0; v.ok() && tries < 8; ++tries) {
          const PetitionId other = ids_[static_cast<std::size_t>(pick(0, static_cast<int>(ids_.size()) - 1))].first;
          const auto ov = e.get(other);
          if (other == id || !ov.ok() || ov->category != v->category || !is_open(ov->state)) continue;
          if (e.merge(kOfficer, id, other, now_).ok()) ++merges_;
          break;
        }
        continue;
      }
      if (op >= 92) {
        // 附议 by one of the residents (often refused), or its withdrawal by a supporter —
        // after a merge, often one who supported the merged petition or filed it.
        const absl::StatusOr<std::vector<std::string>> backers = e.supporters(id);
        const bool withdraw = op % 2 == 0 && backers.ok() && !backers->empty();
        const Actor r{withdraw ? (*backers)[static_cast<std::size_t>(pick(0, static_cast<int>(backers->size()) - 1))]
                               : "r" + std::to_string(pick(1, 30)),
                      Role::kResident, ""};
        const absl::Status st = withdraw ? e.withdraw_support(r, id, now_) : e.support(r, id, now_);
        if (st.ok()) ++(withdraw ? withdrawals_ : supports_);
        continue;
      }
      const std::string reason = "because";
      // Mostly the natural next step for the petition's state, so petitions get through
      // the loop; otherwise a random command (often refused by its guard).
      int choice = pick(0, 15);
      auto view = e.get(id);
      ASSERT_TRUE(view.ok());
      if (pick(0, 3) != 0) {
        switch (view->state) {
          case State::kReceived: choice = 0; break;
          case State::kAccepted: choice = 2; break;
          case State::kDispatched: choice = pick(0, 5) == 0 ? 7 : 4; break;
          case State::kInProgress: choice = pick(0, 4) == 0 ? 8 : 9; break;
          case State::kResolved: choice = pick(0, 5) == 0 ? 14 : 11; break;
          case State::kClosed: choice = 13; break;
          default: break;
        }
      }
      switch (choice) {
        case 0: case 1: debug("accept", e.accept(kOfficer, id, now_)); break;
        case 2: case 3: debug("dispatch", e.dispatch(kOfficer, id, pick(0, 3) == 0 ? kUnits[pick(0, 9)] : "", pick(0, 4) == 0, now_)); break;
        case 4: case 5: debug("sign", e.sign(kOfficer, id, now_)); break;
        case 6: (void)e.return_petition(kOfficer, id, reason, now_); break;
        case 7: (void)e.escalate(kOfficer, id, reason, now_); break;
        case 8: {
          if (pick(0, 1)) (void)e.request_extension(kOfficer, id, Duration{pick(1, 3), TimeUnit::kWorkdays}, reason, now_);
          else (void)e.grant_extension(kOfficer, id, now_);
          break;
        }
        case 9: case 10: debug("resolve", e.resolve(kOfficer, id, "answer", now_)); break;
        case 11: case 12: {
          Evaluation ev{pick(0, 4) != 0, pick(0, 2) != 0, static_cast<Satisfaction>(pick(0, 2))};
          auto st = e.evaluate(kOfficer, id, ev, now_);
          if (std::getenv("KPI_SIM_DEBUG")) std::cerr << "evaluate: " << st << "\n";
          break;
        }
        case 13: (void)e.reopen(kOfficer, id, ReopenKind::kReopen, reason, now_); break;
        case 14: {
          const int k = pick(0, 3);
          if (k == 0) (void)e.close(kOfficer, id, reason, now_);
          else if (k == 1) (void)e.withdraw(Actor{who, Role::kResident, ""}, id, reason, now_);
          else if (k == 2) (void)e.reject(kOfficer, id, reason, now_);
          else (void)e.merge(kOfficer, id, ids_[pick(0, static_cast<int>(ids_.size()) - 1)].first, now_);
          break;
        }
        default: (void)e.urge(kOfficer, id, "faster", now_); break;
      }
    }
  }

 private:
  static void debug(const char* what, const absl::Status& st) {
    if (std::getenv("KPI_SIM_DEBUG")) std::cerr << what << ": " << st.ToString().substr(0, 90) << "\n";
  }
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::mt19937_64 rng_;
  std::unique_ptr<Engine> engine_;
  Timestamp now_ = at(2024, 1, 2);
  std::vector<std::pair<PetitionId, std::string>> ids_;
  std::size_t supports_ = 0, withdrawals_ = 0, merges_ = 0;
};

void expect_index_matches_scan(const Engine& e, const KpiIndex& index) {
  const std::vector<KpiPeriod> periods = {KpiPeriod{}, KpiPeriod{Date(2024, 1, 15), Date(2024, 2, 20)},
                                          KpiPeriod{Date(2024, 2, 1), std::nullopt},
                                          KpiPeriod{std::nullopt, Date(2024, 1, 31)}};
  for (std::string unit : {"", "D", "S1", "S2", "C11", "C12", "C21", "G111", "G112", "G121", "G211", "G212"}) {
    for (const auto& p : periods) {
      auto a = compute_kpis(e, unit, p);
      auto b = index.rollup(unit, p);
      ASSERT_TRUE(a.ok() && b.ok());
      ASSERT_EQ(*a, *b) << "unit " << unit << " period " << p.to_string() << "\nscan  " << kpi_report_json(*a)
                        << "\nindex " << kpi_report_json(*b);
    }
  }
  for (int level = 1; level <= 3; ++level) {
    auto a = compute_ranking(e, level, periods[1]);
    auto b = index.ranking(level, periods[1]);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(*a, *b) << "level " << level;
  }
  auto ta = compute_trend(e, "S1", KpiPeriod{});
  auto tb = index.trend("S1", KpiPeriod{});
  ASSERT_TRUE(ta.ok() && tb.ok());
  ASSERT_EQ(*ta, *tb);
}

// 附议 across a merge: the kept petition gains the merged one's supporters and petitioner,
// who may withdraw there — supports given elsewhere (or never given, the petitioner's). A
// withdrawal takes back what the resident gave, where it was given, and nothing of a
// petitioner's; an earlier index refused the whole log ("a withdrawn support never given")
// and no KPI could be computed. Index and scan agree throughout.
TEST(KpiParticipation, WithdrawingASupportAMergeBroughtKeepsTheCountsSound) {
  auto e = make_engine();
  const Timestamp t0 = at(2024, 3, 4);
  const PetitionId kept = submit(*e, "G111", "parking", t0, Channel::kOnlinePlatform, "r1");
  const PetitionId merged = submit(*e, "G111", "parking", t0 + 60, Channel::kOnlinePlatform, "r2");
  auto support = [&](const char* who, PetitionId id, Timestamp t) {
    auto st = e->support(Actor{who, Role::kResident, ""}, id, t);
    ASSERT_TRUE(st.ok()) << st;
  };
  auto withdraw = [&](const char* who, PetitionId id, Timestamp t) {
    auto st = e->withdraw_support(Actor{who, Role::kResident, ""}, id, t);
    ASSERT_TRUE(st.ok()) << st;
  };
  support("r3", merged, t0 + 120);
  support("r4", kept, t0 + 180);
  ASSERT_TRUE(e->accept(kOfficer, kept, t0 + 240).ok());
  ASSERT_TRUE(e->merge(kOfficer, merged, kept, t0 + 300).ok());
  ASSERT_EQ(*e->supporters(kept), (std::vector<std::string>{"r2", "r3", "r4"}));
  KpiIndex index(*e);
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(index.rollup("", KpiPeriod{})->counts.supports, 2u) << "r3 at the merged petition, r4 at the kept one";
  // r3 (moved by the merge) and r2 (the merged petition's petitioner) withdraw at the kept one.
  withdraw("r3", kept, t0 + 360);
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(index.rollup("", KpiPeriod{})->counts.supports, 1u);
  withdraw("r2", kept, t0 + 420);
  auto st = index.update();
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(index.rollup("", KpiPeriod{})->counts.supports, 1u) << "r2 gave no support: r4's stands";
  EXPECT_EQ(e->get(kept)->supporters, 1);
  expect_index_matches_scan(*e, index);
  KpiIndex fresh(*e);
  ASSERT_TRUE(fresh.update().ok());
  EXPECT_EQ(*fresh.rollup("S1", KpiPeriod{}), *index.rollup("S1", KpiPeriod{}));
}

// 附议 after merges, exactly: a withdrawal at the kept petition takes back the resident's
// supports where they were given — there and at every petition merged into it, also
// through a chain of merges — and none for a merged petition's petitioner, who gave none.
// Before, the index (and the scan) took one off the kept petition instead: the merged
// petition's unit kept a support nobody gave any more, and the kept one's unit lost one
// that still stood. Replay and a rolled-back batch give the same counts.
TEST(KpiParticipation, SupportsAfterAMergeAreTakenBackWhereTheyWereGiven) {
  auto e = make_engine();
  const Timestamp t0 = at(2024, 3, 4);
  const PetitionId kept = submit(*e, "G111", "parking", t0, Channel::kOnlinePlatform, "r1");
  const PetitionId merged = submit(*e, "G112", "parking", t0 + 86400, Channel::kOnlinePlatform, "r2");
  const PetitionId chained = submit(*e, "G121", "parking", t0 + 2 * 86400, Channel::kOnlinePlatform, "r6");
  Timestamp now = t0 + 3 * 86400;
  auto act = [&](bool support, const char* who, PetitionId id) {
    now += 60;
    const Actor a{who, Role::kResident, ""};
    auto st = support ? e->support(a, id, now) : e->withdraw_support(a, id, now);
    ASSERT_TRUE(st.ok()) << who << ": " << st;
  };
  act(true, "r3", merged);
  act(true, "r5", merged);
  act(true, "r4", kept);
  act(true, "r5", kept);
  act(true, "r7", chained);
  ASSERT_TRUE(e->accept(kOfficer, kept, now += 60).ok());
  ASSERT_TRUE(e->merge(kOfficer, chained, merged, now += 60).ok());
  ASSERT_TRUE(e->merge(kOfficer, merged, kept, now += 60).ok());
  ASSERT_EQ(*e->supporters(kept), (std::vector<std::string>{"r2", "r3", "r4", "r5", "r6", "r7"}));
  KpiIndex index(*e);
  // Supports standing in each grid (each petition's unit): kept G111, merged G112, chained G121.
  auto standing = [&](KpiIndex& x) {
    EXPECT_TRUE(x.update().ok());
    std::vector<std::uint64_t> out;
    for (const char* unit : {"G111", "G112", "G121", ""}) out.push_back(x.rollup(unit, KpiPeriod{})->counts.supports);
    return out;
  };
  using V = std::vector<std::uint64_t>;
  EXPECT_EQ(standing(index), (V{2, 2, 1, 5}));
  act(false, "r3", kept);  // given at the merged petition only
  EXPECT_EQ(standing(index), (V{2, 1, 1, 4}));
  act(false, "r5", kept);  // given at both: both taken back
  EXPECT_EQ(standing(index), (V{1, 0, 1, 2}));
  act(false, "r7", kept);  // given two merges away
  EXPECT_EQ(standing(index), (V{1, 0, 0, 1}));
  act(false, "r2", kept);  // petitioners of the merged petitions gave no support
  act(false, "r6", kept);
  EXPECT_EQ(standing(index), (V{1, 0, 0, 1}));
  act(true, "r3", kept);  // supports again: at the kept petition now
  EXPECT_EQ(standing(index), (V{2, 0, 0, 2}));
  EXPECT_EQ(e->get(kept)->supporters, 2);
  expect_index_matches_scan(*e, index);

  // A batch that withdraws and rolls back: the index reads it inside, then rebuilds.
  const absl::Status rolled = e->batch([&](Engine& b) -> absl::Status {
    EXPECT_TRUE(b.withdraw_support(Actor{"r4", Role::kResident, ""}, kept, now + 60).ok());
    EXPECT_EQ(standing(index), (V{1, 0, 0, 1}));
    return absl::AbortedError("changed its mind");
  });
  ASSERT_EQ(rolled.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(standing(index), (V{2, 0, 0, 2}));
  expect_index_matches_scan(*e, index);

  // Replay of the log into a fresh engine: the same counts.
  auto replayed = Engine::create("national");
  ASSERT_TRUE(replayed.ok());
  for (const Event& ev : e->events(1, e->last_seq())) ASSERT_TRUE((*replayed)->apply_event(ev).ok()) << ev.seq;
  KpiIndex again(**replayed);
  EXPECT_EQ(standing(again), (V{2, 0, 0, 2}));
  expect_index_matches_scan(**replayed, again);

  // Fed event by event (KpiIndex::ingest), a support given twice or a merge into no
  // petition is refused and changes nothing.
  KpiIndex fed(*e);
  const std::vector<Event> events = e->events(1, e->last_seq());
  std::size_t k = 0;
  for (; events[k].type != EventType::kMerge; ++k) ASSERT_TRUE(fed.ingest(events[k]).ok()) << k;
  const auto before = *fed.rollup("", KpiPeriod{});
  Event into_nothing = events[k];
  into_nothing.payload.linked = kNoPetition;
  EXPECT_EQ(fed.ingest(into_nothing).code(), absl::StatusCode::kInvalidArgument);
  Event twice = events[4];  // seq 5: r3's support at the merged petition, again
  ASSERT_EQ(twice.type, EventType::kSupport);
  twice.seq = events[k].seq;
  const absl::Status again_support = fed.ingest(twice);
  EXPECT_EQ(again_support.code(), absl::StatusCode::kInvalidArgument) << again_support;
  EXPECT_NE(again_support.message().find("supports petition"), std::string::npos) << again_support;
  EXPECT_EQ(fed.last_seq(), events[k].seq - 1);
  EXPECT_EQ(*fed.rollup("", KpiPeriod{}), before);
  for (; k < events.size(); ++k) ASSERT_TRUE(fed.ingest(events[k]).ok()) << k;
  EXPECT_EQ(*fed.rollup("G112", KpiPeriod{}), *index.rollup("G112", KpiPeriod{}));
}

// update() reads the log in chunks of 65,536 events (the engine's reader lock is released
// between them): a backlog over two chunks, bounded and unbounded, ends exactly where asked.
TEST(KpiProperty, BacklogLongerThanAChunk) {
  Simulation sim(9);
  while (sim.engine().last_seq() < 140000) sim.run(4000);
  ASSERT_FALSE(HasFailure());
  KpiIndex bounded(sim.engine());
  ASSERT_TRUE(bounded.update(65536 + 10).ok());
  EXPECT_EQ(bounded.last_seq(), 65536u + 10u);
  ASSERT_TRUE(bounded.update(65536).ok());
  EXPECT_EQ(bounded.last_seq(), 2u * 65536u + 10u);
  ASSERT_TRUE(bounded.update().ok());
  EXPECT_EQ(bounded.last_seq(), sim.engine().last_seq());
  KpiIndex whole(sim.engine());
  ASSERT_TRUE(whole.update().ok());
  EXPECT_EQ(whole.last_seq(), sim.engine().last_seq());
  expect_index_matches_scan(sim.engine(), whole);
  auto a = whole.rollup("", KpiPeriod{});
  auto b = bounded.rollup("", KpiPeriod{});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(KpiProperty, IndexAgreesWithFullScanOnRandomSimulations) {
  std::size_t supports = 0, withdrawals = 0, merges = 0;
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u}) {
    SCOPED_TRACE(seed);
    Simulation sim(seed);
    KpiIndex index(sim.engine());
    for (int round = 0; round < 5; ++round) {
      sim.run(800);
      ASSERT_FALSE(HasFailure());
      ASSERT_TRUE(index.update().ok());
      ASSERT_EQ(index.last_seq(), sim.engine().last_seq());
      expect_index_matches_scan(sim.engine(), index);
      ASSERT_FALSE(HasFailure());
    }
    // The simulation exercised what the KPIs count.
    auto all = compute_kpis(sim.engine(), "", KpiPeriod{});
    ASSERT_TRUE(all.ok());
    EXPECT_GT(all->counts.evaluated, 0u);
    EXPECT_GT(all->counts.ever_overdue, 0u);
    EXPECT_GT(all->counts.reopened + all->counts.escalated, 0u);
    supports += sim.supports();
    withdrawals += sim.withdrawals();
    merges += sim.merges();
    // Incremental (4 updates, plus bounded steps) equals a fresh index built at once.
    KpiIndex fresh(sim.engine());
    ASSERT_TRUE(fresh.update(7).ok());
    ASSERT_TRUE(fresh.update(1000).ok());
    ASSERT_TRUE(fresh.update().ok());
    for (std::string unit : {"", "S1", "C21", "G111"}) {
      auto a = index.rollup(unit, KpiPeriod{});
      auto b = fresh.rollup(unit, KpiPeriod{});
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(*a, *b);
    }
    EXPECT_EQ(index.memory().cells, fresh.memory().cells);
  }
  // 附议 across merges: supports, merges, and withdrawals after them were exercised.
  EXPECT_GT(supports, 100u);
  EXPECT_GT(merges, 10u);
  EXPECT_GT(withdrawals, 20u);
}

}  // namespace
}  // namespace jiceng
