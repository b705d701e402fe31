# Install rules (top-level builds, or JICENG_INSTALL=ON), in four components that are
# also the Debian packages (cmake/package.cmake):
#   runtime — libjiceng.so.N, the C library                         → libjiceng1
#   dev     — headers, the C++ area archives, CMake and pkg-config files,
#             the API reference (when built)                         → libjiceng-dev
#   tools   — the `jiceng` command                                   → jiceng-tools
#   python  — the bindings (capi/CMakeLists.txt)                     → python3-jiceng
# No build-only target (jiceng_warnings, the applications) is exported or installed.

install(DIRECTORY include/jiceng DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
set(_jiceng_install_targets jiceng)
foreach(a IN LISTS JICENG_LIBRARY_AREAS)
  list(APPEND _jiceng_install_targets jiceng_${a})
endforeach()
install(TARGETS ${_jiceng_install_targets} EXPORT jicengTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(_jiceng_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/jiceng)
install(EXPORT jicengTargets NAMESPACE jiceng:: DESTINATION ${_jiceng_cmake_dir} COMPONENT dev)
configure_package_config_file(cmake/jicengConfig.cmake.in ${PROJECT_BINARY_DIR}/jicengConfig.cmake
  INSTALL_DESTINATION ${_jiceng_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/jicengConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/jicengConfig.cmake ${PROJECT_BINARY_DIR}/jicengConfigVersion.cmake
  cmake/FindERFA.cmake DESTINATION ${_jiceng_cmake_dir} COMPONENT dev)

# pkg-config files locate the prefix from where they are installed (${pcfiledir}), so
# `cmake --install --prefix P` and a package manager's prefix both hold.
file(RELATIVE_PATH JICENG_PC_PREFIX_FROM_PCFILEDIR "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" JICENG_PC_PREFIX_FROM_PCFILEDIR "${JICENG_PC_PREFIX_FROM_PCFILEDIR}")
set(JICENG_PC_PREFIX "\${pcfiledir}/${JICENG_PC_PREFIX_FROM_PCFILEDIR}")
# The area archives, users before what they use (the reverse of their order of making).
set(_jiceng_pc_areas ${JICENG_LIBRARY_AREAS})
list(REVERSE _jiceng_pc_areas)
list(TRANSFORM _jiceng_pc_areas PREPEND "-ljiceng_" OUTPUT_VARIABLE JICENG_PC_LIBS)
list(JOIN JICENG_PC_LIBS " " JICENG_PC_LIBS)
configure_file(cmake/jiceng.pc.in ${PROJECT_BINARY_DIR}/jiceng.pc @ONLY)
configure_file(capi/jiceng-c.pc.in ${PROJECT_BINARY_DIR}/jiceng-c.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/jiceng.pc ${PROJECT_BINARY_DIR}/jiceng-c.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

if(TARGET jiceng_cli)
  install(TARGETS jiceng_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
endif()

# The API reference, when `docs` was built (scripts/dev docs, scripts/dev package).
install(DIRECTORY ${PROJECT_BINARY_DIR}/docs/html/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/html COMPONENT dev
  OPTIONAL)

# The Python bindings, with jiceng/_installed.py saying where libjiceng.so.N is relative to
# the package, so that `import jiceng` finds the library installed beside it under any
# prefix, with no environment variable.
set(JICENG_PYTHON_INSTALL_DIR "lib/python3/dist-packages" CACHE STRING
  "Where the Python package goes, relative to the prefix (Debian's layout by default)")
if(TARGET jiceng_c)
  file(RELATIVE_PATH _jiceng_py_lib "/p/${JICENG_PYTHON_INSTALL_DIR}/jiceng"
       "/p/${CMAKE_INSTALL_LIBDIR}/libjiceng.so.${JICENG_ABI_VERSION}")
  file(WRITE ${PROJECT_BINARY_DIR}/python/_installed.py
    "# Written by the install (cmake/install.cmake): libjiceng.so.N relative to this package.\n"
    "LIBRARY = \"${_jiceng_py_lib}\"\n")
  install(DIRECTORY bindings/python/jiceng/ DESTINATION ${JICENG_PYTHON_INSTALL_DIR}/jiceng COMPONENT python
    FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
  install(FILES ${PROJECT_BINARY_DIR}/python/_installed.py DESTINATION ${JICENG_PYTHON_INSTALL_DIR}/jiceng
    COMPONENT python)
endif()

include(cmake/package.cmake)
