# check_output.cmake: runs a command in DIR and compares its standard output with an expected file.
#   -DCMD="prog|arg|..." -DDIR=dir -DWANT_RC=N -DEXPECTED=file
# VMS_UPDATE_GOLDEN=1 in the environment rewrites EXPECTED instead (review the diff).
foreach(v CMD DIR WANT_RC EXPECTED)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_output.cmake: ${v} is required")
  endif()
endforeach()
string(REPLACE "|" ";" cmd "${CMD}")
execute_process(COMMAND ${cmd} WORKING_DIRECTORY "${DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL WANT_RC)
  message(FATAL_ERROR "${CMD}: exit status ${rc}, expected ${WANT_RC}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if("$ENV{VMS_UPDATE_GOLDEN}" STREQUAL "1")
  file(WRITE "${EXPECTED}" "${out}")
  return()
endif()
file(READ "${EXPECTED}" want)
if(NOT out STREQUAL want)
  file(WRITE "${EXPECTED}.actual" "${out}")
  message(FATAL_ERROR "${CMD}: output differs from ${EXPECTED} (actual output in "
                      "${EXPECTED}.actual)")
endif()
