# Petition test extras (variable `a` = petition), included by jiceng_area(petition) after
# jiceng_petition_tests exists.

# Generated documentation: docs/petition-workflow.dot and docs/petition-permissions.md are
# written by the `jiceng workflow` command from the transition table; this target refreshes
# them (cmake --build <dir> --target petition_docs) and the ctest below fails when the
# committed copies drift from the table.
if(TARGET jiceng_cli)
  add_custom_target(petition_docs
    COMMAND $<TARGET_FILE:jiceng_cli> workflow dot --output ${PROJECT_SOURCE_DIR}/docs/petition-workflow.dot
    COMMAND $<TARGET_FILE:jiceng_cli> workflow matrix --format markdown
            --output ${PROJECT_SOURCE_DIR}/docs/petition-permissions.md
    DEPENDS jiceng_cli
    COMMENT "Generating docs/petition-workflow.dot and docs/petition-permissions.md from the transition table")
  add_test(NAME petition_docs_current
    COMMAND $<TARGET_FILE:jiceng_cli> workflow check --docs ${PROJECT_SOURCE_DIR}/docs)
  set_tests_properties(petition_docs_current PROPERTIES LABELS petition)
  add_test(NAME petition_cli_dot COMMAND $<TARGET_FILE:jiceng_cli> workflow dot)
  set_tests_properties(petition_cli_dot PROPERTIES LABELS petition
    PASS_REGULAR_EXPRESSION "received -> accepted \\[label=\"accept")
  add_test(NAME petition_cli_matrix_csv COMMAND $<TARGET_FILE:jiceng_cli> workflow matrix --format csv)
  set_tests_properties(petition_cli_matrix_csv PROPERTIES LABELS petition
    PASS_REGULAR_EXPRESSION "event,resident,grid_worker")
  add_test(NAME petition_cli_matrix_bad COMMAND /bin/sh -c "\"$0\" workflow matrix --format xml 2>&1; echo exit=$?"
    $<TARGET_FILE:jiceng_cli>)
  set_tests_properties(petition_cli_matrix_bad PROPERTIES LABELS petition
    PASS_REGULAR_EXPRESSION "must be markdown or csv.*exit=2")
  if(DOT_EXECUTABLE OR EXISTS /usr/bin/dot)
    add_test(NAME petition_dot_renders COMMAND /bin/sh -c "\"$0\" workflow dot | dot -Tsvg > /dev/null"
      $<TARGET_FILE:jiceng_cli>)
    set_tests_properties(petition_dot_renders PROPERTIES LABELS petition)
  endif()
endif()

# `jiceng petition response`: each state's template against the CLI fixture journal, bad
# input exiting 2 (3 when tampered), and the journal unchanged (bytes, verified head, seq).
if(TARGET jiceng_cli)
  add_test(NAME petition_cli_response
           COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:jiceng_cli> -DWORK=${PROJECT_BINARY_DIR}/petition_cli_response
                   -DJOURNALS=${PROJECT_BINARY_DIR}/journal_cli -P ${CMAKE_CURRENT_LIST_DIR}/cli_response.cmake)
  set_tests_properties(petition_cli_response PROPERTIES LABELS "petition;cli" FIXTURES_REQUIRED journal_cli_db)
endif()
