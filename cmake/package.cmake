# Debian packages by CPack (scripts/dev package), one per install component:
#   libjiceng1     — runtime: libjiceng.so.1
#   libjiceng-dev  — dev: headers, the C++ archives, CMake and pkg-config files, the API
#                    reference (share/doc/jiceng/html)
#   python3-jiceng — python: the bindings, which find libjiceng1's library with no
#                    environment variable
#   jiceng-tools   — tools: the `jiceng` command
# Build them from a build configured with CMAKE_INSTALL_PREFIX=/usr (the `package` preset),
# so that the library lands in Debian's multiarch directory.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME jiceng)
set(CPACK_PACKAGE_VENDOR "jiceng")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "jiceng maintainers <jiceng@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev python)
if(TARGET jiceng_cli)
  list(APPEND CPACK_COMPONENTS_ALL tools)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Packaged binaries carry no debug information, whatever the build type.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
# Shared-library dependencies (libabsl, libboost-json, libsqlite3, libssl, libicu, liberfa,
# libutf8proc, libstdc++) from dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(_jiceng_deb_version "${PROJECT_VERSION}")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libjiceng${JICENG_ABI_VERSION})
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "jiceng (基层) C library: party-led grassroots governance
 The stable C ABI (libjiceng.so.${JICENG_ABI_VERSION}): organization hierarchy, working-day
 calendar, petition closed loop, policy rules, hash-chained journal, KPIs.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libjiceng-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libjiceng${JICENG_ABI_VERSION} (= ${_jiceng_deb_version}), libabsl-dev, libboost-json1.81-dev, libboost-date-time1.81-dev, libboost-graph1.81-dev, libsqlite3-dev, libssl-dev, libicu-dev, liberfa-dev")
if(JICENG_PC_LIBPQ)  # the journal's archive links libpq (src/journal/area.cmake)
  string(APPEND CPACK_DEBIAN_DEV_PACKAGE_DEPENDS ", libpq-dev")
endif()
set(CPACK_DEBIAN_DEV_DESCRIPTION "jiceng (基层) development files
 The C header (jiceng.h), the C++ headers and static libraries (C++20), CMake
 (find_package(jiceng): jiceng::c, jiceng::jiceng) and pkg-config files (jiceng-c,
 jiceng), and the API reference in HTML.")

set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-jiceng)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "libjiceng${JICENG_ABI_VERSION} (= ${_jiceng_deb_version}), python3 (>= 3.8)")
set(CPACK_DEBIAN_PYTHON_DESCRIPTION "jiceng (基层) for Python 3
 ctypes bindings over libjiceng's stable C ABI.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME jiceng-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_TOOLS_PACKAGE_RECOMMENDS "graphviz")
set(CPACK_DEBIAN_TOOLS_DESCRIPTION "jiceng (基层) command-line tool
 The jiceng command: calendar, org, policy, journal, KPI report, Open311 export and the demo.")

include(CPack)
