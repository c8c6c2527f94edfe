# check_vmstate_extract_mapped.cmake: `vmstate analyze --format qemu --extract DIR` on
# tests/data/newer/mapped.mig (mapped-ram + x-ignore-shared) lists and writes what
# analyze-migration.py -x does: desc.json and state.json as its -d outputs (no final newline),
# one file per RAM block of the block's size, the pages whose bitmap bit is set copied from
# their fixed offsets and the others zero (their bytes in the file are 0xee), the shared block
# all zero.
#   -DVMSTATE=exe -DSTREAM=file-or-uri -DDATA=prefix-of-expected-files -DDIR=outdir
include(${CMAKE_CURRENT_LIST_DIR}/extract_common.cmake)
vms_check_extract("desc.json\npc.ram\nshared\nstate.json\n")
file(SIZE "${DIR}/pc.ram" ram)
file(SIZE "${DIR}/shared" shared)
if(NOT ram EQUAL 12288 OR NOT shared EQUAL 4096)
  message(FATAL_ERROR "block sizes ${ram} and ${shared}, expected 12288 and 4096")
endif()
# gen_newer_streams writes page bytes seed + 7*i: page 0 seed 0x5a, page 2 seed 0xa5.
file(READ "${DIR}/pc.ram" p0 OFFSET 0 LIMIT 4 HEX)
file(READ "${DIR}/pc.ram" p1 OFFSET 4096 LIMIT 4096 HEX)
file(READ "${DIR}/pc.ram" p2 OFFSET 8192 LIMIT 4 HEX)
file(READ "${DIR}/shared" sh HEX)
if(NOT p0 STREQUAL "5a61686f" OR NOT p2 STREQUAL "a5acb3ba")
  message(FATAL_ERROR "written pages hold ${p0}.. and ${p2}.., expected 5a61686f.. and a5acb3ba..")
endif()
if(NOT p1 MATCHES "^0+$" OR NOT sh MATCHES "^0+$")
  message(FATAL_ERROR "the page left out by the bitmap or the shared block is not all zero")
endif()
