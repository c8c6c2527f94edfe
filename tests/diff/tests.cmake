# tests/diff/tests.cmake: the second part of the `vmsgen diff` tests (included from
# tests/CMakeLists.txt). Expected reports live in tests/diff/expected/; VMS_UPDATE_GOLDEN=1 rewrites
# them.
set(_dd ${CMAKE_CURRENT_SOURCE_DIR}/diff)

# vms_diff_expected(name OLD NEW RC EXPECTED [ARGS...]): `vmsgen diff OLD NEW ARGS` run in tests/
# (OLD and NEW relative to it, so the report names files that way), its output equal to EXPECTED.
function(vms_diff_expected name old new rc expected)
  set(cmd $<TARGET_FILE:vmsgen> diff ${old} ${new} ${ARGN})
  string(REPLACE ";" "|" cmd "${cmd}")
  add_test(NAME diff_${name}
           COMMAND ${CMAKE_COMMAND} "-DCMD=${cmd}" -DDIR=${CMAKE_CURRENT_SOURCE_DIR} -DWANT_RC=${rc}
                   -DEXPECTED=${_dd}/expected/${expected} -P ${_dd}/check_output.cmake)
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

# Mutated copies of the real QEMU 7.2 dump, made at test time (check_mutated.cmake): each case
# must report exactly the findings listed ("RULE direction section/path", '|'-separated).
# CHECKER is what QEMU's scripts/vmstate-static-checker.py reports for the same pair (-s OLD -d NEW):
# "N section: message" with N its error count, derived by reading the checker's code (facts only;
# it is not run here). When N > 0 some finding of ours must name that section: we flag at least
# what it flags. Where it reports 0 and we report an error, docs/cli.md says why (rule table).
# vms_diff_mutated(name RC [NEW ops] [OLD ops] [WANT findings] [CHECKER verdict] [ARGS "a|b"])
set(_dump ${PROJECT_SOURCE_DIR}/tests/data/qemu-7.2/dump-pc-i440fx-7.2.json)
function(vms_diff_mutated name rc)
  cmake_parse_arguments(T "" "NEW;OLD;WANT;CHECKER;ARGS" "" ${ARGN})
  add_test(NAME diff_mutated_${name}
           COMMAND ${CMAKE_COMMAND} -DVMSGEN=$<TARGET_FILE:vmsgen> -DDUMP=${_dump}
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/diff_mutated -DNAME=${name} -DWANT_RC=${rc}
                   "-DNEW_OPS=${T_NEW}" "-DOLD_OPS=${T_OLD}" "-DWANT=${T_WANT}"
                   "-DCHECKER=${T_CHECKER}" "-DARGS=${T_ARGS}"
                   -P ${_dd}/check_mutated.cmake)
  set_tests_properties(diff_mutated_${name} PROPERTIES LABELS vmsgen_diff TIMEOUT 60)
endfunction()
set(_hf "hpet>Description>Fields")
set(_tf "${_hf}>4>Description>Fields") # hpet_timer, nested in hpet's field 'timer'
vms_diff_mutated(identical 0
                 CHECKER "0")
# QEMU 7.2 -> 10.0 renamed HPET's num_timers to num_timers_save: same size, type and place.
vms_diff_mutated(hpet_rename 0 NEW "SET ${_hf}>3>field=\"num_timers_save\""
                 WANT "FIELD_RENAMED_IN_PLACE none hpet/num_timers_save"
                 CHECKER "1 hpet: expected field \"num_timers\", got \"num_timers_save\"; skipping rest")
# ... and comparing goes on after it: a later change in the same description is still found.
vms_diff_mutated(hpet_rename_then_size 1
                 NEW "SET ${_hf}>3>field=\"num_timers_save\"|SET ${_tf}>2>size=4"
                 WANT "FIELD_RENAMED_IN_PLACE none hpet/num_timers_save|FIELD_SIZE_CHANGED both hpet/timer/cmp|VERSION_NOT_BUMPED both hpet"
                 CHECKER "1 hpet: expected field \"num_timers\", got \"num_timers_save\"; skipping rest")
vms_diff_mutated(version_bumped 0
                 NEW "SET hpet>version_id=3|SET hpet>Description>version_id=3"
                 WANT "VERSION_RAISED backward hpet"
                 CHECKER "0")
