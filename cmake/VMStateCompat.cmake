#[=======================================================================[.rst:
VMStateCompat
-------------

A compatibility test kit for devices described with vmstate annotations:
every build checks that the current device state still loads what each
older release saved, saves it back byte for byte, and that each older
release loads what the current build saves for it.

.. code-block:: cmake

  include(VMStateCompat)

Keep the history of the device in one directory, one folder per release,
oldest first::

  compat/nic/
    v1/nic.h    the annotated header as release v1 shipped it
    v1/fill.c   void compat_fill(void *state): a realistic state of release v1
    v1.bin      golden payload saved by release v1 (committed)
    v2/...      the same for v2, and so on; the last one is the current header

``fill.c`` sets only members its release has (the state starts zeroed), and
also defines the hooks or codecs the header names, standing in for the device
code of that release. It declares ``void compat_fill(void *state);`` itself.

.. command:: vmstate_add_compat_test

  .. code-block:: cmake

    vmstate_add_compat_test(NAME <name> DIR <dir> HEADER <file> TYPE <c type>
                            DESC <symbol> VERSIONS <v1> <v2>...
                            [VMSGEN <target or path>] [RUNTIME <target>]
                            [INCLUDES <dir>...])

  ``NAME``
    Prefix of the targets and tests created.
  ``DIR``
    The history directory (relative paths are relative to the current source
    directory).
  ``HEADER``
    File name of the annotated header inside each release folder (``nic.h``).
  ``TYPE``
    The C type of the state (``"struct Nic"``, or a typedef name).
  ``DESC``
    The description vmsgen generates for it (``vms_desc_Nic``).
  ``VERSIONS``
    The release folders, oldest first; at least two. The last is the newest.
    The version number of a release is its description's ``VMS_STATE``
    version, read from the release's driver.
  ``VMSGEN``
    The vmsgen to run: a target or the path of an executable. Default:
    ``vmstate::vmsgen`` (in this tree or from the installed package).
  ``RUNTIME``
    The runtime library target to link. Default: ``vmstate::runtime``.
  ``INCLUDES``
    More include directories, for vmsgen and the compiler alike.

  For each release ``<v>`` it generates the tables of ``<DIR>/<v>/<HEADER>``
  (one custom command with a depfile) and builds the driver ``<NAME>_<v>``
  from ``vmstate_compat_driver.c`` next to this module, the release's
  ``fill.c`` and the tables. A driver runs one command and exits 0, 1 on a
  failed check (with the runtime's error message) or 2 on a usage error::

    <driver> version                    print the description's version
    <driver> save VERSION FILE          compat_fill, then save at VERSION
    <driver> load VERSION FILE          load FILE at VERSION into a zeroed state
    <driver> roundtrip VERSION IN OUT   load IN at VERSION, save at VERSION to OUT

  Files hold the payload of the single description, as ``vms_save_version``
  writes it (no section framing). A load fails when bytes are left over.

  Tests, with N the newest release (all labelled ``vmstate_compat``):

  ``<NAME>_golden_<v>`` (every release)
    ``<DIR>/<v>.bin`` is still what release ``v``'s driver saves at its own
    version: an accidental edit of an old header, or a runtime change in the
    encoding, shows here. With ``VMS_UPDATE_GOLDEN=1`` in the environment the
    test rewrites ``<DIR>/<v>.bin`` instead and fails saying so; review the
    change and commit it.
  ``<NAME>_load_<k>`` (every release, N included)
    N's driver loads ``<k>.bin`` at ``k``'s version.
  ``<NAME>_cuts_<k>`` (every release, N included)
    every truncation of ``<k>.bin``, loaded by N's driver at ``k``'s version
    with ``VMS_LOAD_ATOMIC`` into its filled state, fails and leaves that
    state byte-identical (a cut that ends a complete payload, where only
    subsections could follow, loads).
  ``<NAME>_roundtrip_<k>`` (every release, N included)
    N's driver loads ``<k>.bin`` at ``k``'s version and saves it at that
    version again; the output equals ``<k>.bin`` byte for byte.
  ``<NAME>_backload_<k>`` (releases older than N)
    ``k``'s own driver loads that output.
  ``<NAME>_downgrade_<k>`` (releases older than N)
    N's driver saves its own ``fill.c`` state for ``k``'s version, and
    ``k``'s driver loads it: so the newest ``fill.c`` describes a state
    every older release can take (values that fit their types).

  The checks run through ``vmstate_compat_check.cmake`` (``cmake -P``), so
  they need no shell.

Example:

.. code-block:: cmake

  list(APPEND CMAKE_MODULE_PATH ${vmstate_SOURCE_DIR}/cmake)
  include(VMStateCompat)
  vmstate_add_compat_test(NAME compat_nic
                          DIR compat/nic
                          HEADER nic.h
                          TYPE "struct Nic"
                          DESC vms_desc_Nic
                          VERSIONS v1 v2 v3)

To release v4: copy the current header and ``fill.c`` to ``compat/nic/v4/``
(``v3/`` stays as shipped), add ``v4`` to ``VERSIONS``, run
``VMS_UPDATE_GOLDEN=1 ctest -R compat_nic_golden_v4`` once, and commit
``v4.bin`` with the rest.

.. command:: vmstate_add_compat_driver

  .. code-block:: cmake

    vmstate_add_compat_driver(TARGET <name> HEADER <path> TYPE <c type>
                              DESC <symbol> FILL <fill.c>
                              [VMSGEN <target or path>] [RUNTIME <target>]
                              [INCLUDES <dir>...])

  The building block of ``vmstate_add_compat_test``: one driver executable
  for one header, its tables generated in ``<binary dir>/<TARGET>.gen``.
  Useful to try a changed header against a history by hand.
#]=======================================================================]

include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "VMStateCompat needs CMake 3.20 or later (custom command depfiles)")
endif()
# The functions keep the policies they are defined under, whatever the including project sets.
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)
# _vmstate_vmsgen_tool(), shared with vmstate_generate(); the two files are installed together.
include(${CMAKE_CURRENT_LIST_DIR}/VMStateGenerate.cmake)

