# check_vmstate_extract.cmake: `vmstate analyze --format qemu --extract DIR` on the QEMU corpus
# writes desc.json and state.json as analyze-migration.py -x does (its -d output without the
# final newline) and one file per RAM block, of the block's size, holding the pages sent.
#   -DVMSTATE=exe -DSTREAM=file -DDATA=prefix-of-expected-files -DDIR=outdir
include(${CMAKE_CURRENT_LIST_DIR}/extract_common.cmake)
vms_check_extract("desc.json\npc.ram\n/rom@etc/acpi/tables\npc.bios\npc.rom\n/rom@etc/table-loader\n/rom@etc/acpi/rsdp\nstate.json\n")
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
