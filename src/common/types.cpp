#include "jiceng/types.hpp"
#include "common/china_time.hpp"
#include "common/strings.hpp"

#include <algorithm>
#include <array>

#include "absl/time/time.h"

namespace jiceng {
namespace {

constexpr std::array<std::string_view, 2> kUrgencyNames = {"normal", "urgent"};
constexpr std::array<std::string_view, 3> kSeverityNames = {"minor", "major", "critical"};
constexpr std::array<std::string_view, 7> kChannelNames = {
    "online_platform", "wechat_account", "mini_program", "photo_report",
    "door_to_door",    "meeting",        "hotline"};
constexpr std::array<std::string_view, kRoleCount> kRoleNames = {
    "resident",        "grid_worker",     "hub_head",         "building_leader",
    "community_secretary", "community_staff", "red_steward_lead", "street_officer",
    "district_officer", "property_company", "system"};

template <typename E, std::size_t N>
std::optional<E> parse_enum(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Urgency v) { return kUrgencyNames[static_cast<std::size_t>(v)]; }
std::string_view to_string(Severity v) { return kSeverityNames[static_cast<std::size_t>(v)]; }
std::string_view to_string(Channel v) { return kChannelNames[static_cast<std::size_t>(v)]; }
std::string_view to_string(Role v) { return kRoleNames[static_cast<std::size_t>(v)]; }
std::optional<Urgency> parse_urgency(std::string_view s) { return parse_enum<Urgency>(kUrgencyNames, s); }
std::optional<Severity> parse_severity(std::string_view s) { return parse_enum<Severity>(kSeverityNames, s); }
std::optional<Channel> parse_channel(std::string_view s) { return parse_enum<Channel>(kChannelNames, s); }
std::optional<Role> parse_role(std::string_view s) { return parse_enum<Role>(kRoleNames, s); }

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) { ++p; continue; }
    int len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (end - p < len) return false;
    for (int i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += len;
  }
  return true;
}

std::string mask_name(std::string_view name) {
  if (name.empty()) return "";
  // Keep the first UTF-8 character, star the rest (one star per character).
  std::size_t first = 1;
  const auto c = static_cast<unsigned char>(name[0]);
  if (c >= 0xF0) first = 4; else if (c >= 0xE0) first = 3; else if (c >= 0xC0) first = 2;
  first = std::min(first, name.size());
  std::size_t rest = 0;
  for (std::size_t i = first; i < name.size(); ++i)
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) ++rest;
  return internal::cat(name.substr(0, first), std::string(std::max<std::size_t>(rest, 1), '*'));
}

std::string mask_phone(std::string_view phone) {
  if (phone.size() <= 4) return std::string(phone.size(), '*');
  if (phone.size() < 8) return internal::cat(std::string(phone.size() - 4, '*'), phone.substr(phone.size() - 4));
  return internal::cat(phone.substr(0, 3), std::string(phone.size() - 7, '*'), phone.substr(phone.size() - 4));
}

std::string internal::china_time_iso(Timestamp t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S+08:00", absl::FromUnixSeconds(t), absl::FixedTimeZone(8 * 3600));
}

}  // namespace jiceng
