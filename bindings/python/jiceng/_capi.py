"""Low-level mirror of capi/jiceng.h (the C ABI of libjiceng.so), one to one.

Structures have their ``_fields_`` in header order; every function gets ``argtypes`` and
``restype`` at import, so a wrong call fails in Python, not in C. Nothing here is
Pythonic on purpose — see the ``jiceng`` package for the high-level layer.

The library is looked for, in order: next to this package (``jiceng/libjiceng.so*``),
the path in the ``JICENG_LIBRARY`` environment variable, where ``cmake --install`` put it
(``jiceng/_installed.py``, written by the install), then the system path
(``ctypes.util.find_library("jiceng")`` and ``libjiceng.so.1``, which is where the Debian
package python3-jiceng finds libjiceng1's). The error says where it looked.
"""

import ctypes
import ctypes.util
import glob
import os

from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int32, c_int64,
                    c_size_t, c_uint, c_uint32, c_uint64, c_void_p)

JC_ABI_VERSION = 1
JC_NUL_TERMINATED = ctypes.c_size_t(-1).value
JC_NO_UNIT = 0xFFFFFFFF
JC_NO_DEADLINE = 2**63 - 1

JC_CITY_OPTIONS_VERSION = 1
JC_COVERAGE_OPTIONS_VERSION = 1
JC_ENGINE_OPTIONS_VERSION = 1
JC_SUBMISSION_VERSION = 1
JC_JOURNAL_OPTIONS_VERSION = 1
JC_VERIFY_FAST = 1

# jc_status (absl canonical codes)
JC_OK = 0
JC_CANCELLED = 1
JC_UNKNOWN = 2
JC_INVALID_ARGUMENT = 3
JC_DEADLINE_EXCEEDED = 4
JC_NOT_FOUND = 5
JC_ALREADY_EXISTS = 6
JC_PERMISSION_DENIED = 7
JC_RESOURCE_EXHAUSTED = 8
JC_FAILED_PRECONDITION = 9
JC_ABORTED = 10
JC_OUT_OF_RANGE = 11
JC_UNIMPLEMENTED = 12
JC_INTERNAL = 13
JC_UNAVAILABLE = 14
JC_DATA_LOSS = 15
JC_UNAUTHENTICATED = 16

# opaque handles
class jc_engine(Structure):
    pass


class jc_org(Structure):
    pass


class jc_calendar(Structure):
    pass


class jc_policy(Structure):
    pass


class jc_journal(Structure):
    pass


jc_engine_p = POINTER(jc_engine)
jc_org_p = POINTER(jc_org)
jc_calendar_p = POINTER(jc_calendar)
jc_policy_p = POINTER(jc_policy)
jc_journal_p = POINTER(jc_journal)


class jc_date(Structure):
    _fields_ = [("year", c_int32), ("month", c_int32), ("day", c_int32)]


jc_day = c_int32  # days since 1970-01-01 (date.toordinal() - JC_DAY_ORDINAL_OFFSET)
JC_MIN_DAY = -208188
JC_MAX_DAY = 2932896
JC_DAY_ORDINAL_OFFSET = 719163


class jc_city_options(Structure):
    _fields_ = [("version", c_uint), ("units", c_uint64), ("seed", c_uint64), ("members", c_int)]


class jc_coverage_options(Structure):
    _fields_ = [("version", c_uint), ("as_of", c_char_p), ("compound_branch_threshold", c_int)]


class jc_engine_options(Structure):
    _fields_ = [("version", c_uint), ("policy", c_char_p), ("journal", c_char_p), ("sync", c_int),
                ("read_only", c_int)]


class jc_actor(Structure):
    _fields_ = [("id", c_char_p), ("role", c_int), ("unit", c_char_p)]


class jc_actor_handle(Structure):
    _fields_ = [("id_ref", c_uint32), ("role", c_uint32), ("unit_ref", c_uint32), ("check", c_uint32)]


class jc_submission(Structure):
    _fields_ = [("version", c_uint), ("petitioner", c_char_p), ("contact_name", c_char_p),
                ("contact_phone", c_char_p), ("location", c_char_p), ("category", c_char_p),
                ("urgency", c_int), ("severity", c_int), ("channel", c_int), ("text", c_char_p),
                ("idempotency_key", c_char_p), ("same_matter", c_int), ("linked", c_uint64)]


