// Internal: the table-driven base of a loop. A loop names its states, events and rows in
// a LoopTable whose rows point at guard and action functions over a LoopCall; this base
// does the rest the same way for every loop: it finds the row, checks role and scope
// against the org graph, runs the guard, records the command's payload as the event's
// canonical data, applies the row (state, times, the action) with undo entries, re-checks
// everything in replay, answers the standard queries and writes the snapshot section.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json.hpp"
#include "jiceng/loop.hpp"

namespace jiceng {

/// An item of a table-driven loop (a matter 议事事项, a project 项目, ...).
struct LoopItem {
  std::uint64_t id = 0;
  std::uint16_t state = 0;  ///< index into the table's states
  std::string unit;         ///< the unit it belongs to (the scope of every row)
  std::string creator;      ///< actor id that created it (a resident acts only on their own)
  Timestamp created = 0, updated = 0;
  boost::json::object data;  ///< the loop's own fields, set by actions
};

/// What a guard or an action sees.
struct LoopCall {
  const LoopTable& table;
  const LoopRow& row;
  LoopHost& host;
  const Actor& actor;
  Timestamp now;
  /// decide: the command's payload; apply: the event's recorded data (the same object,
  /// canonicalized).
  const boost::json::object& input;
  /// The item before the event; nullptr when the row creates it.
  const LoopItem* item;
  /// apply only: the item the event changes (state and times already set).
  LoopItem* target = nullptr;
};

/// Display id of an item: the table's prefix and 8 digits ("T00000001").
std::string display_item_id(const LoopTable& table, std::uint64_t id);
/// An item id given as a number or a display id. INVALID_ARGUMENT otherwise.
absl::StatusOr<std::uint64_t> parse_item_id(const LoopTable& table, const boost::json::value& v);
/// A JSON value with every object's keys sorted, serialized: the canonical form.
std::string canonical_json(const boost::json::value& v);

/// Field readers for guards: a clear INVALID_ARGUMENT naming the loop, event and field.
absl::StatusOr<std::string_view> required_string(const LoopCall& call, std::string_view field,
                                                 std::size_t max_bytes = 4096);
absl::StatusOr<std::int64_t> required_int(const LoopCall& call, std::string_view field);

/// For a row's action: refers `petition` (a display id) to the item the call creates or
/// changes. The host holds the petition's evaluation (LoopHost::hold_petition) and the item
/// lists it under data "referred_petitions"; TableLoop releases every listed petition when
/// the item reaches a terminal state, so its evaluation window opens as the item concludes.
/// The row's guard must have checked the petition (query_loop "petition" "get": in
/// progress, evaluation_held false): an action must not fail for an event its guard passed.
absl::Status hold_referred_petition(LoopCall& call, std::string_view petition);

class TableLoop : public Loop {
 public:
  /// `own_queries` names the loop's queries beyond the standard ones (", "-separated), for
  /// the unknown-query error; a loop answers its own and hands every other name on to query().
  explicit TableLoop(const LoopTable& table, std::string_view own_queries = {})
      : table_(table), own_queries_(own_queries) {}
  const LoopTable& table() const override { return table_; }
  absl::StatusOr<LoopEvent> decide(const LoopCommand& command, LoopHost& host) const override;
  absl::Status apply(const LoopEvent& event, const Actor& actor, Timestamp time, LoopHost& host) override;
  /// Queries: `get` {item}, `list` {state?, unit? (subtree), limit?}, `counts`, `table`.
  absl::StatusOr<std::string> query(std::string_view name, std::string_view params,
                                    const LoopHost& host) const override;
  std::string snapshot() const override;
  absl::Status restore(std::string_view bytes) override;
  std::size_t memory_bytes() const override;
  /// The clock: the earliest time any item is owed a command, and the commands owed by `now`,
  /// in item order, as clock_commands() says.
  Timestamp next_wake() const override;
  std::vector<LoopCommand> due(Timestamp now) const override;

  /// The item with this id, or nullptr.
  const LoopItem* item(std::uint64_t id) const {
    return id >= 1 && id <= items_.size() ? &items_[id - 1] : nullptr;
  }
  std::size_t size() const { return items_.size(); }

 protected:
  /// A command the clock owes an item (its event) and the time it falls due.
  struct ClockCommand {
    std::string_view event;
    Timestamp at = 0;
  };
  /// The commands the clock owes `it`, appended to `out`. The default owes none.
  virtual void clock_commands(const LoopItem& it, std::vector<ClockCommand>& out) const;

  /// A check of a decided event against the loop's other items, which a row's guard does not
  /// see (one account per community and year, fields derived from earlier items). decide()
  /// runs it on the event it made and may let it fill derived fields of `e.data`; replay runs
  /// it on a copy of every recorded event, and one it refuses, or whose data it derives
  /// differently, is DATA_LOSS. The default checks nothing.
  virtual absl::Status cross_check(LoopEvent& e, LoopHost& host) const;

 private:
  absl::Status check(const LoopRow& row, const Actor& actor, Timestamp now, const LoopItem* item,
                     const boost::json::object& input, LoopHost& host) const;
  boost::json::object item_json(const LoopItem& it) const;

  const LoopTable& table_;
  std::string_view own_queries_;
  std::vector<LoopItem> items_;
};

}  // namespace jiceng