# The driver source and the check script sit next to this file, in the source
# tree and in an installed package alike.
set_property(GLOBAL PROPERTY VMSTATE_COMPAT_MODULE_DIR "${CMAKE_CURRENT_LIST_DIR}")

# _vmstate_compat_require(<fn> <prefix> <keyword>...): FATAL_ERROR unless each keyword got a value.
macro(_vmstate_compat_require fn prefix)
  if(${prefix}_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${fn}: unexpected arguments '${${prefix}_UNPARSED_ARGUMENTS}' "
                        "(every argument follows a keyword)")
  endif()
  if(${prefix}_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "${fn}: ${${prefix}_KEYWORDS_MISSING_VALUES} given without a value")
  endif()
  foreach(_vc_kw ${ARGN})
    if("${${prefix}_${_vc_kw}}" STREQUAL "")
      message(FATAL_ERROR "${fn}: ${_vc_kw} is required")
    endif()
  endforeach()
endmacro()


# _vmstate_compat_check_c(<fn> TYPE|DESC <value>): what goes into -D must be plain C.
function(_vmstate_compat_check_c fn kw value)
  if(kw STREQUAL "DESC" AND NOT value MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "${fn}: DESC '${value}' is not a C identifier (e.g. vms_desc_Nic)")
  endif()
  if(kw STREQUAL "TYPE" AND NOT value MATCHES "^[A-Za-z_][A-Za-z0-9_ ]*$")
    message(FATAL_ERROR "${fn}: TYPE '${value}' is not a C type name (e.g. \"struct Nic\")")
  endif()
endfunction()

