# Extra ctest entries of the demo area: the `jiceng demo` command, the report page in a
# real browser (headless Chromium), the workflow diagram's labels laid out by Graphviz,
# the Doxygen zero-warning check, scripts/bench-table,
# and the check that the repository points nowhere outside itself.
find_package(Python3 COMPONENTS Interpreter QUIET)

if(TARGET jiceng_cli)
  add_test(NAME demo_cli COMMAND bash ${PROJECT_SOURCE_DIR}/tests/demo/cli_check.sh $<TARGET_FILE:jiceng_cli>)
  set_tests_properties(demo_cli PROPERTIES LABELS demo TIMEOUT 600)
  if(Python3_Interpreter_FOUND)
    # Skipped (exit 77) only when no Chromium is installed (Debian package `chromium`).
    add_test(NAME demo_browser COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/demo/browser_check.py
             --jiceng $<TARGET_FILE:jiceng_cli> --days 60)
    set_tests_properties(demo_browser PROPERTIES LABELS demo TIMEOUT 600 SKIP_RETURN_CODE 77)
    # workflow.svg: no two labels overlap once Graphviz lays the diagram out. Skipped
    # (exit 77) only when Graphviz is not installed.
    add_test(NAME workflow_diagram_labels COMMAND ${Python3_EXECUTABLE}
             ${PROJECT_SOURCE_DIR}/tests/demo/diagram_labels_check.py --jiceng $<TARGET_FILE:jiceng_cli>)
    set_tests_properties(workflow_diagram_labels PROPERTIES LABELS demo TIMEOUT 300 SKIP_RETURN_CODE 77)
  endif()
endif()

# The repository stands alone: no tracked file points at design or domain notes outside it
# (issue 28, item 3). Skipped (exit 77) outside a git work tree.
add_test(NAME docs_self_contained COMMAND bash ${PROJECT_SOURCE_DIR}/tests/demo/self_contained_check.sh
         ${PROJECT_SOURCE_DIR})
set_tests_properties(docs_self_contained PROPERTIES LABELS docs TIMEOUT 60 SKIP_RETURN_CODE 77)

find_package(Doxygen QUIET)
if(DOXYGEN_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/docs/Doxyfile.in)
  add_test(NAME docs_doxygen COMMAND ${CMAKE_COMMAND} -DDOXYGEN=${DOXYGEN_EXECUTABLE}
           -DDOXYFILE=${PROJECT_BINARY_DIR}/Doxyfile -DLOG=${PROJECT_BINARY_DIR}/doxygen-warnings.log
           -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${PROJECT_SOURCE_DIR}/tests/demo/doxygen_check.cmake)
  set_tests_properties(docs_doxygen PROPERTIES LABELS docs TIMEOUT 300)
endif()

if(Python3_Interpreter_FOUND)
  add_test(NAME bench_table COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/demo/bench_table_test.py)
  set_tests_properties(bench_table PROPERTIES LABELS demo TIMEOUT 120)
endif()
