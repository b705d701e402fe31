// examples/cpp/quickstart.cpp — the C++ quick start (docs/getting-started-cpp.md): an engine
// on the sample district, one resident petition, its state and deadline.
#include <iostream>

#include "jiceng/engine.hpp"
#include "jiceng/org.hpp"
#include "jiceng/version.hpp"

int main() {
  auto engine = jiceng::Engine::create("national");
  if (!engine.ok()) return std::cerr << engine.status() << "\n", 1;
  const jiceng::Timestamp now = 1736125200;  // 2025-01-06 09:00 China time, as Unix seconds
  if (auto st = (*engine)->load_org(jiceng::sample_district_json(), now); !st.ok()) return std::cerr << st << "\n", 1;
  jiceng::EventPayload petition;
  petition.petitioner = "R-1";
  petition.location = "H-G01B01-0101";  // a household of the sample district
  petition.category = "noise";
  petition.text = "Square dancing below, every night";
  auto id = (*engine)->submit(jiceng::Actor{"R-1", jiceng::Role::kResident, ""}, petition, now);
  if (!id.ok()) return std::cerr << id.status() << "\n", 1;
  auto view = (*engine)->get(*id);
  if (!view.ok()) return std::cerr << view.status() << "\n", 1;
  std::cout << "jiceng " << JICENG_VERSION_STRING << ": petition " << *id << " submitted, due at " << view->due_at << "\n";
  return 0;
}
