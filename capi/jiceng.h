/* jiceng.h — the stable C ABI of jiceng (基层), party-led grassroots governance as
 * Suzhou practises it: the party organization hierarchy (党组织体系), the working-day
 * calendar (工作日历), policy sets (政策规则集), the petition closed loop (诉求闭环) and
 * its durable journal (事件日志).
 *
 * This is the only C header of the library and is valid C99 on its own. Conventions
 * (libgit2 / DuckDB style):
 *  - Opaque handles: jc_engine, jc_org, jc_calendar, jc_policy, jc_journal. Each
 *    constructor (`*_new`, `*_open`, `*_load_*`) has its `*_free`; `*_free(NULL)` is a no-op.
 *  - Every function returns a jc_status (JC_OK = 0); out-parameters come first. On an
 *    error the out-parameters are untouched and jc_last_error() gives the calling thread's
 *    message. Nothing throws, nothing aborts: NULL handles, NULL or invalid UTF-8 text,
 *    wrong lengths, unknown ids and out-of-range values are error codes.
 *  - Strings in: UTF-8. A `(text, len)` pair takes `len` bytes; `len == JC_NUL_TERMINATED`
 *    reads up to the NUL. Strings out: either `char **out` — a NUL-terminated string the
 *    library allocated, released with jc_string_free() — or a caller buffer
 *    `(char *buf, size_t size, size_t *out_len)`.
 *  - Caller buffers (strings and arrays): `*out_len` always receives the length needed
 *    (without the NUL for strings). `buf == NULL && size == 0` is a size query (JC_OK);
 *    a non-NULL buffer too small is JC_OUT_OF_RANGE and is not written.
 *  - Dates are jc_date {year, month, day} values (China Standard Time calendar days);
 *    jc_date_parse / jc_date_format convert from / to "YYYY-MM-DD". The hot calendar
 *    calls also come in a jc_day form (int32_t days since 1970-01-01), the cheapest to
 *    pass and convert. Timestamps are int64_t UTC seconds.
 *  - Thread safety: functions on different handles may run in parallel. A jc_engine may
 *    be shared between threads (queries in parallel, commands serialized); jc_org,
 *    jc_calendar and jc_policy handles are safe for concurrent reads, and their mutating
 *    calls (load, transfer, set) need exclusive access. jc_journal calls are serialized
 *    internally.
 */
#ifndef JICENG_H
#define JICENG_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define JC_API __declspec(dllexport)
#elif defined(__GNUC__)
#define JC_API __attribute__((visibility("default")))
#else
#define JC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** ABI version: bumped (with the abidw baseline capi/jiceng.abi) on any incompatible change. */
#define JC_ABI_VERSION 1
/** Library version this header belongs to (from jiceng/version.hpp, the one place it is set). */
#define JC_VERSION_MAJOR 0
#define JC_VERSION_MINOR 1
#define JC_VERSION_PATCH 0

/** For `(text, len)` pairs: the text is NUL-terminated, read up to the NUL. */
#define JC_NUL_TERMINATED ((size_t)-1)
/** "No unit" (an absent parent or ancestor). */
#define JC_NO_UNIT 0xFFFFFFFFu
/** A deadline that does not apply. */
#define JC_NO_DEADLINE INT64_MAX

/* ======================================================================================
 * Status and errors
 * ==================================================================================== */

/** Result of every call; the numeric values are Abseil's canonical codes. */
typedef enum jc_status {
  JC_OK = 0,
  JC_CANCELLED = 1,
  JC_UNKNOWN = 2,
  JC_INVALID_ARGUMENT = 3,   /**< malformed input, NULL, invalid UTF-8, unknown enum value */
  JC_DEADLINE_EXCEEDED = 4,
  JC_NOT_FOUND = 5,          /**< unknown id (unit, petition, rule, file, policy set) */
  JC_ALREADY_EXISTS = 6,
  JC_PERMISSION_DENIED = 7,  /**< the actor's role or scope does not allow the command */
  JC_RESOURCE_EXHAUSTED = 8, /**< out of memory, disk full */
  JC_FAILED_PRECONDITION = 9,/**< illegal transition, read-only handle, wrong state */
  JC_ABORTED = 10,
  JC_OUT_OF_RANGE = 11,      /**< date outside the calendar, caller buffer too small */
  JC_UNIMPLEMENTED = 12,
  JC_INTERNAL = 13,          /**< a bug: an unexpected exception inside the library */
  JC_UNAVAILABLE = 14,       /**< journal locked or I/O error */
  JC_DATA_LOSS = 15,         /**< journal hash chain broken, corrupt snapshot */
  JC_UNAUTHENTICATED = 16
} jc_status;

/**
 * The message of the last failed call on the calling thread ("" when none). Borrowed:
 * valid until the next failing jc_* call on this thread. Successful calls leave it as is.
 * Thread-safe (thread-local).
 */
JC_API const char *jc_last_error(void);

/** The code of the last failed call on the calling thread (JC_OK when none). Thread-safe. */
JC_API jc_status jc_last_error_code(void);

/** Clears the calling thread's last error. Thread-safe. */
JC_API void jc_clear_error(void);

/** "OK", "INVALID_ARGUMENT", ...; "UNKNOWN_STATUS" for a value outside the enum. Static string. */
JC_API const char *jc_status_name(int status);

/** Library version, "MAJOR.MINOR.PATCH". Static string. */
JC_API const char *jc_version(void);

/** JC_ABI_VERSION of the loaded library, to compare with the header's at run time. */
JC_API unsigned int jc_abi_version(void);

/** Releases a string (or byte buffer) the library allocated. NULL is a no-op. */
JC_API void jc_string_free(char *str);

/**
 * Points `out[0..count)` at the `count` NUL-terminated strings packed end to end in
 * `packed` (`size` bytes, the last one a NUL): how a binding turns one joined buffer
 * into the `const char *const *` column a bulk call takes, without a per-string step
 * (Python: `"\0".join(texts).encode() + b"\0"`). The pointers borrow `packed`.
 * JC_INVALID_ARGUMENT, with `out` untouched, when the buffer does not end with a NUL or
 * holds another number of strings.
 */
JC_API jc_status jc_strings_split(const char **out, size_t count, const char *packed, size_t size);

/* ======================================================================================
 * Enumerations (values are stable; each has a *_name and *_parse function)
 * ==================================================================================== */

/** Actor roles (角色). */
typedef enum jc_role {
  JC_ROLE_RESIDENT = 0,             /**< 居民 */
  JC_ROLE_GRID_WORKER = 1,          /**< 网格员 */
  JC_ROLE_HUB_HEAD = 2,             /**< 枢纽长 */
  JC_ROLE_BUILDING_LEADER = 3,      /**< 楼组长 */
  JC_ROLE_COMMUNITY_SECRETARY = 4,  /**< 社区书记 */
  JC_ROLE_COMMUNITY_STAFF = 5,      /**< 社区工作人员 */
  JC_ROLE_RED_STEWARD_LEAD = 6,     /**< 红色管家项目负责人 */
  JC_ROLE_STREET_OFFICER = 7,       /**< 街道干部 */
  JC_ROLE_DISTRICT_OFFICER = 8,     /**< 区级干部 */
  JC_ROLE_PROPERTY_COMPANY = 9,     /**< 物业公司 */
  JC_ROLE_SYSTEM = 10               /**< the clock */
} jc_role;

/** Petition states (诉求状态). */
typedef enum jc_state {
  JC_STATE_RECEIVED = 0, JC_STATE_ACCEPTED = 1, JC_STATE_REJECTED = 2, JC_STATE_MERGED = 3,
  JC_STATE_DISPATCHED = 4, JC_STATE_IN_PROGRESS = 5, JC_STATE_RESOLVED = 6, JC_STATE_CLOSED = 7,
  JC_STATE_WITHDRAWN = 8
} jc_state;

/**
 * Events (事件): the eighteen commands, the clock's mark_overdue, configuration events, a
 * hosted loop's events, and the participation commands (附议), which never move a
 * petition's state (jc_engine_execute issues them with a resident's handle).
 */
typedef enum jc_event_type {
  JC_EVENT_SUBMIT = 0, JC_EVENT_ACCEPT = 1, JC_EVENT_REJECT = 2, JC_EVENT_MERGE = 3,
  JC_EVENT_DISPATCH = 4, JC_EVENT_SIGN = 5, JC_EVENT_RETURN = 6, JC_EVENT_ESCALATE = 7,
  JC_EVENT_REQUEST_EXTENSION = 8, JC_EVENT_GRANT_EXTENSION = 9, JC_EVENT_DENY_EXTENSION = 10,
  JC_EVENT_URGE = 11, JC_EVENT_SUPERVISE = 12, JC_EVENT_RESOLVE = 13, JC_EVENT_EVALUATE = 14,
  JC_EVENT_REOPEN = 15, JC_EVENT_CLOSE = 16, JC_EVENT_WITHDRAW = 17, JC_EVENT_MARK_OVERDUE = 18,
  JC_EVENT_LOAD_ORG = 19, JC_EVENT_SET_POLICY = 20, JC_EVENT_LOAD_CALENDAR = 21,
  JC_EVENT_SET_CALENDAR = 22,
  JC_EVENT_LOOP = 23, /**< an event of a hosted loop (jc_engine_command); its document names the loop */
  JC_EVENT_SUPPORT = 24,         /**< 附议: a resident supports another resident's petition */
  JC_EVENT_WITHDRAW_SUPPORT = 25 /**< 撤回附议: the resident takes the support back */
} jc_event_type;

