# Policy area: the `jiceng policy` command checks, added to ctest when the CLI is built.
# The data cases themselves run inside jiceng_policy_tests (GoogleTest) as well.
if(TARGET jiceng_cli)
  add_test(NAME policy_cli_cases
           COMMAND jiceng_cli policy test ${PROJECT_SOURCE_DIR}/tests/policy/cases)
  set_tests_properties(policy_cli_cases PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "[0-9]+ passed, 0 failed")
  # A wrong expectation must make the command fail (exit 1) and say what differed.
  add_test(NAME policy_cli_wrong_expectation
           COMMAND jiceng_cli policy test ${PROJECT_SOURCE_DIR}/tests/policy/failing/wrong_expectation.json)
  set_tests_properties(policy_cli_wrong_expectation PROPERTIES LABELS policy WILL_FAIL TRUE)
  add_test(NAME policy_cli_wrong_expectation_output
           COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:jiceng_cli>
                   -DCASE=${PROJECT_SOURCE_DIR}/tests/policy/failing/wrong_expectation.json
                   -P ${PROJECT_SOURCE_DIR}/tests/policy/cli_expect_failure.cmake)
  set_tests_properties(policy_cli_wrong_expectation_output PROPERTIES LABELS policy)
  add_test(NAME policy_cli_check_json
           COMMAND jiceng_cli policy check --policy wuzhong ${PROJECT_SOURCE_DIR}/tests/policy/subjects/slate.json --json)
  set_tests_properties(policy_cli_check_json PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "\"rule\":\"committee.party_ratio\"")
  add_test(NAME policy_cli_check_table
           COMMAND jiceng_cli policy check --policy ${PROJECT_SOURCE_DIR}/tests/policy/sets/community-x.json
                   ${PROJECT_SOURCE_DIR}/tests/policy/subjects/slate.json)
  set_tests_properties(policy_cli_check_table PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "committee\\.party_ratio")
  add_test(NAME policy_cli_check_bad_subject
           COMMAND jiceng_cli policy check --policy national ${PROJECT_SOURCE_DIR}/tests/policy/subjects/bad.json)
  set_tests_properties(policy_cli_check_bad_subject PROPERTIES LABELS policy WILL_FAIL TRUE)
endif()
# Meetings under the 2026 laws through the command: the party motion fails (exit 1, an
# error finding), a malformed meeting subject names its field, and the list marks the
# superseded rule.
if(TARGET jiceng_cli)
  add_test(NAME policy_cli_check_meetings
           COMMAND jiceng_cli policy check --policy national ${PROJECT_SOURCE_DIR}/tests/policy/subjects/meetings.json)
  set_tests_properties(policy_cli_check_meetings PROPERTIES LABELS policy WILL_FAIL TRUE)
  add_test(NAME policy_cli_check_meetings_json
           COMMAND jiceng_cli policy check --policy national ${PROJECT_SOURCE_DIR}/tests/policy/subjects/meetings.json --json)
  set_tests_properties(policy_cli_check_meetings_json PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "\"rule\":\"vote.meeting\",\"check\":\"decision\",\"severity\":\"error\",\"passed\":false")
  add_test(NAME policy_cli_check_bad_meeting
           COMMAND jiceng_cli policy check --policy national ${PROJECT_SOURCE_DIR}/tests/policy/subjects/bad-meeting.json)
  set_tests_properties(policy_cli_check_bad_meeting PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "field attending: 101 exceeds members 100")
  add_test(NAME policy_cli_list_superseded COMMAND jiceng_cli policy list)
  set_tests_properties(policy_cli_list_superseded PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "vote\\.residents_meeting \\(superseded by vote\\.meeting\\)")
endif()
# The exit-code scheme of every `jiceng` command (docs/cli.md): one script runs them all
# against the journal fixtures of tests/journal/tests.cmake.
if(TARGET jiceng_cli)
  find_program(JICENG_SQLITE3 sqlite3)
  add_test(NAME cli_exit_codes
           COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:jiceng_cli> -DSRC=${PROJECT_SOURCE_DIR}
                   -DWORK=${PROJECT_BINARY_DIR}/cli_exit_codes -DJOURNALS=${PROJECT_BINARY_DIR}/journal_cli
                   -DSQLITE3=${JICENG_SQLITE3} -P ${PROJECT_SOURCE_DIR}/tests/cli/exit_codes.cmake)
  set_tests_properties(cli_exit_codes PROPERTIES LABELS "cli" TIMEOUT 600 FIXTURES_REQUIRED journal_cli_db)
