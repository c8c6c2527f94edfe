# check_depfile.cmake: `vmsgen generate --depfile` names the outputs and every header read.
#   -DVMSGEN=<vmsgen> -DCASE_DIR=<tests/golden/two_headers> -DOUT_DIR=<scratch>
file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")
execute_process(COMMAND "${VMSGEN}" generate -o "${OUT_DIR}" --depfile "${OUT_DIR}/b.d"
                        "${CASE_DIR}/input_b.h"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vmsgen failed (${rc}): ${err}")
endif()
file(READ "${OUT_DIR}/b.d" dep)
foreach(want "^${OUT_DIR}/input_b.vms.c ${OUT_DIR}/input_b.vms.h:" "${CASE_DIR}/input_b.h"
             "${CASE_DIR}/input_a.h" "/stdint.h" "vms/annotate.h")
  if(NOT dep MATCHES "${want}")
    message(FATAL_ERROR "depfile lacks '${want}':\n${dep}")
  endif()
endforeach()
