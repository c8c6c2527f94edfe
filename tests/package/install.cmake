# install.cmake: installs the build tree into a fresh prefix (the fixture of the package_* tests)
# and checks what landed there.
#   -DBUILD_DIR=<build tree> -DPREFIX=<scratch prefix> -DLIBDIR=<CMAKE_INSTALL_LIBDIR>
#   -DBINDIR=<CMAKE_INSTALL_BINDIR> -DINCLUDEDIR=<CMAKE_INSTALL_INCLUDEDIR>
#   -DCMAKEDIR=<package dir, relative> -DWITH_VMSGEN=0|1 -DWITH_VMSTATE=0|1 -DNM=<nm or empty>
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "cmake --install failed (${rc}):\n${out}${err}")
endif()

set(want
  ${LIBDIR}/libvmstate.a ${LIBDIR}/libvmstate.so
  ${INCLUDEDIR}/vms/vms.h ${INCLUDEDIR}/vms/desc.h ${INCLUDEDIR}/vms/engine.h
  ${INCLUDEDIR}/vms/error.h ${INCLUDEDIR}/vms/stream.h ${INCLUDEDIR}/vms/registry.h
  ${INCLUDEDIR}/vms/fast.h
  ${INCLUDEDIR}/vms/annotate.h
  ${LIBDIR}/pkgconfig/vmstate.pc
  ${CMAKEDIR}/vmstate-config.cmake ${CMAKEDIR}/vmstate-config-version.cmake
  ${CMAKEDIR}/vmstate-targets.cmake ${CMAKEDIR}/VMStateGenerate.cmake
  ${CMAKEDIR}/VMStateCompat.cmake ${CMAKEDIR}/vmstate_compat_check.cmake
  ${CMAKEDIR}/vmstate_compat_driver.c)
if(WITH_VMSGEN)
  list(APPEND want ${BINDIR}/vmsgen)
endif()
if(WITH_VMSTATE)
  list(APPEND want ${BINDIR}/vmstate)
endif()
foreach(f IN LISTS want)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
  endif()
endforeach()

# The shared library carries its soname's file and exports the public API only.
file(GLOB sonames "${PREFIX}/${LIBDIR}/libvmstate.so.*")
if(NOT sonames)
  message(FATAL_ERROR "no versioned libvmstate.so.* in ${PREFIX}/${LIBDIR}")
endif()
if(NM)
  execute_process(COMMAND "${NM}" -D --defined-only "${PREFIX}/${LIBDIR}/libvmstate.so"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE syms ERROR_VARIABLE err)
  if(NOT rc STREQUAL "0" OR NOT syms MATCHES " T vms_save\n")
    message(FATAL_ERROR "nm -D libvmstate.so failed or lacks vms_save (${rc}):\n${syms}${err}")
  endif()
  string(REGEX MATCHALL " [A-Z] vmsp_[A-Za-z0-9_]*" private "${syms}")
  if(private)
    message(FATAL_ERROR "libvmstate.so exports private symbols:${private}")
  endif()
endif()

# Nothing under the prefix names the source or build tree (a relocatable package), except
# the build-tree paths baked into vmsgen's binary.
file(GLOB_RECURSE texts "${PREFIX}/${CMAKEDIR}/*.cmake" "${PREFIX}/${LIBDIR}/pkgconfig/*.pc")
get_filename_component(src "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
foreach(f IN LISTS texts)
  file(READ "${f}" text)
  foreach(tree "${src}" "${BUILD_DIR}")
    string(FIND "${text}" "${tree}" at)
    if(at GREATER -1)
      message(FATAL_ERROR "${f} names ${tree}: the package is not relocatable")
    endif()
  endforeach()
endforeach()
message(STATUS "installed into ${PREFIX}")
