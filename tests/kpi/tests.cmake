# KPI test extras: a helper that writes a small journal, and CLI checks of
# `jiceng report` and `jiceng export open311` against it.
add_executable(jiceng_kpi_make_journal ${PROJECT_SOURCE_DIR}/tests/kpi/make_journal/make_journal.cpp)
target_link_libraries(jiceng_kpi_make_journal PRIVATE jiceng_kpi jiceng_journal GTest::gtest jiceng_warnings)
target_include_directories(jiceng_kpi_make_journal PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)

if(TARGET jiceng_cli)
  set(kpi_db ${PROJECT_BINARY_DIR}/kpi_cli/report.db)
  set(kpi_check ${CMAKE_COMMAND} -P ${PROJECT_SOURCE_DIR}/tests/kpi/cli_check.cmake)
  add_test(NAME kpi_cli_journal COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/kpi_cli)
  add_test(NAME kpi_cli_make_journal COMMAND jiceng_kpi_make_journal ${kpi_db})
  set_tests_properties(kpi_cli_journal PROPERTIES FIXTURES_SETUP kpi_dir)
  set_tests_properties(kpi_cli_make_journal PROPERTIES FIXTURES_REQUIRED kpi_dir FIXTURES_SETUP kpi_db LABELS kpi)
  function(kpi_cli_test name rc regex)
    add_test(NAME kpi_cli_${name}
             COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:jiceng_cli>;${ARGN}" -DEXPECT_RC=${rc} "-DEXPECT=${regex}"
                     -P ${PROJECT_SOURCE_DIR}/tests/kpi/cli_check.cmake)
    set_tests_properties(kpi_cli_${name} PROPERTIES FIXTURES_REQUIRED kpi_db LABELS kpi)
  endfunction()
  kpi_cli_test(report_table 0 "一街道党工委.*响应率" report ${kpi_db} --unit S1)
  kpi_cli_test(report_json 0 "\"received\":5" report ${kpi_db} --format json)
  # Fair league tables: the journal's communities (a few petitions each) are under the
  # national minimum of 30, so none is ranked; each is listed apart, the minimum printed.
  kpi_cli_test(report_min_json 0 "\"ranking\":\\[\\],\"ranking_min_received\":30,\"below_minimum\":\\[\\{\"unit\":\"C11\""
               report ${kpi_db} --unit S1 --format json)
  kpi_cli_test(report_min_table 0 "排名门槛：统计期内登记诉求不少于 30 件.*无单位达到门槛.*未达门槛、不参加排名的单位 2 个.*C11.*C12"
               report ${kpi_db} --unit S1)
  kpi_cli_test(report_min_html 0 "id=\"ranking-minimum\">排名门槛：统计期内登记诉求不少于 30 件.*未达门槛、不参加排名（2 个）"
               report ${kpi_db} --unit S1 --format html)
  kpi_cli_test(report_csv 0 "^section,key,unit" report ${kpi_db} --format csv --from 2024-03-01 --to 2024-03-31)
  kpi_cli_test(report_html 0 "<!DOCTYPE html>.*kpi-data" report ${kpi_db} --format html --level 3)
  kpi_cli_test(report_period_empty 0 "\"received\":0" report ${kpi_db} --format json --from 2024-04-01)
  kpi_cli_test(report_unknown_unit 2 "unit \"NOPE\" is not in the org graph" report ${kpi_db} --unit NOPE)
  kpi_cli_test(report_bad_date 2 "period start" report ${kpi_db} --from 2024-02-30)
  kpi_cli_test(report_missing_db 2 "missing.db" report ${PROJECT_BINARY_DIR}/kpi_cli/missing.db)
  kpi_cli_test(report_bad_format 2 "format" report ${kpi_db} --format xml)
  add_test(NAME kpi_cli_export_open311
           COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:jiceng_cli>;export;open311;${kpi_db};--out;${PROJECT_BINARY_DIR}/kpi_cli/open311"
                   -DEXPECT_RC=0 "-DEXPECT=wrote 5 requests"
                   "-DJSON_ARRAY_FILES=${PROJECT_BINARY_DIR}/kpi_cli/open311/requests.json;${PROJECT_BINARY_DIR}/kpi_cli/open311/services.json"
                   -P ${PROJECT_SOURCE_DIR}/tests/kpi/cli_check.cmake)
  set_tests_properties(kpi_cli_export_open311 PROPERTIES FIXTURES_REQUIRED kpi_db LABELS kpi)
endif()
