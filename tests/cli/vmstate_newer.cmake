# vmstate analyze on streams newer than the QEMU 7.2 corpus (tests/data/newer, see its README):
# SWITCHOVER_START, vmdesc arrays in newer shapes, mapped-ram with x-ignore-shared, --memory,
# --extract. Expected outputs are analyze-migration.py's (how they were made: the README).
# Included from tests/CMakeLists.txt inside if(TARGET vmstate).
set(_nd ${CMAKE_CURRENT_SOURCE_DIR}/data/newer)
add_executable(gen_newer_streams cli/gen_newer_streams.c)
target_link_libraries(gen_newer_streams PRIVATE vms_warnings)
# The committed fixtures are exactly the generator's output.
add_test(NAME vmstate_newer_fixtures
         COMMAND sh -c "mkdir -p newer_gen && $<TARGET_FILE:gen_newer_streams> newer_gen && \
cmp newer_gen/switchover.mig ${_nd}/switchover.mig && cmp newer_gen/mapped.mig ${_nd}/mapped.mig"
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
vms_vmstate_output(newer_switchover_state ${_nd}/switchover.analyze-state.json
                   analyze newer/switchover.mig --format qemu)
vms_vmstate_output(newer_switchover_desc ${_nd}/switchover.analyze-desc.json
                   analyze newer/switchover.mig --format qemu --desc)
vms_vmstate_output(newer_switchover_pipe ${_nd}/switchover.analyze-state.json
                   analyze "exec:cat newer/switchover.mig" --format qemu)
vms_vmstate_output(newer_mapped_state ${_nd}/mapped.analyze-state.json analyze newer/mapped.mig --format qemu)
vms_vmstate_output(newer_mapped_pipe ${_nd}/mapped.analyze-state.json
                   analyze "exec:cat newer/mapped.mig" --format qemu)
vms_vmstate_output(newer_mapped_memory ${_nd}/mapped.analyze-memory.json
                   analyze newer/mapped.mig --format qemu --memory)
vms_vmstate_output(newer_mapped_memory_pipe ${_nd}/mapped.analyze-memory.json
                   analyze "exec:cat newer/mapped.mig" --format qemu -m)
foreach(_src file pipe)
  set(_s ${_nd}/mapped.mig)
  if(_src STREQUAL "pipe")
    set(_s "exec:cat ${_nd}/mapped.mig")
  endif()
  add_test(NAME vmstate_newer_mapped_extract_${_src}
           COMMAND ${CMAKE_COMMAND} -DVMSTATE=$<TARGET_FILE:vmstate> "-DSTREAM=${_s}" -DDATA=${_nd}/mapped
                   -DDIR=${_vo}/extract_mapped_${_src}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/cli/check_vmstate_extract_mapped.cmake)
endforeach()
# Our format: element indexes count the values of one name across array segments and the
# index-less last element; SWITCHOVER_START is a command record.
vms_vmstate_cli(newer_vms_indexes 0 ARGS analyze newer/switchover.mig
                OUT "\"index\": 4,\n *\"name\": \"p\",\n *\"offset\": 4339,")
vms_vmstate_cli(newer_vms_switchover 0 ARGS analyze newer/switchover.mig
                OUT "\"command\": \"SWITCHOVER_START\",\n *\"length\": 0,\n *\"offset\": 4222,")
vms_vmstate_cli(newer_vms_mapped 0 ARGS analyze newer/mapped.mig
                OUT "\"mapped_ram\": {\n *\"bitmap_offset\": 162,\n *\"pages_offset\": 4096\n *},\n *\"name\": \"pc.ram\"")
vms_vmstate_cli(newer_verify_mapped 0 ARGS verify newer/mapped.mig OUT "ok \\(4 records, vmdesc present\\)")
vms_vmstate_cli(newer_help_memory 0 ARGS analyze --help OUT "--memory, -m")
# --memory on ordinary PAGE records (where the script itself fails): each page as hex, keyed by
# block and address, a ZERO page as "Filled with 0x00".
vms_vmstate_cli(newer_memory_pages 0 ARGS analyze newer/switchover.mig --format qemu --memory
                OUT "\"memory\": {\n *\"pc.ram \\(0x0000000000000000\\)\": \"Filled with 0x00\",\n *\"pc.ram \\(0x0000000000001000\\)\": \"11 18 1f 26 ")
vms_vmstate_cli(newer_memory_on_verify 2 ARGS verify --memory newer/switchover.mig ERR "unknown option '--memory'")
