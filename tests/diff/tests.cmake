# tests/diff/tests.cmake: the second part of the `vmsgen diff` tests (included from
# tests/CMakeLists.txt). Expected reports live in tests/diff/expected/; VMS_UPDATE_GOLDEN=1 rewrites
# them.
set(_dd ${CMAKE_CURRENT_SOURCE_DIR}/diff)

# vms_diff_expected(name OLD NEW RC EXPECTED [ARGS...]): OLD and NEW relative to tests/.
function(vms_diff_expected name old new rc expected)
  string(REPLACE ";" "|" args "${ARGN}")
  add_test(NAME diff_${name}
           COMMAND ${CMAKE_COMMAND} -DVMSGEN=$<TARGET_FILE:vmsgen> -DDIR=${CMAKE_CURRENT_SOURCE_DIR}
                   -DOLD=${old} -DNEW=${new} -DWANT_RC=${rc} -DEXPECTED=${_dd}/expected/${expected}
                   "-DARGS=${args}" -P ${_dd}/check_diff_expected.cmake)
  set_tests_properties(diff_${name} PROPERTIES LABELS vmsgen_diff TIMEOUT 60)
endfunction()

# Release 3 of the NIC back to release 2: breaking, with source locations; one break accepted.
set(_nic3 golden/compat/expected/input.vms.json)
foreach(fmt text json markdown sarif)
  vms_diff_expected(format_${fmt} ${_nic3} diff/nic_v2.vms.json 1 downgrade.${fmt}
                    --format ${fmt} --accept diff/accept_nic.txt)
endforeach()
# A QEMU dump (no source locations: the schema file is the place), a break accepted: exit 0.
vms_diff_expected(format_sarif_accepted diff/base.json diff/section_removed.json 0
                  section_removed.sarif --format=sarif --accept=diff/accept.txt)
vms_diff_expected(format_markdown_clean diff/base.json diff/base.json 0 identical.markdown
                  --format markdown)
