# Calendar area extras, included by jiceng_area() with `target` = jiceng_calendar.
# The official holiday table is compiled in, so a host needs no file at run time: the
# build turns data/cn-holidays.csv into a C++ source in the build tree.
set(jiceng_holidays_csv ${PROJECT_SOURCE_DIR}/data/cn-holidays.csv)
set(jiceng_holidays_cpp ${PROJECT_BINARY_DIR}/generated/calendar/cn_holidays_data.cpp)
add_custom_command(
  OUTPUT ${jiceng_holidays_cpp}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${jiceng_holidays_csv} -DOUTPUT=${jiceng_holidays_cpp}
          -DFUNCTION=embedded_china_holidays_csv -P ${CMAKE_CURRENT_LIST_DIR}/embed_csv.cmake
  DEPENDS ${jiceng_holidays_csv} ${CMAKE_CURRENT_LIST_DIR}/embed_csv.cmake
  COMMENT "Embedding data/cn-holidays.csv into the calendar library"
  VERBATIM)
target_sources(${target} PRIVATE ${jiceng_holidays_cpp})
# DeadlinePolicy reads and writes policy JSON.
target_link_libraries(${target} PRIVATE Boost::json)

# The provisional rule: lunar dates from ICU's Chinese calendar, the 清明 solar term from
# ERFA (the IAU's SOFA routines). Debian: libicu-dev, liberfa-dev.
find_package(ICU REQUIRED COMPONENTS i18n uc)
find_package(ERFA REQUIRED)
target_link_libraries(${target} PRIVATE ICU::i18n ICU::uc ERFA::ERFA)