vms_diff_mutated(field_removed 1 NEW "REMOVE ${_hf}>1"
                 WANT "FIELD_REMOVED both hpet/isr|VERSION_NOT_BUMPED both hpet"
                 CHECKER "1 hpet: expected field \"isr\", got \"hpet_counter\"; skipping rest")
vms_diff_mutated(field_removed_bumped 1
                 NEW "REMOVE ${_hf}>1|SET hpet>version_id=3|SET hpet>Description>version_id=3"
                 WANT "FIELD_REMOVED both hpet/isr|VERSION_RAISED backward hpet"
                 CHECKER "1 hpet: expected field \"isr\", got \"hpet_counter\"; skipping rest")
vms_diff_mutated(size_changed 1 NEW "SET ${_hf}>0>size=4"
                 WANT "FIELD_SIZE_CHANGED both hpet/config|VERSION_NOT_BUMPED both hpet"
                 CHECKER "1 hpet: Field \"config\" size mismatch: 8 , 4")
vms_diff_mutated(trailing_field 1
                 NEW "APPEND ${_hf}={\"field\":\"extra\",\"version_id\":0,\"field_exists\":false,\"size\":4}"
                 WANT "FIELD_ADDED_UNVERSIONED both hpet/extra|VERSION_NOT_BUMPED both hpet"
                 CHECKER "0 (extra trailing fields in dest are not checked)")
vms_diff_mutated(trailing_field_versioned 1
                 NEW "APPEND ${_hf}={\"field\":\"extra\",\"version_id\":3,\"field_exists\":false,\"size\":4}|SET hpet>version_id=3|SET hpet>Description>version_id=3"
                 WANT "FIELD_ADDED_VERSIONED backward hpet/extra"
                 CHECKER "0 (extra trailing fields in dest are not checked)")
vms_diff_mutated(exists_changed 0 NEW "SET ${_hf}>2>field_exists=true"
                 WANT "FIELD_EXISTS_CHANGED conditional hpet/hpet_counter"
                 CHECKER "0 (field_exists is not compared)")
vms_diff_mutated(predicate_changed 0
                 OLD "SET ${_hf}>2>field_exists=true|SET ${_hf}>2>vms_if=\"mode == 1\""
                 NEW "SET ${_hf}>2>field_exists=true|SET ${_hf}>2>vms_if=\"mode != 1\""
                 WANT "PREDICATE_CHANGED conditional hpet/hpet_counter"
                 CHECKER "0 (field_exists is not compared)")
vms_diff_mutated(type_changed_same_size 1
                 OLD "SET ${_hf}>0>vms_type=\"uint64\"" NEW "SET ${_hf}>0>vms_type=\"float64\""
                 WANT "FIELD_TYPE_CHANGED both hpet/config|VERSION_NOT_BUMPED both hpet"
                 CHECKER "0 (vms_ keys are ignored)")
# num_timers is sent from version 2 on; both releases send version 2, so moving it breaks both ways.
vms_diff_mutated(since_raised 1 NEW "SET ${_hf}>3>version_id=3"
                 WANT "FIELD_VERSION_CHANGED both hpet/num_timers"
                 CHECKER "0 (only a field version going down is an error)")
vms_diff_mutated(since_lowered 0 NEW "SET ${_hf}>3>version_id=1"
                 WANT "FIELD_VERSION_CHANGED forward hpet/num_timers"
                 CHECKER "1 hpet: version error: 2 > 1")
vms_diff_mutated(until_added 1 NEW "SET ${_hf}>1>vms_until=2"
                 WANT "FIELD_UNTIL_CHANGED both hpet/isr"
                 CHECKER "0 (vms_ keys are ignored)")
vms_diff_mutated(until_moved_harmless 0
                 OLD "SET ${_hf}>1>vms_until=3" NEW "SET ${_hf}>1>vms_until=4"
                 WANT "FIELD_UNTIL_CHANGED none hpet/isr"
                 CHECKER "0 (vms_ keys are ignored)")
vms_diff_mutated(nested_version_harmless 0 NEW "SET ${_hf}>4>Description>version_id=2"
                 WANT "NESTED_VERSION_CHANGED none hpet/timer"
                 CHECKER "0 (a nested version going up is fine)")