function(vmstate_add_compat_driver)
  set(fn vmstate_add_compat_driver)
  cmake_parse_arguments(PARSE_ARGV 0 D "" "TARGET;HEADER;TYPE;DESC;FILL;VMSGEN;RUNTIME" "INCLUDES")
  _vmstate_compat_require(${fn} D TARGET HEADER TYPE DESC FILL)
  _vmstate_compat_check_c(${fn} TYPE "${D_TYPE}")
  _vmstate_compat_check_c(${fn} DESC "${D_DESC}")
  foreach(kw HEADER FILL)
    get_filename_component(D_${kw} "${D_${kw}}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${D_${kw}}")
      message(FATAL_ERROR "${fn}: ${kw} '${D_${kw}}' does not exist")
    endif()
  endforeach()
  _vmstate_vmsgen_tool(${fn} "${D_VMSGEN}" vmsgen_command vmsgen_depends)
  if(NOT D_RUNTIME)
    set(D_RUNTIME vmstate::runtime)
  endif()
  if(NOT TARGET "${D_RUNTIME}")
    message(FATAL_ERROR "${fn}: RUNTIME '${D_RUNTIME}' is not a target")
  endif()
  get_property(module_dir GLOBAL PROPERTY VMSTATE_COMPAT_MODULE_DIR)

  get_filename_component(header_dir "${D_HEADER}" DIRECTORY)
  get_filename_component(base "${D_HEADER}" NAME_WLE)
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/${D_TARGET}.gen")
  set(include_flags "")
  set(include_dirs "")
  foreach(dir IN LISTS D_INCLUDES)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND include_flags -I "${dir}")
    list(APPEND include_dirs "${dir}")
  endforeach()
  # vmsgen also gets the runtime's include path, which holds <vms/annotate.h> (in this tree and
  # in an installed package alike), so an installed vmsgen needs no path of its own.
  get_target_property(runtime_real "${D_RUNTIME}" ALIASED_TARGET)
  if(NOT runtime_real)
    set(runtime_real "${D_RUNTIME}")
  endif()
  set(runtime_incs "$<FILTER:$<TARGET_PROPERTY:${runtime_real},INTERFACE_INCLUDE_DIRECTORIES>,INCLUDE,.>")
  add_custom_command(
    OUTPUT "${gen_dir}/${base}.vms.c" "${gen_dir}/${base}.vms.h"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${gen_dir}"
    COMMAND ${vmsgen_command} generate ${include_flags}
            "$<$<BOOL:${runtime_incs}>:-I$<JOIN:${runtime_incs},;-I>>" -o "${gen_dir}"
            --depfile "${gen_dir}/${base}.vms.d" "${D_HEADER}"
    DEPENDS ${vmsgen_depends} "${D_HEADER}"
    DEPFILE "${gen_dir}/${base}.vms.d"
    COMMENT "vmsgen: tables of ${D_HEADER} for ${D_TARGET}"
    COMMAND_EXPAND_LISTS
    VERBATIM)

  add_executable(${D_TARGET} "${module_dir}/vmstate_compat_driver.c" "${D_FILL}"
                 "${gen_dir}/${base}.vms.c")
  # In the vmstate source tree <vms/annotate.h> lives apart from the runtime's
  # headers; an installed package puts it with them.
  if(EXISTS "${module_dir}/../annotations/vms/annotate.h")
    get_filename_component(annotations "${module_dir}/../annotations" ABSOLUTE)
    list(APPEND include_dirs "${annotations}")
  endif()
  target_include_directories(${D_TARGET} PRIVATE "${gen_dir}" "${header_dir}" ${include_dirs})
  target_compile_definitions(${D_TARGET} PRIVATE
    "COMPAT_HEADER=\"${base}.vms.h\"" "COMPAT_TYPE=${D_TYPE}" "COMPAT_DESC=${D_DESC}")
  target_link_libraries(${D_TARGET} PRIVATE ${D_RUNTIME})
  # Generated tables use _Static_assert.
  target_compile_features(${D_TARGET} PRIVATE c_std_11)
endfunction()

# _vmstate_compat_add_check(<test> <mode> [VAR=value]...): one CTest running the check script.
function(_vmstate_compat_add_check test mode)
  get_property(module_dir GLOBAL PROPERTY VMSTATE_COMPAT_MODULE_DIR)
  set(defs "")
  foreach(def IN LISTS ARGN)
    list(APPEND defs "-D${def}")
  endforeach()
  add_test(NAME ${test}
           COMMAND "${CMAKE_COMMAND}" -DMODE=${mode} ${defs}
                   -P "${module_dir}/vmstate_compat_check.cmake")
  set_tests_properties(${test} PROPERTIES LABELS vmstate_compat TIMEOUT 60)
endfunction()

# _vmstate_compat_check_history(<fn> <dir> <header> <version>...): every release folder has the
# header and a fill.c.
function(_vmstate_compat_check_history fn dir header)
  set(seen "")
  foreach(v IN LISTS ARGN)
    if(NOT v MATCHES "^[A-Za-z0-9_.+-]+$")
      message(FATAL_ERROR "${fn}: VERSIONS entry '${v}' is not a plain folder name")
    endif()
    list(FIND seen "${v}" at)
    if(at GREATER -1)
      message(FATAL_ERROR "${fn}: VERSIONS lists '${v}' twice")
    endif()
    list(APPEND seen "${v}")
    if(NOT EXISTS "${dir}/${v}/${header}")
      message(FATAL_ERROR "${fn}: HEADER '${header}' of VERSIONS entry '${v}' is missing: "
                          "no ${dir}/${v}/${header}")
    endif()
    if(NOT EXISTS "${dir}/${v}/fill.c")
      message(FATAL_ERROR "${fn}: VERSIONS entry '${v}' has no ${dir}/${v}/fill.c "
                          "(defining void compat_fill(void *state))")
    endif()
  endforeach()
