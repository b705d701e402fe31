# src/journal/area.cmake — included by jiceng_area(journal) after the target is made.
# Until the petition area (the Engine) has sources, the journal builds its Engine-free
# layer only: the Engine integration source is skipped and the missing link dropped.
if(NOT TARGET jiceng_petition)
  foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
    get_target_property(journal_libs jiceng_journal ${prop})
    if(journal_libs)
      list(REMOVE_ITEM journal_libs jiceng_petition)
      set_property(TARGET jiceng_journal PROPERTY ${prop} ${journal_libs})
    endif()
  endforeach()
  set_source_files_properties(${PROJECT_SOURCE_DIR}/src/journal/engine_journal.cpp
    PROPERTIES HEADER_FILE_ONLY ON)
else()
  target_compile_definitions(jiceng_journal PUBLIC JICENG_JOURNAL_WITH_ENGINE=1)
endif()
