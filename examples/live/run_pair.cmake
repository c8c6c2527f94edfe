# run_pair.cmake: vms-live-demo's two sides on one machine, over a unix socket (a CTest).
#   -DDEMO=<vms-live-demo> -DWORK=<scratch dir>
# Passes when both sides exit 0, the source says "completed" and the destination "verified".
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
file(READ "${WORK}/src.out" src)
file(READ "${WORK}/dst.out" dst)
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
