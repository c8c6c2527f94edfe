# vmstate_compat_check.cmake: one check of a compatibility test (VMStateCompat.cmake), run by
# CTest as `cmake -P`, so it needs no shell. DRIVER is the newest release's driver, OLD_DRIVER
# release k's; a release's version number is what its driver's `version` command prints.
# Modes with GOLDEN also take -DGOLDEN_TEST=<the test that writes it>, for the hint when it is missing.
#   -DMODE=golden    -DDRIVER=<release driver> -DGOLDEN=<dir/v.bin> -DOUT=<scratch file>
#       the release saves its fill.c state at its own version; it must equal GOLDEN
#       (VMS_UPDATE_GOLDEN=1: rewrite GOLDEN instead, and fail saying so)
#   -DMODE=load      -DDRIVER -DOLD_DRIVER -DGOLDEN=<dir/k.bin>
#       the newest release loads GOLDEN at k's version
#   -DMODE=roundtrip -DDRIVER -DOLD_DRIVER -DGOLDEN -DOUT=<scratch file>
#       the newest release loads GOLDEN at k's version and saves it at that version to OUT,
#       which must equal GOLDEN byte for byte
#   -DMODE=backload  -DOLD_DRIVER -DOUT=<the roundtrip's OUT>
#       release k loads what the newest release saved for it
#   -DMODE=downgrade -DDRIVER -DOLD_DRIVER -DOUT=<scratch file>
#       the newest release saves its own fill.c state at k's version; release k loads it
#   -DMODE=cuts      -DDRIVER -DOLD_DRIVER -DGOLDEN=<dir/k.bin>
#       every truncation of GOLDEN, loaded atomically by the newest release at k's version,
#       fails and leaves its state byte-identical

function(require)
  foreach(var IN LISTS ARGN)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
      message(FATAL_ERROR "vmstate_compat_check.cmake: MODE=${MODE} needs -D${var}=...")
    endif()
  endforeach()
endfunction()