/** Urgency (紧急程度). */
typedef enum jc_urgency { JC_URGENCY_NORMAL = 0, JC_URGENCY_URGENT = 1 } jc_urgency;
/** Severity (严重程度): bounds escalation (minor: community, major: street, critical: district). */
typedef enum jc_severity { JC_SEVERITY_MINOR = 0, JC_SEVERITY_MAJOR = 1, JC_SEVERITY_CRITICAL = 2 } jc_severity;
/** Channel (渠道). */
typedef enum jc_channel {
  JC_CHANNEL_ONLINE_PLATFORM = 0, JC_CHANNEL_WECHAT_ACCOUNT = 1, JC_CHANNEL_MINI_PROGRAM = 2,
  JC_CHANNEL_PHOTO_REPORT = 3, JC_CHANNEL_DOOR_TO_DOOR = 4, JC_CHANNEL_MEETING = 5, JC_CHANNEL_HOTLINE = 6
} jc_channel;
/** Satisfaction in an evaluation (满意度). */
typedef enum jc_satisfaction {
  JC_SATISFIED = 0, JC_BASICALLY_SATISFIED = 1, JC_UNSATISFIED = 2
} jc_satisfaction;
/** Kinds of reopen: 重办 (hotline), 复查 and 复核 (信访). */
typedef enum jc_reopen_kind { JC_REOPEN = 0, JC_REOPEN_REVIEW = 1, JC_REOPEN_RE_REVIEW = 2 } jc_reopen_kind;
/** Day kinds of the calendar. */
typedef enum jc_day_kind {
  JC_DAY_WORKDAY = 0, JC_DAY_WEEKEND = 1, JC_DAY_HOLIDAY = 2, JC_DAY_MAKEUP_WORKDAY = 3
} jc_day_kind;

/**
 * Name of an enum value: `kind` is one of "role", "state", "event", "urgency", "severity",
 * "channel", "satisfaction", "reopen_kind", "day_kind", "unit_kind". `*out` receives a
 * static string (e.g. "in_progress"). JC_INVALID_ARGUMENT for an unknown kind or value.
 */
JC_API jc_status jc_enum_name(const char **out, const char *kind, int value);

/**
 * Parses an enum value by name (same kinds as jc_enum_name), e.g. ("event", "sign").
 * JC_INVALID_ARGUMENT for NULL, invalid UTF-8 or an unknown name.
 */
JC_API jc_status jc_enum_parse(int *out, const char *kind, const char *name);

/* ======================================================================================
 * Dates and time
 * ==================================================================================== */

/** A calendar day. */
typedef struct jc_date {
  int32_t year;
  int32_t month; /**< 1..12 */
  int32_t day;   /**< 1..31 */
} jc_date;

/**
 * A calendar day as a day number: days since 1970-01-01 (so 1970-01-01 is 0, 2025-01-06
 * is 20094). Python: `d.toordinal() - 719163`. Valid from JC_MIN_DAY (1400-01-01) to
 * JC_MAX_DAY (9999-12-31).
 */
typedef int32_t jc_day;
#define JC_MIN_DAY (-208188)
#define JC_MAX_DAY 2932896

/** The day number of `d`. JC_INVALID_ARGUMENT when `d` is not a real day in 1400..9999. O(1), integer only. */
JC_API jc_status jc_day_from_date(jc_day *out, jc_date d);

/** The date of day number `day`. JC_OUT_OF_RANGE outside JC_MIN_DAY..JC_MAX_DAY. */
JC_API jc_status jc_day_to_date(jc_date *out, jc_day day);

/** Parses a strict "YYYY-MM-DD". JC_INVALID_ARGUMENT when malformed or not a real day. */
JC_API jc_status jc_date_parse(jc_date *out, const char *text);

/**
 * Formats `d` as "YYYY-MM-DD" into `buf` (11 bytes with the NUL suffice). Caller-buffer
 * rules above; JC_INVALID_ARGUMENT when `d` is not a real day.
 */
JC_API jc_status jc_date_format(char *buf, size_t size, size_t *out_len, jc_date d);

/** The calendar day of UTC instant `utc` in China Standard Time (UTC+8). */
JC_API jc_status jc_china_date(jc_date *out, int64_t utc);

/** The UTC instant of local (CST) minute `minute_of_day` on day `d`. */
JC_API jc_status jc_china_time_to_utc(int64_t *out, jc_date d, int minute_of_day);

/* ======================================================================================
 * Calendar (工作日历)
 * ==================================================================================== */

/** A working-day calendar. */
typedef struct jc_calendar jc_calendar;

/** A new calendar holding a copy of the official schedule 2004–2026. Free with jc_calendar_free. */
JC_API jc_status jc_calendar_china(jc_calendar **out);

/** A new empty calendar (no year covered). Free with jc_calendar_free. */
JC_API jc_status jc_calendar_new(jc_calendar **out);

/** Releases a calendar from jc_calendar_china/new. NULL is a no-op; borrowed handles are ignored. */
JC_API void jc_calendar_free(jc_calendar *cal);

/**
 * Adds (or replaces) years from CSV text (`date,kind,name_en,name_zh` rows). All or
 * nothing. `source_name` (may be NULL) prefixes messages. JC_INVALID_ARGUMENT with the
 * line for malformed rows; JC_FAILED_PRECONDITION on a handle borrowed from an engine.
 * Needs exclusive access.
 */
JC_API jc_status jc_calendar_load_csv(jc_calendar *cal, const char *csv, size_t len, const char *source_name);

/**
 * How a calendar answers outside its official years (日历模式):
 * JC_CALENDAR_PROVISIONAL (the default) answers the ten years after the last official
 * year by the statutory holidays of Decree No. 798 (2024), with make-up days for holidays
 * on a weekend and no 调休, every such answer marked provisional; JC_CALENDAR_STRICT
 * refuses every date outside the official years (JC_OUT_OF_RANGE); JC_CALENDAR_WEEKEND_ONLY
 * treats years without a table as Mon–Fri work.
 */
typedef enum jc_calendar_mode {
  JC_CALENDAR_PROVISIONAL = 0, JC_CALENDAR_STRICT = 1, JC_CALENDAR_WEEKEND_ONLY = 2
} jc_calendar_mode;

/** jc_calendar_set_mode(cal, on ? JC_CALENDAR_WEEKEND_ONLY : JC_CALENDAR_PROVISIONAL). */
JC_API jc_status jc_calendar_set_weekend_only(jc_calendar *cal, int on);

/** Sets the mode (a jc_calendar_mode). JC_INVALID_ARGUMENT for another value; JC_FAILED_PRECONDITION on a borrowed handle (use jc_engine_set_calendar_mode). */
JC_API jc_status jc_calendar_set_mode(jc_calendar *cal, int mode);

/** The mode in force (a jc_calendar_mode). */
JC_API jc_status jc_calendar_get_mode(int *out, const jc_calendar *cal);

/** `*out` = 1 when the answer for `d` comes from the provisional rule (not an official schedule), else 0. */
JC_API jc_status jc_calendar_is_provisional(int *out, const jc_calendar *cal, jc_date d);

/**
 * The calendar's coverage as of `today`, as JSON: mode, provisional_rule, first/last
 * official year, first/last provisional day, official_days_left, and a warning (or null)
 * when the official table ends within 60 days. Free `*out` with jc_string_free.
 */
JC_API jc_status jc_calendar_coverage_json(char **out, const jc_calendar *cal, jc_date today);

/** First and last covered year (0 when none). Either out may be NULL. */
JC_API jc_status jc_calendar_years(int *first_year, int *last_year, const jc_calendar *cal);

/** `*out` = 1 when `d` is a working day, else 0. JC_OUT_OF_RANGE for an uncovered year. O(1). */
JC_API jc_status jc_calendar_is_workday(int *out, const jc_calendar *cal, jc_date d);

/** Kind of `d` (a jc_day_kind). */
JC_API jc_status jc_calendar_day_kind(int *out, const jc_calendar *cal, jc_date d);

/** n = 0: d or the next working day; n > 0: n-th working day after d; n < 0: before. O(1). */
JC_API jc_status jc_calendar_add_workdays(jc_date *out, const jc_calendar *cal, jc_date d, int n);

/**
 * jc_calendar_add_workdays on day numbers: the hot form (no conversion beyond an add; no
 * allocation on success). JC_OUT_OF_RANGE when `day` is outside JC_MIN_DAY..JC_MAX_DAY or
 * the walk leaves the covered years; JC_INVALID_ARGUMENT for NULL.
 */
JC_API jc_status jc_calendar_add_workdays_day(jc_day *out, const jc_calendar *cal, jc_day day, int n);

/** jc_calendar_is_workday on a day number (hot form). */
JC_API jc_status jc_calendar_is_workday_day(int *out, const jc_calendar *cal, jc_day day);

/** Working days in [a, b) (negative when b < a). */
JC_API jc_status jc_calendar_workdays_between(int *out, const jc_calendar *cal, jc_date a, jc_date b);

