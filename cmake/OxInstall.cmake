# OxInstall.cmake — Oxide as a library people install:
#   cmake --install BUILD --prefix P
# puts the `oxide` command in P/bin, the libraries in P/lib (static and
# shared, with an SONAME), the public headers in P/include/oxide, pkg-config
# files for `oxide-wasm` (the engine and WASI) and `oxide` (engine and
# kernel), and a CMake package (find_package(Oxide): Oxide::wasm,
# Oxide::wasm_static, Oxide::oxide, Oxide::oxide_static).
#
# The installed libraries are made from the same objects as the build's own
# static libraries (compiled position-independent, every symbol hidden but
# the OX_API declarations of include/oxide), so nothing is compiled twice.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
find_package(Threads REQUIRED)

set(OX_SOVERSION 0) # bumped whenever the ABI breaks

function(ox_library name output kind)
  add_library(${name} ${kind} ${ARGN})
  set_target_properties(${name} PROPERTIES OUTPUT_NAME ${output} LINKER_LANGUAGE C)
  # <oxide/wasm.h> for the engine's own API, <wasm.h> for the standard one
  target_include_directories(${name} INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                               $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include/oxide/c-api>
                                               $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
                                               $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/oxide/c-api>)
  if(kind STREQUAL "SHARED")
    set_target_properties(${name} PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${OX_SOVERSION})
    if(NOT OX_SANITIZE)
      target_link_options(${name} PRIVATE "LINKER:--no-undefined")
    endif()
  endif()
endfunction()

set(OX_ENGINE_OBJECTS $<TARGET_OBJECTS:ox_wasm> $<TARGET_OBJECTS:ox_wasi> $<TARGET_OBJECTS:ox_capi>)
ox_library(oxide_wasm_shared oxide-wasm SHARED ${OX_ENGINE_OBJECTS})
ox_library(oxide_wasm_static oxide-wasm STATIC ${OX_ENGINE_OBJECTS})
target_link_libraries(oxide_wasm_shared PRIVATE m Threads::Threads)
target_link_libraries(oxide_wasm_static INTERFACE m pthread)
set(OX_PC_WASM_PRIVATE "-lm -lpthread")
if(OX_LLVM_FOUND) # the compiling tier: its library, loaded on first use
  target_link_libraries(oxide_wasm_shared PRIVATE ${CMAKE_DL_LIBS})
  target_link_libraries(oxide_wasm_static INTERFACE ${CMAKE_DL_LIBS})
  set(OX_PC_WASM_PRIVATE "${OX_PC_WASM_PRIVATE} -ldl")
  install(TARGETS oxide_jit LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/oxide)
endif()
set_target_properties(oxide_wasm_shared PROPERTIES EXPORT_NAME wasm)
set_target_properties(oxide_wasm_static PROPERTIES EXPORT_NAME wasm_static)
set(OX_INSTALL_TARGETS oxide_wasm_shared oxide_wasm_static)

if(TARGET ox_kernel)
  # Shared: against the shared system libraries (their static archives are
  # not position-independent); static: the consumer links them.
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(OX_LIB_DEPS REQUIRED IMPORTED_TARGET jansson sqlite3 libcrypto)
  set(OX_KERNEL_OBJECTS $<TARGET_OBJECTS:ox_kernel>)
  set(OX_PC_PRIVATE "sqlite3 libcrypto")
  set(OX_PC_LIBS_PRIVATE "-lpthread")
  set(OX_STATIC_DEPS_LIBS jansson sqlite3 crypto)
  if(TARGET ox_mcp)
    # libmicrohttpd is opened at run time by the HTTP transport (src/mcp/http_lib.h)
    list(APPEND OX_KERNEL_OBJECTS $<TARGET_OBJECTS:ox_mcp>)
    list(APPEND OX_STATIC_DEPS_LIBS ${CMAKE_DL_LIBS})
    set(OX_PC_LIBS_PRIVATE "${OX_PC_LIBS_PRIVATE} -ldl")
  endif()
  ox_library(oxide_shared oxide SHARED ${OX_KERNEL_OBJECTS})
  ox_library(oxide_static oxide STATIC ${OX_KERNEL_OBJECTS})
  target_link_libraries(oxide_shared PUBLIC oxide_wasm_shared PRIVATE PkgConfig::OX_LIB_DEPS
                        Threads::Threads m)
  if(TARGET ox_mcp)
    target_link_libraries(oxide_shared PRIVATE ${CMAKE_DL_LIBS})
  endif()
  target_link_libraries(oxide_static INTERFACE oxide_wasm_static ${OX_STATIC_DEPS_LIBS} pthread m)
  set_target_properties(oxide_shared PROPERTIES EXPORT_NAME oxide)
  set_target_properties(oxide_static PROPERTIES EXPORT_NAME oxide_static)
  list(APPEND OX_INSTALL_TARGETS oxide_shared oxide_static)
endif()

install(TARGETS oxide RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ${OX_INSTALL_TARGETS} EXPORT OxideTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/oxide DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

set(OX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Oxide)
install(EXPORT OxideTargets NAMESPACE Oxide:: DESTINATION ${OX_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/OxideConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/OxideConfig.cmake INSTALL_DESTINATION ${OX_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/OxideConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/OxideConfig.cmake ${PROJECT_BINARY_DIR}/OxideConfigVersion.cmake
        DESTINATION ${OX_CMAKE_DIR})

foreach(pc oxide-wasm oxide)
  if(pc STREQUAL "oxide" AND NOT TARGET ox_kernel)
    continue()
  endif()
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

# A Debian package of the above: `cpack -G DEB` in the build folder. Its
# dependencies are what dpkg-shlibdeps finds the binaries linked against.
set(CPACK_PACKAGE_NAME oxide)
set(CPACK_PACKAGE_VENDOR "Oxide")
set(CPACK_PACKAGE_CONTACT "Oxide developers <oxide@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "WebAssembly engine and agent-native micro-kernel: the oxide command, liboxide-wasm (with the standard C API) and liboxide")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(TARGET ox_mcp AND OX_MHD_SONAME MATCHES "^libmicrohttpd\\.so\\.([0-9]+)$")
  # opened at run time by `oxide mcp --http` (src/mcp/http_lib.h), so
  # dpkg-shlibdeps cannot see it
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libmicrohttpd${CMAKE_MATCH_1}")
endif()
set(CPACK_GENERATOR DEB)
include(CPack)
