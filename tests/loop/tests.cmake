# `jiceng mediation …` (src/cli/mediation_cmd.cpp): the diagram and the permission matrix
# are generated from the mediation loop's table.
if(TARGET jiceng_cli)
  add_test(NAME mediation_cli_diagram COMMAND jiceng_cli mediation diagram)
  set_tests_properties(mediation_cli_diagram PROPERTIES LABELS "loop;cli"
    PASS_REGULAR_EXPRESSION "signing -> performing \\[label=\"seal[^\n]*if all_signed")
  add_test(NAME mediation_cli_matrix COMMAND jiceng_cli mediation matrix)
  set_tests_properties(mediation_cli_matrix PROPERTIES LABELS "loop;cli"
    PASS_REGULAR_EXPRESSION "\\| received \\| assign \\| assigned \\| community_secretary, community_staff, street_officer, district_officer \\| item_unit \\| assignment_valid \\| assign_mediators \\|")
endif()
# Against a demo journal: summary, suggest, a refused command (exit 2, nothing changed), a hire.
if(TARGET jiceng_cli)
  add_test(NAME mediation_cli_journal COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/mediation_cli_check.sh $<TARGET_FILE:jiceng_cli>)
  set_tests_properties(mediation_cli_journal PROPERTIES LABELS "loop;cli" TIMEOUT 600)
endif()
# `jiceng matter …` against a demo journal: voters on the rolls, matters from petition
# clusters, a step that cannot be skipped (exit 2, nothing changed).
if(TARGET jiceng_cli)
  add_test(NAME deliberation_cli_journal COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/deliberation_cli_check.sh $<TARGET_FILE:jiceng_cli>)
  set_tests_properties(deliberation_cli_journal PROPERTIES LABELS "loop;cli" TIMEOUT 600)
endif()
