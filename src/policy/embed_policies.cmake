# Turns every data/policies/*.json into bytes of one C++ source defining
# jiceng::policy_internal::embedded_policies(). Run as:
#   cmake -DINPUT_DIR=.. -DOUTPUT=.. -P embed_policies.cmake
file(GLOB sets "${INPUT_DIR}/*.json")
list(SORT sets)
set(arrays "")
set(entries "")
set(i 0)
foreach(f IN LISTS sets)
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){24})" "\\1\n    " bytes "${bytes}")
  string(APPEND arrays "// ${f}\nconstexpr unsigned char kSet${i}[${size} + 1] = {\n    ${bytes}0x00};\n")
  string(APPEND entries "      {\"${name}\", std::string_view(reinterpret_cast<const char*>(kSet${i}), ${size})},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from data/policies/*.json by src/policy/embed_policies.cmake. Do not edit.
#include <string_view>
#include <vector>

#include \"policy/internal.hpp\"

namespace jiceng::policy_internal {
namespace {
${arrays}}  // namespace

const std::vector<EmbeddedPolicy>& embedded_policies() {
  static const std::vector<EmbeddedPolicy>* sets = new std::vector<EmbeddedPolicy>{
${entries}  };
  return *sets;
}

}  // namespace jiceng::policy_internal
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
