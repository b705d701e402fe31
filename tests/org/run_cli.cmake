# Runs one `jiceng` command line and checks its exit code and output.
#   -DCMD=<program>  -DARGS=<arguments separated by |>  -DEXIT=<expected exit code>
#   -DOUT=<regex stdout must match>  -DERR=<regex stderr must match>  -DSTDOUT_FILE=<write stdout there>
string(REPLACE "|" ";" argv "${ARGS}")
execute_process(COMMAND ${CMD} ${argv} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(DEFINED STDOUT_FILE)
  file(WRITE "${STDOUT_FILE}" "${out}")
endif()
if(NOT "${rc}" STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED OUT AND NOT out MATCHES "${OUT}")
  message(FATAL_ERROR "stdout does not match '${OUT}':\n${out}")
endif()
if(DEFINED ERR AND NOT err MATCHES "${ERR}")
  message(FATAL_ERROR "stderr does not match '${ERR}':\n${err}")
endif()