/** First working day strictly after `d`. */
JC_API jc_status jc_calendar_next_workday(jc_date *out, const jc_calendar *cal, jc_date d);

/** English name of the holiday on `d` ("" when none) into a caller buffer. */
JC_API jc_status jc_calendar_holiday_name(char *buf, size_t size, size_t *out_len, const jc_calendar *cal,
                                          jc_date d);

/**
 * The deadline `duration` ("2h", "15d", "5wd") after `start` (UTC seconds), due at local
 * minute `due_minute_of_day` for day-based durations (-1: 17:30). JC_INVALID_ARGUMENT for
 * a malformed duration.
 */
JC_API jc_status jc_calendar_deadline_after(int64_t *out, const jc_calendar *cal, int64_t start,
                                            const char *duration, int due_minute_of_day);

/* ======================================================================================
 * Organization (党组织体系)
 * ==================================================================================== */

/** An organization graph: owned (jc_org_new) or borrowed from an engine (jc_engine_org). */
typedef struct jc_org jc_org;

/** A new empty graph. Free with jc_org_free. */
JC_API jc_status jc_org_new(jc_org **out);

/** Releases a graph from jc_org_new. NULL is a no-op; borrowed handles are ignored. */
JC_API void jc_org_free(jc_org *org);

/**
 * Merges a JSON document or JSON Lines (docs/org.md) into the graph, all or nothing;
 * messages name `source_name`, the record and the field. JC_INVALID_ARGUMENT for bad
 * data; JC_FAILED_PRECONDITION on a borrowed handle. Needs exclusive access; invalidates
 * buffers obtained earlier but not unit indices.
 */
JC_API jc_status jc_org_load_json(jc_org *org, const char *text, size_t len, const char *source_name);

/** Reads `path` and merges it (JC_NOT_FOUND when the file cannot be read). */
JC_API jc_status jc_org_load_file(jc_org *org, const char *path);

/** Merges the bundled sample district (data/sample-district.json). */
JC_API jc_status jc_org_load_sample(jc_org *org);

/** Options for jc_org_generate (a deterministic synthetic city). */
typedef struct jc_city_options {
  unsigned int version;  /**< JC_CITY_OPTIONS_VERSION */
  uint64_t units;        /**< exact number of units (>= 1) */
  uint64_t seed;         /**< random seed */
  int members;           /**< non-zero: generate members, posts and households */
} jc_city_options;
#define JC_CITY_OPTIONS_VERSION 1
#define JC_CITY_OPTIONS_INIT {JC_CITY_OPTIONS_VERSION, 10000u, 1u, 1}
/** Initializes `opts` to the defaults of `version`. JC_INVALID_ARGUMENT for an unknown version. */
JC_API jc_status jc_city_options_init(jc_city_options *opts, unsigned int version);

/** The generated city as a JSON document (library string). */
JC_API jc_status jc_org_generate_json(char **out, const jc_city_options *opts);

/** The whole graph as a JSON document (library string), member names masked (personal data). */
JC_API jc_status jc_org_export_json(char **out, const jc_org *org);

/** jc_org_export_json with member names as stored: for a host that asks for raw data
 * explicitly (a backup, a transfer to another system). Loads back exactly. */
JC_API jc_status jc_org_export_json_raw(char **out, const jc_org *org);

/** Graphviz DOT of the subtree at unit id `root`, `depth` levels (negative: all). */
JC_API jc_status jc_org_export_dot(char **out, const jc_org *org, const char *root, int depth);

/** Number of units. */
JC_API jc_status jc_org_unit_count(size_t *out, const jc_org *org);

/** The dense index of the unit with id `id`. JC_NOT_FOUND for an unknown id. */
JC_API jc_status jc_org_find(uint32_t *out, const jc_org *org, const char *id);

/** Id of unit `unit` into a caller buffer. JC_NOT_FOUND for an index out of range. */
JC_API jc_status jc_org_unit_id(char *buf, size_t size, size_t *out_len, const jc_org *org, uint32_t unit);

/** Name of unit `unit` (UTF-8) into a caller buffer. */
JC_API jc_status jc_org_unit_name(char *buf, size_t size, size_t *out_len, const jc_org *org, uint32_t unit);

/** Level (0 district .. 5) of a unit. */
JC_API jc_status jc_org_level(int *out, const jc_org *org, uint32_t unit);

/** Parent of a unit (JC_NO_UNIT for a root). */
JC_API jc_status jc_org_parent(uint32_t *out, const jc_org *org, uint32_t unit);

/**
 * A unit as JSON: {"id","name","level","kind","schema","compound","parent","children",
 * "subtree_size","members","party_members"} (library string).
 */
JC_API jc_status jc_org_unit_json(char **out, const jc_org *org, uint32_t unit);

/**
 * Ids of the units at `level` (0..5; -1 for any) and of `kind` (a unit kind name such as
 * "building_group"; NULL for any), in index order, as a JSON array (library string).
 * JC_INVALID_ARGUMENT for a level outside -1..5 or an unknown kind.
 */
JC_API jc_status jc_org_units_json(char **out, const jc_org *org, int level, const char *kind);

/**
 * The chain of command u, parent, ..., root into `buf` (caller array of `capacity`
 * indices); `*out_count` = the chain's length. Caller-buffer rules above. No allocation.
 */
JC_API jc_status jc_org_ancestors(uint32_t *buf, size_t capacity, size_t *out_count, const jc_org *org,
                                  uint32_t unit);

/** Direct children of a unit, in index order, into a caller array. */
JC_API jc_status jc_org_children(uint32_t *buf, size_t capacity, size_t *out_count, const jc_org *org,
                                 uint32_t unit);

/** The ancestor of `unit` at `level` (itself when at that level). JC_NOT_FOUND when none. */
JC_API jc_status jc_org_ancestor_at_level(uint32_t *out, const jc_org *org, uint32_t unit, int level);

/** `*out` = 1 when `ancestor` is `unit` or one of its ancestors. O(1). */
JC_API jc_status jc_org_is_ancestor(int *out, const jc_org *org, uint32_t ancestor, uint32_t unit);

/** Lowest common ancestor of `a` and `b` (JC_NO_UNIT when in different trees). */
JC_API jc_status jc_org_lca(uint32_t *out, const jc_org *org, uint32_t a, uint32_t b);

/** Units in the subtree of `unit`, itself included. O(1). */
JC_API jc_status jc_org_subtree_size(size_t *out, const jc_org *org, uint32_t unit);

/** Members (all, party) with their relation in the subtree of `unit`. Either out may be NULL. */
JC_API jc_status jc_org_subtree_members(size_t *members, size_t *party_members, const jc_org *org,
                                        uint32_t unit);

/**
 * Responsible units of a household (`out[L]` = its building's level-L ancestor, out[5] =
 * its central household; JC_NO_UNIT where none). JC_NOT_FOUND for an unknown household.
 */
JC_API jc_status jc_org_responsible_units(uint32_t out[6], const jc_org *org, const char *household);

/** Options of the coverage report (覆盖情况). */
typedef struct jc_coverage_options {
  unsigned int version;           /**< JC_COVERAGE_OPTIONS_VERSION */
  const char *as_of;              /**< "YYYY-MM-DD" posts must cover, or NULL: open-ended posts */
  int compound_branch_threshold;  /**< party members that require a compound branch (default 3) */
} jc_coverage_options;
#define JC_COVERAGE_OPTIONS_VERSION 1
#define JC_COVERAGE_OPTIONS_INIT {JC_COVERAGE_OPTIONS_VERSION, NULL, 3}
/** Initializes `opts` to the defaults of `version`. */
JC_API jc_status jc_coverage_options_init(jc_coverage_options *opts, unsigned int version);

/** The coverage report as JSON (library string); `opts` may be NULL for defaults. */
JC_API jc_status jc_org_coverage_json(char **out, const jc_org *org, const jc_coverage_options *opts);

/**
 * Moves a party member's organizational relation (组织关系转接) to unit `to_unit` on
 * `date`. All or nothing. JC_FAILED_PRECONDITION on a borrowed handle.
 */
JC_API jc_status jc_org_transfer_member(jc_org *org, const char *member, const char *to_unit, jc_date date);

/* ======================================================================================
 * Policy (政策规则集)
 * ==================================================================================== */

/** A resolved, immutable policy set. Safe to share between threads. */
typedef struct jc_policy jc_policy;

/** Loads a built-in set ("national", "suzhou-sip", "wuzhong", "changshu", ...). JC_NOT_FOUND otherwise. */
JC_API jc_status jc_policy_load_builtin(jc_policy **out, const char *name);

/** Loads a set from a file (its `extends` resolves beside it, then to built-ins). */
JC_API jc_status jc_policy_load_file(jc_policy **out, const char *path);

/** Loads a set from JSON text. */
JC_API jc_status jc_policy_from_json(jc_policy **out, const char *text, size_t len, const char *source_name);

/** Releases a policy. NULL is a no-op. */
JC_API void jc_policy_free(jc_policy *policy);

/** The set's name into a caller buffer. */
JC_API jc_status jc_policy_name(char *buf, size_t size, size_t *out_len, const jc_policy *policy);

/**
 * Facts about the set as JSON: {"name","description","chain":[...],"rules":[...]}
 * (library string).
 */
JC_API jc_status jc_policy_info_json(char **out, const jc_policy *policy);