class jc_submission_columns(Structure):
    _fields_ = [("version", c_uint), ("count", c_size_t), ("actor_ids", POINTER(c_char_p)),
                ("actor_roles", POINTER(c_int)), ("actor_units", POINTER(c_char_p)),
                ("petitioners", POINTER(c_char_p)), ("contact_names", POINTER(c_char_p)),
                ("contact_phones", POINTER(c_char_p)), ("locations", POINTER(c_char_p)),
                ("categories", POINTER(c_char_p)), ("texts", POINTER(c_char_p)), ("urgencies", POINTER(c_int)),
                ("severities", POINTER(c_int)), ("channels", POINTER(c_int)),
                ("idempotency_keys", POINTER(c_char_p)), ("times", POINTER(c_int64))]


JC_SUBMISSION_COLUMNS_VERSION = 1

# jc_bulk_commit
JC_BULK_COMMIT_GROUP = 0
JC_BULK_COMMIT_PER_ITEM = 1


class jc_evaluation(Structure):
    _fields_ = [("contacted", c_int), ("solved", c_int), ("satisfaction", c_int)]


class jc_tick_report(Structure):
    _fields_ = [("examined", c_uint64), ("urged", c_uint64), ("overdue", c_uint64),
                ("escalated", c_uint64), ("closed", c_uint64), ("events", c_uint64)]


class jc_journal_options(Structure):
    _fields_ = [("version", c_uint), ("sync", c_int), ("busy_timeout_ms", c_int), ("read_only", c_int),
                ("create_if_missing", c_int)]


class jc_chain_report(Structure):
    _fields_ = [("events", c_uint64), ("last_seq", c_uint64), ("snapshots", c_uint64),
                ("has_snapshot", c_int), ("latest_snapshot", c_uint64), ("head", c_char * 65)]


class jc_kpi_query(Structure):
    _fields_ = [("version", c_uint), ("unit", c_char_p), ("from_date", c_char_p), ("to_date", c_char_p),
                ("bundle", c_int), ("ranking_level", c_int), ("include_units_beside_tree", c_int),
                ("weights_json", c_char_p)]


JC_KPI_QUERY_VERSION = 1

jc_status = c_int
jc_batch_fn = CFUNCTYPE(c_int, jc_engine_p, c_void_p)

# A library-owned string: kept as c_void_p so the pointer can be handed back to jc_string_free.
char_pp = POINTER(c_void_p)

_SEARCHED = []


def _candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    for pattern in ("libjiceng.so", "libjiceng.so.*", "libjiceng.dylib", "jiceng.dll"):
        for p in sorted(glob.glob(os.path.join(here, pattern))):
            yield "next to the package", p
    env = os.environ.get("JICENG_LIBRARY")
    if env:
        yield "JICENG_LIBRARY", env
    try:  # written by `cmake --install` beside the package: where it put libjiceng.so.N
        from . import _installed
        yield "installed with the package", os.path.normpath(os.path.join(here, _installed.LIBRARY))
    except ImportError:
        pass
    found = ctypes.util.find_library("jiceng")
    if found:
        yield "system path", found
    yield "system path", "libjiceng.so.%d" % JC_ABI_VERSION


def _load():
    errors = []
    for where, path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append("%s: %s (%s)" % (where, path, e))
            continue
        _SEARCHED.append(path)
        return lib, path
    here = os.path.dirname(os.path.abspath(__file__))
    raise ImportError(
        "jiceng: cannot load libjiceng.so; looked next to the package (%s), in JICENG_LIBRARY (%s) "
        "and on the system path. Tried: %s" % (here, os.environ.get("JICENG_LIBRARY", "unset"),
                                               "; ".join(errors) or "nothing found"))


lib, library_path = _load()

