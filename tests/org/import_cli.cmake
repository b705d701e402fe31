# `jiceng org import --csv`: good files become org JSON that loads; each bad file exits 2
# naming the line and column, and the --out file is left exactly as it was.
#   cmake -DCLI=<jiceng> -DCSV=<tests/org/csv> -DWORK=<scratch dir> -P import_cli.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(out "${WORK}/org.json")

execute_process(COMMAND ${CLI} org import --csv ${CSV}/good.csv --out ${out} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "good.csv: exit ${rc}: ${err}")
endif()
execute_process(COMMAND ${CLI} org summary ${out} RESULT_VARIABLE rc OUTPUT_VARIABLE summary ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT summary MATCHES "units: 7\n" OR NOT summary MATCHES "industry_committee: 1")
  message(FATAL_ERROR "the imported file does not load as 7 units: exit ${rc}\n${summary}${err}")
endif()
execute_process(COMMAND ${CLI} org ancestors ${out} 320506001001G01B01 RESULT_VARIABLE rc OUTPUT_VARIABLE chain)
if(NOT chain STREQUAL "320506001001G01B01 320506001001G01 320506001001 320506001000 320506000000\n")
  message(FATAL_ERROR "chain of command of the imported building: '${chain}'")
endif()
file(READ ${out} before)

foreach(case
    "bad-parent|line 5, column 4 \\(parent\\): .*320506001009"
    "bad-kind|line 3, column 3 \\(kind\\): unknown unit kind 'street_office'"
    "bad-level|line 3, column 5 \\(level\\): unit 320506001000: level 2 does not match its kind street_committee, which sits at level 1"
    "bad-under|line 3, column 4 \\(parent\\): .*grid_branch.*cannot sit under"
    "bad-header|line 1, column 3: unknown column 'type'"
    "bad-duplicate|line 4, column 1 \\(id\\): duplicate unit id '320506001000' \\(also line 3\\)"
    "bad-quote|line 2, column 2: a quoted field is not closed")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 want)
  execute_process(COMMAND ${CLI} org import --csv ${CSV}/${name}.csv --out ${out} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "${name}.csv: exit ${rc}, expected 2: ${err}")
  endif()
  if(NOT err MATCHES "${CSV}/${name}\\.csv: ${want}")
    message(FATAL_ERROR "${name}.csv: stderr does not match '${want}':\n${err}")
  endif()
  file(READ ${out} after)
  if(NOT after STREQUAL before)
    message(FATAL_ERROR "${name}.csv changed ${out}")
  endif()
  if(EXISTS ${out}.tmp)
    message(FATAL_ERROR "${name}.csv left ${out}.tmp behind")
  endif()
endforeach()
