# Policy area extras, included by jiceng_area() with `target` = jiceng_policy.
# The built-in policy sets (data/policies/*.json) are compiled into the library, so
# PolicySet::load_builtin("wuzhong") needs no file at run time: the build turns them
# into one C++ source in the build tree, regenerated whenever a set changes.
file(GLOB jiceng_policy_sets CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/data/policies/*.json)
set(jiceng_policy_sets_cpp ${PROJECT_BINARY_DIR}/generated/policy/builtin_policies.cpp)
add_custom_command(
  OUTPUT ${jiceng_policy_sets_cpp}
  COMMAND ${CMAKE_COMMAND} -DINPUT_DIR=${PROJECT_SOURCE_DIR}/data/policies -DOUTPUT=${jiceng_policy_sets_cpp}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_policies.cmake
  DEPENDS ${jiceng_policy_sets} ${CMAKE_CURRENT_LIST_DIR}/embed_policies.cmake
  COMMENT "Embedding data/policies/*.json into the policy library"
  VERBATIM)
target_sources(${target} PRIVATE ${jiceng_policy_sets_cpp})
# Exact 128-bit cross-multiplication at vote thresholds.
target_link_libraries(${target} PUBLIC absl::int128)
