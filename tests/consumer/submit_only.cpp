// A program that only submits a petition, linked through jiceng::jiceng: what an
// integrator's smallest use of the C++ library costs (tests/consumer/check.sh measures it).
#include <cstdio>
#include <string>

#include "jiceng/engine.hpp"
#include "jiceng/org.hpp"

#ifndef JICENG_CONSUMER_OWN_FLAGS
#error "the consumer's own compile options did not reach its sources"
#endif

namespace {
// Unused on purpose: a warning under the consumer's -Wextra, an error only if jiceng
// forced -Werror onto its users.
int unused_parameter(int deliberately_unused) { return 0; }
}  // namespace

int main() {
  auto e = jiceng::Engine::create("national");
  if (!e.ok()) {
    std::fprintf(stderr, "%s\n", std::string(e.status().message()).c_str());
    return 1;
  }
  if (auto st = (*e)->load_org(jiceng::sample_district_json()); !st.ok()) {
    std::fprintf(stderr, "%s\n", std::string(st.message()).c_str());
    return 1;
  }
  jiceng::EventPayload p;
  p.petitioner = "r1";
  p.location = "H-G01B01-0101";
  p.category = "noise";
  p.text = "noise at night";
  auto id = (*e)->submit(jiceng::Actor{"r1", jiceng::Role::kResident, ""}, p, 1767225600);
  if (!id.ok()) {
    std::fprintf(stderr, "%s\n", std::string(id.status().message()).c_str());
    return 1;
  }
  std::printf("submitted\n");
  return unused_parameter(0);
}
