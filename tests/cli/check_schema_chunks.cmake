# check_schema_chunks.cmake: the schema `vmsgen generate` writes (rendered in chunks on two
# threads) equals `vmsgen schema --compact` (one thread) byte for byte, and `vmsgen schema`
# (pretty) as JSON, on a header with enough sections for many chunks.
#   -DVMSGEN=<vmsgen> -DGEN_HEADER=<gen_header> -DOUT_DIR=<scratch dir>
foreach(var VMSGEN GEN_HEADER OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_schema_chunks.cmake: ${var} is required")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${OUT_DIR}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "'${ARGN}' failed (exit ${rc}):\n${err}")
  endif()
endfunction()

file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}/out")
run("${GEN_HEADER}" -n 300 -m 8 -o "${OUT_DIR}/many.h")
run("${VMSGEN}" generate -o "${OUT_DIR}/out" "${OUT_DIR}/many.h")
run("${VMSGEN}" schema --compact -o "${OUT_DIR}/compact.json" "${OUT_DIR}/many.h")
run("${VMSGEN}" schema -o "${OUT_DIR}/pretty.json" "${OUT_DIR}/many.h")

execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUT_DIR}/out/many.vms.json"
                        "${OUT_DIR}/compact.json" RESULT_VARIABLE differ)
if(differ)
  message(FATAL_ERROR "generate's many.vms.json differs from schema --compact")
endif()

file(READ "${OUT_DIR}/compact.json" compact)
file(READ "${OUT_DIR}/pretty.json" pretty)
string(JSON n_keys LENGTH "${compact}") # vmschkmachine and the sections
if(n_keys LESS 100)
  message(FATAL_ERROR "expected hundreds of sections (many chunks), got ${n_keys}")
endif()
string(JSON same EQUAL "${compact}" "${pretty}")
if(NOT same)
  message(FATAL_ERROR "schema --compact and schema are not the same JSON")
endif()
# a line per key (vmschkmachine, every section), and the braces on lines of their own
string(REGEX MATCHALL "\n" newlines "${compact}")
list(LENGTH newlines n_lines)
math(EXPR want "${n_keys} + 2")
if(NOT n_lines EQUAL want)
  message(FATAL_ERROR "expected ${want} lines (a section per line), got ${n_lines}")
endif()
