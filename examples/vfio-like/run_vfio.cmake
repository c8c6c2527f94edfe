# run_vfio.cmake: vms-vfio-like's two sides on one machine (a CTest).
#   -DDEMO=<vms-vfio-like> -DWORK=<scratch dir> -DMODE=ack|never -DTRANSPORT=unix|tcp
# ack:   the destination approves the switchover 1.5 s after its table loaded. Passes when the
#        source completed, the destination verified, and neither the source's stop callback,
#        its save_complete (the END section) nor the END's arrival came before the approval.
# never: the destination never approves. Passes when the source failed with "no
#        switchover-ack" without ever stopping, its state intact, and the destination failed.
find_program(BASH bash REQUIRED)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
if(TRANSPORT STREQUAL "tcp")
  set(listen "tcp:127.0.0.1:0")
else()
  set(listen "unix:${WORK}/sock")
endif()
if(MODE STREQUAL "ack")
  set(hold 1500)
  set(timeout 60)
else()
  set(hold never)
  set(timeout 3)
endif()
execute_process(
  COMMAND ${BASH} -c "\"$0\" --incoming \"$1\" --ready-file \"$2/ready\" --approve-after-ms $3 \
> \"$2/dst.out\" 2> \"$2/dst.err\" &
dst=$!
for i in $(seq 1 1200); do
  [ -s \"$2/ready\" ] && break; kill -0 $dst 2>/dev/null || break; sleep 0.05
done
if [ ! -s \"$2/ready\" ]; then kill $dst 2>/dev/null; wait $dst; exit 99; fi
\"$0\" --migrate \"$(cat \"$2/ready\")\" --bandwidth 64M --downtime-ms 300 --timeout-s $4 \
> \"$2/src.out\" 2> \"$2/src.err\"
src=$?
wait $dst
exit $(( src * 10 + $? ))" "${DEMO}" "${listen}" "${WORK}" "${hold}" "${timeout}"
  RESULT_VARIABLE rc TIMEOUT 110)
file(READ "${WORK}/src.out" src)
file(READ "${WORK}/dst.out" dst)
message(STATUS "source: ${src}")
message(STATUS "destination: ${dst}")
macro(get var json key)
  string(JSON ${var} ERROR_VARIABLE jerr GET "${json}" ${key})
  if(jerr)
    message(FATAL_ERROR "no \"${key}\" in ${json} (exit ${rc})")
  endif()
endmacro()
get(status "${src}" status)
get(dst_status "${dst}" status)
get(stops "${src}" stops)
get(stop_ms "${src}" stop_ms)
get(complete_ms "${src}" complete_ms)
get(intact "${src}" state_intact)
get(init_ms "${dst}" init_loaded_ms)
get(approved_ms "${dst}" approved_ms)
get(end_ms "${dst}" end_ms)
if(NOT intact)
  message(FATAL_ERROR "the source's state changed under the migration")
endif()
if(init_ms EQUAL 0)
  message(FATAL_ERROR "the destination never loaded the table (the initial data)")
endif()

if(MODE STREQUAL "ack")
  get(verified "${dst}" verified)
  get(acked "${src}" switchover_acked)
  get(approve_result "${dst}" approve_result)
  if(NOT approve_result EQUAL 0)
    message(FATAL_ERROR "vms_incoming_approve_switchover() returned ${approve_result}")
  endif()
  if(NOT rc EQUAL 0 OR NOT status STREQUAL "completed" OR NOT verified OR NOT acked)
    message(FATAL_ERROR "expected a completed, verified, acknowledged migration (exit ${rc})")
  endif()
  math(EXPR held "${approved_ms} - ${init_ms}")
  if(held LESS 1500)
    message(FATAL_ERROR "the approval came ${held} ms after the table, not 1500")
  endif()
  if(NOT stops EQUAL 1)
    message(FATAL_ERROR "the source stopped ${stops} times")
  endif()
  if(stop_ms LESS approved_ms OR complete_ms LESS approved_ms OR end_ms LESS approved_ms)
    message(FATAL_ERROR "the source went on before the approval (${approved_ms}): stop "
                        "${stop_ms}, save_complete ${complete_ms}, END loaded ${end_ms}")
  endif()
  math(EXPR waited "${stop_ms} - ${init_ms}")
  message(STATUS "the source stopped ${waited} ms after the table loaded, "
                 "${held} ms of which the approval was withheld")
else()
  get(error "${src}" error)
  get(resumes "${src}" resumes)
  if(NOT rc EQUAL 11 OR NOT status STREQUAL "failed" OR NOT dst_status STREQUAL "failed")
    message(FATAL_ERROR "expected both sides to fail (exit ${rc}, source ${status}, "
                        "destination ${dst_status})")
  endif()
  if(NOT error MATCHES "did not converge" OR NOT error MATCHES "no switchover-ack")
    message(FATAL_ERROR "unexpected error: ${error}")
  endif()
  if(NOT stops EQUAL 0 OR NOT resumes EQUAL 0 OR NOT stop_ms EQUAL 0 OR NOT complete_ms EQUAL 0
     OR NOT approved_ms EQUAL 0 OR NOT end_ms EQUAL 0)
    message(FATAL_ERROR "without an approval the source must not stop nor complete")
  endif()
endif()