/** The rule's merged parameters as JSON. JC_NOT_FOUND for a rule the set lacks. */
JC_API jc_status jc_policy_rule_params_json(char **out, const jc_policy *policy, const char *rule);

/** The fully resolved set as JSON (library string). */
JC_API jc_status jc_policy_to_json(char **out, const jc_policy *policy);

/** Names of the built-in sets as a JSON array (library string). */
JC_API jc_status jc_policy_builtin_names_json(char **out);

/**
 * Evaluates a subject (JSON object with a "type") and returns the findings as a JSON
 * array of {rule, severity, passed, subject, message_zh, message_en, evidence,
 * evidence_json, check}. JC_INVALID_ARGUMENT names the bad field.
 */
JC_API jc_status jc_policy_evaluate(char **out, const jc_policy *policy, const char *subject_json, size_t len);

/**
 * Runs policy test case files / folders `paths[0..count)` and returns the report as JSON:
 * {"passed","failed","summary","cases":[{"file","name","passed","mismatches":[...]}]}.
 * `*failed` (may be NULL) receives the failed count. JC_NOT_FOUND for a missing path.
 */
JC_API jc_status jc_policy_run_tests(char **out, size_t *failed, const char *const *paths, size_t count);

/**
 * Runs policy test case files / folders `paths[0..count)` as `jiceng policy test` does —
 * routing cases through a petition engine — keeping the cases whose "<file>: <name>" the
 * ECMAScript regular expression `run` matches anywhere (NULL or "" = every case), and
 * returns the whole report as JSON (library string): {"passed","failed","invalid",
 * "summary","cases":[{"file","name","passed","invalid","seconds","mismatches"}],
 * "skipped_files","coverage":{"percent","sets":[{"set","covered","total","percent",
 * "rules","rules_covered","missing"}]},"coverage_text"} — the coverage of each rule's
 * checks, pass and fail side, per policy set, as `jiceng policy test --coverage` prints it.
 * `*failed` (may be NULL) receives the failed count (invalid cases included). JC_NOT_FOUND
 * for a missing path; JC_INVALID_ARGUMENT for no case file or a bad `run`.
 */
JC_API jc_status jc_policy_test_report(char **out, size_t *failed, const char *const *paths, size_t count,
                                       const char *run);

/* ======================================================================================
 * Engine: the petition closed loop (诉求闭环)
 * ==================================================================================== */

/** An engine: org graph + calendar + policy + petitions (+ a journal when opened on one). */
typedef struct jc_engine jc_engine;

/** Durability of journal commits. */
typedef enum jc_sync_mode { JC_SYNC_FULL = 0, JC_SYNC_NORMAL = 1, JC_SYNC_OFF = 2 } jc_sync_mode;

/** Options of jc_engine_open. */
typedef struct jc_engine_options {
  unsigned int version;  /**< JC_ENGINE_OPTIONS_VERSION */
  const char *policy;    /**< built-in policy set name; NULL = "national" */
  const char *journal;   /**< SQLite journal path, or NULL for in-memory only */
  int sync;              /**< jc_sync_mode for the journal */
  int read_only;         /**< non-zero: open the journal read-only */
} jc_engine_options;
#define JC_ENGINE_OPTIONS_VERSION 1
#define JC_ENGINE_OPTIONS_INIT {JC_ENGINE_OPTIONS_VERSION, NULL, NULL, JC_SYNC_FULL, 0}
/** Initializes `opts` to the defaults of `version`. */
JC_API jc_status jc_engine_options_init(jc_engine_options *opts, unsigned int version);

/**
 * Opens an engine; `opts` may be NULL (in memory, policy "national"). With a journal:
 * load its latest snapshot, replay and verify the rest (JC_DATA_LOSS when the chain is
 * broken); every later command is durable before it returns. Free with jc_engine_free.
 */
JC_API jc_status jc_engine_open(jc_engine **out, const jc_engine_options *opts);

/**
 * jc_engine_open on a keyed journal (jc_journal_open_keyed): `key`, `key_len` bytes, is the
 * journal's MAC key; NULL with 0 is jc_engine_open. A new journal is created keyed. Errors
 * beyond jc_engine_open's are those of jc_journal_open_keyed; JC_INVALID_ARGUMENT for a key
 * without a journal.
 */
JC_API jc_status jc_engine_open_keyed(jc_engine **out, const jc_engine_options *opts, const char *key, size_t key_len);

/** Releases an engine (and closes its journal). NULL is a no-op. Not while other threads use it. */
JC_API void jc_engine_free(jc_engine *engine);

/** Replaces the org graph (one event), all or nothing. `now` is the event time. */
JC_API jc_status jc_engine_load_org(jc_engine *engine, const char *json, size_t len, int64_t now);
/** Reads `path` and replaces the org graph with it. */
JC_API jc_status jc_engine_load_org_file(jc_engine *engine, const char *path, int64_t now);
/** Replaces the org graph with the bundled sample district. */
JC_API jc_status jc_engine_load_sample_org(jc_engine *engine, int64_t now);
/** Replaces the policy: a built-in name or a policy set JSON document. */
JC_API jc_status jc_engine_set_policy(jc_engine *engine, const char *name_or_json, int64_t now);
/** Adds or replaces calendar years from CSV. */
JC_API jc_status jc_engine_load_calendar_csv(jc_engine *engine, const char *csv, size_t len, int64_t now);
/**
 * Sets the engine's calendar mode (a jc_calendar_mode) and provisional rule version (1):
 * one journaled event; open deadlines a changed day moves are recomputed in it.
 * JC_INVALID_ARGUMENT (and no change) for an unknown mode or rule version.
 */
JC_API jc_status jc_engine_set_calendar_mode(jc_engine *engine, int mode, int provisional_rule, int64_t now);
/** jc_calendar_coverage_json of the engine's calendar on the China date of `now`. */
JC_API jc_status jc_engine_calendar_coverage_json(char **out, jc_engine *engine, int64_t now);

/**
 * The engine's org graph as a borrowed, read-only handle (do not free). It lives as long
 * as the engine and always shows the engine's current graph (jc_engine_load_org*,
 * jc_engine_restore, batches and the catch-up calls jc_engine_catch_up, jc_engine_await_seq,
 * jc_engine_run update it), but must not be read while another thread runs one of those
 * calls. Unit indices change when the graph is replaced.
 */
JC_API jc_status jc_engine_org(const jc_org **out, jc_engine *engine);
/** The engine's calendar as a borrowed, read-only handle; same lifetime rule as jc_engine_org. */
JC_API jc_status jc_engine_calendar(const jc_calendar **out, jc_engine *engine);
/** Name of the policy in force into a caller buffer. */
JC_API jc_status jc_engine_policy_name(char *buf, size_t size, size_t *out_len, jc_engine *engine);

/** Who issues a command (行为人). Strings are borrowed for the duration of the call. */
typedef struct jc_actor {
  const char *id;    /**< actor id (required) */
  int role;          /**< a jc_role */
  const char *unit;  /**< org unit id; NULL or "" for residents and the system */
} jc_actor;

/**
 * jc_engine_load_org, jc_engine_set_policy and jc_engine_load_calendar_csv record the engine's own actor `system`. These record
 * the host's person `by` instead (id 1-256 bytes of UTF-8; its unit is recorded, not
 * checked, since configuration may create it): JC_PERMISSION_DENIED for the role system
 * unless jc_engine_allow_system_role, JC_INVALID_ARGUMENT for a bad actor. Nothing changes
 * on an error.
 */
JC_API jc_status jc_engine_load_org_as(jc_engine *engine, const jc_actor *by, const char *json, size_t len,
                                       int64_t now);
/** jc_engine_set_policy, recorded as `by` (see jc_engine_load_org_as). */
JC_API jc_status jc_engine_set_policy_as(jc_engine *engine, const jc_actor *by, const char *name_or_json,
                                         int64_t now);
/** jc_engine_load_calendar_csv, recorded as `by` (see jc_engine_load_org_as). */
JC_API jc_status jc_engine_load_calendar_csv_as(jc_engine *engine, const jc_actor *by, const char *csv, size_t len,
                                                int64_t now);
/**
 * The role JC_ROLE_SYSTEM is the engine's clock's. A host command (petition, loop or
 * configuration) claiming it is JC_PERMISSION_DENIED unless the host opts in here with
 * `allow` non-zero (a migration replaying an outside clock, a test harness); 0 turns it off
 * again. Process-local: not journaled, not in snapshots, off in every new engine; replay
 * never asks.
 */
JC_API jc_status jc_engine_allow_system_role(jc_engine *engine, int allow);

/**
 * An actor resolved once against one engine (jc_engine_resolve_actor): the hot-path
 * form. Treat as opaque. Valid on the engine that made it until that engine's next
 * jc_engine_restore (jc_engine_load_org keeps it valid); a stale handle, one of another
 * engine or of a freed one (even if a new engine lies at the same address) is refused
 * with JC_INVALID_ARGUMENT and changes nothing (docs/c-api.md, "The hot path").
 */
typedef struct jc_actor_handle {
  uint32_t id_ref;
  uint32_t role;
  uint32_t unit_ref;
  uint32_t check; /**< binds the handle to its engine; a forged or foreign handle is refused */
} jc_actor_handle;

