// Writes a small journal for the `jiceng report` / `jiceng export open311` CLI checks:
// the test district of kpi_fixture.hpp with a handful of petitions in March 2024.
// Usage: jiceng_kpi_make_journal PATH (an existing file is replaced).
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "kpi/kpi_fixture.hpp"

using namespace jiceng;

namespace {
int check(const absl::Status& st, const char* what) {
  if (st.ok()) return 0;
  std::cerr << "make_journal: " << what << ": " << st << "\n";
  std::exit(1);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: jiceng_kpi_make_journal PATH\n";
    return 2;
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(std::string(argv[1]) + suffix, ec);
  JournalOptions o;
  o.sync = SyncMode::kOff;
  auto db = open_engine(argv[1], o);
  check(db.status(), "open");
  Engine& e = (*db)->engine();
  check(e.load_org(kpi_test::kOrgJson), "load_org");
  const Actor officer = kpi_test::kOfficer;
  const Timestamp t = kpi_test::at(2024, 3, 4);
  const char* locations[] = {"G111", "G112", "G121", "G211", "G212"};
  const char* categories[] = {"parking", "property", "noise", "parking", "drains"};
  for (int i = 0; i < 5; ++i) {
    EventPayload p;
    p.petitioner = "r" + std::to_string(i);
    p.location = locations[i];
    p.category = categories[i];
    p.channel = static_cast<Channel>(i);
    p.text = "楼下噪音，请联系13812345678";
    auto id = e.submit(Actor{p.petitioner, Role::kResident, ""}, p, t);
    check(id.status(), "submit");
    check(e.accept(officer, *id, t + 60), "accept");
    check(e.dispatch(officer, *id, "", false, t + 120), "dispatch");
    check(e.sign(officer, *id, t + 180), "sign");
    if (i < 4) {
      check(e.resolve(officer, *id, "已处理", t + 3600 * (i + 1)), "resolve");
      check(e.evaluate(officer, *id, Evaluation{true, i != 1, static_cast<Satisfaction>(i % 3)}, t + 86400), "evaluate");
    }
  }
  std::cout << "wrote " << argv[1] << " (" << e.last_seq() << " events)\n";
  return 0;
}
