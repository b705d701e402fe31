# ctest docs_doxygen: runs Doxygen over the public C++ and C headers and fails on any
# warning (the Doxyfile writes them to WARN_LOGFILE; issue 9: zero warnings).
#   cmake -DDOXYGEN=... -DDOXYFILE=... -DLOG=... -DSOURCE_DIR=... -P doxygen_check.cmake
file(REMOVE ${LOG})
execute_process(COMMAND ${DOXYGEN} ${DOXYFILE} WORKING_DIRECTORY ${SOURCE_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "doxygen exited with ${rc}:\n${out}\n${err}")
endif()
if(NOT EXISTS ${LOG})
  message(FATAL_ERROR "doxygen wrote no warning log at ${LOG} (is WARN_LOGFILE set?)")
endif()
file(READ ${LOG} warnings)
string(STRIP "${warnings}" warnings)
if(NOT warnings STREQUAL "")
  message(FATAL_ERROR "Doxygen warnings (zero required):\n${warnings}")
endif()
message(STATUS "doxygen: no warnings")
