# run_pair.cmake: vms-live-demo's two sides on one machine, over a unix socket (a CTest).
#   -DDEMO=<vms-live-demo> -DWORK=<scratch dir>
# Passes when both sides exit 0, the source's last line says "completed" (its earlier lines are
# progress reports: stdout is not a terminal here) and the destination "verified".
find_program(BASH bash REQUIRED)
set(sock "${WORK}/live-demo.sock")
file(REMOVE "${sock}")
execute_process(
  COMMAND ${BASH} -c "\"$0\" --incoming \"unix:$1\" --size 8 > \"$2/dst.out\" 2> \"$2/dst.err\" &
dst=$!
\"$0\" --migrate \"unix:$1\" --size 8 --dirty-rate 3000 --bandwidth 64M --downtime-ms 100 --timeout-s 60 > \"$2/src.out\" 2> \"$2/src.err\"
src=$?
wait $dst
exit $(( src * 10 + $? ))" "${DEMO}" "${sock}" "${WORK}"
  RESULT_VARIABLE rc TIMEOUT 110)
file(STRINGS "${WORK}/src.out" src_lines)
file(STRINGS "${WORK}/dst.out" dst_lines)
list(LENGTH src_lines n_src)
list(POP_BACK src_lines src)
list(POP_BACK dst_lines dst)
file(READ "${WORK}/dst.err" dst_err)
message(STATUS "source: ${src}")
message(STATUS "destination: ${dst}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vms-live-demo failed (exit ${rc}): destination stderr:\n${dst_err}")
endif()
string(JSON status GET "${src}" status)
string(JSON iterations GET "${src}" iterations)
string(JSON verified GET "${dst}" verified)
if(NOT status STREQUAL "completed" OR NOT verified STREQUAL "ON")
  message(FATAL_ERROR "expected a completed, verified migration")
endif()
if(iterations LESS 1)
  message(FATAL_ERROR "expected at least one iteration while the guest ran")
endif()
# the keys issue 7 fixes, on both sides (a missing key is an error in string(JSON))
foreach(key iterations total_bytes downtime_ms expected_downtime_ms error pages_resent)
  string(JSON type ERROR_VARIABLE jerr TYPE "${src}" ${key})
  if(jerr)
    message(FATAL_ERROR "the source's final line has no \"${key}\": ${src}")
  endif()
endforeach()
string(JSON type TYPE "${dst}" checksum)
string(JSON dst_status GET "${dst}" status)
if(NOT dst_status STREQUAL "completed")
  message(FATAL_ERROR "the destination's status is ${dst_status}")
endif()
# the source's progress: one JSON line per report before the final line
if(n_src LESS 2)
  message(FATAL_ERROR "expected progress lines before the source's final line")
endif()
list(GET src_lines 0 first)
string(JSON first_pending GET "${first}" pending)
string(JSON first_eta GET "${first}" eta_s)