vms_diff_mutated(nested_version_drops_field 1
                 OLD "SET ${_tf}>5>version_id=2|SET ${_hf}>4>Description>version_id=2"
                 NEW "SET ${_tf}>5>version_id=2"
                 WANT "NESTED_VERSION_CHANGED both hpet/timer/wrap_flag|VERSION_NOT_BUMPED both hpet"
                 CHECKER "1 hpet: Description \"hpet_timer\": version error: 2 > 1")
vms_diff_mutated(subsection_removed 1 NEW "REMOVE hpet>Description>Subsections>0"
                 WANT "SUBSECTION_REMOVED conditional hpet/[hpet/rtc_irq_level]"
                 CHECKER "1 hpet: Subsection \"hpet/rtc_irq_level\" not found")
vms_diff_mutated(section_removed 1 NEW "REMOVE hpet" WANT "SECTION_REMOVED forward hpet"
                 CHECKER "1 hpet: Section \"hpet\" does not exist in dest")

# Dumps of newer QEMU (tests/diff/newer): a "num" key on fixed arrays (2023+) and keys we do not
# know are read; a 7.2-style dump (no num) against a newer one compares element sizes only.
set(_nd ${_dd}/newer)
vms_diff_test(newer_num_vs_72 ${_nd}/dev-7.2.json ${_nd}/dev-newer.json 0
              EXTRA "-DWANT_OUT=^[^\n]*compatible: 0 breaking, 0 warnings, 0 notes, 0 accepted\n$")
vms_diff_test(newer_72_vs_num ${_nd}/dev-newer.json ${_nd}/dev-7.2.json 0
              EXTRA "-DWANT_OUT=^[^\n]*compatible: 0 breaking, 0 warnings, 0 notes, 0 accepted\n$")
vms_diff_test(newer_num_changed ${_nd}/dev-newer.json ${_nd}/dev-newer-longer.json 1
              RULE FIELD_SIZE_CHANGED ONLY EXTRA -DALSO=VERSION_NOT_BUMPED
              "-DWANT_OUT=pic/regs: field 'regs' size changed from 16 to 32")
# Malformed input: exit 2, the message names the file and the JSON path.
vms_diff_test(bad_num ${_nd}/dev-newer.json ${_nd}/bad-num.json 2
              EXTRA "-DWANT_ERR=bad-num.json: not a schema: pic.Description.Fields\\[1\\].num is a string, expected an integer")
vms_diff_test(bad_size ${_nd}/bad-size.json ${_nd}/dev-newer.json 2
              EXTRA "-DWANT_ERR=bad-size.json: not a schema: pic.Description.Fields\\[0\\].size is a number")

# vmsgen schema --full: the golden 'features' case (priority, needed, check, hooks, subsection
# needed/present, source lines); vmsgen diff reads it, and its struct-level keys change nothing.
set(_feat ${PROJECT_SOURCE_DIR}/tests/golden/features)
add_test(NAME diff_schema_full
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:vmsgen>|schema|--full|input.h"
                 -DDIR=${_feat} -DWANT_RC=0 -DEXPECTED=${_dd}/expected/features.full.json
                 -P ${_dd}/check_output.cmake)
add_test(NAME diff_schema_full_compact
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:vmsgen>|schema|--full|--compact|input.h"
                 -DDIR=${_feat} -DWANT_RC=0 -DEXPECTED=${_dd}/expected/features.full.compact.json
                 -P ${_dd}/check_output.cmake)
add_test(NAME diff_schema_full_only_for_schema
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:vmsgen>|check|--full|${_feat}/input.h"
                 -DWANT_RC=2 "-DWANT_ERR=--full applies to 'schema', not 'check'"
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/cli/check_cli.cmake)
vms_diff_test(full_vs_plain ${_dd}/expected/features.full.json
              ${_feat}/expected/schema.json 0
              EXTRA "-DWANT_OUT=^[^\n]*compatible: 0 breaking, 0 warnings, 0 notes, 0 accepted\n$")
