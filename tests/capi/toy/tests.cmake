# The toy loop through the C ABI: libjiceng_toy.so is libjiceng.so's objects plus the toy
# loop of tests/loop and its registration, so that the generic surface (jc_engine_command,
# jc_engine_query, ...) is tested from C and Python on a loop the library does not ship.
# Included by capi/CMakeLists.txt after the test targets exist.
add_library(jiceng_c_toy SHARED $<TARGET_OBJECTS:jiceng_c_objs>
  ${PROJECT_SOURCE_DIR}/tests/loop/toy_loop.cpp ${CMAKE_CURRENT_LIST_DIR}/register_toy.cpp)
target_link_libraries(jiceng_c_toy PRIVATE ${jiceng_c_areas} jiceng_warnings)
target_include_directories(jiceng_c_toy PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests
  PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include)
target_link_options(jiceng_c_toy PRIVATE -Wl,--version-script=${CMAKE_CURRENT_SOURCE_DIR}/jiceng.map)
set_target_properties(jiceng_c_toy PROPERTIES OUTPUT_NAME jiceng_toy
  LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/toy)

add_executable(jiceng_capi_loop_tests ${CMAKE_CURRENT_LIST_DIR}/capi_loop_test.cpp)
target_link_libraries(jiceng_capi_loop_tests PRIVATE jiceng_c_toy GTest::gtest GTest::gtest_main jiceng_warnings)
add_test(NAME capi_loops COMMAND jiceng_capi_loop_tests --gtest_brief=1)
set_tests_properties(capi_loops PROPERTIES LABELS capi)

if(Python3_Interpreter_FOUND)
  add_test(NAME capi_python_loops COMMAND ${Python3_EXECUTABLE} -m unittest -v test_loops
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/bindings/python/tests)
  set_tests_properties(capi_python_loops PROPERTIES LABELS "capi;python" ENVIRONMENT
    "JICENG_LIBRARY=$<TARGET_FILE:jiceng_c_toy>;JICENG_EXPECT_TOY_LOOP=1;PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python;PYTHONDONTWRITEBYTECODE=1")
endif()
