# run_case.cmake: one golden generator case, run by CTest as `cmake -P`.
#   -DVMSGEN=<vmsgen> -DCASE_DIR=<tests/golden/case> -DOUT_DIR=<scratch dir> [-DINCLUDES=a;b]
#   [-DOVERWRITE=1]
# Generates from CASE_DIR/input*.h into OUT_DIR, writes `vmsgen schema` of all
# of them (pretty, as people read it) to OUT_DIR/schema.json, and compares
# every file of CASE_DIR/expected byte for byte. With VMS_UPDATE_GOLDEN=1 in the environment
# it rewrites expected/ instead (review the diff) and fails, so nobody commits
# an update by accident. With OVERWRITE=1 it first fills OUT_DIR with a longer
# junk file under each expected name, as a previous build's output: vmsgen
# rewrites its files in place and must cut them to the new length.
foreach(var VMSGEN CASE_DIR OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_case.cmake: ${var} is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")
if(OVERWRITE)
  file(GLOB previous RELATIVE "${CASE_DIR}/expected" "${CASE_DIR}/expected/*")
  foreach(f IN LISTS previous)
    file(SIZE "${CASE_DIR}/expected/${f}" size)
    string(REPEAT "stale output of an older build\n" 64 block)
    set(junk "")
    string(LENGTH "${junk}" len)
    while(len LESS_EQUAL size)
      string(APPEND junk "${block}")
      string(LENGTH "${junk}" len)
    endwhile()
    file(WRITE "${OUT_DIR}/${f}" "${junk}")
  endforeach()
endif()
set(args generate -o "${OUT_DIR}")
foreach(dir IN LISTS INCLUDES)
  list(APPEND args -I "${dir}")
endforeach()
file(GLOB inputs RELATIVE "${CASE_DIR}" "${CASE_DIR}/input*.h")
list(SORT inputs)
foreach(input IN LISTS inputs)
  execute_process(COMMAND "${VMSGEN}" ${args} "${CASE_DIR}/${input}"
                  WORKING_DIRECTORY "${CASE_DIR}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "vmsgen failed on ${input} (exit ${rc}):\n${err}")
  endif()
endforeach()

set(schema_args schema -o "${OUT_DIR}/schema.json")
foreach(dir IN LISTS INCLUDES)
  list(APPEND schema_args -I "${dir}")
endforeach()
execute_process(COMMAND "${VMSGEN}" ${schema_args} ${inputs}
                WORKING_DIRECTORY "${CASE_DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vmsgen schema failed (exit ${rc}):\n${err}")
endif()

file(GLOB produced RELATIVE "${OUT_DIR}" "${OUT_DIR}/*")
if(DEFINED ENV{VMS_UPDATE_GOLDEN} AND "$ENV{VMS_UPDATE_GOLDEN}" STREQUAL "1" AND NOT OVERWRITE)
  file(REMOVE_RECURSE "${CASE_DIR}/expected")
  file(MAKE_DIRECTORY "${CASE_DIR}/expected")
  foreach(f IN LISTS produced)
    file(COPY "${OUT_DIR}/${f}" DESTINATION "${CASE_DIR}/expected")
  endforeach()
  message(FATAL_ERROR "VMS_UPDATE_GOLDEN=1: rewrote ${CASE_DIR}/expected; review with git diff")
endif()

file(GLOB expected RELATIVE "${CASE_DIR}/expected" "${CASE_DIR}/expected/*")
list(SORT expected)
list(SORT produced)
if(NOT expected STREQUAL produced)
  message(FATAL_ERROR "files differ: expected [${expected}], generated [${produced}]")
endif()
foreach(f IN LISTS expected)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${CASE_DIR}/expected/${f}" "${OUT_DIR}/${f}"
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    execute_process(COMMAND diff -u "${CASE_DIR}/expected/${f}" "${OUT_DIR}/${f}" OUTPUT_VARIABLE d)
    message(FATAL_ERROR "${f} differs from the golden copy:\n${d}")
  endif()
endforeach()
