// A full year on a generated district: random legal and illegal commands every working
// day, the clock every evening, invariants after each step; then the journal replays to
// the same state and the snapshot restores to the same bytes.
#include <random>

#include <boost/json.hpp>

#include "petition/fixture.hpp"

namespace jiceng::testing {
std::string generated_city(std::size_t units, std::uint64_t seed);

namespace {

class VectorSink : public EventSink {
 public:
  absl::Status append(std::span<const Event> events) override {
    recorded.insert(recorded.end(), events.begin(), events.end());
    return absl::OkStatus();
  }
  std::vector<Event> recorded;
};

struct City {
  std::vector<std::string> households;
  std::vector<std::string> ids;
  std::vector<std::string> parent;
};

City parse_city(const std::string& text) {
  City c;
  auto v = boost::json::parse(text);
  for (const auto& h : v.at("households").as_array()) c.households.emplace_back(h.at("id").as_string());
  for (const auto& u : v.at("units").as_array()) {
    c.ids.emplace_back(u.at("id").as_string());
    const auto* p = u.as_object().if_contains("parent");
    c.parent.emplace_back(p ? std::string(p->as_string()) : std::string());
  }
  return c;
}

TEST(PetitionYear, SimulatedYearKeepsInvariantsAndReplays) {
  const std::string city_json = generated_city(3000, 2025);
  ASSERT_FALSE(city_json.empty());
  const City city = parse_city(city_json);
  ASSERT_GT(city.households.size(), 100u);
  std::unordered_map<std::string, std::string> parent;
  for (std::size_t i = 0; i < city.ids.size(); ++i) parent[city.ids[i]] = city.parent[i];

  auto e = *Engine::create("suzhou-sip");
  VectorSink sink;
  e->set_event_sink(&sink);
  ASSERT_TRUE(e->load_org(city_json, at(2025, 1, 1, 0)).ok());

  std::mt19937_64 rng(42);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  const std::vector<std::string> categories = {"property", "government_consultation", "noise", "parking",
                                               "street_stalls", "illegal_construction", "drains", "elderly_meals"};
  std::size_t ok = 0, refused = 0;
  int checks = 0;
  for (Date d(2025, 1, 2); d <= Date(2025, 12, 31); d += boost::gregorian::days(1)) {
    if (!*WorkCalendar::china().is_workday(d)) continue;
    Timestamp t = china_time_to_utc(d, 9 * 60);
    // New petitions.
    for (int k = 0; k < 12; ++k) {
      auto p = submission(categories[pick(categories.size())], city.households[pick(city.households.size())],
                          "r" + std::to_string(pick(500)));
      p.severity = static_cast<Severity>(pick(3));
      p.urgency = pick(10) == 0 ? Urgency::kUrgent : Urgency::kNormal;
      ASSERT_TRUE(e->submit(resident(p.petitioner), p, t += 60).ok());
    }
    // Random commands on random petitions, by actors in scope (sometimes out of it).
    const auto n = e->stats().petitions;
    for (int k = 0; k < 100; ++k) {
      const PetitionId id = 1 + pick(n);
      const auto v = *e->get(id);
      // Mostly an event the state allows (its guard may still refuse), sometimes any.
      std::vector<EventType> legal;
      // Weighted towards the main path: rejects, merges and withdrawals are rare, as in life.
      for (const auto& tr : kTransitions) {
        if (tr.from != static_cast<std::uint8_t>(v.state) || tr.event == EventType::kMarkOverdue) continue;
        const bool rare = tr.event == EventType::kReject || tr.event == EventType::kMerge ||
                          tr.event == EventType::kWithdraw || tr.event == EventType::kReturn ||
                          tr.event == EventType::kEscalate;
        for (int w = rare ? 1 : 12; w > 0; --w) legal.push_back(tr.event);
      }
      const auto type = (!legal.empty() && pick(5) != 0) ? legal[pick(legal.size())]
                                                          : static_cast<EventType>(1 + pick(kCommandEventCount - 1));
      const Transition* row = find_transition(static_cast<std::uint8_t>(v.state), type);
      const RoleMask mask = row ? row->roles : RoleMask(0xFFFF);
      std::vector<Role> roles;
      for (int r = 0; r < kRoleCount - 1; ++r)
        if (mask & role_bit(static_cast<Role>(r))) roles.push_back(static_cast<Role>(r));
      if (roles.empty()) continue;
      const Role role = roles[pick(roles.size())];
      std::string unit = v.current_unit;
      if (row && row->scope == Scope::kStrictAncestor) unit = parent[unit];
      if (pick(10) == 0) unit = city.ids[pick(city.ids.size())];  // often out of scope
      Actor actor = role == Role::kResident ? resident(v.petitioner) : staff(role, unit);
      if (role != Role::kResident && unit.empty()) continue;
      EventPayload p;
      p.reason = "note";
      p.linked = 1 + pick(n);
      p.extension = {static_cast<std::int64_t>(1 + pick(6)), TimeUnit::kWorkdays};
      p.evaluation = {pick(10) != 0, pick(3) != 0, static_cast<Satisfaction>(pick(3))};
      p.reopen_kind = ReopenKind::kReopen;
      p.designated = pick(4) == 0;
      const auto before = e->stats();
      auto r = e->execute(actor, type, id, p, t += 60);
      if (r.ok()) {
        ++ok;
      } else {
        ++refused;
        if (getenv("YEAR_DEBUG")) fprintf(stderr, "%s\n", std::string(r.status().message()).c_str());
        const auto after = e->stats();
        ASSERT_EQ(after.events, before.events) << r.status();
        ASSERT_EQ(after.per_state, before.per_state) << r.status();
        if (refused % 97 == 0) {  // the full comparison, now and then (it is the whole state)
          const std::string snap = e->snapshot();
          ASSERT_FALSE(e->execute(actor, type, id, p, t).ok());
          ASSERT_EQ(e->snapshot(), snap);
        }
      }
    }
    ASSERT_TRUE(e->tick(china_time_to_utc(d, 20 * 60)).ok());
    if (++checks % 5 == 0 || d.month() == 12) {
      ASSERT_EQ(check_invariants(*e, china_time_to_utc(d, 20 * 60)), "") << format_date(d);
    }
  }
  const auto stats = e->stats();
  if (getenv("YEAR_DEBUG")) for (int i = 0; i < kStateCount; ++i) fprintf(stderr, "state %d: %zu\n", i, stats.per_state[i]);
  EXPECT_GT(ok, 5000u);
  EXPECT_GT(refused, 1000u);
  EXPECT_GT(stats.per_state[static_cast<int>(State::kClosed)], 300u);
  EXPECT_EQ(sink.recorded.size(), stats.events);

  // Replay from the journal alone rebuilds the same state, byte for byte.
  auto replay = *Engine::create("suzhou-sip");
  for (const auto& ev : sink.recorded) {
    auto st = replay->apply_event(*Engine::decode_event(Engine::encode_event(ev)));
    ASSERT_TRUE(st.ok()) << st;
  }
  const std::string snap = e->snapshot();
  EXPECT_EQ(replay->snapshot(), snap);
  auto restored = *Engine::create();
  ASSERT_TRUE(restored->restore(snap).ok());
  EXPECT_EQ(restored->snapshot(), snap);
  EXPECT_EQ(check_invariants(*restored, china_time_to_utc(Date(2025, 12, 31), 21 * 60)), "");
  e->set_event_sink(nullptr);
}

}  // namespace
}  // namespace jiceng::testing
