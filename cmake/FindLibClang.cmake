#[=======================================================================[.rst:
FindLibClang
------------

Finds libclang's C API (``clang-c/Index.h`` and ``libclang.so``) as the
``libclang-N-dev`` packages install it, without needing LLVM's or Clang's
CMake packages (Debian ships neither with ``libclang-N-dev``).

Header and library are taken from the *same* root, so two installed
versions never mix.

Input variables:

``LIBCLANG_VERSIONS``
  Major versions to try, in order (default ``19 18 17 16 15 14``: the newest
  installed wins). Pin one, e.g. ``-DLIBCLANG_VERSIONS=14``, when several are
  installed.
``LibClang_ROOT``
  A root to try first (CMake variable or environment), e.g. ``/usr/lib/llvm-14``.

Results:

``LibClang_FOUND``, ``LibClang_VERSION`` (e.g. ``14.0.6``),
``LibClang_INCLUDE_DIR``, ``LibClang_LIBRARY``,
``LibClang_RESOURCE_DIR``
  the builtin headers' root (``<root>/lib/clang/<ver>``), for
  ``-resource-dir``; empty when not found.
``LibClang::LibClang``
  imported target.

The results are cached: after changing the choice, use a new build directory
or ``cmake -U 'LibClang_*'``.

Example::

  list(APPEND CMAKE_MODULE_PATH ${PROJECT_SOURCE_DIR}/cmake)
  find_package(LibClang 14 REQUIRED)
  target_link_libraries(tool PRIVATE LibClang::LibClang)
  target_compile_definitions(tool PRIVATE RESOURCE_DIR="${LibClang_RESOURCE_DIR}")
#]=======================================================================]

if(NOT LIBCLANG_VERSIONS)
  set(LIBCLANG_VERSIONS 19 18 17 16 15 14)
endif()

set(_libclang_roots ${LibClang_ROOT} $ENV{LibClang_ROOT})
foreach(_v IN LISTS LIBCLANG_VERSIONS)
  list(APPEND _libclang_roots /usr/lib/llvm-${_v})
endforeach()

foreach(_r IN LISTS _libclang_roots)   # header and library from the SAME root
  if(NOT LibClang_LIBRARY AND EXISTS "${_r}/include/clang-c/Index.h")
    find_library(LibClang_LIBRARY NAMES clang PATHS "${_r}/lib" NO_DEFAULT_PATH)
    if(LibClang_LIBRARY)
      set(LibClang_INCLUDE_DIR "${_r}/include" CACHE PATH "clang-c include dir")
    endif()
  endif()
endforeach()

if(LibClang_INCLUDE_DIR)
  if(EXISTS "${LibClang_INCLUDE_DIR}/clang/Basic/Version.inc")
    file(STRINGS "${LibClang_INCLUDE_DIR}/clang/Basic/Version.inc" _libclang_vl
         REGEX "CLANG_VERSION_STRING")
    string(REGEX MATCH "[0-9]+(\\.[0-9]+)*" LibClang_VERSION "${_libclang_vl}")
  endif()
  get_filename_component(_libclang_root "${LibClang_INCLUDE_DIR}" DIRECTORY)
  file(GLOB _libclang_res "${_libclang_root}/lib/clang/*/include/stddef.h")   # builtin headers
  if(_libclang_res)
    list(GET _libclang_res 0 _libclang_res)
    get_filename_component(_libclang_res "${_libclang_res}" DIRECTORY)
    get_filename_component(LibClang_RESOURCE_DIR "${_libclang_res}" DIRECTORY)  # <root>/lib/clang/<ver>
  else()
    set(LibClang_RESOURCE_DIR "")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibClang
  REQUIRED_VARS LibClang_LIBRARY LibClang_INCLUDE_DIR
  VERSION_VAR LibClang_VERSION)

if(LibClang_FOUND AND NOT TARGET LibClang::LibClang)
  add_library(LibClang::LibClang SHARED IMPORTED)
  set_target_properties(LibClang::LibClang PROPERTIES
    IMPORTED_LOCATION "${LibClang_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LibClang_INCLUDE_DIR}")
endif()

mark_as_advanced(LibClang_LIBRARY LibClang_INCLUDE_DIR)
unset(_libclang_roots)
unset(_libclang_root)
unset(_libclang_res)
unset(_libclang_vl)
