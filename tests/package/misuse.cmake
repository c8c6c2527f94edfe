# misuse.cmake: configures misuse/ with -DCASE=<case> and checks that it fails with a message
# matching WANT; CMake's line wrapping is undone first.
#   -DCASE= -DWANT=<regex> -DMODULE_DIR= -DVMSGEN= -DWORK=<scratch dir>
file(REMOVE_RECURSE "${WORK}")
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}/misuse" -B "${WORK}"
                        "-DCASE=${CASE}" "-DMODULE_DIR=${MODULE_DIR}" "-DVMSGEN=${VMSGEN}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX REPLACE "[ \n]+" " " said "${out}${err}")
if(rc STREQUAL "0")
  message(FATAL_ERROR "configuring CASE=${CASE} succeeded; it must fail:\n${out}${err}")
endif()
if(NOT said MATCHES "${WANT}")
  message(FATAL_ERROR "the output does not match '${WANT}':\n${out}${err}")
endif()
