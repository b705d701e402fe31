// jiceng/types.hpp — vocabulary shared by every part of the library: time, the
// petition enums (urgency 紧急程度, severity 严重程度, channel 渠道), actor roles
// (角色), and the status helpers the rest of the code uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace jiceng {

/// Seconds since the Unix epoch, UTC. Calendar days are China Standard Time (UTC+8).
using Timestamp = std::int64_t;

/// Offset of China Standard Time from UTC, in seconds (no daylight saving).
inline constexpr Timestamp kChinaUtcOffsetSeconds = 8 * 3600;

/// Urgency of a petition (紧急程度).
enum class Urgency : std::uint8_t { kNormal = 0, kUrgent = 1 };

/// Severity of a petition (严重程度); bounds how far it may climb:
/// 小事不出社区、大事不出街道.
enum class Severity : std::uint8_t { kMinor = 0, kMajor = 1, kCritical = 2 };

/// How a petition came in (民意收集渠道).
enum class Channel : std::uint8_t {
  kOnlinePlatform = 0,  ///< real-name online platform 线上平台
  kWechatAccount = 1,   ///< WeChat official account 微信公众号
  kMiniProgram = 2,     ///< mini program 小程序
  kPhotoReport = 3,     ///< 随手拍
  kDoorToDoor = 4,      ///< door-to-door visit 入户走访
  kMeeting = 5,         ///< deliberation meeting 议事会
  kHotline = 6,         ///< 12345 hotline
};

/// Who acts on a petition (角色).
enum class Role : std::uint8_t {
  kResident = 0,            ///< 居民
  kGridWorker = 1,          ///< 网格员
  kHubHead = 2,             ///< 枢纽长
  kBuildingLeader = 3,      ///< 楼组长
  kCommunitySecretary = 4,  ///< 社区书记
  kCommunityStaff = 5,      ///< 社区工作人员
  kRedStewardLead = 6,      ///< 红色管家项目负责人
  kStreetOfficer = 7,       ///< 街道干部
  kDistrictOfficer = 8,     ///< 区级干部
  kPropertyCompany = 9,     ///< 物业公司
  kSystem = 10,             ///< the clock and automatic rules
};
inline constexpr int kRoleCount = 11;

std::string_view to_string(Urgency);
std::string_view to_string(Severity);
std::string_view to_string(Channel);
std::string_view to_string(Role);
std::optional<Urgency> parse_urgency(std::string_view);
std::optional<Severity> parse_severity(std::string_view);
std::optional<Channel> parse_channel(std::string_view);
std::optional<Role> parse_role(std::string_view);

/// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view text);

/// Masks personal data for exports (个人信息脱敏): "张三丰" → "张**", "13812345678" →
/// "138****5678". Every export masks resident names and phones unless the host asks for
/// raw data explicitly (docs/domain.md §11).
std::string mask_name(std::string_view name);
/// See mask_name.
std::string mask_phone(std::string_view phone);

}  // namespace jiceng

/// Evaluates `expr` (an absl::Status); returns it from the enclosing function when not OK.
#define JICENG_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status jiceng_status_ = (expr);          \
    if (!jiceng_status_.ok()) return jiceng_status_; \
  } while (0)

#define JICENG_CONCAT_INNER_(a, b) a##b
#define JICENG_CONCAT_(a, b) JICENG_CONCAT_INNER_(a, b)

/// `JICENG_ASSIGN_OR_RETURN(auto x, f())`: unwraps a StatusOr or returns its status.
#define JICENG_ASSIGN_OR_RETURN(lhs, expr) \
  JICENG_ASSIGN_OR_RETURN_IMPL_(JICENG_CONCAT_(jiceng_statusor_, __LINE__), lhs, expr)
#define JICENG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()