/** Resolves an actor. JC_NOT_FOUND for an unknown unit; JC_INVALID_ARGUMENT for a bad role. */
JC_API jc_status jc_engine_resolve_actor(jc_actor_handle *out, jc_engine *engine, const jc_actor *actor);

/** The fields of a submission (提交). Strings are borrowed for the duration of the call. */
typedef struct jc_submission {
  unsigned int version;         /**< JC_SUBMISSION_VERSION */
  const char *petitioner;       /**< resident id */
  const char *contact_name;     /**< personal data, masked in exports (may be NULL) */
  const char *contact_phone;    /**< personal data, masked in exports (may be NULL) */
  const char *location;         /**< household id or unit id */
  const char *category;         /**< category id from policy, e.g. "property" */
  int urgency;                  /**< jc_urgency */
  int severity;                 /**< jc_severity */
  int channel;                  /**< jc_channel */
  const char *text;             /**< petition text (capped by policy) */
  const char *idempotency_key;  /**< host key, or NULL: the same key twice returns the first petition */
  int same_matter;              /**< non-zero: same facts as petition `linked` */
  uint64_t linked;              /**< earlier petition on the same facts, or 0 */
} jc_submission;
#define JC_SUBMISSION_VERSION 1
#define JC_SUBMISSION_INIT {JC_SUBMISSION_VERSION, NULL, NULL, NULL, NULL, NULL, \
  JC_URGENCY_NORMAL, JC_SEVERITY_MINOR, JC_CHANNEL_ONLINE_PLATFORM, NULL, NULL, 0, 0u}
/** Initializes `s` to the defaults of `version`. */
JC_API jc_status jc_submission_init(jc_submission *s, unsigned int version);

/*
 * Commands (one event each). Common errors: JC_INVALID_ARGUMENT (NULL handle or actor,
 * bad text), JC_NOT_FOUND (unknown petition or unit), JC_PERMISSION_DENIED (role or scope),
 * JC_FAILED_PRECONDITION (the state machine has no such transition, or its guard fails:
 * caps, windows, ceilings), plus journal errors (JC_UNAVAILABLE, JC_RESOURCE_EXHAUSTED,
 * JC_DATA_LOSS). A refused command changes nothing. Commands serialize on the engine.
 */

/** 提交: `*out` = the new petition id (or the first one for a repeated idempotency key). */
JC_API jc_status jc_engine_submit(uint64_t *out, jc_engine *engine, const jc_actor *actor,
                                  const jc_submission *submission, int64_t now);
/** 受理. */
JC_API jc_status jc_engine_accept(jc_engine *engine, const jc_actor *actor, uint64_t petition, int64_t now);
/** 不予受理 with a reason. */
JC_API jc_status jc_engine_reject(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                  const char *reason, int64_t now);
/**
 * 合并 into petition `into` (the kept one): still open, of the same category, within the
 * actor's scope. The merged petition ends in JC_STATE_MERGED naming `into` ("merged_into",
 * and "merged_from" on `into`, in jc_engine_petition_json); its supporters and petitioner
 * become supporters of `into`. JC_INVALID_ARGUMENT into itself; JC_FAILED_PRECONDITION into
 * a closed or terminal petition, across categories, or twice; JC_PERMISSION_DENIED without
 * scope over both.
 */
JC_API jc_status jc_engine_merge(jc_engine *engine, const jc_actor *actor, uint64_t petition, uint64_t into,
                                 int64_t now);
/** 派单: `unit` NULL or "" = by policy routing; `designated` non-zero = 指定 (no return). */
JC_API jc_status jc_engine_dispatch(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                    const char *unit, int designated, int64_t now);
/** 签收. */
JC_API jc_status jc_engine_sign(jc_engine *engine, const jc_actor *actor, uint64_t petition, int64_t now);
/** 退单 with a reason. */
JC_API jc_status jc_engine_return(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                  const char *reason, int64_t now);
/**
 * 退单 as not ours (非本单位职责): a return (the rules of jc_engine_return) that names who is
 * competent instead — `competent_unit`, a unit id of the org graph other than the returning
 * unit, or `external_body`, a body outside it (1-128 bytes, no control characters): exactly
 * one of them, the other NULL or "" — and a `reason` shown to the resident (petition JSON
 * "not_ours"). JC_INVALID_ARGUMENT without them or with both, JC_NOT_FOUND for a unit not in
 * the graph. Counted per returning unit in the KPIs ("not_ours_returns").
 */
JC_API jc_status jc_engine_return_not_ours(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                           const char *competent_unit, const char *external_body,
                                           const char *reason, int64_t now);
/** 上报 one level up. */
JC_API jc_status jc_engine_escalate(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                    const char *reason, int64_t now);
/** 申请延期 by `duration` ("5wd", "3d", "48h"). */
JC_API jc_status jc_engine_request_extension(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                             const char *duration, const char *reason, int64_t now);
/** 批准延期. */
JC_API jc_status jc_engine_grant_extension(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                           int64_t now);
/** 驳回延期 with a reason. */
JC_API jc_status jc_engine_deny_extension(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                          const char *reason, int64_t now);
/** 催办 with a note (may be NULL). */
JC_API jc_status jc_engine_urge(jc_engine *engine, const jc_actor *actor, uint64_t petition, const char *note,
                                int64_t now);
/** 督办 with a note (may be NULL). */
JC_API jc_status jc_engine_supervise(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                     const char *note, int64_t now);
/** 办结 with the answer. */
JC_API jc_status jc_engine_resolve(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                   const char *answer, int64_t now);
/**
 * 评价: contacted (响应), solved (解决), satisfaction (a jc_satisfaction). JC_FAILED_PRECONDITION
 * while a referral holds the petition (petition JSON "evaluation_held": a mediation case or
 * deliberation matter it was referred to, 转办, has not ended; jc_engine_close likewise).
 */
JC_API jc_status jc_engine_evaluate(jc_engine *engine, const jc_actor *actor, uint64_t petition, int contacted,
                                    int solved, int satisfaction, int64_t now);
/** 重办 / 复查 / 复核 (`kind` a jc_reopen_kind) with a reason. */
JC_API jc_status jc_engine_reopen(jc_engine *engine, const jc_actor *actor, uint64_t petition, int kind,
                                  const char *reason, int64_t now);
/** 归档 with a reason (may be NULL). */
JC_API jc_status jc_engine_close(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                 const char *reason, int64_t now);
/** 撤回 by the petitioner, with a reason (may be NULL). */
JC_API jc_status jc_engine_withdraw(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                    const char *reason, int64_t now);
/**
 * 附议: the resident `actor` supports another resident's petition, while it is received,
 * accepted, dispatched or in_progress; the state does not change. One support per resident
 * and petition: a second one JC_FAILED_PRECONDITION; the resident's own petition or a role
 * other than resident JC_PERMISSION_DENIED. (The same as jc_engine_execute with
 * JC_EVENT_SUPPORT and a resolved handle, for callers holding a jc_actor.)
 */
JC_API jc_status jc_engine_support(jc_engine *engine, const jc_actor *actor, uint64_t petition, int64_t now);
/** 撤回附议: the resident takes the support back (JC_FAILED_PRECONDITION without one); a later
 * support is accepted again. */
JC_API jc_status jc_engine_withdraw_support(jc_engine *engine, const jc_actor *actor, uint64_t petition,
                                            int64_t now);

/**
 * The hot path: a payload-free command (`event_type` one of accept, sign,
 * grant_extension, routed dispatch, urge, supervise, close, withdraw, ...) with a
 * resolved actor. No allocation on success. Also the participation commands
 * JC_EVENT_SUPPORT and JC_EVENT_WITHDRAW_SUPPORT with a resident's handle: one support
 * per resident and petition, never on the resident's own petition (JC_PERMISSION_DENIED),
 * a second support or a withdrawal without one JC_FAILED_PRECONDITION; allowed while the
 * petition is received, accepted, dispatched or in_progress.
 */
JC_API jc_status jc_engine_execute(jc_engine *engine, const jc_actor_handle *actor, int event_type,
                                   uint64_t petition, int64_t now);

/**
 * The hot path in bulk (批量受理 / 批量签收 …): `event_type` for each of `count` petitions
 * with one resolved actor; `results[i]` (may be NULL) receives each command's status. Each
 * command is accepted or refused on its own, and the accepted ones are committed together
 * (see "Bulk commands" below). Returns JC_OK when all succeeded, else the first failure's
 * status, with its message.
 */
JC_API jc_status jc_engine_execute_many(jc_status *results, jc_engine *engine, const jc_actor_handle *actor,
                                        int event_type, const uint64_t *petitions, size_t count, int64_t now);

