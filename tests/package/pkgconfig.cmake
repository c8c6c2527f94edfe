# pkgconfig.cmake: a project without CMake: vmstate.pc gives the flags, the installed vmsgen
# writes the tables, the compiler builds the UART demo against the shared libvmstate.
#   -DPREFIX=<installed prefix> -DLIBDIR=<CMAKE_INSTALL_LIBDIR> -DBINDIR=<CMAKE_INSTALL_BINDIR>
#   -DSOURCE=<examples/uart> -DWORK=<scratch dir> -DPKG_CONFIG=<pkg-config>
#   -DC_COMPILER=<cc> [-DC_FLAGS=...] [-DLINKER_FLAGS=...]
function(must what out_var)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc STREQUAL "0")
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "${what} failed (exit ${rc}): ${cmd}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${LIBDIR}/pkgconfig")
must("pkg-config --modversion" version "${PKG_CONFIG}" --modversion vmstate)
must("pkg-config --cflags" cflags "${PKG_CONFIG}" --cflags vmstate)
must("pkg-config --libs" libs "${PKG_CONFIG}" --libs vmstate)
must("pkg-config --static --libs" static_libs "${PKG_CONFIG}" --static --libs vmstate)
if(NOT libs MATCHES "-lvmstate")
  message(FATAL_ERROR "pkg-config --libs vmstate gives no -lvmstate: '${libs}'")
endif()
# The .pc file finds the prefix from its own place: the paths are the ones of this prefix.
get_filename_component(real_prefix "${PREFIX}" REALPATH)
foreach(flags cflags libs)
  separate_arguments(${flags} UNIX_COMMAND "${${flags}}")
endforeach()
foreach(flag IN LISTS cflags libs)
  if(flag MATCHES "^-[IL](.*)$")
    get_filename_component(dir "${CMAKE_MATCH_1}" REALPATH)
    string(FIND "${dir}" "${real_prefix}/" at)
    if(NOT at EQUAL 0)
      message(FATAL_ERROR "vmstate.pc points outside ${PREFIX}: ${flag}")
    endif()
  endif()
endforeach()

# <vms/annotate.h> comes from the pkg-config include path, as the compiler sees it.
must("vmsgen generate" ignored "${PREFIX}/${BINDIR}/vmsgen" generate ${cflags} -o "${WORK}"
     "${SOURCE}/uart.h")
separate_arguments(c_flags UNIX_COMMAND "${C_FLAGS}")
separate_arguments(ld_flags UNIX_COMMAND "${LINKER_FLAGS}")
must("compiling the demo" ignored "${C_COMPILER}" -std=c11 ${c_flags} ${cflags} -I "${WORK}"
     -I "${SOURCE}" "${SOURCE}/uart-demo.c" "${SOURCE}/uart.c" "${WORK}/uart.vms.c"
     -o "${WORK}/uart-demo" ${ld_flags} ${libs})
set(ENV{LD_LIBRARY_PATH} "${PREFIX}/${LIBDIR}")
must("uart-demo" out "${WORK}/uart-demo" "${WORK}/demo.mig")
if(NOT out MATCHES "OK: state restored identically")
  message(FATAL_ERROR "uart-demo did not restore the state:\n${out}")
endif()
message(STATUS "pkg-config vmstate ${version}: ${cflags} ${libs}")