endif()
# Policy tests beyond pass/fail: --run, --format json|junit, --coverage and --threshold,
# exit 2 for a malformed test file; lint; and the authoring guide's example, run as it is
# quoted in docs/policy-authoring.md.
if(TARGET jiceng_cli)
  set(pcases ${PROJECT_SOURCE_DIR}/tests/policy/cases)
  set(pexample ${PROJECT_SOURCE_DIR}/examples/policy/my-district)
  add_test(NAME policy_cli_run_filter
           COMMAND jiceng_cli policy test -v --run "owners_vote\\.json: item 6" ${pcases})
  set_tests_properties(policy_cli_run_filter PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "^(PASS [^\n]*owners_vote\\.json: item 6[^\n]*\n)+[1-9][0-9]* passed, 0 failed\n$")
  add_test(NAME policy_cli_format_json COMMAND jiceng_cli policy test --format json
           ${PROJECT_SOURCE_DIR}/tests/policy/failing/wrong_expectation.json)
  set_tests_properties(policy_cli_format_json PROPERTIES LABELS policy WILL_FAIL TRUE)
  add_test(NAME policy_cli_format_json_output COMMAND /bin/sh -c "\"$0\" policy test --format json \"$1\"; echo exit=$?"
           $<TARGET_FILE:jiceng_cli> ${PROJECT_SOURCE_DIR}/tests/policy/failing/wrong_expectation.json)
  set_tests_properties(policy_cli_format_json_output PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "^\\{\"passed\":0,\"failed\":4,\"invalid\":0,.*\"name\":\"exactly half approves\".*\"expected\":\"pass\",\"actual\":\"fail\".*\\}\nexit=1\n$")
  add_test(NAME policy_cli_format_junit COMMAND /bin/sh -c "\"$0\" policy test --format junit \"$1\"; echo exit=$?"
           $<TARGET_FILE:jiceng_cli> ${PROJECT_SOURCE_DIR}/tests/policy/failing/wrong_expectation.json)
  set_tests_properties(policy_cli_format_junit PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "^<\\?xml version=\"1.0\" encoding=\"UTF-8\"\\?>\n<testsuites name=\"jiceng policy test\" tests=\"4\" failures=\"4\" errors=\"0\".*<failure message=\"vote.meeting\\[decision\\]: expected pass, actual fail\">.*</testsuites>\nexit=1\n$")
  add_test(NAME policy_cli_coverage_full COMMAND /bin/sh -c "\"$0\" policy test --coverage --threshold 100 \"$1\" 2>&1; echo exit=$?"
           $<TARGET_FILE:jiceng_cli> ${pcases})
  set_tests_properties(policy_cli_coverage_full PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "coverage total: [0-9]+/[0-9]+ branches \\(100\\.0%\\)\n[0-9]+ passed, 0 failed\nexit=0\n$")
  add_test(NAME policy_cli_coverage_threshold COMMAND /bin/sh -c "\"$0\" policy test --threshold 60 \"$1\" 2>&1; echo exit=$?"
           $<TARGET_FILE:jiceng_cli> ${pcases}/owners_vote.json)
  set_tests_properties(policy_cli_coverage_threshold PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "not covered: .*passed, 0 failed\njiceng policy test: branch coverage [0-9.]+% < 60\\.0% \\(--threshold\\)\nexit=1\n$")
  add_test(NAME policy_cli_lint_warns COMMAND /bin/sh -c "\"$0\" policy lint \"$1\" 2>&1; echo exit=$?"
           $<TARGET_FILE:jiceng_cli> ${PROJECT_SOURCE_DIR}/tests/policy/sets/urgent-forgotten.json)
  set_tests_properties(policy_cli_lint_warns PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "warning: policy file [^\n]*urgent-forgotten\\.json: rule petition\\.deadlines \\(rules\\[0\\]\\): categories\\.property\\.normal\\.resolve is set to 3wd but categories\\.property\\.urgent\\.resolve is not: urgent property petitions keep 5wd.*urgent-forgotten: 1 warning\nexit=1\n$")
  add_test(NAME policy_cli_routing COMMAND jiceng_cli policy test -v ${PROJECT_SOURCE_DIR}/tests/policy/routing)
  set_tests_properties(policy_cli_routing PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "PASS [^\n]*routing\\.json: an override sends noise to the community.*\n4 passed, 0 failed\n$")
  add_test(NAME policy_cli_compound_routing COMMAND jiceng_cli policy test -v ${PROJECT_SOURCE_DIR}/tests/policy/compound_routing)
  set_tests_properties(policy_cli_compound_routing PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "PASS [^\n]*compound\\.json: 四方协同 in the national set.*\n2 passed, 0 failed\n$")
  # The escalation ladder and the compound party checked through the engine; a wrong level,
  # holder or party fails the command (exit 1) naming each.
  add_test(NAME policy_cli_ladder COMMAND jiceng_cli policy test -v ${PROJECT_SOURCE_DIR}/tests/policy/ladder)
  set_tests_properties(policy_cli_ladder PROPERTIES LABELS "policy;petition"
    PASS_REGULAR_EXPRESSION "PASS [^\n]*ladder\\.json: national ladder across the Spring Festival.*\n2 passed, 0 failed\n$")
  add_test(NAME policy_cli_wrong_ladder COMMAND /bin/sh -c "\"$0\" policy test \"$1\"; echo exit=$?"
           $<TARGET_FILE:jiceng_cli> ${PROJECT_SOURCE_DIR}/tests/policy/failing/wrong_ladder.json)
  set_tests_properties(policy_cli_wrong_ladder PROPERTIES LABELS "policy;petition"
    PASS_REGULAR_EXPRESSION "FAIL [^\n]*wrong_ladder\\.json: reassigned a second too early, and the wrong party\n  petition\\.compound_parties\\[noise at H-C01B01-1201 party\\]: expected property_company, actual owners_committee\n.*  petition\\.escalation_ladder\\[noise at H-G01B01-0101 at 2026-02-24T17:29:59\\+08:00 level\\]: expected 2, actual 1\n.*  petition\\.escalation_ladder\\[noise at H-G01B01-0101 at 2026-02-24T17:29:59\\+08:00 unit\\]: expected 320506001001, actual 320506001001G01\n.*0 passed, 1 failed\nexit=1\n$")
  add_test(NAME petition_cli_party COMMAND jiceng_cli petition party --category property --location H-C02B01-0301)
  set_tests_properties(petition_cli_party PROPERTIES LABELS "petition;cli"
    PASS_REGULAR_EXPRESSION "\"listed\":\"property_company\",\"fallback\":true")
  add_test(NAME petition_cli_party_bad COMMAND /bin/sh -c "\"$0\" petition party --category noise --location H-NOWHERE 2>&1; echo exit=$?"
    $<TARGET_FILE:jiceng_cli>)
  set_tests_properties(petition_cli_party_bad PROPERTIES LABELS "petition;cli"
    PASS_REGULAR_EXPRESSION "neither a household nor a unit.*exit=2")
  add_test(NAME policy_authoring_example COMMAND jiceng_cli policy test --coverage ${pexample})
  set_tests_properties(policy_authoring_example PROPERTIES LABELS policy
    PASS_REGULAR_EXPRESSION "coverage my-district: 2/2 branches \\(100\\.0%\\), 1/1 rules\n.*3 passed, 0 failed\n$")
  add_test(NAME policy_authoring_lint COMMAND jiceng_cli policy lint ${pexample}/my-district.json)
  set_tests_properties(policy_authoring_lint PROPERTIES LABELS policy PASS_REGULAR_EXPRESSION "^my-district: 0 warnings\n$")
  add_test(NAME policy_authoring_doc_quotes
           COMMAND ${CMAKE_COMMAND} -DDOC=${PROJECT_SOURCE_DIR}/docs/policy-authoring.md
                   "-DFILES=${pexample}/my-district.json|${pexample}/cases.json"
                   -P ${PROJECT_SOURCE_DIR}/tests/policy/doc_quotes.cmake)
  set_tests_properties(policy_authoring_doc_quotes PROPERTIES LABELS policy)
endif()
# The routing cases' GoogleTest runs petitions through the engine (src/cli/policy_router.hpp),
# which sits above the policy area.
target_link_libraries(jiceng_policy_tests PRIVATE jiceng_petition)
