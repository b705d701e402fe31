# Calendar test extras, included by the top-level CMakeLists after jiceng_calendar_tests
# exists (variable `a` = calendar).
#
# The calendar depends only on `common`; link its tests against jiceng_calendar alone so
# they build and run while other areas are in flux.
if(TARGET jiceng_calendar_tests)
  set_property(TARGET jiceng_calendar_tests PROPERTY LINK_LIBRARIES
    jiceng_calendar GTest::gtest GTest::gmock GTest::gtest_main jiceng_warnings)
endif()
