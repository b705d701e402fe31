# Runs `jiceng policy test CASE` and checks it exits 1 and prints expected vs actual and
# the summary line. Run as: cmake -DCLI=.. -DCASE=.. -P cli_expect_failure.cmake
execute_process(COMMAND ${CLI} policy test ${CASE} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "expected exit code 1, got ${rc}\n${out}${err}")
endif()
foreach(needle "expected pass, actual fail" "0 passed, 4 failed" "exactly half approves")
  string(FIND "${out}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "output lacks \"${needle}\":\n${out}${err}")
  endif()
endforeach()