/*
 * Bulk commands (批量办理): one call for many petitions, so a binding (ctypes, cffi, JNI)
 * pays its per-call cost once per batch, not once per petition. The commands run in array
 * order and each is accepted or refused on its own, exactly as the single call would be
 * (a refused command makes no event and changes nothing, so it never spoils the others);
 * `results[i]` (may be NULL) receives each one's status; the call returns JC_OK when all
 * succeeded, else the first failure's status, with its message in jc_last_error(). A bad
 * argument of the call itself (NULL engine, forged actor handle, wrong event type, NULL
 * array with a non-zero count) is reported before anything runs, and nothing changes.
 *
 * Commit (批量提交), chosen per engine with jc_engine_set_bulk_commit:
 *  - JC_BULK_COMMIT_GROUP (the default): the accepted commands of one call reach the
 *    journal in ONE transaction (group commit), made durable before the call returns. If
 *    that commit fails, none of them is recorded and the engine's state is exactly as
 *    before the call: every accepted item reports JC_ABORTED in `results[i]` (`ids[i]` is
 *    0), refused items keep their own status, and the call returns the commit's status
 *    (JC_UNAVAILABLE, JC_RESOURCE_EXHAUSTED, JC_FAILED_PRECONDITION, ...) with its
 *    message. An exception inside the library (no memory) likewise rolls the whole call
 *    back: the call returns its status and every item not refused reports JC_ABORTED.
 *    The call holds the engine's writer lock from the first item to the commit, so other
 *    threads' commands and queries wait for the whole call (a few milliseconds per
 *    thousand items); split very large inputs into calls of a few thousand items. The
 *    events of one call are held in memory until the commit.
 *  - JC_BULK_COMMIT_PER_ITEM: each accepted command is its own transaction, durable before
 *    the next item runs, exactly like the single call in a loop; a failed commit fails
 *    that item only (with the commit's status) and the items before it stay recorded.
 *    Other threads may run between items.
 * Inside jc_engine_batch (batches do not nest) a bulk call in either mode adds its
 * accepted commands to the enclosing batch, which commits or rolls back as a whole. On
 * an engine without a journal nothing can fail to commit, so both modes give the same
 * results and the same state (short of an exception inside the library).
 */

/** How a bulk call commits its accepted commands (jc_engine_set_bulk_commit). */
typedef enum jc_bulk_commit {
  JC_BULK_COMMIT_GROUP = 0,    /**< one transaction per call, all or nothing (default) */
  JC_BULK_COMMIT_PER_ITEM = 1  /**< one transaction per accepted command */
} jc_bulk_commit;

/**
 * Sets how the bulk calls (jc_engine_execute_many, jc_engine_submit_many,
 * jc_engine_execute_text_many, jc_engine_evaluate_many) of this engine commit: `mode` is
 * a jc_bulk_commit, JC_INVALID_ARGUMENT otherwise. The setting belongs to the engine
 * handle (it is not journaled; an engine opens with JC_BULK_COMMIT_GROUP) and applies to
 * every bulk call that starts after it returns, on any thread. Thread-safe.
 */
JC_API jc_status jc_engine_set_bulk_commit(jc_engine *engine, int mode);
/** The engine's bulk commit mode (a jc_bulk_commit) into `*out`. Thread-safe. */
JC_API jc_status jc_engine_bulk_commit(int *out, jc_engine *engine);

/**
 * Columns of a bulk submission (jc_engine_submit_many): element i of every array
 * describes petition i. Arrays marked "or NULL" may be NULL for their default; the
 * others must hold `count` entries. Strings are borrowed for the duration of the call.
 */
typedef struct jc_submission_columns {
  unsigned int version;                 /**< JC_SUBMISSION_COLUMNS_VERSION */
  size_t count;                         /**< number of petitions */
  const char *const *actor_ids;         /**< who submits (required) */
  const int *actor_roles;               /**< jc_role, or NULL: JC_ROLE_RESIDENT */
  const char *const *actor_units;       /**< or NULL: none (residents) */
  const char *const *petitioners;       /**< or NULL: the actor ids */
  const char *const *contact_names;     /**< or NULL: none (personal data, masked in exports) */
  const char *const *contact_phones;    /**< or NULL: none */
  const char *const *locations;         /**< household or unit ids (required) */
  const char *const *categories;        /**< category ids (required) */
  const char *const *texts;             /**< petition texts (required) */
  const int *urgencies;                 /**< jc_urgency, or NULL: JC_URGENCY_NORMAL */
  const int *severities;                /**< jc_severity, or NULL: JC_SEVERITY_MINOR */
  const int *channels;                  /**< jc_channel, or NULL: JC_CHANNEL_ONLINE_PLATFORM */
  const char *const *idempotency_keys;  /**< or NULL: none (a NULL element: none) */
  const int64_t *times;                 /**< submission times, or NULL: `now` for all */
} jc_submission_columns;
#define JC_SUBMISSION_COLUMNS_VERSION 1
#define JC_SUBMISSION_COLUMNS_INIT {JC_SUBMISSION_COLUMNS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, \
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}
/** Initializes `c` to the defaults of `version` (count 0, every array NULL). */
JC_API jc_status jc_submission_columns_init(jc_submission_columns *c, unsigned int version);

/**
 * 批量提交: submits `cols->count` petitions; `ids[i]` receives petition i's id (0 when it
 * was refused or not committed). `ids` must hold `count` entries. A NULL element in a
 * required column refuses that petition only (JC_INVALID_ARGUMENT in `results[i]`).
 */
JC_API jc_status jc_engine_submit_many(uint64_t *ids, jc_status *results, jc_engine *engine,
                                       const jc_submission_columns *cols, int64_t now);

/**
 * A command that carries one text, for many petitions with one resolved actor:
 * `event_type` one of JC_EVENT_RESOLVE (the answer), REJECT, RETURN, DENY_EXTENSION
 * (the reason), ESCALATE, CLOSE, WITHDRAW (reason, may be NULL), URGE, SUPERVISE (note,
 * may be NULL). `texts` holds `count` strings, or is NULL for "no text" everywhere.
 */
JC_API jc_status jc_engine_execute_text_many(jc_status *results, jc_engine *engine, const jc_actor_handle *actor,
                                             int event_type, const uint64_t *petitions, const char *const *texts,
                                             size_t count, int64_t now);

/** An evaluation (评价): contacted (响应), solved (解决), satisfaction (a jc_satisfaction). */
typedef struct jc_evaluation {
  int contacted;
  int solved;
  int satisfaction;
} jc_evaluation;

/** 批量评价: evaluates petition i with `evaluations[i]` (one resolved actor, e.g. the 回访 staff). */
JC_API jc_status jc_engine_evaluate_many(jc_status *results, jc_engine *engine, const jc_actor_handle *actor,
                                         const uint64_t *petitions, const jc_evaluation *evaluations, size_t count,
                                         int64_t now);

/** What a tick did. */
typedef struct jc_tick_report {
  uint64_t examined, urged, overdue, escalated, closed, events;
} jc_tick_report;

/** 跟踪督促: the clock at `now` (urge, mark overdue, escalate, auto-close). `out` may be NULL. */
JC_API jc_status jc_engine_tick(jc_tick_report *out, jc_engine *engine, int64_t now);

/**
 * Runs `fn(engine, user_data)` as one batch: its commands reach the journal in one
 * transaction; when `fn` returns non-JC_OK (or the append fails) the engine rolls back to
 * before the batch and that status is returned. `fn` may call any jc_engine_* function
 * on the same engine from the same thread; batches do not nest.
 */
typedef jc_status (*jc_batch_fn)(jc_engine *engine, void *user_data);
JC_API jc_status jc_engine_batch(jc_engine *engine, jc_batch_fn fn, void *user_data);

/* --- queries (parallel readers) ------------------------------------------------------ */

/** State of a petition (a jc_state). JC_NOT_FOUND for an unknown id. */
JC_API jc_status jc_engine_state(int *out, jc_engine *engine, uint64_t petition);
/** Deadline of the petition's current stage (UTC seconds; JC_NO_DEADLINE when none). */
JC_API jc_status jc_engine_deadline(int64_t *out, jc_engine *engine, uint64_t petition);
/** Current unit of a petition (unit id) into a caller buffer ("" before dispatch routing). */
JC_API jc_status jc_engine_current_unit(char *buf, size_t size, size_t *out_len, jc_engine *engine,
                                        uint64_t petition);
/**
 * A petition as JSON (every field of the view; the one shape of docs/petition.md, the same
 * text as the C++ jiceng::petition_json): ids as display ids ("id": "P00000042",
 * "merged_into", "merged_from", "same_matter_as"); contact masked unless `raw_contact`.
 */
JC_API jc_status jc_engine_petition_json(char **out, jc_engine *engine, uint64_t petition, int raw_contact);
/**
 * A petition's events as a JSON array of {seq, time, type, petition (display id),
 * actor:{id,role,unit}, payload:{...fields that are set}} (jiceng::events_json); contact data
 * masked unless `raw_contact`.
 */
JC_API jc_status jc_engine_history_json(char **out, jc_engine *engine, uint64_t petition, int raw_contact);
/**
 * The response text (答复) the petition's resident is shown in its current state: the
 * policy's template for its category and state (`petition.responses`, else the "default"
 * category's) with its placeholders filled (library string). JC_NOT_FOUND for an unknown
 * petition or when no template applies.
 */
JC_API jc_status jc_engine_response_text(char **out, jc_engine *engine, uint64_t petition);
/**
 * 四方协同 routing: who answers for a matter of `category` at `location` (household or unit
 * id) inside its compound under the policy in force, as JSON {"party", "party_zh", "listed",
 * "fallback", "reason", "compound", "unit", "unit_name"} (library string); party "none" when
 * the location is not in a compound or the policy has no table. JC_NOT_FOUND for an unknown
 * location, JC_INVALID_ARGUMENT for a malformed category.
 */
JC_API jc_status jc_engine_route_party_json(char **out, jc_engine *engine, const char *category,
                                            const char *location);
