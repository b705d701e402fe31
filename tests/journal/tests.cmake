# tests/journal/tests.cmake — extra pieces of the journal tests: the crash-test child
# (a separate executable the test forks, runs and SIGKILLs), and CLI checks.
add_executable(jiceng_journal_crash_child ${PROJECT_SOURCE_DIR}/tests/journal/crash_child/crash_child.cpp)
target_link_libraries(jiceng_journal_crash_child PRIVATE jiceng jiceng_warnings)
target_include_directories(jiceng_journal_crash_child PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
target_compile_definitions(jiceng_journal_crash_child PRIVATE JICENG_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(jiceng_journal_tests jiceng_journal_crash_child)
target_compile_definitions(jiceng_journal_tests PRIVATE
  JICENG_JOURNAL_CRASH_CHILD="$<TARGET_FILE:jiceng_journal_crash_child>")
