#[=======================================================================[.rst:
VMStateGenerate
---------------

Generates the migration description tables of annotated C headers at build
time with ``vmsgen`` and adds them to a target: the one line a device project
needs after ``find_package(vmstate)``.

.. code-block:: cmake

  find_package(vmstate REQUIRED)       # or add_subdirectory() of the vmstate tree
  add_library(mydev mydev.c)
  vmstate_generate(TARGET mydev HEADERS mydev.h)

.. command:: vmstate_generate

  .. code-block:: cmake

    vmstate_generate(TARGET <target> HEADERS <header>...
                     [OUTPUT_DIR <dir>]
                     [BASELINE_DIR <dir> [ACCEPT <file>]]
                     [RUNTIME <target>] [VMSGEN <target or path>]
                     [OPTIONS <vmsgen option>...])

  ``TARGET``
    The executable or library that gets the tables. It must be defined in the
    directory that calls ``vmstate_generate`` (custom command outputs belong
    to their directory) and not be imported; an ALIAS names its target.
  ``HEADERS``
    The annotated headers, relative to the current source directory or
    absolute; one ``vmsgen generate`` command each. Two headers of one call
    may not share a base name.
  ``OUTPUT_DIR``
    Where ``<base>.vms.h``, ``<base>.vms.c``, ``<base>.vms.json`` and the
    depfile ``<base>.vms.d`` go; relative to the current binary directory.
    Default: ``<current binary dir>/<target>.vms``.
  ``BASELINE_DIR``
    The committed schemas of the last release, ``<dir>/<base>.vms.json`` for
    every header (copy them from ``OUTPUT_DIR`` when you release). The build
    then runs ``vmsgen diff <dir>/<base>.vms.json <OUTPUT_DIR>/<base>.vms.json``
    whenever either changes and fails on a breaking change, printing the
    report (``file:line: error: section/field: ... [RULE, breaks ...]``).
  ``ACCEPT``
    With ``BASELINE_DIR``: the accepted-breaks file passed as ``--accept``
    (``RULE_ID section/path  # reason`` per line, docs/cli.md); breaks it
    lists are reported as ``accepted:`` and do not fail the build. Editing it
    reruns the check.
  ``RUNTIME``
    The runtime library to link. Default ``vmstate::runtime`` (static); pass
    ``vmstate::runtime_shared`` for the shared ``libvmstate.so``.
  ``VMSGEN``
    The generator: a target or the absolute path of an executable. Default
    ``vmstate::vmsgen``.
  ``OPTIONS``
    More arguments for ``vmsgen generate``, before the header, such as
    ``--target <triple>`` and ``--sysroot <dir>`` for a cross build.

  For each header ``<base>.h`` it adds one custom command that runs

  .. code-block:: none

    vmsgen generate -I<include dirs of TARGET>... -D<compile definitions of TARGET>...
                    <OPTIONS> -o <OUTPUT_DIR> --depfile <OUTPUT_DIR>/<base>.vms.d <header>

  The include directories and compile definitions are the target's own and
  those its linked libraries propagate (generator expressions, so they are
  the ones the compiler sees, including ``vmstate::runtime``'s, which hold
  ``<vms/annotate.h>``). The depfile lists every header vmsgen read: editing
  any header the annotated one includes regenerates the tables, with Ninja
  and Makefile generators alike, and a build where nothing changed runs
  nothing. The command also depends on vmsgen itself.

  Then ``<base>.vms.c`` (and ``.vms.h``) become sources of ``TARGET``, the
  output directory and the header's own directory go on its include path
  (``PUBLIC``, as build-tree paths only, so an exported target stays
  installable; the generated header includes the annotated one by base
  name), and ``RUNTIME`` is linked (``PUBLIC``: the generated header includes
  ``<vms/desc.h>``). Properties are appended directly, so this works whether
  the project uses the keyword or the plain ``target_link_libraries()``
  signature.

  Misuse stops the configure step with a ``FATAL_ERROR`` naming the problem:
  a missing ``TARGET`` or ``HEADERS``, an unknown or imported target, an
  unknown keyword, a header that does not exist, a missing baseline schema,
  ``ACCEPT`` without ``BASELINE_DIR`` or naming a missing file, no vmsgen.

Example, with a compatibility gate against the last release:

.. code-block:: cmake

  cmake_minimum_required(VERSION 3.20)
  project(uart C)
  find_package(vmstate 0.1 REQUIRED)
  add_executable(uart-demo uart-demo.c uart.c)
  vmstate_generate(TARGET uart-demo HEADERS uart.h
                   BASELINE_DIR schema ACCEPT schema/accepted.txt)

#]=======================================================================]

include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "VMStateGenerate needs CMake 3.20 or later (custom command depfiles "
                      "with Makefile generators)")
