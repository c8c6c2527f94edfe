/*
 * vms/annotate.h: the annotations of DESIGN §3, the one header annotated device code includes.
 *
 * For the C compiler every macro here expands to nothing: annotated structs
 * have exactly the layout, size and code they would have without them (an
 * attribute would make gcc warn and make clang emit an annotation call on
 * every field access). When vmsgen parses a header it defines __VMSGEN__, and
 * each macro becomes
 *
 *     __attribute__((annotate("vms:KIND(ARGS)")))
 *
 * which libclang reports on the struct or member. KIND is a string literal,
 * so no user macro can rewrite it; ARGS is the argument list after macro
 * expansion, stringified: with `#define FIFO_LEN 16`, VMS_RANGE(0, FIFO_LEN)
 * becomes "vms:range(0, 16)". Macros without arguments become "vms:KIND"
 * ("vms:skip"). vmsgen parses the text after "vms:" and reports errors at the
 * place the macro was written.
 *
 * Where to write them:
 *   struct VMS_STATE("dev", 1, 1) Dev { ... };           on a tagged struct
 *   typedef struct VMS_STATE("dev", 1, 1) { ... } Dev;   on an untagged one
 *   uint32_t ctrl VMS_RANGE(0, 7);                        on a member, after its declarator
 * Several annotations may follow each other; they are kept in source order.
 * Not `VMS_STATE(...) struct Dev { ... };` (compilers ignore an attribute
 * there).
 *
 * Expressions ("expr" arguments) are C-like and written as string literals:
 * the preprocessor never looks inside them, so vmsgen resolves the enum
 * constants and object-like integer macros they name itself. Integer
 * arguments (versions, bounds) are plain C constant expressions and go
 * through the preprocessor like any other code.
 */
#ifndef VMS_ANNOTATE_H
#define VMS_ANNOTATE_H

/* ---- plumbing (private: may change without notice) ---- */

#ifdef __VMSGEN__
/* Two levels, so macro arguments are expanded before they are stringified. */
#define VMSP_STR_(...) #__VA_ARGS__
#define VMSP_STR(...) VMSP_STR_(__VA_ARGS__)
#define VMSP_ANN(kind, ...) __attribute__((annotate("vms:" kind "(" VMSP_STR(__VA_ARGS__) ")")))
#define VMSP_ANN0(kind) __attribute__((annotate("vms:" kind)))
#else
#define VMSP_ANN(kind, ...)
#define VMSP_ANN0(kind)
#endif

/* ---- struct level ---- */

/*
 * VMS_STATE(name, ver, min_ver): the struct has a description named @name (a
 * string literal), saved at version @ver and loadable from streams of version
 * @min_ver or later. It can be registered as a section, and members of this
 * type are saved as nested descriptions.
 *   struct VMS_STATE("wdt", 3, 1) Wdt { ... };
 */
#define VMS_STATE(name, ver, min_ver) VMSP_ANN("state", name, ver, min_ver)

/*
 * VMS_SUBSECTION_DEF(sub, ver, needed): declares the subsection "<name>/<sub>"
 * (@sub a string literal) with version @ver, sent only when the expression
 * @needed (a string literal) holds. Members join it with VMS_IN(sub).
 * Subsections go on the wire in the order they are declared.
 *   struct VMS_STATE("wdt", 3, 1) VMS_SUBSECTION_DEF("log", 1, "log_used > 0") Wdt { ... };
 */
#define VMS_SUBSECTION_DEF(sub, ver, needed) VMSP_ANN("subsection_def", sub, ver, needed)

/*
 * VMS_PRIORITY(n): save/load order of the section; higher goes first.
 *   struct VMS_STATE("pic", 1, 1) VMS_PRIORITY(2) Pic { ... };
 */
#define VMS_PRIORITY(n) VMSP_ANN("priority", n)

/*
 * VMS_NEEDED(expr): the whole section is sent only when the expression
 * @expr (a string literal) holds.
 *   struct VMS_STATE("fw_cfg", 1, 1) VMS_NEEDED("enabled") FwCfg { ... };
 */
#define VMS_NEEDED(expr) VMSP_ANN("needed", expr)

/*
 * VMS_UNMIGRATABLE: registering the struct makes migration fail with a clear
 * error.
 *   struct VMS_STATE("passthrough", 1, 1) VMS_UNMIGRATABLE Pt { ... };
 */
#define VMS_UNMIGRATABLE VMSP_ANN0("unmigratable")

