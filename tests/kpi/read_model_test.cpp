// Engine::read_model: the engine owns read models (the KPI index here), makes each once,
// and a model made while another thread holds the engine's lock in a batch does not
// deadlock (the map's lock is never held while a model's constructor reads the engine).
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kpi/kpi_fixture.hpp"

namespace jiceng::kpi_test {
namespace {

struct KpiModel final : ReadModel {
  explicit KpiModel(const Engine& e) : index(e) { ++made; }
  KpiIndex index;
  static inline std::atomic<int> made{0};
};

TEST(ReadModel, MadeOnceAndOwnedByTheEngine) {
  auto e = make_engine();
  KpiModel::made = 0;
  auto make = [&]() -> std::unique_ptr<ReadModel> { return std::make_unique<KpiModel>(*e); };
  ReadModel& a = e->read_model("kpi", make);
  ReadModel& b = e->read_model("kpi", make);
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(KpiModel::made.load(), 1);
  ReadModel& other = e->read_model("kpi2", make);
  EXPECT_NE(&other, &a);
  submit(*e, "G111", "environment", at(2025, 3, 3));
  auto& m = static_cast<KpiModel&>(a);
  ASSERT_TRUE(e->read([&] { return m.index.update(); }).ok());
  EXPECT_EQ(m.index.petitions(), 1u);
}

TEST(ReadModel, MadeWhileABatchRunsOnAnotherThread) {
  for (int round = 0; round < 20; ++round) {
    auto e = make_engine();
    std::atomic<bool> in_batch{false};
    std::thread batcher([&] {
      ASSERT_TRUE(e->batch([&](Engine& en) -> absl::Status {
                     in_batch = true;
                     // The batch's own thread asks for the model too (its lock is held).
                     auto& m = static_cast<KpiModel&>(en.read_model("kpi", [&]() -> std::unique_ptr<ReadModel> {
                       return std::make_unique<KpiModel>(en);
                     }));
                     std::this_thread::sleep_for(std::chrono::milliseconds(2));
                     return m.index.update();
                   }).ok());
    });
    while (!in_batch) std::this_thread::yield();
    ReadModel& m = e->read_model("kpi", [&]() -> std::unique_ptr<ReadModel> { return std::make_unique<KpiModel>(*e); });
    batcher.join();
    EXPECT_EQ(&m, &e->read_model("kpi", [&]() -> std::unique_ptr<ReadModel> { return nullptr; }));
  }
}

}  // namespace
}  // namespace jiceng::kpi_test
