# expect_break.cmake: proves the compatibility kit catches a broken header. Runs one check of
# cmake/vmstate_compat_check.cmake twice, as CTest would: with the real newest driver (it must
# pass, so the setup is sound) and with the driver of a broken header (it must fail, with a
# message matching WANT).
#   -DCHECK=<vmstate_compat_check.cmake> -DMODE=<check> -DGOOD=<driver> -DBROKEN=<driver>
#   -DOLD_DRIVER=<driver> -DOUT=<scratch file> [-DGOLDEN=<file>] -DWANT=<regex>
foreach(var CHECK MODE GOOD BROKEN OLD_DRIVER OUT WANT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "expect_break.cmake: ${var} is required")
  endif()
endforeach()

set(args -DMODE=${MODE} "-DOLD_DRIVER=${OLD_DRIVER}" "-DOUT=${OUT}")
if(DEFINED GOLDEN)
  list(APPEND args "-DGOLDEN=${GOLDEN}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" ${args} "-DDRIVER=${GOOD}" -P "${CHECK}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the ${MODE} check fails with the good header too (exit ${rc}):\n${err}${out}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" ${args} "-DDRIVER=${BROKEN}" -P "${CHECK}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "the ${MODE} check passed the broken header:\n${err}${out}")
endif()
if(NOT err MATCHES "${WANT}")
  message(FATAL_ERROR "the ${MODE} check failed, but not with '${WANT}':\n${err}${out}")
endif()
message(STATUS "caught, as expected:\n${err}")
