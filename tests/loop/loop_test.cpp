// The engine as a host of loops: the toy loop (tests/loop/toy_loop.cpp) through the
// generic command and query, role × scope cells generated from its table, bad input that
// changes nothing, the journal and replay, snapshots, batches and the one undo log.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "boost/json.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/loop.hpp"
#include "loop/loop_fixture.hpp"
#include "loop/toy_loop.hpp"

namespace jiceng {
namespace {

// D → S1 {C11 {G111}, C12}, S2 {C21}.
constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "S2", "name": "二街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "甲社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C12", "name": "乙社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C21", "name": "丙社区", "level": 2, "kind": "community_committee", "parent": "S2"},
 {"id": "G111", "name": "网格", "level": 3, "kind": "grid_branch", "parent": "C11"}
]})";

constexpr Timestamp kT0 = 1'790'000'000;  // 2026-09-21
const Actor kWorker{"w1", Role::kCommunityStaff, "C11"};
const Actor kOtherWorker{"w2", Role::kCommunityStaff, "C21"};
const Actor kStreet{"s1", Role::kStreetOfficer, "S1"};

using loop_test::VectorSink;

// An engine hosting the toy loop, with `sink` (if any) set before its first event.
std::unique_ptr<Engine> make_engine(VectorSink* sink = nullptr) {
  toy::register_once();
  return loop_test::engine_with(kOrg, kT0, "national", sink);
}

absl::StatusOr<LoopOutcome> flip(Engine& e, const Actor& a, std::uint64_t item, Timestamp t,
                                 std::string_view payload = "") {
  LoopCommand c;
  c.event = "flip";
  c.item = item;
  c.payload = payload;
  c.actor = a;
  c.now = t;
  return e.command("toy", c);
}

boost::json::object get_item(const Engine& e, std::uint64_t item) {
  auto r = e.query("toy", "get", "{\"item\":" + std::to_string(item) + "}");
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? boost::json::parse(*r).as_object() : boost::json::object{};
}

TEST(LoopTable, ToyTableChecksAndBadTablesAreRefused) {
  EXPECT_TRUE(check_table(toy::table()).ok());
  const LoopState states[] = {{"a", "甲"}, {"b", "乙", true}};
  const LoopEventType events[] = {{"go", "走"}};
  auto row = [](std::string_view from, std::string_view to, RoleMask roles) {
    return LoopRow{from, "go", to, roles, LoopScope::kItemUnit, "none", nullptr, "none", nullptr};
  };
  const RoleMask w = role_bit(Role::kGridWorker);
  const LoopRow unknown_state[] = {row("", "c", w)};
  const LoopRow no_role[] = {row("", "a", 0)};
  const LoopRow leaves_terminal[] = {row("", "b", w), row("b", "a", w)};
  const LoopRow twice[] = {row("", "a", w), row("", "b", w)};
  const LoopRow no_create[] = {row("a", "b", w)};
  for (auto rows : {std::span<const LoopRow>(unknown_state), std::span<const LoopRow>(no_role),
                    std::span<const LoopRow>(leaves_terminal), std::span<const LoopRow>(twice),
                    std::span<const LoopRow>(no_create)}) {
    LoopTable t{"bad", "坏", "B", states, events, rows};
    EXPECT_EQ(check_table(t).code(), absl::StatusCode::kFailedPrecondition);
  }
  LoopTable reserved{"petition", "诉求", "P", states, events, std::span<const LoopRow>(twice).first(1)};
  EXPECT_FALSE(check_table(reserved).ok());
}

