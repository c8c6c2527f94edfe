# extract_common.cmake: included by the check_vmstate_extract*.cmake scripts. Runs
# `vmstate analyze STREAM --format qemu --extract DIR`, checks that it listed the files in the
# order analyze-migration.py -x does (@listing, one name a line) and that DIR's desc.json and
# state.json are the script's -d outputs (DATA.analyze-{desc,state}.json) without their final
# newline.
macro(vms_check_extract listing)
  file(REMOVE_RECURSE "${DIR}")
  execute_process(COMMAND ${VMSTATE} analyze ${STREAM} --format qemu --extract ${DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "exit status ${rc}\n${err}")
  endif()
  if(NOT out STREQUAL "${listing}")
    message(FATAL_ERROR "unexpected listing:\n${out}")
  endif()
  foreach(kind desc state)
    file(READ "${DATA}.analyze-${kind}.json" want)
    file(READ "${DIR}/${kind}.json" got)
    if(NOT "${got}\n" STREQUAL "${want}")
      message(FATAL_ERROR "${kind}.json differs from ${DATA}.analyze-${kind}.json")
    endif()
  endforeach()
endmacro()