/*
 * VMS_TYPE_NAME(type_name): the key and "Name" of the description in the
 * schema (QEMU keys its dump by device type name); defaults to the
 * description name.
 *   struct VMS_STATE("i8259", 1, 1) VMS_TYPE_NAME("isa-i8259") Pic { ... };
 */
#define VMS_TYPE_NAME(type_name) VMSP_ANN("type_name", type_name)

/*
 * VMS_HOOKS(pre_save, post_save, pre_load, post_load): names of user
 * functions run around save and load; write - for none.
 *   int pre_save(void *opaque, vms_error_t *err);
 *   int post_save(void *opaque);
 *   int pre_load(void *opaque, vms_error_t *err);
 *   int post_load(void *opaque, int version, vms_error_t *err);
 * Example: struct VMS_STATE("wdt", 3, 1) VMS_HOOKS(-, -, -, wdt_post_load) Wdt { ... };
 */
#define VMS_HOOKS(pre_save, post_save, pre_load, post_load) \
    VMSP_ANN("hooks", pre_save, post_save, pre_load, post_load)

/*
 * VMS_CHECK(expr): on a struct, validates the whole struct after it loaded;
 * on a member, validates the member after it loaded. A load where the
 * expression @expr (a string literal) is false fails, quoting it.
 *   uint32_t counter VMS_CHECK("counter <= reload");
 */
#define VMS_CHECK(expr) VMSP_ANN("check", expr)

/* ---- member level ---- */

/*
 * VMS_SKIP: the member is not migrated.
 *   void *backend VMS_SKIP;
 */
#define VMS_SKIP VMSP_ANN0("skip")

/*
 * VMS_IMMUTABLE: not migrated, because it is set once at init (the schema
 * records why).
 *   uint32_t irq_line VMS_IMMUTABLE;
 */
#define VMS_IMMUTABLE VMSP_ANN0("immutable")

/*
 * VMS_DERIVED: not migrated, because post_load recomputes it from other
 * state (the schema records why).
 *   uint32_t irq_pending VMS_DERIVED;
 */
#define VMS_DERIVED VMSP_ANN0("derived")

/*
 * VMS_SINCE(v): the member is present in stream versions >= @v.
 *   uint8_t prescale VMS_SINCE(3);
 */
#define VMS_SINCE(v) VMSP_ANN("since", v)

/*
 * VMS_UNTIL(v): the member is present in stream versions < @v.
 *   uint16_t old_reload VMS_UNTIL(2);
 */
#define VMS_UNTIL(v) VMSP_ANN("until", v)

/*
 * VMS_IF(expr): the member is present only when the expression @expr (a
 * string literal, which may use `version`) holds. With VMS_SINCE, both must
 * hold.
 *   uint32_t ext_ctrl VMS_IF("mode == MODE_EXT");
 */
#define VMS_IF(expr) VMSP_ANN("if", expr)

/*
 * VMS_DEFAULT(expr): the value the member gets when a stream lacks it (an
 * older version, an absent subsection), assigned at its place in load order.
 *   uint8_t prescale VMS_SINCE(3) VMS_DEFAULT("1");
 */
#define VMS_DEFAULT(expr) VMSP_ANN("default", expr)

/*
 * VMS_COUNT(expr): the element count of a variable array or pointer (QEMU's
 * VARRAY); on a fixed array it is bounded by the array's capacity.
 *   struct WdtEvent log[WDT_LOG_LEN] VMS_COUNT("log_used");
 */
#define VMS_COUNT(expr) VMSP_ANN("count", expr)

/*
 * VMS_MAX(n): the largest count a VMS_COUNT pointer may take; a stream that
 * claims more fails the load.
 *   uint8_t *buf VMS_COUNT("buf_len") VMS_MAX(4096);
 */
#define VMS_MAX(n) VMSP_ANN("max", n)

/*
 * VMS_ALLOC: the storage of a VMS_COUNT pointer is allocated on load
 * (bounded by VMS_MAX).
 *   uint32_t *table VMS_COUNT("table_len") VMS_ALLOC VMS_MAX(256);
 */
#define VMS_ALLOC VMSP_ANN0("alloc")

/*
 * VMS_DEREF: a pointer (or array of pointers) to single objects saved by
 * value; a NULL element is sent as the marker byte 0x30.
 *   struct Timer *timers[4] VMS_DEREF;
 */
#define VMS_DEREF VMSP_ANN0("deref")

/*
 * VMS_IN(sub): the member belongs to the subsection @sub (a string literal)
 * declared with VMS_SUBSECTION_DEF.
 *   uint8_t log_used VMS_IN("log");
 */
#define VMS_IN(sub) VMSP_ANN("in", sub)