_FUNCTIONS = [
    # common
    ("jc_last_error", c_char_p, []),
    ("jc_last_error_code", jc_status, []),
    ("jc_clear_error", None, []),
    ("jc_status_name", c_char_p, [c_int]),
    ("jc_version", c_char_p, []),
    ("jc_abi_version", c_uint, []),
    ("jc_string_free", None, [c_void_p]),
    ("jc_strings_split", jc_status, [c_void_p, c_size_t, c_char_p, c_size_t]),
    ("jc_enum_name", jc_status, [POINTER(c_char_p), c_char_p, c_int]),
    ("jc_enum_parse", jc_status, [POINTER(c_int), c_char_p, c_char_p]),
    ("jc_day_from_date", jc_status, [POINTER(jc_day), jc_date]),
    ("jc_day_to_date", jc_status, [POINTER(jc_date), jc_day]),
    ("jc_date_parse", jc_status, [POINTER(jc_date), c_char_p]),
    ("jc_date_format", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), jc_date]),
    ("jc_china_date", jc_status, [POINTER(jc_date), c_int64]),
    ("jc_china_time_to_utc", jc_status, [POINTER(c_int64), jc_date, c_int]),
    # calendar
    ("jc_calendar_china", jc_status, [POINTER(jc_calendar_p)]),
    ("jc_calendar_new", jc_status, [POINTER(jc_calendar_p)]),
    ("jc_calendar_free", None, [jc_calendar_p]),
    ("jc_calendar_load_csv", jc_status, [jc_calendar_p, c_char_p, c_size_t, c_char_p]),
    ("jc_calendar_set_weekend_only", jc_status, [jc_calendar_p, c_int]),
    ("jc_calendar_set_mode", jc_status, [jc_calendar_p, c_int]),
    ("jc_calendar_get_mode", jc_status, [POINTER(c_int), jc_calendar_p]),
    ("jc_calendar_is_provisional", jc_status, [POINTER(c_int), jc_calendar_p, jc_date]),
    ("jc_calendar_coverage_json", jc_status, [char_pp, jc_calendar_p, jc_date]),
    ("jc_calendar_years", jc_status, [POINTER(c_int), POINTER(c_int), jc_calendar_p]),
    ("jc_calendar_is_workday", jc_status, [POINTER(c_int), jc_calendar_p, jc_date]),
    ("jc_calendar_day_kind", jc_status, [POINTER(c_int), jc_calendar_p, jc_date]),
    ("jc_calendar_add_workdays", jc_status, [POINTER(jc_date), jc_calendar_p, jc_date, c_int]),
    ("jc_calendar_add_workdays_day", jc_status, [POINTER(jc_day), jc_calendar_p, jc_day, c_int]),
    ("jc_calendar_is_workday_day", jc_status, [POINTER(c_int), jc_calendar_p, jc_day]),
    ("jc_calendar_workdays_between", jc_status, [POINTER(c_int), jc_calendar_p, jc_date, jc_date]),
    ("jc_calendar_next_workday", jc_status, [POINTER(jc_date), jc_calendar_p, jc_date]),
    ("jc_calendar_holiday_name", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), jc_calendar_p, jc_date]),
    ("jc_calendar_deadline_after", jc_status, [POINTER(c_int64), jc_calendar_p, c_int64, c_char_p, c_int]),
    # org
    ("jc_org_new", jc_status, [POINTER(jc_org_p)]),
    ("jc_org_free", None, [jc_org_p]),
    ("jc_org_load_json", jc_status, [jc_org_p, c_char_p, c_size_t, c_char_p]),
    ("jc_org_load_file", jc_status, [jc_org_p, c_char_p]),
    ("jc_org_load_sample", jc_status, [jc_org_p]),
    ("jc_city_options_init", jc_status, [POINTER(jc_city_options), c_uint]),
    ("jc_org_generate_json", jc_status, [char_pp, POINTER(jc_city_options)]),
    ("jc_org_export_json", jc_status, [char_pp, jc_org_p]),
    ("jc_org_export_json_raw", jc_status, [char_pp, jc_org_p]),
    ("jc_org_export_dot", jc_status, [char_pp, jc_org_p, c_char_p, c_int]),
    ("jc_org_unit_count", jc_status, [POINTER(c_size_t), jc_org_p]),
    ("jc_org_find", jc_status, [POINTER(c_uint32), jc_org_p, c_char_p]),
    ("jc_org_unit_id", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), jc_org_p, c_uint32]),
    ("jc_org_unit_name", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), jc_org_p, c_uint32]),
    ("jc_org_level", jc_status, [POINTER(c_int), jc_org_p, c_uint32]),
    ("jc_org_parent", jc_status, [POINTER(c_uint32), jc_org_p, c_uint32]),
    ("jc_org_unit_json", jc_status, [char_pp, jc_org_p, c_uint32]),
    ("jc_org_units_json", jc_status, [char_pp, jc_org_p, c_int, c_char_p]),
    ("jc_org_ancestors", jc_status, [POINTER(c_uint32), c_size_t, POINTER(c_size_t), jc_org_p, c_uint32]),
    ("jc_org_children", jc_status, [POINTER(c_uint32), c_size_t, POINTER(c_size_t), jc_org_p, c_uint32]),
    ("jc_org_ancestor_at_level", jc_status, [POINTER(c_uint32), jc_org_p, c_uint32, c_int]),
    ("jc_org_is_ancestor", jc_status, [POINTER(c_int), jc_org_p, c_uint32, c_uint32]),
    ("jc_org_lca", jc_status, [POINTER(c_uint32), jc_org_p, c_uint32, c_uint32]),
    ("jc_org_subtree_size", jc_status, [POINTER(c_size_t), jc_org_p, c_uint32]),
    ("jc_org_subtree_members", jc_status, [POINTER(c_size_t), POINTER(c_size_t), jc_org_p, c_uint32]),
    ("jc_org_responsible_units", jc_status, [POINTER(c_uint32), jc_org_p, c_char_p]),
    ("jc_coverage_options_init", jc_status, [POINTER(jc_coverage_options), c_uint]),
    ("jc_org_coverage_json", jc_status, [char_pp, jc_org_p, POINTER(jc_coverage_options)]),
    ("jc_org_transfer_member", jc_status, [jc_org_p, c_char_p, c_char_p, jc_date]),
    # policy
    ("jc_policy_load_builtin", jc_status, [POINTER(jc_policy_p), c_char_p]),
    ("jc_policy_load_file", jc_status, [POINTER(jc_policy_p), c_char_p]),
    ("jc_policy_from_json", jc_status, [POINTER(jc_policy_p), c_char_p, c_size_t, c_char_p]),
    ("jc_policy_free", None, [jc_policy_p]),
    ("jc_policy_name", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), jc_policy_p]),
    ("jc_policy_info_json", jc_status, [char_pp, jc_policy_p]),
    ("jc_policy_rule_params_json", jc_status, [char_pp, jc_policy_p, c_char_p]),
    ("jc_policy_to_json", jc_status, [char_pp, jc_policy_p]),
    ("jc_policy_builtin_names_json", jc_status, [char_pp]),
    ("jc_policy_evaluate", jc_status, [char_pp, jc_policy_p, c_char_p, c_size_t]),
    ("jc_policy_run_tests", jc_status, [char_pp, POINTER(c_size_t), POINTER(c_char_p), c_size_t]),
    ("jc_policy_test_report", jc_status, [char_pp, POINTER(c_size_t), POINTER(c_char_p), c_size_t, c_char_p]),
    # engine
    ("jc_engine_options_init", jc_status, [POINTER(jc_engine_options), c_uint]),
    ("jc_engine_open", jc_status, [POINTER(jc_engine_p), POINTER(jc_engine_options)]),
    ("jc_engine_open_keyed", jc_status, [POINTER(jc_engine_p), POINTER(jc_engine_options), c_char_p, c_size_t]),
    ("jc_engine_free", None, [jc_engine_p]),
    ("jc_engine_load_org", jc_status, [jc_engine_p, c_char_p, c_size_t, c_int64]),
    ("jc_engine_load_org_file", jc_status, [jc_engine_p, c_char_p, c_int64]),
    ("jc_engine_load_sample_org", jc_status, [jc_engine_p, c_int64]),
    ("jc_engine_set_policy", jc_status, [jc_engine_p, c_char_p, c_int64]),
    ("jc_engine_load_calendar_csv", jc_status, [jc_engine_p, c_char_p, c_size_t, c_int64]),
    ("jc_engine_load_org_as", jc_status, [jc_engine_p, POINTER(jc_actor), c_char_p, c_size_t, c_int64]),
    ("jc_engine_set_policy_as", jc_status, [jc_engine_p, POINTER(jc_actor), c_char_p, c_int64]),
    ("jc_engine_load_calendar_csv_as", jc_status, [jc_engine_p, POINTER(jc_actor), c_char_p, c_size_t, c_int64]),
    ("jc_engine_allow_system_role", jc_status, [jc_engine_p, c_int]),
    ("jc_engine_set_calendar_mode", jc_status, [jc_engine_p, c_int, c_int, c_int64]),
    ("jc_engine_calendar_coverage_json", jc_status, [char_pp, jc_engine_p, c_int64]),
    ("jc_engine_loops_json", jc_status, [char_pp, jc_engine_p]),
    ("jc_engine_loop_table_json", jc_status, [char_pp, jc_engine_p, c_char_p]),
    ("jc_engine_command", jc_status, [POINTER(c_uint64), POINTER(c_uint64), jc_engine_p, c_char_p, c_char_p,
                                      c_uint64, POINTER(jc_actor), c_char_p, c_int64]),
    ("jc_engine_query", jc_status, [char_pp, jc_engine_p, c_char_p, c_char_p, c_char_p]),
    ("jc_engine_org", jc_status, [POINTER(jc_org_p), jc_engine_p]),
    ("jc_engine_calendar", jc_status, [POINTER(jc_calendar_p), jc_engine_p]),
    ("jc_engine_policy_name", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), jc_engine_p]),
    ("jc_engine_resolve_actor", jc_status, [POINTER(jc_actor_handle), jc_engine_p, POINTER(jc_actor)]),
    ("jc_submission_init", jc_status, [POINTER(jc_submission), c_uint]),
    ("jc_engine_submit", jc_status, [POINTER(c_uint64), jc_engine_p, POINTER(jc_actor), POINTER(jc_submission),
                                     c_int64]),
    ("jc_engine_accept", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int64]),
    ("jc_engine_reject", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_merge", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_uint64, c_int64]),
    ("jc_engine_dispatch", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int, c_int64]),
    ("jc_engine_sign", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int64]),
    ("jc_engine_return", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_return_not_ours", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_char_p, c_char_p,
                                              c_int64]),
    ("jc_engine_escalate", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_request_extension", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_char_p,
                                                c_int64]),
    ("jc_engine_grant_extension", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int64]),
    ("jc_engine_deny_extension", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_urge", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_supervise", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_resolve", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_evaluate", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int, c_int, c_int, c_int64]),
    ("jc_engine_reopen", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int, c_char_p, c_int64]),
    ("jc_engine_close", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_withdraw", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_char_p, c_int64]),
    ("jc_engine_support", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int64]),
    ("jc_engine_withdraw_support", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int64]),
    ("jc_engine_execute", jc_status, [jc_engine_p, POINTER(jc_actor_handle), c_int, c_uint64, c_int64]),
    ("jc_engine_execute_many", jc_status, [POINTER(c_int), jc_engine_p, POINTER(jc_actor_handle), c_int,
                                           POINTER(c_uint64), c_size_t, c_int64]),
    ("jc_submission_columns_init", jc_status, [POINTER(jc_submission_columns), c_uint]),
    ("jc_engine_submit_many", jc_status, [POINTER(c_uint64), POINTER(c_int), jc_engine_p,
                                          POINTER(jc_submission_columns), c_int64]),
    ("jc_engine_execute_text_many", jc_status, [POINTER(c_int), jc_engine_p, POINTER(jc_actor_handle), c_int,
                                                POINTER(c_uint64), POINTER(c_char_p), c_size_t, c_int64]),
    ("jc_engine_evaluate_many", jc_status, [POINTER(c_int), jc_engine_p, POINTER(jc_actor_handle),
                                            POINTER(c_uint64), POINTER(jc_evaluation), c_size_t, c_int64]),
    ("jc_engine_set_bulk_commit", jc_status, [jc_engine_p, c_int]),
    ("jc_engine_bulk_commit", jc_status, [POINTER(c_int), jc_engine_p]),
    ("jc_engine_tick", jc_status, [POINTER(jc_tick_report), jc_engine_p, c_int64]),
    ("jc_engine_batch", jc_status, [jc_engine_p, jc_batch_fn, c_void_p]),
    ("jc_engine_state", jc_status, [POINTER(c_int), jc_engine_p, c_uint64]),
    ("jc_engine_deadline", jc_status, [POINTER(c_int64), jc_engine_p, c_uint64]),
    ("jc_engine_current_unit", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), jc_engine_p, c_uint64]),
    ("jc_engine_petition_json", jc_status, [char_pp, jc_engine_p, c_uint64, c_int]),
    ("jc_engine_history_json", jc_status, [char_pp, jc_engine_p, c_uint64, c_int]),
    ("jc_engine_response_text", jc_status, [char_pp, jc_engine_p, c_uint64]),
    ("jc_engine_route_party_json", jc_status, [char_pp, jc_engine_p, c_char_p, c_char_p]),
    ("jc_engine_find_by_key", jc_status, [POINTER(c_uint64), jc_engine_p, c_char_p]),
    ("jc_engine_by_state", jc_status, [POINTER(c_uint64), c_size_t, POINTER(c_size_t), jc_engine_p, c_int]),
    ("jc_engine_by_unit", jc_status, [POINTER(c_uint64), c_size_t, POINTER(c_size_t), jc_engine_p, c_char_p]),
    ("jc_engine_needs_list", jc_status, [POINTER(c_uint64), c_size_t, POINTER(c_size_t), jc_engine_p, c_char_p]),
    ("jc_engine_duplicates", jc_status, [POINTER(c_uint64), c_size_t, POINTER(c_size_t), jc_engine_p, c_uint64]),
    ("jc_engine_overdue", jc_status, [POINTER(c_uint64), c_size_t, POINTER(c_size_t), jc_engine_p, c_int64]),
    ("jc_engine_due_within", jc_status, [POINTER(c_uint64), c_size_t, POINTER(c_size_t), jc_engine_p, c_int64,
                                         c_int]),
    ("jc_engine_stats_json", jc_status, [char_pp, jc_engine_p]),
    ("jc_engine_last_seq", jc_status, [POINTER(c_uint64), jc_engine_p]),
    ("jc_engine_snapshot", jc_status, [char_pp, POINTER(c_size_t), jc_engine_p]),
    ("jc_engine_restore", jc_status, [jc_engine_p, c_char_p, c_size_t]),
    ("jc_engine_digest", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), jc_engine_p]),
    ("jc_engine_journal_snapshot", jc_status, [POINTER(c_uint64), jc_engine_p]),
    ("jc_engine_set_snapshot_policy", jc_status, [jc_engine_p, c_uint64, c_int64]),
    ("jc_engine_snapshot_policy_json", jc_status, [char_pp, jc_engine_p]),
    ("jc_engine_catch_up", jc_status, [POINTER(c_uint64), jc_engine_p]),
    ("jc_engine_await_seq", jc_status, [jc_engine_p, c_uint64, c_int64]),
    ("jc_engine_run", jc_status, [jc_engine_p, jc_batch_fn, c_void_p, c_int]),
    ("jc_engine_start_tailing", jc_status, [jc_engine_p, c_int64]),
    ("jc_engine_stop_tailing", jc_status, [jc_engine_p]),
    ("jc_workflow_dot", jc_status, [char_pp]),
    ("jc_workflow_matrix", jc_status, [char_pp, c_char_p]),
    # journal
    ("jc_journal_options_init", jc_status, [POINTER(jc_journal_options), c_uint]),
    ("jc_journal_open", jc_status, [POINTER(jc_journal_p), c_char_p, POINTER(jc_journal_options)]),
    ("jc_journal_open_keyed", jc_status,
     [POINTER(jc_journal_p), c_char_p, POINTER(jc_journal_options), c_char_p, c_size_t]),
    ("jc_journal_free", None, [jc_journal_p]),
    ("jc_journal_verify", jc_status, [POINTER(jc_chain_report), jc_journal_p]),
    ("jc_journal_verify_ex", jc_status, [POINTER(jc_chain_report), POINTER(c_uint64), jc_journal_p, c_uint]),
    ("jc_journal_last_seq", jc_status, [POINTER(c_uint64), jc_journal_p]),
    ("jc_journal_snapshot_count", jc_status, [POINTER(c_uint64), jc_journal_p]),
    ("jc_journal_latest_snapshot_json", jc_status, [char_pp, jc_journal_p]),
    ("jc_sha256_hex", jc_status, [c_char_p, c_size_t, POINTER(c_size_t), c_char_p, c_size_t]),
    # policy what-if replay
    ("jc_whatif_run", jc_status, [char_pp, c_char_p, c_char_p, c_char_p, c_char_p]),
]

# KPI functions (present when the library was built with the KPI area).
_OPTIONAL_FUNCTIONS = [
    ("jc_kpi_query_init", jc_status, [POINTER(jc_kpi_query), c_uint]),
    ("jc_engine_kpi_json", jc_status, [char_pp, jc_engine_p, POINTER(jc_kpi_query)]),
]

_g = globals()
for _name, _restype, _argtypes in _FUNCTIONS:
    _f = getattr(lib, _name)  # AttributeError: the library is older than this module
    _f.restype = _restype
    _f.argtypes = _argtypes
    _g[_name] = _f
for _name, _restype, _argtypes in _OPTIONAL_FUNCTIONS:
    _f = getattr(lib, _name, None)
    if _f is not None:
        _f.restype = _restype
        _f.argtypes = _argtypes
    _g[_name] = _f

if jc_abi_version() != JC_ABI_VERSION:
    raise ImportError("jiceng: %s has ABI version %d, this package needs %d"
                      % (library_path, jc_abi_version(), JC_ABI_VERSION))
