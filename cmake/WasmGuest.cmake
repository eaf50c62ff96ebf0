# ox_add_wasm_guest(NAME SOURCES src... [WASI] [EXPORTS sym...] [CFLAGS ...] [LDFLAGS ...]
#                   [DEPENDS file...])   (DEPENDS: headers etc. that trigger a rebuild)
#
# Compiles C sources to ${CMAKE_CURRENT_BINARY_DIR}/NAME.wasm with Debian's
# clang and lld at build time and adds a target NAME_wasm that builds it.
#   WASI     link against wasi-libc as a command (main → _start)
#   REACTOR  link against wasi-libc as a library (no main; exports listed)
#   neither  freestanding wasm32, no libc (-nostdlib, --no-entry)
# The variable NAME_WASM_PATH is set in the caller's scope.
find_program(OX_WASM_CLANG NAMES clang clang-14)
set(OX_WASI_SYSROOT "/usr" CACHE PATH "wasi-libc sysroot (Debian installs it under /usr)")

function(ox_add_wasm_guest name)
  cmake_parse_arguments(G "WASI;REACTOR" "" "SOURCES;EXPORTS;CFLAGS;LDFLAGS;DEPENDS" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.wasm)
  set(srcs)
  foreach(s ${G_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
  endforeach()
  set(flags -O2 -Wall -Wextra ${G_CFLAGS})
  if(OX_WERROR)
    list(APPEND flags -Werror)
  endif()
  if(G_WASI)
    list(APPEND flags --target=wasm32-wasi --sysroot=${OX_WASI_SYSROOT})
  elseif(G_REACTOR)
    list(APPEND flags --target=wasm32-wasi --sysroot=${OX_WASI_SYSROOT} -mexec-model=reactor)
  else()
    list(APPEND flags --target=wasm32 -nostdlib -Wl,--no-entry)
  endif()
  foreach(e ${G_EXPORTS})
    list(APPEND flags -Wl,--export=${e})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${OX_WASM_CLANG} ${flags} ${srcs} ${G_LDFLAGS} -o ${out}
    DEPENDS ${srcs} ${G_DEPENDS}
    COMMENT "wasm32: ${name}.wasm"
    VERBATIM)
  add_custom_target(${name}_wasm ALL DEPENDS ${out})
  set(${name}_WASM_PATH ${out} PARENT_SCOPE)
endfunction()