vms_diff_test(full_vs_full_compact ${_dd}/expected/features.full.compact.json
              ${_dd}/expected/features.full.json 0
              EXTRA "-DWANT_OUT=^[^\n]*compatible: 0 breaking, 0 warnings, 0 notes, 0 accepted\n$")
set_tests_properties(diff_schema_full diff_schema_full_compact diff_schema_full_only_for_schema
                     PROPERTIES LABELS vmsgen_diff TIMEOUT 60)

# --renames FILE (QEMU dumps have no vms_renamed_from; there is no built-in list): a listed field
# rename is a note, a listed section key rename is compared under its old key.
set(_ren ${_dd}/renames.txt)
vms_diff_mutated(renames_field 0 NEW "SET ${_hf}>3>field=\"num_timers_save\"" ARGS "--renames|${_ren}"
                 WANT "FIELD_RENAMED_IN_PLACE none hpet/num_timers_save"
                 CHECKER "1 hpet: expected field \"num_timers\", got \"num_timers_save\"; skipping rest")
vms_diff_mutated(renames_section 0 NEW "RENAME hpet=hpet timer block" ARGS "--renames|${_ren}"
                 WANT "SECTION_RENAMED none hpet"
                 CHECKER "1 hpet: Section \"hpet\" does not exist in dest (its own list renames ICH9 LPC only)")
vms_diff_mutated(renames_section_unlisted 1 NEW "RENAME hpet=hpet timer block"
                 WANT "SECTION_REMOVED forward hpet|SECTION_ADDED none hpet timer block"
                 CHECKER "1 hpet: Section \"hpet\" does not exist in dest")
vms_diff_mutated(renames_section_then_size 1
                 NEW "SET ${_hf}>0>size=4|RENAME hpet=hpet timer block" ARGS "--renames|${_ren}"
                 WANT "SECTION_RENAMED none hpet|FIELD_SIZE_CHANGED both hpet/config|VERSION_NOT_BUMPED both hpet"
                 CHECKER "1 hpet: Section \"hpet\" does not exist in dest")
vms_diff_test(renames_bad ${_dd}/base.json ${_dd}/base.json 2
              EXTRA -DARGS=--renames|${_dd}/renames_bad.txt
              "-DWANT_ERR=renames_bad.txt:1: error: expected 'section OLD NEW'")
vms_diff_test(renames_unused ${_dd}/base.json ${_dd}/base.json 0
              EXTRA -DARGS=--renames=${_ren} "-DWANT_ERR=warning: unused rename: section 'hpet'")

# Replay of QEMU's checker on the real devices of tests/realdev (tests/diff/checker-verdicts.md).
if(TARGET test_schema_qemu)
  add_test(NAME diff_realdev_replay
           COMMAND ${CMAKE_COMMAND} -DVMSGEN=$<TARGET_FILE:vmsgen> -DDUMP=${_dump}
                   -DSCHEMA=${CMAKE_CURRENT_BINARY_DIR}/realdev/gen/realdev.schema.json
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/diff_realdev
                   "-DWANT_REVERSE=globalstate|isa-i8259|i2c_bus|acpi_build|PCIBUS|fw_cfg_io"
                   "-DWANT_FORWARD=fw_cfg_io"
                   -P ${_dd}/check_realdev_replay.cmake)
  set_tests_properties(diff_realdev_replay PROPERTIES LABELS vmsgen_diff TIMEOUT 60)
endif()

# Fields moved into a nested struct keep their bytes (QEMU's checker descends into it too).
set(_regs "{\"field\":\"regs\",\"version_id\":0,\"field_exists\":false,\"size\":16,\"Description\":{\"name\":\"hpet_regs\",\"version_id\":1,\"minimum_version_id\":1,\"Fields\":[{\"field\":\"config\",\"version_id\":0,\"field_exists\":false,\"size\":8},{\"field\":\"isr\",\"version_id\":0,\"field_exists\":false,\"size\":8}]}}")
vms_diff_mutated(regrouped_into_struct 0 NEW "SET ${_hf}>0=${_regs}|REMOVE ${_hf}>1"
                 WANT "FIELDS_REGROUPED none hpet/regs"
                 CHECKER "0 (it descends into a new substruct whose first field matches)")
