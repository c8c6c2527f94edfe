# check_realdev_replay.cmake: QEMU 7.2's own dump of the devices tests/realdev annotates, against
# the schema vmsgen writes for them, in both directions; the verdicts must be QEMU's checker's
# (tests/diff/checker-verdicts.md): -s qemu -d ours finds nothing, -s ours -d qemu flags exactly
# the sections QEMU's dump does not have.
#   -DVMSGEN=path -DDUMP=qemu-dump.json -DSCHEMA=realdev.schema.json -DWORK=dir
#   -DWANT_REVERSE="section|..."   sections the reverse direction must flag (and no others)
#   -DWANT_FORWARD="section|..."   optional: sections -s qemu -d ours must flag (and no others),
#                                  the known differences listed in tests/realdev/test_schema_qemu.c
foreach(v VMSGEN DUMP SCHEMA WORK WANT_REVERSE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_realdev_replay.cmake: ${v} is required")
  endif()
endforeach()
file(READ "${DUMP}" dump)
file(READ "${SCHEMA}" ours)
# QEMU's dump cut to the sections our schema has (QEMU's checker compares section by section).
set(cut "{}")
string(JSON n LENGTH "${ours}")
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON key MEMBER "${ours}" ${i})
  string(JSON section ERROR_VARIABLE missing GET "${dump}" "${key}")
  if(NOT missing)
    string(JSON cut SET "${cut}" "${key}" "${section}")
  endif()
endforeach()
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/qemu-7.2-realdev.json" "${cut}")

# The sections whose errors a direction reports, sorted, in @var.
function(flagged_sections var json)
  set(flagged)
  string(JSON n LENGTH "${json}")
  if(n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      string(JSON sev GET "${json}" ${i} severity)
      string(JSON section GET "${json}" ${i} section)
      if(sev STREQUAL "error")
        list(APPEND flagged "${section}")
      endif()
    endforeach()
  endif()
  list(REMOVE_DUPLICATES flagged)
  list(SORT flagged)
  set(${var} "${flagged}" PARENT_SCOPE)
endfunction()

if(NOT WANT_FORWARD)
  execute_process(COMMAND "${VMSGEN}" diff "${WORK}/qemu-7.2-realdev.json" "${SCHEMA}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "compatible: 0 breaking")
    message(FATAL_ERROR "qemu -> ours: exit ${rc}, expected 0 as QEMU's checker\n${out}\n${err}")
  endif()
else()
  # the known differences of test_schema_qemu.c, and only them
  execute_process(COMMAND "${VMSGEN}" diff "${WORK}/qemu-7.2-realdev.json" "${SCHEMA}" --format json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  flagged_sections(flagged "${out}")
  string(REPLACE "|" ";" want "${WANT_FORWARD}")
  list(SORT want)
  if(NOT rc EQUAL 1 OR NOT "${flagged}" STREQUAL "${want}")
    message(FATAL_ERROR "qemu -> ours: exit ${rc}, flags '${flagged}', expected '${want}'\n${out}")
  endif()
endif()
execute_process(COMMAND "${VMSGEN}" diff "${SCHEMA}" "${WORK}/qemu-7.2-realdev.json" --format json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "ours -> qemu: exit ${rc}, expected 1 as QEMU's checker\n${out}\n${err}")
endif()
flagged_sections(flagged "${out}")
string(REPLACE "|" ";" want "${WANT_REVERSE}")
list(SORT want)
if(NOT "${flagged}" STREQUAL "${want}")
  message(FATAL_ERROR "ours -> qemu flags '${flagged}', QEMU's checker '${want}'\n${out}")
endif()
