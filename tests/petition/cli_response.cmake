# `jiceng petition response DB ID`: the response text (答复) a petition's resident is shown
# now, from the policy's templates (petition.responses), against a copy of the CLI fixture
# journal (national policy, sample district, petition n taken n % 6 steps along the loop).
# Bad input exits 2 (3 for a tampered journal) naming what was wrong, and the journal is
# unchanged: the same bytes and the same verified head and last seq before and after.
#   cmake -DCLI=<jiceng> -DWORK=<scratch dir> -DJOURNALS=<dir with fixture.db, tampered.db>
#         -P cli_response.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(db ${WORK}/r.db)
configure_file(${JOURNALS}/fixture.db ${db} COPYONLY)
file(WRITE ${WORK}/not-a-journal.txt "this is not a journal\n")
set(failures "")

# run(CODE OUT_REGEX ERR_REGEX ARGS...): one command line; "" skips a regex.
function(run code out_re err_re)
  execute_process(COMMAND ${CLI} petition response ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 120)
  string(REPLACE ";" " " line "${ARGN}")
  set(bad "")
  if(NOT "${rc}" STREQUAL "${code}")
    set(bad "exit ${rc}, expected ${code}")
  elseif(NOT out_re STREQUAL "" AND NOT out MATCHES "${out_re}")
    set(bad "stdout does not match '${out_re}'")
  elseif(NOT err_re STREQUAL "" AND NOT err MATCHES "${err_re}")
    set(bad "stderr does not match '${err_re}'")
  endif()
  if(bad)
    set(failures "${failures}\n* jiceng petition response ${line}: ${bad}\n  stdout: ${out}\n  stderr: ${err}"
        PARENT_SCOPE)
  endif()
endfunction()

# The journal's state as the chain sees it: "ok: N events (seq 1..N), head H, ...".
function(journal_state var)
  execute_process(COMMAND ${CLI} verify ${db} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "^ok: [0-9]+ events \\(seq 1\\.\\.[0-9]+\\), head [0-9a-f]+")
    message(FATAL_ERROR "jiceng verify ${db}: exit ${rc}\n${out}${err}")
  endif()
  file(SHA256 ${db} sum)
  set(${var} "${CMAKE_MATCH_0} sha256 ${sum}" PARENT_SCOPE)
endfunction()

journal_state(before)

# Each state's template of the national set, with the placeholders filled.
set(day "20[0-9][0-9]年[0-9]+月[0-9]+日 [0-9][0-9]:[0-9][0-9]")
run(0 "^您的诉求已登记，编号P00000001，我们将于${day}前决定是否受理。\n$" "" ${db} 1)
run(0 "^您的诉求P00000002已受理，将于${day}前派至承办单位办理。\n$" "" ${db} P00000002)
run(0 "^[^\n]*（P00000003）已(派|转)至[^\n{}]+，[^\n{}]*${day}前签收[^\n{}]*。\n$" "" ${db} 3)
run(0 "^[^\n{}]*P00000004[^\n{}]*${day}[^\n{}]*\n$" "" ${db} 4)
run(0 "^您的诉求P00000006已办结归档，感谢您的参与和监督。\n$" "" ${db} 6)

# Bad input: exit 2 (3 when the chain does not verify), a message naming it, nothing written.
run(2 "^$" "^jiceng petition response: P00000999 not found|not found" ${db} 999)
run(2 "^$" "ID: expected a petition id like P00000042 or 42, got \"P12x\"" ${db} P12x)
run(2 "^$" "ID: expected a petition id" ${db} 0)
run(2 "^$" "journal [^\n]*missing\\.db: no such file" ${WORK}/missing.db 1)
run(2 "^$" "not a jiceng journal" ${WORK}/not-a-journal.txt 1)
run(3 "^$" "hash mismatch" ${JOURNALS}/tampered.db 1)
run(2 "" "ID is required|required" ${db})

journal_state(after)
if(NOT before STREQUAL after)
  string(APPEND failures "\n* the journal changed: before \"${before}\", after \"${after}\"")
endif()
if(failures)
  message(FATAL_ERROR "jiceng petition response:${failures}")
endif()
message(STATUS "jiceng petition response: 12 command lines as expected; journal unchanged (${after})")