/*
 * VMS_PRESENT(sub): on a bool member that is not migrated itself: set true
 * when the subsection @sub (a string literal) was loaded, false when the
 * stream lacked it.
 *   bool log_loaded VMS_PRESENT("log");
 */
#define VMS_PRESENT(sub) VMSP_ANN("present", sub)

/*
 * VMS_CODEC(get, put, type): a user codec for the member: functions @get
 * and @put (identifiers) and the type name @type (a string literal) used in
 * the vmdesc and schema.
 *   int get(vms_stream_t *s, void *field, size_t size, vms_error_t *err);
 *   int put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err);
 * Example: uint8_t config[256] VMS_CODEC(pci_cfg_get, pci_cfg_put, "pci config");
 */
#define VMS_CODEC(get, put, type) VMSP_ANN("codec", get, put, type)

/*
 * VMS_SUBSECTION(sub, needed): the member's type has its own VMS_STATE, and
 * that description is the subsection @sub (a string literal) of this one,
 * sent when the expression @needed (a string literal) holds.
 *   struct Fifo fifo VMS_SUBSECTION("fifo", "fifo_enabled");
 */
#define VMS_SUBSECTION(sub, needed) VMSP_ANN("subsection", sub, needed)

/*
 * VMS_UNUSED: placeholder bytes for a removed member (as many as the
 * member's size): zeros on save, skipped on load.
 *   uint8_t old_mode[4] VMS_UNUSED;
 */
#define VMS_UNUSED VMSP_ANN0("unused")

/*
 * VMS_EQUAL: the load fails unless the stream's value equals the local one.
 *   uint32_t n_ports VMS_EQUAL;
 */
#define VMS_EQUAL VMSP_ANN0("equal")

/*
 * VMS_RANGE(lo, hi): the load fails unless lo <= value <= hi (integer
 * constant expressions; the common case of VMS_CHECK).
 *   uint8_t log_used VMS_RANGE(0, WDT_LOG_LEN);
 */
#define VMS_RANGE(lo, hi) VMSP_ANN("range", lo, hi)

/*
 * VMS_WAS(type, v): before version @v the member had the wire type @type (a
 * string literal such as "uint16"); such streams are loaded and converted.
 *   uint32_t reload VMS_WAS("uint16", 2);
 */
#define VMS_WAS(type, v) VMSP_ANN("was", type, v)

/*
 * VMS_RENAMED(old): the member was called @old (a string literal): same wire
 * data, new name (for the schema and `vmsgen diff`).
 *   uint32_t divisor VMS_RENAMED("divider");
 */
#define VMS_RENAMED(old) VMSP_ANN("renamed", old)

/*
 * VMS_NAME(wire_name): the name in the schema and vmdesc when it differs
 * from the C name (a string literal).
 *   uint8_t lsr VMS_NAME("line_status");
 */
#define VMS_NAME(wire_name) VMSP_ANN("name", wire_name)

/*
 * VMS_TYPE(info): forces the wire type, named as QEMU names it (a string
 * literal): "timer" (an int64_t expiry in ns, -1 when not armed), "buffer"
 * (raw bytes), "uint8" on a uint8_t[N] (an array of N uint8), ...
 *   int64_t deadline VMS_TYPE("timer");
 */
#define VMS_TYPE(info) VMSP_ANN("type", info)

/*
 * VMS_LIVE(bitmap): a large 1-D array of fixed-width integers migrated live,
 * in chunks, while the device runs (docs/annotations.md, "Live state").
 * @bitmap (a string literal) names a uint64_t array member of the same
 * struct, one bit per chunk, which is not migrated itself; the device marks
 * a chunk with vms_live_mark_dirty() after writing it. vmsgen then emits
 * vms_live_ops_<Struct> for vms_register_live(). Combines with
 * VMS_LIVE_CHUNK only.
 *   uint8_t  ram[RAM_SIZE] VMS_LIVE("ram_dirty");
 *   uint64_t ram_dirty[RAM_SIZE / 4096 / 64];
 */
#define VMS_LIVE(bitmap) VMSP_ANN("live", bitmap)

/*
 * VMS_LIVE_CHUNK(n): the chunk size of a VMS_LIVE member in bytes (a power
 * of two and a multiple of its element size; 4096 when not given).
 *   uint32_t table[1 << 20] VMS_LIVE("table_dirty") VMS_LIVE_CHUNK(65536);
 */
#define VMS_LIVE_CHUNK(n) VMSP_ANN("live_chunk", n)

#endif /* VMS_ANNOTATE_H */