endif()
# The function records these policies (CMP0116: depfile paths as Ninja and Make expect them),
# whatever the calling project's cmake_minimum_required says.
cmake_policy(PUSH)
cmake_policy(VERSION 3.20...3.25)

# _vmstate_vmsgen_tool(<fn> <vmsgen> <out_command> <out_depends>): the command line word and the
# dependency for vmsgen given as a target (ALIAS or IMPORTED) or an absolute path; an empty
# <vmsgen> means vmstate::vmsgen. <fn> names the calling function in errors. VMStateCompat.cmake
# uses it too.
function(_vmstate_vmsgen_tool fn vmsgen out_command out_depends)
  if(vmsgen STREQUAL "")
    if(NOT TARGET vmstate::vmsgen)
      message(FATAL_ERROR "${fn}: there is no vmstate::vmsgen target: find_package(vmstate) "
                          "first, or the vmstate package was built without the generator "
                          "(VMS_BUILD_GENERATOR=OFF); pass VMSGEN <path> or use a package that "
                          "has it")
    endif()
    set(vmsgen vmstate::vmsgen)
  endif()
  if(TARGET "${vmsgen}")
    get_target_property(real "${vmsgen}" ALIASED_TARGET)
    if(NOT real)
      set(real "${vmsgen}")
    endif()
    get_target_property(type "${real}" TYPE)
    if(NOT type STREQUAL "EXECUTABLE")
      message(FATAL_ERROR "${fn}: VMSGEN '${vmsgen}' is a ${type}, not an executable")
    endif()
    set(${out_command} "$<TARGET_FILE:${real}>" PARENT_SCOPE)
    get_target_property(imported "${real}" IMPORTED)
    if(imported)
      set(${out_depends} "$<TARGET_FILE:${real}>" PARENT_SCOPE)
    else()
      set(${out_depends} "${real}" PARENT_SCOPE)
    endif()
  elseif(IS_ABSOLUTE "${vmsgen}" AND EXISTS "${vmsgen}" AND NOT IS_DIRECTORY "${vmsgen}")
    set(${out_command} "${vmsgen}" PARENT_SCOPE)
    set(${out_depends} "${vmsgen}" PARENT_SCOPE)
  else()
    message(FATAL_ERROR "${fn}: VMSGEN '${vmsgen}' is neither a target nor the absolute path of "
                        "an existing vmsgen")
  endif()
endfunction()