vms_diff_mutated(regrouped_out_of_struct 0 OLD "SET ${_hf}>0=${_regs}|REMOVE ${_hf}>1"
                 WANT "FIELDS_REGROUPED none hpet/regs"
                 CHECKER "0 (it descends into a removed substruct too)")
# ... and a change after the regrouping is still found.
vms_diff_mutated(regrouped_then_removed 1 NEW "SET ${_hf}>0=${_regs}|REMOVE ${_hf}>1|REMOVE ${_hf}>1"
                 WANT "FIELDS_REGROUPED none hpet/regs|FIELD_REMOVED both hpet/hpet_counter|VERSION_NOT_BUMPED both hpet"
                 CHECKER "1 hpet: expected field \"hpet_counter\", got \"num_timers\"; skipping rest")
foreach(case "bad-fields;pic.Description.Fields is an object, expected an array"
             "bad-field-elem;pic.Description.Fields\\[0\\] is not an object"
             "bad-nested;pic.Description.Fields\\[0\\].Description.Fields\\[0\\].field is an integer")
  list(GET case 0 f)
  list(GET case 1 msg)
  vms_diff_test(${f} ${_nd}/dev-newer.json ${_nd}/${f}.json 2
                EXTRA "-DWANT_ERR=${f}.json: not a schema: ${msg}")
endforeach()

# Unused bytes that now carry fields (or fields that became unused bytes): the same bytes when
# whole fields add up to the unused size, as QEMU's checker allows.
set(_io "ioapic>Description>Fields")
set(_f4 "\"version_id\":0,\"field_exists\":false,\"size\":4}")
vms_diff_mutated(unused_replaced 0 NEW "SET ${_io}>2={\"field\":\"ext_a\",${_f4}|INSERT ${_io}>3={\"field\":\"ext_b\",${_f4}"
                 WANT "UNUSED_REPLACED none ioapic/ext_a"
                 CHECKER "0 (unused bytes absorbed by the following fields)")
vms_diff_mutated(unused_restored 0 OLD "SET ${_io}>2={\"field\":\"ext_a\",${_f4}|INSERT ${_io}>3={\"field\":\"ext_b\",${_f4}"
                 WANT "UNUSED_REPLACED none ioapic/ext_a"
                 CHECKER "0 (unused bytes absorbed by the following fields)")
vms_diff_mutated(unused_shrunk 1 NEW "SET ${_io}>2={\"field\":\"ext_a\",${_f4}"
                 WANT "UNUSED_REPLACED none ioapic/ext_a|FIELD_REMOVED both ioapic/irr|VERSION_NOT_BUMPED both ioapic"
                 CHECKER "1 ioapic: expected field \"irr\", got \"ioredtbl\"; skipping rest")
vms_diff_mutated(unused_overshoot 1 NEW "SET ${_io}>2={\"field\":\"ext_a\",\"version_id\":0,\"field_exists\":false,\"size\":12}"
                 WANT "UNUSED_SIZE_CHANGED both ioapic/ext_a|VERSION_NOT_BUMPED both ioapic"
                 CHECKER "1 ioapic: unused size mismatch near \" ioredtbl\"")

# With schema --full, a section-level finding is placed at the description's vms_source.
add_test(NAME diff_full_location
         COMMAND ${CMAKE_COMMAND} -DVMSGEN=$<TARGET_FILE:vmsgen>
                 -DDUMP=${_dd}/expected/features.full.json
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/diff_mutated -DNAME=full_location -DWANT_RC=1
                 "-DNEW_OPS=SET feat-device>version_id=3|SET feat-device>Description>version_id=3"
                 "-DWANT=VERSION_LOWERED forward feat-device"
                 "-DWANT_OUT=\"rule\": \"VERSION_LOWERED\",.*\"location\": \"input.h:39\""
                 -P ${_dd}/check_mutated.cmake)
set_tests_properties(diff_full_location PROPERTIES LABELS vmsgen_diff TIMEOUT 60)
# SARIF locations: absolute file names become file:// URIs.
vms_diff_test(sarif_absolute_uri ${_dd}/base.json ${_dd}/field_removed.json 1
              EXTRA -DARGS=--format|sarif "-DWANT_OUT=\"uri\": \"file:///[^\"]*/diff/base.json\"")
