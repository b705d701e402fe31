// The host's registration list: the loops every engine hosts, in this order (the order
// of their snapshot sections). The petition loop is built into the engine itself.
// A new loop adds one line here and touches no other loop's files.
#include <vector>

#include "jiceng/loop.hpp"
#include "loop/commitments_loop.hpp"
#include "loop/mediation_loop.hpp"
#include "loop/deliberation_loop.hpp"
#include "loop/projects_loop.hpp"

namespace jiceng {

std::vector<LoopFactory> builtin_loop_factories() {
  return {
      [] { return make_commitments_loop(); },
      [] { return make_assessment_loop(); },
      [] { return mediation::make(); },
      [] { return deliberation::make(); },
      [] { return make_projects_loop(); },
      [] { return make_fund_loop(); },
  };
}

}  // namespace jiceng
