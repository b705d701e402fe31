// A plain driver for the fuzz targets (no libFuzzer): feeds every file under the given
// paths (files or folders, recursively) to LLVMFuzzerTestOneInput once. ctest runs it
// over the seed corpora and tests/fuzz/regressions/<target>/, so every input a fuzzer
// ever crashed on stays a regression test in the ordinary (and the asan) build.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path p(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') files.push_back(e.path());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else if (!fs::exists(p, ec)) {
      continue;  // an empty regressions folder is not kept in git
    }
  }
  std::size_t n = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    ++n;
  }
  std::printf("replayed %zu inputs\n", n);
  return n == 0 ? 1 : 0;
}
