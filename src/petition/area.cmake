# Petition area extras (included right after the jiceng_petition target is made).
#
# The petition benchmark needs only this area (and what it depends on), not the whole
# library: link it against jiceng_petition once the top-level file has made the target,
# so it builds while the journal / KPI / demo areas are in flux.
function(jiceng_petition_bench_links)
  if(TARGET petition_bench)
    set_property(TARGET petition_bench PROPERTY LINK_LIBRARIES
      jiceng_petition benchmark::benchmark SQLite::SQLite3 jiceng_warnings)
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL jiceng_petition_bench_links)
