# check_vmstate_extract.cmake: `vmstate analyze --format qemu --extract DIR` on the QEMU corpus
# writes desc.json and state.json as analyze-migration.py -x does (its -d output without the
# final newline) and one file per RAM block, of the block's size, holding the pages sent.
#   -DVMSTATE=exe -DSTREAM=file -DDATA=prefix-of-expected-files -DDIR=outdir
file(REMOVE_RECURSE "${DIR}")
execute_process(COMMAND ${VMSTATE} analyze ${STREAM} --format qemu --extract ${DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "exit status ${rc}\n${err}")
endif()
if(NOT out STREQUAL "desc.json\npc.ram\n/rom@etc/acpi/tables\npc.bios\npc.rom\n/rom@etc/table-loader\n/rom@etc/acpi/rsdp\nstate.json\n")
  message(FATAL_ERROR "unexpected listing:\n${out}")
endif()
foreach(kind desc state)
  file(READ "${DATA}.analyze-${kind}.json" want)
  file(READ "${DIR}/${kind}.json" got)
  if(NOT "${got}\n" STREQUAL "${want}")
    message(FATAL_ERROR "${kind}.json differs from ${DATA}.analyze-${kind}.json")
  endif()
endforeach()
file(SIZE "${DIR}/pc.ram" ram)
file(SIZE "${DIR}/rom@etc/acpi/rsdp" rsdp)
if(NOT ram EQUAL 33554432 OR NOT rsdp EQUAL 4096)
  message(FATAL_ERROR "block sizes ${ram} and ${rsdp}, expected 33554432 and 4096")
endif()
# The BIOS block is sent as pages: its last 16 bytes are the x86 reset vector area, never all zero.
file(READ "${DIR}/pc.bios" tail OFFSET 262128 HEX)
if(tail MATCHES "^0+$")
  message(FATAL_ERROR "pc.bios was not written (last 16 bytes are zero)")
endif()
