# Writes OUTPUT, a C++ source defining jiceng::sample_district_json() over the bytes of
# INPUT (the bundled sample district), so the demo needs no file at run time.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by src/org/embed.cmake; do not edit.
#include \"jiceng/org.hpp\"

namespace jiceng {
namespace {
constexpr unsigned char kSampleDistrict[] = {
${bytes}};
}  // namespace

std::string_view sample_district_json() {
  return std::string_view(reinterpret_cast<const char*>(kSampleDistrict), sizeof kSampleDistrict);
}

}  // namespace jiceng
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
