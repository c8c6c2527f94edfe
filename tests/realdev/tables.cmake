# tables.cmake: vmsgen's tables of the real QEMU devices of tests/realdev, generated at build time.
# Used by tests/realdev (the corpus tests) and tests/fuzz (fuzz_load_realdev).
#
# vms_realdev_tables(<out_sources> <gen_dir>): adds one custom command per header writing
# <gen_dir>/<base>.vms.{c,h}; sets <out_sources> to the generated .c files, followed by the
# device code the headers name (hooks and codecs, VMS_REALDEV_DEVICE_SOURCES): link them all.
set(VMS_REALDEV_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VMS_REALDEV_DEVICE_SOURCES ${VMS_REALDEV_DIR}/realdev_hooks.c ${VMS_REALDEV_DIR}/realdev_pci.c)
set(VMS_REALDEV_HEADERS i8259.h i8257.h hpet.h mc146818rtc.h i8254.h ps2.h ioapic.h globalstate.h
    isa_misc.h pc_board.h fw_cfg.h pckbd.h fdc.h pci.h acpi_piix4.h)

function(vms_realdev_tables out_sources gen_dir)
  set(sources)
  foreach(header IN LISTS VMS_REALDEV_HEADERS)
    get_filename_component(base ${header} NAME_WE)
    set(input ${VMS_REALDEV_DIR}/${header})
    add_custom_command(
      OUTPUT ${gen_dir}/${base}.vms.c ${gen_dir}/${base}.vms.h
      COMMAND ${CMAKE_COMMAND} -E make_directory ${gen_dir}
      COMMAND vmsgen generate -o ${gen_dir} --depfile ${gen_dir}/${base}.vms.d ${input}
      DEPENDS vmsgen ${input}
      DEPFILE ${gen_dir}/${base}.vms.d
      COMMENT "vmsgen: tables for the real QEMU device ${header}")
    list(APPEND sources ${gen_dir}/${base}.vms.c)
  endforeach()
  set(${out_sources} ${sources} ${VMS_REALDEV_DEVICE_SOURCES} PARENT_SCOPE)
endfunction()
