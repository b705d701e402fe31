# The longest tests first: ctest runs a parallel set in descending COST, and a fresh clone
# (CI) has no timings of its own, so without these a few-minute test can start last and
# leave one core idle while it runs. The figures are seconds measured on a loaded 2-core
# machine (2026-12); only their order matters. Included at the end of every directory
# that defines tests (set_tests_properties reaches only the current directory's tests).
set(_jiceng_test_costs
  consumer=1300 install_quickstarts=300 demo=290 journal_demo_postgres=230 whatif=200 capi_abi=160
  demo_browser=160 journal=100 demo_cli=90 mediation_cli_journal=80 petition=70 capi_python=70
  cli_exit_codes=65 bench_table=64 journal_postgres=50 kpi=26 province=20)
foreach(_entry IN LISTS _jiceng_test_costs)
  string(REPLACE "=" ";" _pair "${_entry}")
  list(GET _pair 0 _name)
  list(GET _pair 1 _cost)
  if(TEST ${_name})
    set_tests_properties(${_name} PROPERTIES COST ${_cost})
  endif()
endforeach()

# The PostgreSQL tests share one throwaway cluster and run side by side: each works in a
# database or chains of its own, and journal_postgres's crash rounds end only its own
# sessions (application_name jiceng_test_<pid>), so no lock keeps them apart.
