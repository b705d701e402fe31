# org area: embed the bundled sample district (data/sample-district.json) into the library.
set(jiceng_sample_json ${PROJECT_SOURCE_DIR}/data/sample-district.json)
set(jiceng_sample_cpp ${PROJECT_BINARY_DIR}/generated/org/sample_district.cpp)
add_custom_command(OUTPUT ${jiceng_sample_cpp}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${jiceng_sample_json} -DOUTPUT=${jiceng_sample_cpp}
          -P ${PROJECT_SOURCE_DIR}/src/org/embed.cmake
  DEPENDS ${jiceng_sample_json} ${PROJECT_SOURCE_DIR}/src/org/embed.cmake
  COMMENT "Embedding data/sample-district.json"
  VERBATIM)
target_sources(${target} PRIVATE ${jiceng_sample_cpp})