/** The petition submitted with idempotency key `key`. JC_NOT_FOUND when none. */
JC_API jc_status jc_engine_find_by_key(uint64_t *out, jc_engine *engine, const char *key);

/** Ids of petitions in `state`, ascending, into a caller array (caller-buffer rules). */
JC_API jc_status jc_engine_by_state(uint64_t *buf, size_t capacity, size_t *out_count, jc_engine *engine,
                                    int state);
/** Ids of petitions whose current unit is in the subtree of unit id `unit`. */
JC_API jc_status jc_engine_by_unit(uint64_t *buf, size_t capacity, size_t *out_count, jc_engine *engine,
                                   const char *unit);
/**
 * The needs list (需求清单): ids of petitions still being taken up or handled (received,
 * accepted, dispatched, in_progress) located in the subtree of `unit` (NULL or "" = all),
 * highest priority first: (1 + supporters) x severity weight (minor 1, major 2, critical 4),
 * doubled when urgent; older first among equals. JC_NOT_FOUND for an unknown unit.
 */
JC_API jc_status jc_engine_needs_list(uint64_t *buf, size_t capacity, size_t *out_count, jc_engine *engine,
                                      const char *unit);
/**
 * Suggested duplicates of `petition` (疑似重复), oldest first: the other open petitions of
 * the same category at the same place (grid or building, policy rule petition.duplicates)
 * submitted within its window (default 30 days). A suggestion for intake staff, who may
 * jc_engine_merge; nothing is merged by this call. JC_NOT_FOUND for an unknown petition.
 */
JC_API jc_status jc_engine_duplicates(uint64_t *buf, size_t capacity, size_t *out_count, jc_engine *engine,
                                      uint64_t petition);
/** Ids of open petitions whose current deadline is <= now. */
JC_API jc_status jc_engine_overdue(uint64_t *buf, size_t capacity, size_t *out_count, jc_engine *engine,
                                   int64_t now);
/** Ids of open petitions due within `workdays` working days of now (not yet past). */
JC_API jc_status jc_engine_due_within(uint64_t *buf, size_t capacity, size_t *out_count, jc_engine *engine,
                                      int64_t now, int workdays);

/** Counts: {"petitions","open","events","per_state":{...}} (library string). */
JC_API jc_status jc_engine_stats_json(char **out, jc_engine *engine);
/** Seq of the last recorded event (0 when none). */
JC_API jc_status jc_engine_last_seq(uint64_t *out, jc_engine *engine);

/* --- state, snapshots, journal -------------------------------------------------------- */

/**
 * The canonical bytes of the whole state (library buffer of `*out_len` bytes, NUL added;
 * release with jc_string_free). Two engines with equal state give identical bytes.
 */
JC_API jc_status jc_engine_snapshot(char **out, size_t *out_len, jc_engine *engine);
/** Replaces the whole state by snapshot bytes, all or nothing (JC_DATA_LOSS for bad bytes). */
JC_API jc_status jc_engine_restore(jc_engine *engine, const char *bytes, size_t len);
/** Lower-case hex SHA-256 of the snapshot bytes (the state digest) into `buf` (65 bytes). */
JC_API jc_status jc_engine_digest(char *buf, size_t size, size_t *out_len, jc_engine *engine);
/**
 * Writes a snapshot of the current state into the engine's journal, so that the next
 * open replays only later events. `*out_seq` (may be NULL) = the seq it stands for.
 * JC_FAILED_PRECONDITION for an engine without a journal.
 */
JC_API jc_status jc_engine_journal_snapshot(uint64_t *out_seq, jc_engine *engine);
/**
 * The engine's snapshot policy (docs/journal.md, "Snapshot policy"): after a command, batch
 * or tick that appended, the engine writes a snapshot into its journal once `every_events`
 * events came since the newest snapshot (0: never by count) or `every_seconds` seconds
 * passed since it was written (0: never by time). An engine opens with 1,000,000 events and
 * 86,400 s; both 0 leaves snapshots to jc_engine_journal_snapshot. A policy snapshot that
 * fails fails no command. JC_INVALID_ARGUMENT for a negative `every_seconds` (the policy is
 * then unchanged); JC_FAILED_PRECONDITION for an engine without a journal.
 */
JC_API jc_status jc_engine_set_snapshot_policy(jc_engine *engine, uint64_t every_events, int64_t every_seconds);
/**
 * The snapshot policy in force as JSON: {"every_events": N, "every_seconds": S,
 * "last_error": null, or {"code", "message"} of the last policy snapshot that failed (a
 * failed policy snapshot fails no command; the next attempt comes a whole interval later)}.
 * JC_FAILED_PRECONDITION for an engine without a journal.
 */
JC_API jc_status jc_engine_snapshot_policy_json(char **out, jc_engine *engine);

/*
 * Several engines on one chain (a PostgreSQL journal shared by several servers,
 * docs/postgres.md). A command whose append loses the race to another server's returns
 * JC_ABORTED ("... catch up and re-run the command") and changes nothing: catch up
 * (jc_engine_catch_up) and run it again, or let jc_engine_run do both. On a SQLite journal
 * (one writer) these calls read what another handle of the same file appended.
 */

/**
 * Applies the events other writers appended to the engine's journal since the engine's
 * last seq, each verified against the chain; `*out_applied` (may be NULL) = how many.
 * JC_FAILED_PRECONDITION for an engine without a journal; JC_DATA_LOSS naming the seq of a
 * bad row (the rows before it stay applied; the engine never holds a bad one).
 */
JC_API jc_status jc_engine_catch_up(uint64_t *out_applied, jc_engine *engine);
/**
 * Read-your-writes across servers (the `min_seq` of a query): catches up until the engine
 * holds seq `min_seq` — e.g. the jc_engine_last_seq another server gave after a command —
 * waiting for append hints and polling, for at most `timeout_ms` (0..3,600,000; 0 = one
 * catch-up, no wait). Then query as usual. JC_DEADLINE_EXCEEDED naming the seq reached
 * when the chain did not get there in time; JC_INVALID_ARGUMENT for a timeout out of
 * range; JC_FAILED_PRECONDITION for an engine without a journal.
 */
JC_API jc_status jc_engine_await_seq(jc_engine *engine, uint64_t min_seq, int64_t timeout_ms);
/**
 * jc_engine_batch that re-runs a batch which lost the race: when its append fails because
 * another writer extended the chain first, catches up and calls `fn` again against the new
 * state (which may now refuse what it does: that refusal is returned), up to `max_tries`
 * runs in all (1..1000; 5 is the C++ default), then JC_ABORTED naming the last conflict.
 * `fn` must therefore be safe to call more than once. On an engine without other writers
 * it is jc_engine_batch.
 */
JC_API jc_status jc_engine_run(jc_engine *engine, jc_batch_fn fn, void *user_data, int max_tries);
/**
 * Background tailing: starts a thread that catches up (as jc_engine_catch_up) whenever
 * another writer's append hint arrives and at least every `poll_interval_ms`
 * (1..3,600,000; hints can be lost), so that the engine's queries follow the chain without
 * the caller asking. The engine's calls stay safe meanwhile, but the borrowed views of
 * jc_engine_org and jc_engine_calendar must not be read while it runs (the thread may
 * replace the graph or calendar at any moment). JC_FAILED_PRECONDITION when it already
 * runs or the engine has no journal; JC_INVALID_ARGUMENT for an interval out of range.
 * jc_engine_free stops it.
 */
JC_API jc_status jc_engine_start_tailing(jc_engine *engine, int64_t poll_interval_ms);
/**
 * Stops the thread of jc_engine_start_tailing (JC_OK when none runs) and returns the
 * status of its last failed catch-up, with that message (e.g. JC_DATA_LOSS naming a bad
 * row), or JC_OK when every catch-up succeeded. Tailing can be started again after.
 */
JC_API jc_status jc_engine_stop_tailing(jc_engine *engine);

/* --- KPIs (考核指标) -------------------------------------------------------------------- */

/** What jc_engine_kpi_json computes. */
typedef struct jc_kpi_query {
  unsigned int version;           /**< JC_KPI_QUERY_VERSION */
  const char *unit;               /**< subtree root unit id; NULL or "": every petition */
  const char *from_date;          /**< first submission day "YYYY-MM-DD", or NULL: open */
  const char *to_date;            /**< last submission day "YYYY-MM-DD", or NULL: open */
  int bundle;                     /**< non-zero: {"report","ranking_level","ranking","trend"} */
  int ranking_level;              /**< bundle only: level ranked, -1 = the level below `unit` */
  int include_units_beside_tree;  /**< count units beside the tree in rankings */
  const char *weights_json;       /**< composite weights {"response","solve","satisfaction",
                                       "basic_satisfaction_factor"}, or NULL: the policy's */
} jc_kpi_query;
#define JC_KPI_QUERY_VERSION 1
#define JC_KPI_QUERY_INIT {JC_KPI_QUERY_VERSION, NULL, NULL, NULL, 0, -1, 0, NULL}
/** Initializes `q` to the defaults of `version`. */
JC_API jc_status jc_kpi_query_init(jc_kpi_query *q, unsigned int version);