endfunction()

# _vmstate_compat_add_tests(<name> <dir> <version>...): the checks between the drivers
# <name>_<version> (the header block lists them).
function(_vmstate_compat_add_tests name dir)
  list(GET ARGN -1 newest)
  set(newest_driver "DRIVER=$<TARGET_FILE:${name}_${newest}>")
  set(scratch "${CMAKE_CURRENT_BINARY_DIR}/${name}.out")
  foreach(k IN LISTS ARGN)
    set(old_driver "OLD_DRIVER=$<TARGET_FILE:${name}_${k}>")
    set(golden "GOLDEN=${dir}/${k}.bin" "GOLDEN_TEST=${name}_golden_${k}")
    _vmstate_compat_add_check(${name}_golden_${k} golden
      "DRIVER=$<TARGET_FILE:${name}_${k}>" ${golden} "OUT=${scratch}/golden_${k}.bin")
    _vmstate_compat_add_check(${name}_load_${k} load "${newest_driver}" "${old_driver}" ${golden})
    _vmstate_compat_add_check(${name}_cuts_${k} cuts "${newest_driver}" "${old_driver}" ${golden})
    _vmstate_compat_add_check(${name}_roundtrip_${k} roundtrip
      "${newest_driver}" "${old_driver}" ${golden} "OUT=${scratch}/roundtrip_${k}.bin")
    if(k STREQUAL newest)
      continue()
    endif()
    # The old release loads what the roundtrip wrote: the roundtrip sets up its input.
    set_tests_properties(${name}_roundtrip_${k} PROPERTIES FIXTURES_SETUP ${name}_roundtrip_${k})
    _vmstate_compat_add_check(${name}_backload_${k} backload
      "${old_driver}" "OUT=${scratch}/roundtrip_${k}.bin")
    set_tests_properties(${name}_backload_${k} PROPERTIES FIXTURES_REQUIRED ${name}_roundtrip_${k})
    _vmstate_compat_add_check(${name}_downgrade_${k} downgrade
      "${newest_driver}" "${old_driver}" "OUT=${scratch}/downgrade_${k}.bin")
  endforeach()
endfunction()

function(vmstate_add_compat_test)
  set(fn vmstate_add_compat_test)
  cmake_parse_arguments(PARSE_ARGV 0 C "" "NAME;DIR;HEADER;TYPE;DESC;VMSGEN;RUNTIME"
                        "VERSIONS;INCLUDES")
  _vmstate_compat_require(${fn} C NAME DIR HEADER TYPE DESC VERSIONS)
  list(LENGTH C_VERSIONS n_versions)
  if(n_versions LESS 2)
    message(FATAL_ERROR "${fn}: VERSIONS needs at least two releases to compare, got '${C_VERSIONS}'")
  endif()
  _vmstate_compat_check_c(${fn} TYPE "${C_TYPE}")
  _vmstate_compat_check_c(${fn} DESC "${C_DESC}")
  get_filename_component(dir "${C_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "${fn}: DIR '${dir}' is not a directory")
  endif()
  _vmstate_compat_check_history(${fn} "${dir}" "${C_HEADER}" ${C_VERSIONS})

  set(pass_on "")
  foreach(kw VMSGEN RUNTIME INCLUDES)
    if(NOT "${C_${kw}}" STREQUAL "")
      list(APPEND pass_on ${kw} ${C_${kw}})
    endif()
  endforeach()
  foreach(v IN LISTS C_VERSIONS)
    vmstate_add_compat_driver(TARGET ${C_NAME}_${v} HEADER "${dir}/${v}/${C_HEADER}"
                              TYPE "${C_TYPE}" DESC "${C_DESC}" FILL "${dir}/${v}/fill.c"
                              ${pass_on})
  endforeach()
  _vmstate_compat_add_tests(${C_NAME} "${dir}" ${C_VERSIONS})
endfunction()

cmake_policy(POP)
