# CLI checks of `jiceng org …`, run by ctest beside the org unit tests.
if(TARGET jiceng_cli)
  set(org_sample ${PROJECT_SOURCE_DIR}/data/sample-district.json)
  set(org_gen ${PROJECT_BINARY_DIR}/org-generated-city.json)
  set(org_bad ${PROJECT_BINARY_DIR}/org-bad.json)
  file(WRITE ${org_bad} "{\"units\": [{\"id\": \"D\", \"name\": \"d\", \"level\": 0, \"kind\": \"district_committee\"},\n"
                        " {\"id\": \"G\", \"name\": \"g\", \"level\": 3, \"kind\": \"grid_branch\", \"parent\": \"D\"}]}\n")
  function(org_cli name args exit)
    cmake_parse_arguments(C "" "OUT;ERR;STDOUT_FILE" "" ${ARGN})
    set(defs -DCMD=$<TARGET_FILE:jiceng_cli> "-DARGS=${args}" -DEXIT=${exit})
    if(DEFINED C_OUT)
      list(APPEND defs "-DOUT=${C_OUT}")
    endif()
    if(DEFINED C_ERR)
      list(APPEND defs "-DERR=${C_ERR}")
    endif()
    if(DEFINED C_STDOUT_FILE)
      list(APPEND defs "-DSTDOUT_FILE=${C_STDOUT_FILE}")
    endif()
    add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} ${defs} -P ${PROJECT_SOURCE_DIR}/tests/org/run_cli.cmake)
    set_tests_properties(${name} PROPERTIES LABELS "org;cli" TIMEOUT 120)
  endfunction()

  org_cli(org_cli_summary "org|summary|${org_sample}" 0
          OUT "schema: urban_grid\nunits: 44\n.*grid_branch: 3\n.*members: 32 \\(party members 29\\)")
  org_cli(org_cli_check_sample "org|check|${org_sample}" 1
          OUT "320506001001G03 第三网格党支部.*errors: 2, warnings: 1")
  org_cli(org_cli_check_json "org|check|--json|${org_sample}" 1
          OUT "\"grids_without_station\":\\[\"320506001001G03\"\\]")
  org_cli(org_cli_check_as_of "org|check|--as-of|2023-06-01|${org_sample}" 1
          OUT "without a secretary in office \\(error\\): 0.*errors: 1,")
  org_cli(org_cli_ancestors "org|ancestors|${org_sample}|320506001001G01B01H1|320506101001V01Z01" 0
          OUT "^320506001001G01B01H1 320506001001G01B01 320506001001G01 320506001001 320506001 320506\n320506101001V01Z01 320506101001V01 320506101001 320506101 320506\n$")
  org_cli(org_cli_ancestors_unknown "org|ancestors|${org_sample}|nope" 2 ERR "unknown unit 'nope'")
  org_cli(org_cli_subtree_size "org|subtree-size|${org_sample}|320506|320506001001|320506001001G01" 0
          OUT "^320506 44\n320506001001 20\n320506001001G01 6\n$")
  org_cli(org_cli_lca "org|lca|${org_sample}|320506001001G01B01H1|320506001001G02B02" 0 OUT "^320506001001\n$")
  org_cli(org_cli_dot "org|dot|${org_sample}|320506001002|--depth|1" 0
          OUT "digraph org.*\"320506001002\" -> \"320506001002C01\".*style=dashed")
  org_cli(org_cli_bad_file "org|summary|${org_bad}" 2
          ERR "units\\[1\\] \\(unit G\\), field \"parent\": unit G: level 3 \\(grid_branch\\) cannot sit under level 0 \\(district_committee\\) D in schema urban_grid")
  org_cli(org_cli_missing_file "org|check|/nonexistent/org.json" 2 ERR "cannot open file")
  org_cli(org_cli_generate "org|generate|--units|3000|--seed|11" 0 OUT "^\\{\"schema\": \"urban_grid\"" STDOUT_FILE ${org_gen})
  set_tests_properties(org_cli_generate PROPERTIES FIXTURES_SETUP org_generated)
  org_cli(org_cli_generated_summary "org|summary|${org_gen}" 0 OUT "units: 3000\n")
  org_cli(org_cli_generated_check "org|check|${org_gen}" 0 OUT "errors: 0, warnings: [1-9]")
  org_cli(org_cli_generated_ancestors "org|ancestors|${org_gen}|320506001001|320506001" 0
          OUT "^320506001001 320506001 320506\n320506001 320506\n$")
  set_tests_properties(org_cli_generated_summary org_cli_generated_check org_cli_generated_ancestors
                       PROPERTIES FIXTURES_REQUIRED org_generated)
endif()
# `jiceng org import --csv`: your own organization from a spreadsheet (docs/org-import.md).
if(TARGET jiceng_cli)
  add_test(NAME org_cli_import
           COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:jiceng_cli> -DCSV=${PROJECT_SOURCE_DIR}/tests/org/csv
                   -DWORK=${PROJECT_BINARY_DIR}/org_cli_import -P ${PROJECT_SOURCE_DIR}/tests/org/import_cli.cmake)
  set_tests_properties(org_cli_import PROPERTIES LABELS "org;cli" TIMEOUT 120)
endif()