/**
 * KPIs of a unit's subtree over a period, as JSON (library string): counts, the three
 * rates 响应率/解决率/满意率 and the composite score, 办结率, on-time, overdue, reopen and
 * escalation rates (null when the denominator is 0), working days to resolve (median,
 * p90), category and channel shares; with `bundle`, also the ranking of the units at one
 * level and the monthly trend. Served by an incremental index the engine keeps up to date
 * on each call. JC_NOT_FOUND for an unknown unit; JC_INVALID_ARGUMENT for a bad date,
 * period or weights. Thread-safe (KPI calls on one engine serialize among themselves).
 */
JC_API jc_status jc_engine_kpi_json(char **out, jc_engine *engine, const jc_kpi_query *query);

/** The workflow diagram (Graphviz DOT) generated from the transition table. */
JC_API jc_status jc_workflow_dot(char **out);
/** The permission matrix, `format` "markdown" or "csv". */
JC_API jc_status jc_workflow_matrix(char **out, const char *format);

/* ======================================================================================
 * Journal (事件日志): the SQLite event store on its own, for verification and audit
 * ==================================================================================== */

/** An open journal file. */
typedef struct jc_journal jc_journal;

/** Options of jc_journal_open. */
typedef struct jc_journal_options {
  unsigned int version;    /**< JC_JOURNAL_OPTIONS_VERSION */
  int sync;                /**< jc_sync_mode */
  int busy_timeout_ms;     /**< wait for another writer's lock */
  int read_only;           /**< non-zero: read-only */
  int create_if_missing;   /**< non-zero: create the file */
} jc_journal_options;
#define JC_JOURNAL_OPTIONS_VERSION 1
#define JC_JOURNAL_OPTIONS_INIT {JC_JOURNAL_OPTIONS_VERSION, JC_SYNC_FULL, 5000, 0, 1}
/** Initializes `opts` to the defaults of `version`. */
JC_API jc_status jc_journal_options_init(jc_journal_options *opts, unsigned int version);

/**
 * Opens a journal (`opts` may be NULL for defaults). JC_NOT_FOUND (missing, no create),
 * JC_FAILED_PRECONDITION (not a journal), JC_UNAVAILABLE, JC_DATA_LOSS. Free with jc_journal_free.
 */
JC_API jc_status jc_journal_open(jc_journal **out, const char *path, const jc_journal_options *opts);
/**
 * jc_journal_open with the keyed MAC (docs/journal.md, "Keyed MAC"): `key` holds `key_len`
 * bytes (16..1024, any bytes, NUL included) that the host keeps secret; NULL with 0 is
 * jc_journal_open. A journal created with a key records an HMAC-SHA-256 of its head after
 * every commit and of every snapshot; reads then refuse a MAC that is missing or wrong with
 * JC_DATA_LOSS naming what and the seq, so whoever edits the file without the key cannot
 * forge a snapshot or rewrite the events. Errors beyond jc_journal_open's:
 * JC_INVALID_ARGUMENT (key length), JC_FAILED_PRECONDITION (a keyed journal opened without
 * a key, a key for a journal written without one, a PostgreSQL URI), JC_PERMISSION_DENIED
 * (not this journal's key); a refused open changes nothing. The key is copied, never
 * written to the journal nor put in a message.
 */
JC_API jc_status jc_journal_open_keyed(jc_journal **out, const char *path, const jc_journal_options *opts,
                                       const char *key, size_t key_len);
/** Closes a journal. NULL is a no-op. */
JC_API void jc_journal_free(jc_journal *journal);

/** What jc_journal_verify found. */
typedef struct jc_chain_report {
  uint64_t events;           /**< event rows */
  uint64_t last_seq;         /**< seq of the head (0 when empty) */
  uint64_t snapshots;        /**< snapshots checked */
  int has_snapshot;          /**< non-zero when latest_snapshot is set */
  uint64_t latest_snapshot;  /**< seq of the newest snapshot */
  char head[65];             /**< hex chain hash of the head (NUL-terminated) */
} jc_chain_report;

/**
 * Verifies the whole hash chain, the head and every snapshot, re-deriving each snapshot's
 * state from the events (jc_journal_verify_ex with flags 0). JC_DATA_LOSS naming the first
 * bad seq or snapshot.
 */
JC_API jc_status jc_journal_verify(jc_chain_report *out, const jc_journal *journal);

/** jc_journal_verify_ex flag: the fast mode. */
#define JC_VERIFY_FAST 1u
/**
 * jc_journal_verify with `flags`. 0: as jc_journal_verify — the events are applied to a
 * fresh engine and the state at each snapshot's seq must be that snapshot's. JC_VERIFY_FAST:
 * skips exactly that (no event is decoded or applied), so a snapshot rewritten with its
 * digest and row hash recomputed passes unless the journal is keyed. `*out_states_derived`
 * (may be NULL) = how many snapshots were re-derived (0 in the fast mode). Other flag bits:
 * JC_INVALID_ARGUMENT.
 */
JC_API jc_status jc_journal_verify_ex(jc_chain_report *out, uint64_t *out_states_derived, const jc_journal *journal,
                                      unsigned int flags);
/** Seq of the last event (0 when empty). */
JC_API jc_status jc_journal_last_seq(uint64_t *out, const jc_journal *journal);
/** Number of stored snapshots. */
JC_API jc_status jc_journal_snapshot_count(uint64_t *out, const jc_journal *journal);
/**
 * The newest snapshot's facts as JSON {"seq","time","digest"} (library string), or "null"
 * when there is none.
 */
JC_API jc_status jc_journal_latest_snapshot_json(char **out, const jc_journal *journal);

/** Lower-case hex SHA-256 of `len` bytes into `buf` (65 bytes). */
JC_API jc_status jc_sha256_hex(char *buf, size_t size, size_t *out_len, const char *bytes, size_t len);

/* ======================================================================================
 * Hosted loops (闭环): the generic surface
 *
 * Besides petitions, an engine hosts loops (deliberation, projects, ...; see
 * docs/internals.md) that share its org, calendar, policy, journal and clock. Each is
 * reached by name through these four calls, generated from the loop's table: a new loop
 * adds no C function. Items are numbered per loop from 1; display ids are the table's
 * prefix and 8 digits ("T00000001"). Payloads and answers are JSON objects (UTF-8).
 * ==================================================================================== */

/** Names of the loops the engine hosts besides petitions, as a JSON array (library string). */
JC_API jc_status jc_engine_loops_json(char **out, jc_engine *engine);
/**
 * A hosted loop's table as JSON: {"loop","zh","id_prefix","states":[{name,zh,terminal}],
 * "events":[{name,zh}],"rows":[{from,event,to,roles,scope,guard,action}]} ("new" is the
 * state before an item exists). JC_NOT_FOUND for a loop the engine does not host.
 */
JC_API jc_status jc_engine_loop_table_json(char **out, jc_engine *engine, const char *loop);
/**
 * Runs the command `event` of `loop` on `item` (0 for a command that creates an item; its
 * payload then names the item's "unit"), as `actor` at `now`, with `payload_json` a JSON
 * object (NULL = {}): checked against the table (row, role, scope, guard), recorded as one
 * JC_EVENT_LOOP event (journaled; inside a batch, with it), then applied. On success
 * `*out_item` (the item, the new one for a creating command) and `*out_seq` (its event's
 * seq) when not NULL. Errors: JC_NOT_FOUND (loop, event, item or unit), JC_PERMISSION_DENIED
 * (role or scope; the role system is the clock's), JC_FAILED_PRECONDITION (the event is not
 * allowed in the item's state), JC_INVALID_ARGUMENT (malformed JSON, a non-integer number,
 * a field the guard refuses, a time out of range or before the item's last event). Nothing
 * changes on an error.
 */
JC_API jc_status jc_engine_command(uint64_t *out_item, uint64_t *out_seq, jc_engine *engine, const char *loop,
                                   const char *event, uint64_t item, const jc_actor *actor,
                                   const char *payload_json, int64_t now);
/**
 * A query of a hosted loop by name with JSON parameters (NULL = {}); the answer as JSON
 * (library string). Every table-driven loop answers "get" {"item": n or "T00000001"},
 * "list" {"state"?, "unit"? (subtree), "limit"?}, "counts" and "table".
 */
JC_API jc_status jc_engine_query(char **out, jc_engine *engine, const char *loop, const char *query,
                                 const char *params_json);

/* ======================================================================================
 * Policy what-if replay (政策推演, docs/whatif.md)
 * ==================================================================================== */

/**
 * Replays the journal at `journal_path` (opened read-only, its hash chain verified) under
 * its recorded policy and under `policy` (a built-in set name or a policy set file) and
 * returns the comparison as JSON (library string): {"baseline": {...}, "variant": {...},
 * "diff": {...}}, the same bytes for the same inputs. `from` and `to` (YYYY-MM-DD, NULL or
 * "" = open) bound the days replayed and compared. Errors: JC_NOT_FOUND (missing journal,
 * unknown policy name), JC_INVALID_ARGUMENT (bad date, malformed policy, not a journal, no
 * event in the period), JC_DATA_LOSS (the journal's chain does not verify: tampering),
 * JC_FAILED_PRECONDITION (a recorded configuration event does not apply under the variant).
 */
JC_API jc_status jc_whatif_run(char **out, const char *journal_path, const char *policy, const char *from,
                               const char *to);

#ifdef __cplusplus
}
#endif

#endif /* JICENG_H */
