// Internal: reading report.json fields for the demo's report sections — a string member
// ("" when absent or not a string) and a count member as text ("0" when absent).
#pragma once

#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace jiceng::demo {

inline std::string text(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}
inline std::string count(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v != nullptr && v->is_int64()) return std::to_string(v->get_int64());
  return v != nullptr && v->is_uint64() ? std::to_string(v->get_uint64()) : "0";
}

}  // namespace jiceng::demo