# run(<driver> <args>...): runs a driver; a failure stops the check with its message.
function(run driver)
  execute_process(COMMAND "${driver}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "0")
    string(REPLACE ";" " " args "${ARGN}")
    # Indented lines are printed as they are: CMake would rewrap the driver's message.
    string(STRIP "${err}${out}" said)
    string(REPLACE "\n" "\n  " said "  ${said}")
    message(FATAL_ERROR "${MODE}: `${driver} ${args}` failed (exit ${rc}):\n${said}")
  endif()
endfunction()

# version_of(<driver> <out_var>): the description's version in that release's header.
function(version_of driver out_var)
  execute_process(COMMAND "${driver}" version
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc STREQUAL "0" OR NOT out MATCHES "^[0-9]+$")
    message(FATAL_ERROR "${MODE}: `${driver} version` failed (exit ${rc}): ${err}${out}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# fresh_out(): removes OUT, so no earlier run's file can pass for this one's.
function(fresh_out)
  file(REMOVE "${OUT}")
  get_filename_component(out_dir "${OUT}" DIRECTORY)
  file(MAKE_DIRECTORY "${out_dir}")
endfunction()

function(require_golden)
  if(NOT EXISTS "${GOLDEN}")
    if(NOT DEFINED GOLDEN_TEST)
      set(GOLDEN_TEST "<name>_golden_<release>")
    endif()
    message(FATAL_ERROR "${MODE}: no golden payload ${GOLDEN}: create it with\n"
                        "  VMS_UPDATE_GOLDEN=1 ctest -R '^${GOLDEN_TEST}$'\n"
                        "and commit it")
  endif()
endfunction()

# hex_lines(<hex> <from> <to> <out_var>): bytes [from, to) of a hex string, 16 per line, with
# their offsets; <from> is a multiple of 16.
function(hex_lines hex from to out_var)
  set(text "")
  set(i ${from})
  while(i LESS to)
    math(EXPR column "${i} % 16")
    if(column EQUAL 0)
      math(EXPR off "${i}" OUTPUT_FORMAT HEXADECIMAL)
      string(SUBSTRING "${off}" 2 -1 off)
      string(LENGTH "${off}" n)
      if(n LESS 4)
        math(EXPR n "4 - ${n}")
        string(REPEAT "0" ${n} zeros)
        set(off "${zeros}${off}")
      endif()
      string(APPEND text "\n  ${off}:")
    endif()
    math(EXPR at "${i} * 2")
    string(SUBSTRING "${hex}" ${at} 2 byte)
    string(APPEND text " ${byte}")
    math(EXPR i "${i} + 1")
  endwhile()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# compare(<want file> <got file> <what>): byte for byte; on a difference, says where.
function(compare want got what)
  file(READ "${want}" want_hex HEX)
  file(READ "${got}" got_hex HEX)
  if(want_hex STREQUAL got_hex)
    return()
  endif()
  string(LENGTH "${want_hex}" want_len)
  string(LENGTH "${got_hex}" got_len)
  math(EXPR want_len "${want_len} / 2")
  math(EXPR got_len "${got_len} / 2")
  # The first differing byte: binary search for the longest common prefix.
  set(lo 0)
  set(hi ${want_len})
  if(got_len LESS hi)
    set(hi ${got_len})
  endif()
  while(lo LESS hi)
    math(EXPR mid "(${lo} + ${hi} + 1) / 2")
    math(EXPR chars "${mid} * 2")
    string(SUBSTRING "${want_hex}" 0 ${chars} a)
    string(SUBSTRING "${got_hex}" 0 ${chars} b)
    if(a STREQUAL b)
      set(lo ${mid})
    else()
      math(EXPR hi "${mid} - 1")
    endif()
  endwhile()
  math(EXPR from "${lo} - ${lo} % 16 - 16")
  if(from LESS 0)
    set(from 0)
  endif()
  foreach(side want got)
    math(EXPR to "${lo} + 16")
    if(to GREATER ${side}_len)
      set(to ${${side}_len})
    endif()
    hex_lines("${${side}_hex}" ${from} ${to} ${side}_dump)
  endforeach()
  math(EXPR at "${lo}" OUTPUT_FORMAT HEXADECIMAL)
  message(FATAL_ERROR "${what}: differs from ${want} at offset ${at} "
                      "(${want_len} bytes expected, ${got_len} written to ${got})\n"
                      "expected:${want_dump}\nwritten:${got_dump}")
endfunction()

if(MODE STREQUAL "golden")
  require(DRIVER GOLDEN OUT)
  version_of("${DRIVER}" version)
  fresh_out()
  run("${DRIVER}" save ${version} "${OUT}")
  if("$ENV{VMS_UPDATE_GOLDEN}" STREQUAL "1")
    configure_file("${OUT}" "${GOLDEN}" COPYONLY)
    message(FATAL_ERROR "VMS_UPDATE_GOLDEN=1: rewrote ${GOLDEN} (version ${version}); "
                        "review the change and commit it")
  endif()
  require_golden()
  compare("${GOLDEN}" "${OUT}" "the state this release saves at version ${version}")
elseif(MODE STREQUAL "load")
  require(DRIVER OLD_DRIVER GOLDEN)
  require_golden()
  version_of("${OLD_DRIVER}" version)
  run("${DRIVER}" load ${version} "${GOLDEN}")
elseif(MODE STREQUAL "cuts")
  require(DRIVER OLD_DRIVER GOLDEN)
  require_golden()
  version_of("${OLD_DRIVER}" version)
  run("${DRIVER}" cuts ${version} "${GOLDEN}")
elseif(MODE STREQUAL "roundtrip")
  require(DRIVER OLD_DRIVER GOLDEN OUT)
  require_golden()
  version_of("${OLD_DRIVER}" version)
  fresh_out()
  run("${DRIVER}" roundtrip ${version} "${GOLDEN}" "${OUT}")
  compare("${GOLDEN}" "${OUT}" "the newest release's save at version ${version}")
elseif(MODE STREQUAL "backload")
  require(OLD_DRIVER OUT)
  if(NOT EXISTS "${OUT}")
    message(FATAL_ERROR "backload: ${OUT} does not exist: the roundtrip test writes it")
  endif()
  version_of("${OLD_DRIVER}" version)
  run("${OLD_DRIVER}" load ${version} "${OUT}")
elseif(MODE STREQUAL "downgrade")
  require(DRIVER OLD_DRIVER OUT)
  version_of("${OLD_DRIVER}" version)
  fresh_out()
  run("${DRIVER}" save ${version} "${OUT}")
  run("${OLD_DRIVER}" load ${version} "${OUT}")
else()
  message(FATAL_ERROR "vmstate_compat_check.cmake: MODE must be golden, load, cuts, roundtrip, "
                      "backload or downgrade, not '${MODE}'")
endif()
