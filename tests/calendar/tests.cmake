# Calendar test extras, included by jiceng_area(calendar) after jiceng_calendar_tests
# exists (variable `a` = calendar).

# The `jiceng calendar` command, checked through ctest: stdout for good input; for bad
# input a message on stderr *and* a non-zero exit (the wrapper prints "exit=<code>").
if(TARGET jiceng_cli)
  function(jiceng_calendar_cli name regex)
    add_test(NAME calendar_cli_${name}
      COMMAND /bin/sh -c "\"$0\" \"$@\" 2>&1; echo exit=$?" $<TARGET_FILE:jiceng_cli> calendar ${ARGN})
    set_tests_properties(calendar_cli_${name} PROPERTIES LABELS calendar PASS_REGULAR_EXPRESSION "${regex}")
  endfunction()

  jiceng_calendar_cli(is_workday
    "^2026-02-14 workday make-up for 春节 Spring Festival\n2026-02-16 holiday 春节 Spring Festival\n2026-02-24 workday\n2026-03-07 weekend\nexit=0\n$"
    is-workday 2026-02-14 2026-02-16 2026-02-24 2026-03-07)
  jiceng_calendar_cli(add_workdays "^2026-02-27\nexit=0\n$" add-workdays 2026-02-13 5)
  jiceng_calendar_cli(add_workdays_negative "^2024-02-09\nexit=0\n$" add-workdays 2024-02-19 -2)
  jiceng_calendar_cli(add_workdays_zero_on_holiday "^2026-02-24\nexit=0\n$" add-workdays 2026-02-21 0)
  jiceng_calendar_cli(between "^16\nexit=0\n$" between 2026-02-01 2026-03-01)
  jiceng_calendar_cli(weekend_only "^2027-01-08\nexit=0\n$" --weekend-only add-workdays 2026-12-25 10)
  jiceng_calendar_cli(load "^2027-01-04\nexit=0\n$"
    --load ${CMAKE_CURRENT_LIST_DIR}/cli_2027.csv add-workdays 2026-12-31 1)
  jiceng_calendar_cli(unknown_year
    "year 2031 is outside the holiday table \\(2004–2026\\).*strict mode.*exit=2\n$" --mode strict is-workday 2031-01-01)
  jiceng_calendar_cli(span_past_table "year 2027 is outside.*exit=2\n$" --mode strict add-workdays 2026-12-25 10)
  # Past the table by default: the provisional rule answers, and says so.
  jiceng_calendar_cli(provisional_holiday "^2027-02-09 holiday 春节 Spring Festival provisional\nexit=0\n$"
    is-workday 2027-02-09)
  jiceng_calendar_cli(provisional_add "^2027-01-04 provisional\nexit=0\n$" add-workdays 2026-12-31 1)
  jiceng_calendar_cli(provisional_between "^5 provisional\nexit=0\n$" between 2027-02-01 2027-02-12)
  jiceng_calendar_cli(past_provisional "year 2037 is outside the holiday table.*2027–2036.*exit=2\n$"
    is-workday 2037-01-05)
  jiceng_calendar_cli(status_warns
    "mode: provisional\nofficial years: 2004–2026 \\(ends 2026-12-31, 26 days from 2026-12-05\\)\nprovisional days: 2027-01-01 to 2036-12-31.*\nwarning: the official holiday table ends on 2026-12-31.*exit=0\n$"
    status --today 2026-12-05)
  jiceng_calendar_cli(status_quiet "mode: strict\n.*provisional days: none\nexit=0\n$" --mode strict status --today 2026-06-01)
  jiceng_calendar_cli(bad_mode "--mode: .*exit=2" --mode lenient status)
  jiceng_calendar_cli(bad_date "date \"2026-02-30\" is not a valid YYYY-MM-DD date.*exit=2\n$"
    is-workday 2026-02-30)
  jiceng_calendar_cli(bad_n "N \"five\" is not a whole number.*exit=2\n$" add-workdays 2026-02-13 five)
  jiceng_calendar_cli(missing_n "N is missing.*exit=2\n$" add-workdays 2026-02-13)

  add_test(NAME calendar_cli_bulk
    COMMAND /bin/sh -c "\"$0\" calendar add-workdays - < \"$1\"; echo exit=$?"
            $<TARGET_FILE:jiceng_cli> ${CMAKE_CURRENT_LIST_DIR}/cli_bulk_input.txt)
  set_tests_properties(calendar_cli_bulk PROPERTIES LABELS calendar
    PASS_REGULAR_EXPRESSION "^2026-02-27\n2024-02-18\n2024-02-09\n2026-02-24\n2026-02-28\nexit=0\n$")
  add_test(NAME calendar_cli_bulk_provisional
    COMMAND /bin/sh -c "printf '2026-12-24 1\\n2026-12-31 1\\n' | \"$0\" calendar add-workdays -; echo exit=$?"
            $<TARGET_FILE:jiceng_cli>)
  set_tests_properties(calendar_cli_bulk_provisional PROPERTIES LABELS calendar
    PASS_REGULAR_EXPRESSION "^2026-12-25\n2027-01-04 provisional\nexit=0\n$")
  add_test(NAME calendar_cli_bulk_bad_line
    COMMAND /bin/sh -c "printf '2026-02-13 5\\n2026-13-01 1\\n2024-02-09 1\\n' | \"$0\" calendar add-workdays - 2>&1; echo exit=$?"
            $<TARGET_FILE:jiceng_cli>)
  set_tests_properties(calendar_cli_bulk_bad_line PROPERTIES LABELS calendar
    PASS_REGULAR_EXPRESSION "2026-02-27\n.*stdin line 2: expected \"YYYY-MM-DD N\", got \"2026-13-01 1\"\n.*exit=2\n$")
endif()