TEST(LoopTable, RegistrationRefusesADuplicateName) {
  toy::register_once();
  EXPECT_EQ(register_loop(&toy::make).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(register_loop(nullptr).code(), absl::StatusCode::kInvalidArgument);
  auto names = registered_loops();
  EXPECT_EQ(std::count(names.begin(), names.end(), "toy"), 1);
}

TEST(LoopTable, DiagramAndMatrixAreGeneratedFromTheTable) {
  const std::string dot = loop_diagram_dot(toy::table());
  EXPECT_NE(dot.find("new -> on [label=\"flip"), std::string::npos) << dot;
  EXPECT_NE(dot.find("on -> off"), std::string::npos);
  EXPECT_NE(dot.find("if note_valid"), std::string::npos);
  EXPECT_NE(dot.find("do count_flip"), std::string::npos);
  const std::string md = loop_permission_matrix(toy::table());
  EXPECT_NE(md.find("| off | flip | on | grid_worker, community_secretary, community_staff, street_officer | "
                    "item_unit | note_valid | count_flip |"),
            std::string::npos)
      << md;
  auto j = boost::json::parse(loop_table_json(toy::table())).as_object();
  EXPECT_EQ(j["rows"].as_array().size(), 3u);
  EXPECT_EQ(j["rows"].as_array()[0].as_object()["from"].as_string(), "new");
}

TEST(LoopHost, CommandsQueriesAndItems) {
  auto e = make_engine();
  EXPECT_NE(std::find(e->loops().begin(), e->loops().end(), std::string("toy")), e->loops().end());
  ASSERT_NE(e->loop_table("toy"), nullptr);
  EXPECT_EQ(e->loop_table("nope"), nullptr);
  auto r = flip(*e, kWorker, 0, kT0 + 10, R"({"unit":"G111","note":"灯"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->item, 1u);
  EXPECT_EQ(r->seq, e->last_seq());
  auto it = get_item(*e, 1);
  EXPECT_EQ(it["id"].as_string(), "T00000001");
  EXPECT_EQ(it["state"].as_string(), "on");
  EXPECT_EQ(it["state_zh"].as_string(), "开");
  EXPECT_EQ(it["unit"].as_string(), "G111");
  EXPECT_EQ(it["creator"].as_string(), "w1");
  EXPECT_EQ(it["data"].as_object()["flips"].as_int64(), 1);
  EXPECT_EQ(it["data"].as_object()["note"].as_string(), "灯");
  ASSERT_TRUE(flip(*e, kStreet, 1, kT0 + 20).ok());  // an ancestor's officer may
  EXPECT_EQ(get_item(*e, 1)["state"].as_string(), "off");
  // The event is recorded with its document.
  const auto evs = e->events(e->last_seq(), 1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, EventType::kLoop);
  EXPECT_EQ(evs[0].petition, kNoPetition);
  EXPECT_EQ(evs[0].payload.document, R"({"loop":"toy","event":"flip","item":1,"data":{}})");
  EXPECT_EQ(evs[0].actor.id, "s1");
  // Queries by display id, lists and counts.
  auto g = e->query("toy", "get", R"({"item":"T00000001"})");
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(flip(*e, kOtherWorker, 0, kT0 + 30, R"({"unit":"C21"})").ok());
  auto list = e->query("toy", "list", R"({"unit":"S1"})");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(boost::json::parse(*list).as_object()["items"].as_array().size(), 1u);
  auto counts = e->query("toy", "counts");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, R"({"off":1,"on":1})");
  EXPECT_EQ(e->query("toy", "nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->query("toy", "get", R"({"item":99})").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->query("nope", "get").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->query("toy", "list", R"({"colour":"red"})").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_GT(e->memory().loop_bytes, 0u);
}

// Every cell of role × scope × state, generated from the table: allowed exactly when a
// row names the role and the actor's unit covers the item's.
TEST(LoopHost, RoleAndScopeCellsFollowTheTable) {
  const std::vector<std::pair<std::string, std::string>> units = {{"D", "district"}, {"S1", "street"},
                                                                   {"C11", "own community"}, {"G111", "own grid"},
                                                                   {"C21", "other community"}};
  int cells = 0;
  for (int role = 0; role < kRoleCount; ++role) {
    if (static_cast<Role>(role) == Role::kSystem) continue;  // the clock's, refused to hosts (below)
    for (const auto& [unit, what] : units) {
      for (const char* state : {"new", "on", "off"}) {
        auto e = make_engine();
        std::uint64_t item = 0;
        if (std::string(state) != "new") {
          ASSERT_TRUE(flip(*e, kWorker, 0, kT0, R"({"unit":"C11"})").ok());
          item = 1;
          if (std::string(state) == "off") {
            ASSERT_TRUE(flip(*e, kWorker, 1, kT0).ok());
          }
        }
        const Actor a{"a", static_cast<Role>(role), static_cast<Role>(role) == Role::kResident ? "" : unit};
        const LoopRow* row = find_row(toy::table(), std::string(state) == "new" ? "" : state, "flip");
        ASSERT_NE(row, nullptr);
        const bool role_ok = row->roles & role_bit(a.role);
        const bool scope_ok = unit != "C21" && unit != "G111";  // the item is at C11
        const std::string before = e->snapshot();
        auto r = flip(*e, a, item, kT0 + 1, R"({"unit":"C11"})");
        ++cells;
        if (role_ok && scope_ok && a.role != Role::kResident) {
          EXPECT_TRUE(r.ok()) << to_string(a.role) << " at " << what << " in " << state << ": " << r.status();
        } else {
          EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied)
              << to_string(a.role) << " at " << what << " in " << state;
          EXPECT_EQ(e->snapshot(), before);
        }
      }
    }
  }
  EXPECT_EQ(cells, (kRoleCount - 1) * 5 * 3);
}

TEST(LoopHost, BadInputIsAClearErrorAndChangesNothing) {
  auto e = make_engine();
  ASSERT_TRUE(flip(*e, kWorker, 0, kT0 + 100, R"({"unit":"C11"})").ok());
  const std::string before = e->snapshot();
  const std::uint64_t seq = e->last_seq();
  struct Case {
    std::string name;
    absl::Status status;
    absl::StatusCode code;
    std::string says;
  };
  LoopCommand wrong_event;
  wrong_event.event = "explode";
  wrong_event.actor = kWorker;
  wrong_event.now = kT0 + 200;
  LoopCommand as_system = wrong_event;
  as_system.event = "flip";
  as_system.item = 1;
  as_system.actor = Actor{"system", Role::kSystem, ""};
  LoopCommand unknown_unit_actor = as_system;
  unknown_unit_actor.actor = Actor{"x", Role::kCommunityStaff, "NOWHERE"};
  const std::vector<Case> cases = {
      {"not JSON", flip(*e, kWorker, 1, kT0 + 200, "{").status(), absl::StatusCode::kInvalidArgument, "not valid JSON"},
      {"not an object", flip(*e, kWorker, 1, kT0 + 200, "[1]").status(), absl::StatusCode::kInvalidArgument,
       "must be a JSON object"},
      {"a float", flip(*e, kWorker, 1, kT0 + 200, R"({"x":1.5})").status(), absl::StatusCode::kInvalidArgument,
       "integers"},
      {"a NUL in a string", flip(*e, kWorker, 1, kT0 + 200, R"({"note":"a\u0000b"})").status(),
       absl::StatusCode::kInvalidArgument, "NUL"},
      {"a NUL in a key", flip(*e, kWorker, 1, kT0 + 200, R"({"n\u0000":1})").status(),
       absl::StatusCode::kInvalidArgument, "NUL"},
      {"a long note", flip(*e, kWorker, 1, kT0 + 200, "{\"note\":\"" + std::string(201, 'x') + "\"}").status(),
       absl::StatusCode::kInvalidArgument, "at most 200 bytes"},
      {"unknown item", flip(*e, kWorker, 7, kT0 + 200).status(), absl::StatusCode::kNotFound, "T00000007 not found"},
      {"no unit", flip(*e, kWorker, 0, kT0 + 200).status(), absl::StatusCode::kInvalidArgument, "\"unit\""},
      {"unit not in org", flip(*e, kWorker, 0, kT0 + 200, R"({"unit":"ZZ"})").status(),
       absl::StatusCode::kNotFound, "ZZ"},
      {"time before the item's last event", flip(*e, kWorker, 1, kT0 + 50).status(),
       absl::StatusCode::kInvalidArgument, "+08:00 is before its last event at 2026-"},
      {"time out of range", flip(*e, kWorker, 1, -5).status(), absl::StatusCode::kInvalidArgument, ""},
      {"unknown event", e->command("toy", wrong_event).status(), absl::StatusCode::kNotFound, "explode"},
      {"unknown loop", e->command("nope", as_system).status(), absl::StatusCode::kNotFound, "hosted: petition"},
      {"system claimed by a host", e->command("toy", as_system).status(), absl::StatusCode::kPermissionDenied,
       "clock"},
      {"actor unit unknown", e->command("toy", unknown_unit_actor).status(), absl::StatusCode::kNotFound,
       "NOWHERE"},
      {"payload too large", flip(*e, kWorker, 1, kT0 + 200, "{\"n\":\"" + std::string(70000, 'x') + "\"}").status(),
       absl::StatusCode::kInvalidArgument, "exceeds the limit"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.name << ": " << c.status;
    EXPECT_NE(std::string(c.status.message()).find(c.says), std::string::npos) << c.name << ": " << c.status;
  }
  EXPECT_EQ(e->snapshot(), before);
  EXPECT_EQ(e->last_seq(), seq);
}

TEST(LoopHost, BatchesRollBackLoopsAndPetitionsTogetherThroughOneUndoLog) {
  VectorSink sink;
  auto e = make_engine(&sink);
  ASSERT_TRUE(flip(*e, kWorker, 0, kT0, R"({"unit":"C11"})").ok());
  const std::string before = e->snapshot();
  const std::uint64_t seq = e->last_seq();
  const int appends = sink.appends;
  auto st = e->batch([&](Engine& en) -> absl::Status {
    EXPECT_TRUE(flip(en, kWorker, 1, kT0 + 1).ok());
    EXPECT_TRUE(flip(en, kWorker, 0, kT0 + 1, R"({"unit":"G111"})").ok());
    EventPayload p;
    p.petitioner = "r1";
    p.location = "G111";
    p.category = "environment";
    p.text = "路灯坏了";
    EXPECT_TRUE(en.submit(Actor{"r1", Role::kResident, ""}, p, kT0 + 1).ok());
    EXPECT_TRUE(en.set_policy("suzhou-sip", kT0 + 1).ok());
    EXPECT_TRUE(flip(en, kWorker, 2, kT0 + 2).ok());
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(e->snapshot(), before);
  EXPECT_EQ(e->last_seq(), seq);
  EXPECT_EQ(sink.appends, appends);  // nothing reached the journal
  EXPECT_EQ(e->stats().petitions, 0u);
  EXPECT_EQ(e->policy_name(), "national");
  // A committed batch: one append with every event, in order.
  ASSERT_TRUE(e->batch([&](Engine& en) -> absl::Status {
                 JICENG_RETURN_IF_ERROR(flip(en, kWorker, 1, kT0 + 3).status());
                 return flip(en, kWorker, 0, kT0 + 3, R"({"unit":"G111"})").status();
               }).ok());
  EXPECT_EQ(sink.appends, appends + 1);
  EXPECT_EQ(sink.all.size(), seq + 2);
  // A sink that fails: the command changes nothing.
  sink.fail = true;
  const std::string before_fail = e->snapshot();
  EXPECT_EQ(flip(*e, kWorker, 1, kT0 + 4).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(e->snapshot(), before_fail);
}

TEST(LoopHost, ReplayAndSnapshotsRebuildTheLoop) {
  VectorSink sink;
  auto e = make_engine(&sink);
  ASSERT_TRUE(flip(*e, kWorker, 0, kT0, R"({"unit":"C11","note":"a"})").ok());
  ASSERT_TRUE(flip(*e, kWorker, 1, kT0 + 5).ok());
  ASSERT_TRUE(flip(*e, kOtherWorker, 0, kT0 + 6, R"({"unit":"C21"})").ok());
  const std::string snap = e->snapshot();
  EXPECT_EQ(static_cast<int>(snap[6]), 3);  // JCSNAP, version 3: loop sections
  // Replay every recorded event into a fresh engine.
  toy::register_once();
  auto r = Engine::create("national");
  ASSERT_TRUE(r.ok());
  for (const Event& ev : sink.all) {
    auto st = (*r)->apply_event(ev);
    ASSERT_TRUE(st.ok()) << ev.seq << ": " << st;
  }
  EXPECT_EQ((*r)->snapshot(), snap);
  // Restore from the snapshot.
  auto s = Engine::create("national");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->restore(snap).ok());
  EXPECT_EQ((*s)->snapshot(), snap);
  EXPECT_EQ(get_item(**s, 1)["data"].as_object()["flips"].as_int64(), 2);
  // An engine whose loops hold nothing writes the format it always wrote (version 2).
  auto plain = make_engine();
  EXPECT_EQ(static_cast<int>(plain->snapshot()[6]), 2);
}

TEST(LoopHost, ATamperedLoopEventIsDataLossInReplay) {
  VectorSink sink;
  auto e = make_engine(&sink);
  ASSERT_TRUE(flip(*e, kWorker, 0, kT0, R"({"unit":"C11"})").ok());
  ASSERT_TRUE(flip(*e, kWorker, 1, kT0 + 5).ok());
  auto replay_with = [&](std::size_t index, std::string doc, Actor actor) {
    auto r = Engine::create("national");
    EXPECT_TRUE(r.ok());
    absl::Status last;
    for (std::size_t i = 0; i < sink.all.size(); ++i) {
      Event ev = sink.all[i];
      if (i == index) {
        ev.payload.document = doc;
        ev.actor = actor;
      }
      last = (*r)->apply_event(ev);
      if (!last.ok()) break;
    }
    return last;
  };
  const std::size_t last = sink.all.size() - 1;
  const Event& ev = sink.all[last];
  EXPECT_TRUE(replay_with(last, ev.payload.document, ev.actor).ok());
  EXPECT_EQ(replay_with(last, R"({"loop":"toy","event":"flip","item":9,"data":{}})", ev.actor).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(replay_with(last, R"({"loop":"lamp","event":"flip","item":1,"data":{}})", ev.actor).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(replay_with(last, R"({"event":"flip","loop":"toy","item":1,"data":{}})", ev.actor).code(),
            absl::StatusCode::kDataLoss);  // not canonical
  EXPECT_EQ(replay_with(last, ev.payload.document, kOtherWorker).code(), absl::StatusCode::kDataLoss);  // scope
}

TEST(LoopHost, JournaledAndReopened) {
  const auto path = std::filesystem::temp_directory_path() / ("jiceng_loop_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  toy::register_once();
  std::string digest;
  {
    auto d = open_engine(path.string());
    ASSERT_TRUE(d.ok()) << d.status();
    Engine& e = (*d)->engine();
    ASSERT_TRUE(e.load_org(kOrg, kT0).ok());
    ASSERT_TRUE(flip(e, kWorker, 0, kT0 + 1, R"({"unit":"C11"})").ok());
    ASSERT_TRUE((*d)->write_snapshot().ok());
    ASSERT_TRUE(flip(e, kWorker, 1, kT0 + 2).ok());
    digest = (*d)->state_digest();
  }
  for (bool snapshots : {true, false}) {
    JournalOptions o;
    o.use_snapshots = snapshots;
    auto d = open_engine(path.string(), o);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ((*d)->state_digest(), digest);
    EXPECT_EQ(get_item((*d)->engine(), 1)["state"].as_string(), "off");
    auto rep = (*d)->journal().verify();
    ASSERT_TRUE(rep.ok()) << rep.status();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace jiceng
