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