# _vmstate_generate_target(<target> <out_var>): the real (non-ALIAS) target, checked usable.
function(_vmstate_generate_target tgt out_var)
  set(fn vmstate_generate)
  if(NOT TARGET "${tgt}")
    message(FATAL_ERROR "${fn}: TARGET '${tgt}' is not a target (define it with add_executable() "
                        "or add_library() before calling ${fn})")
  endif()
  get_target_property(real "${tgt}" ALIASED_TARGET)
  if(NOT real)
    set(real "${tgt}")
  endif()
  get_target_property(imported "${real}" IMPORTED)
  if(imported)
    message(FATAL_ERROR "${fn}: TARGET '${tgt}' is imported; the tables must be compiled into a "
                        "target this project builds")
  endif()
  get_target_property(type "${real}" TYPE)
  if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
    message(FATAL_ERROR "${fn}: TARGET '${tgt}' is a ${type}, which compiles no sources")
  endif()
  get_target_property(dir "${real}" SOURCE_DIR)
  if(NOT dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    message(FATAL_ERROR "${fn}: TARGET '${tgt}' is defined in ${dir}; call ${fn} in that "
                        "directory's CMakeLists.txt (custom command outputs belong to the "
                        "directory that creates them)")
  endif()
  set(${out_var} "${real}" PARENT_SCOPE)
endfunction()

# _vmstate_generate_headers(<out_var> <header>...): absolute paths, each existing (or generated),
# no two with one base name.
function(_vmstate_generate_headers out_var)
  set(fn vmstate_generate)
  set(headers "")
  set(bases "")
  foreach(h IN LISTS ARGN)
    get_filename_component(abs "${h}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_source_file_property(generated "${abs}" GENERATED)
    if(NOT EXISTS "${abs}" AND NOT generated)
      set(hint "")
      if(h MATCHES "^[A-Z_]+$")
        set(hint " ('${h}' is not a keyword: TARGET HEADERS OUTPUT_DIR BASELINE_DIR ACCEPT "
                 "RUNTIME VMSGEN OPTIONS)")
      endif()
      message(FATAL_ERROR "${fn}: header '${h}' does not exist (${abs})${hint}")
    endif()
    get_filename_component(base "${abs}" NAME_WLE)
    list(FIND bases "${base}" at)
    if(at GREATER -1)
      message(FATAL_ERROR "${fn}: HEADERS has two headers with base name '${base}'; their "
                          "${base}.vms.* files would collide (use two calls with OUTPUT_DIR)")
    endif()
    list(APPEND bases "${base}")
    list(APPEND headers "${abs}")
  endforeach()
  set(${out_var} "${headers}" PARENT_SCOPE)
endfunction()

# _vmstate_generate_claim(<target> <file>): one vmstate_generate() per output file.
function(_vmstate_generate_claim tgt file)
  get_property(owner GLOBAL PROPERTY "_VMSTATE_GENERATED:${file}")
  if(owner)
    message(FATAL_ERROR "vmstate_generate: ${file} is already generated for target '${owner}'; "
                        "give this call another OUTPUT_DIR")
  endif()
  set_property(GLOBAL PROPERTY "_VMSTATE_GENERATED:${file}" "${tgt}")
endfunction()

function(vmstate_generate)
  set(fn vmstate_generate)
  cmake_parse_arguments(PARSE_ARGV 0 G "" "TARGET;OUTPUT_DIR;BASELINE_DIR;ACCEPT;RUNTIME;VMSGEN"
                        "HEADERS;OPTIONS")
  if(G_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${fn}: unknown arguments '${G_UNPARSED_ARGUMENTS}' (the keywords are "
                        "TARGET HEADERS OUTPUT_DIR BASELINE_DIR ACCEPT RUNTIME VMSGEN OPTIONS)")
  endif()
  foreach(kw TARGET HEADERS)
    if("${G_${kw}}" STREQUAL "")
      message(FATAL_ERROR "${fn}: ${kw} is required (${fn}(TARGET <target> HEADERS <header>...))")
    endif()
  endforeach()
  foreach(kw IN LISTS G_KEYWORDS_MISSING_VALUES)
    if(NOT kw STREQUAL "OPTIONS")
      message(FATAL_ERROR "${fn}: ${kw} given without a value")
    endif()
  endforeach()

  _vmstate_generate_target("${G_TARGET}" tgt)
  _vmstate_generate_headers(headers ${G_HEADERS})
  _vmstate_vmsgen_tool(${fn} "${G_VMSGEN}" vmsgen vmsgen_depends)
  if(NOT G_RUNTIME)
    set(G_RUNTIME vmstate::runtime)
  endif()
  if(NOT TARGET "${G_RUNTIME}")
    message(FATAL_ERROR "${fn}: RUNTIME '${G_RUNTIME}' is not a target (find_package(vmstate) "
                        "first)")
  endif()
  if(G_OUTPUT_DIR)
    get_filename_component(out "${G_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(out "${CMAKE_CURRENT_BINARY_DIR}/${G_TARGET}.vms")
  endif()
  if(G_ACCEPT AND NOT G_BASELINE_DIR)
    message(FATAL_ERROR "${fn}: ACCEPT needs BASELINE_DIR (the accepted breaks are breaks "
                        "against a baseline)")
  endif()
  if(G_BASELINE_DIR)
    get_filename_component(baseline "${G_BASELINE_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT IS_DIRECTORY "${baseline}")
      message(FATAL_ERROR "${fn}: BASELINE_DIR '${G_BASELINE_DIR}' is not a directory (${baseline})")
    endif()
  endif()
  set(accept_args "")
  if(G_ACCEPT)
    get_filename_component(accept "${G_ACCEPT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${accept}")
      message(FATAL_ERROR "${fn}: ACCEPT file '${G_ACCEPT}' does not exist (${accept})")
    endif()
    set(accept_args --accept "${accept}")
  endif()

  # What the compiler sees, transitively: vmstate::runtime's interface brings <vms/annotate.h>.
  # Empty items (a $<CONFIG:...> definition in another configuration) are filtered out.
  set(incs "$<FILTER:$<TARGET_PROPERTY:${tgt},INCLUDE_DIRECTORIES>,INCLUDE,.>")
  set(defs "$<FILTER:$<TARGET_PROPERTY:${tgt},COMPILE_DEFINITIONS>,INCLUDE,.>")

  set(sources "")
  set(header_dirs "")
  foreach(header IN LISTS headers)
    get_filename_component(base "${header}" NAME_WLE)
    get_filename_component(hdir "${header}" DIRECTORY)
    get_filename_component(hname "${header}" NAME)
    list(APPEND header_dirs "${hdir}")
    set(gen "${out}/${base}.vms")
    _vmstate_generate_claim("${G_TARGET}" "${gen}.c")
    if(G_BASELINE_DIR AND NOT EXISTS "${baseline}/${base}.vms.json")
      message(FATAL_ERROR "${fn}: no baseline schema ${baseline}/${base}.vms.json for header "
                          "${header}: copy ${gen}.json there after a first build (and commit it)")
    endif()
    add_custom_command(
      OUTPUT "${gen}.c" "${gen}.h" "${gen}.json"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${out}"
      COMMAND ${vmsgen} generate "$<$<BOOL:${incs}>:-I$<JOIN:${incs},;-I>>"
              "$<$<BOOL:${defs}>:-D$<JOIN:${defs},;-D>>" ${G_OPTIONS} -o "${out}" --depfile "${gen}.d" "${header}"
      DEPENDS ${vmsgen_depends} "${header}"
      DEPFILE "${gen}.d"
      COMMENT "vmsgen: generating ${base}.vms.c and ${base}.vms.h from ${hname}"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    list(APPEND sources "${gen}.c" "${gen}.h")
    if(G_BASELINE_DIR)
      # A stamp output: the check reruns only when a schema, the accept file or vmsgen changes.
      set(accept_dep "")
      if(G_ACCEPT)
        set(accept_dep "${accept}")
      endif()
      add_custom_command(
        OUTPUT "${gen}.diff.stamp"
        COMMAND ${vmsgen} diff "${baseline}/${base}.vms.json" "${gen}.json" ${accept_args}
        COMMAND "${CMAKE_COMMAND}" -E touch "${gen}.diff.stamp"
        DEPENDS ${vmsgen_depends} "${gen}.json" "${baseline}/${base}.vms.json" ${accept_dep}
        COMMENT "vmsgen diff: ${base}.vms.json against the baseline in ${G_BASELINE_DIR}"
        VERBATIM)
      list(APPEND sources "${gen}.diff.stamp")
    endif()
  endforeach()
  list(PREPEND header_dirs "${out}")
  list(REMOVE_DUPLICATES header_dirs)

  target_sources(${tgt} PRIVATE ${sources})
  # Set as properties rather than through target_link_libraries(), whose keyword and plain
  # signatures may not be mixed on one target: this works with either.
  foreach(dir IN LISTS header_dirs)
    set_property(TARGET ${tgt} APPEND PROPERTY INCLUDE_DIRECTORIES "${dir}")
    set_property(TARGET ${tgt} APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES
                 "$<BUILD_INTERFACE:${dir}>")
  endforeach()
  get_target_property(links ${tgt} LINK_LIBRARIES)
  if(NOT G_RUNTIME IN_LIST links)
    set_property(TARGET ${tgt} APPEND PROPERTY LINK_LIBRARIES "${G_RUNTIME}")
    set_property(TARGET ${tgt} APPEND PROPERTY INTERFACE_LINK_LIBRARIES "${G_RUNTIME}")
  endif()
  # The generated tables use _Static_assert.
  target_compile_features(${tgt} PRIVATE c_std_11)
endfunction()

cmake_policy(POP)
