# check_diff_expected.cmake: runs `vmsgen diff OLD NEW ARGS` in DIR (so file names in the report
# are relative) and compares its standard output with an expected file.
#   -DVMSGEN=path -DDIR=dir -DOLD=file -DNEW=file -DWANT_RC=N -DEXPECTED=file [-DARGS="a|b"]
# VMS_UPDATE_GOLDEN=1 in the environment rewrites EXPECTED instead (review the diff).
foreach(v VMSGEN DIR OLD NEW WANT_RC EXPECTED)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_diff_expected.cmake: ${v} is required")
  endif()
endforeach()
set(extra)
if(DEFINED ARGS)
  string(REPLACE "|" ";" extra "${ARGS}")
endif()
execute_process(COMMAND "${VMSGEN}" diff "${OLD}" "${NEW}" ${extra} WORKING_DIRECTORY "${DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL WANT_RC)
  message(FATAL_ERROR "exit status ${rc}, expected ${WANT_RC}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if("$ENV{VMS_UPDATE_GOLDEN}" STREQUAL "1")
  file(WRITE "${EXPECTED}" "${out}")
  return()
endif()
file(READ "${EXPECTED}" want)
if(NOT out STREQUAL want)
  file(WRITE "${EXPECTED}.actual" "${out}")
  message(FATAL_ERROR "output differs from ${EXPECTED} (actual output in ${EXPECTED}.actual):\n"
                      "${out}")
endif()
