/* jiceng/version.hpp — the library's version, in this one place: CMake reads it
 * (project(VERSION)), the C ABI (jiceng.h, jc_version), the `jiceng --version` command and
 * the Python package (setup.py) take it from here. Plain C preprocessor only, so the C
 * header can include it. */
#ifndef JICENG_VERSION_HPP
#define JICENG_VERSION_HPP

#define JICENG_VERSION_MAJOR 0
#define JICENG_VERSION_MINOR 1
#define JICENG_VERSION_PATCH 0

#define JICENG_VERSION_STR_(x) #x
#define JICENG_VERSION_STR(x) JICENG_VERSION_STR_(x)
/** "MAJOR.MINOR.PATCH" as a string literal. */
#define JICENG_VERSION_STRING                                                   \
  JICENG_VERSION_STR(JICENG_VERSION_MAJOR) "." JICENG_VERSION_STR(JICENG_VERSION_MINOR) "." \
  JICENG_VERSION_STR(JICENG_VERSION_PATCH)

#endif /* JICENG_VERSION_HPP */
