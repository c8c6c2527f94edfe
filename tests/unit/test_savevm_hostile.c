/*
 * test_savevm_hostile.c: hostile whole-machine streams and the registry.
 *
 * A two-device machine "pc-test-1.0" and streams written out byte by byte
 * that must fail with an exact code, offset and message (or load); then
 * registration, instance numbering, page size and machine-name limits.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- 1. hostile streams ---- */

/*
 * A small machine "pc-test-1.0" with two devices: "dev" (a uint32 and a
 * subsection "dev/extra") and "aux" (a uint8). Streams are written out byte
 * by byte below.
 */
struct dev {
    uint32_t v;
    uint8_t extra;
    bool want_extra;
};

static const struct vms_field dev_fields[] = {
    {.name = "v", .type = VMS_WT_UINT32, .offset = offsetof(struct dev, v), .size = 4},
};
static const struct vms_field dev_extra_fields[] = {
    {.name = "extra", .type = VMS_WT_UINT8, .offset = offsetof(struct dev, extra), .size = 1},
};
static const struct vms_desc dev_extra_desc = {
    .name = "dev/extra", .version = 1, .min_version = 1, .size = sizeof(struct dev),
    .fields = dev_extra_fields, .n_fields = VMS_COUNTOF(dev_extra_fields),
};
static bool dev_extra_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct dev *)opaque)->want_extra;
}
static const struct vms_subsection dev_subs[] = {
    {.desc = &dev_extra_desc, .needed = dev_extra_needed},
};
static const struct vms_desc dev_desc = {
    .name = "dev", .version = 1, .min_version = 1, .size = sizeof(struct dev),
    .fields = dev_fields, .n_fields = VMS_COUNTOF(dev_fields),
    .subsections = dev_subs, .n_subsections = VMS_COUNTOF(dev_subs),
};

static const struct vms_field aux_fields[] = {
    {.name = "b", .type = VMS_WT_UINT8, .offset = 0, .size = 1},
};
static const struct vms_desc aux_desc = {
    .name = "aux", .version = 1, .min_version = 1, .size = sizeof(uint8_t),
    .fields = aux_fields, .n_fields = VMS_COUNTOF(aux_fields),
};

#define B16(v) (uint8_t)((v) >> 8), (uint8_t)(v)
#define B32(v) (uint8_t)((uint32_t)(v) >> 24), (uint8_t)((uint32_t)(v) >> 16), \
               (uint8_t)((uint32_t)(v) >> 8), (uint8_t)(v)

/* 8 bytes */
#define HEADER /* magic "QEVM" */ 0x51, 0x45, 0x56, 0x4d, /* version */ B32(3)
/* 16 bytes */
#define CONFIG /* configuration */ 0x07, /* be32 length */ B32(11), \
               'p', 'c', '-', 't', 'e', 's', 't', '-', '1', '.', '0'
#define AT_SECTIONS 24
/* 17 bytes of section header */
#define DEV_HEAD(type, id, inst, ver) /* type */ type, /* section id */ B32(id), \
               /* idstr */ 3, 'd', 'e', 'v', /* instance */ B32(inst), /* version */ B32(ver)
#define SEC_HEAD 17
/* 26 bytes */
#define DEV_SECTION(id) DEV_HEAD(0x04, id, 0, 1), /* v */ B32(7), /* footer */ 0x7e, B32(id)
#define DEV_LEN 26
/* 23 bytes */
#define AUX_SECTION(id) /* FULL */ 0x04, /* section id */ B32(id), /* idstr */ 3, 'a', 'u', 'x', \
               /* instance */ B32(0), /* version */ B32(1), /* b */ 0x09, /* footer */ 0x7e, B32(id)
#define AUX_LEN 23
/* 8 bytes */
#define TRAILER /* EOF */ 0x00, /* vmdesc */ 0x06, B32(2), '{', '}'
#define TRAILER_LEN 8
/* 6 bytes */
#define CMD(cmd, len) /* command */ 0x08, /* be16 cmd */ B16(cmd), /* be16 len */ B16(len)

/* 40 bytes: configuration/target-page-bits v1 */
#define PAGE_BITS(bits) /* subsection */ 0x05, /* name */ 30, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', \
               'a', 't', 'i', 'o', 'n', '/', 't', 'a', 'r', 'g', 'e', 't', '-', 'p', 'a', 'g', 'e', \
               '-', 'b', 'i', 't', 's', /* version */ B32(1), /* bits */ B32(bits)
#define PAGE_BITS_LEN 40

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

struct hostile {
    const char *what;
    const uint8_t *bytes;
    size_t len;
    unsigned flags;      /* vms_registry_set_flags */
    int code;            /* 0: must load */
    int64_t offset;
    const char *path;    /* expected err.path; NULL: not checked */
    const char *message; /* must appear in err.message */
};

static const struct hostile hostile[] = {
    /* header: both words are read before either is checked, so errors point past them */
    {"bad magic", BYTES(0x51, 0x45, 0x56, 0x58, B32(3), CONFIG, TRAILER), 0,
     VMS_ERR_FORMAT, 8, "", "magic 0x51455658"},
    {"version 2 (obsolete)", BYTES(0x51, 0x45, 0x56, 0x4d, B32(2), CONFIG, TRAILER), 0,
     VMS_ERR_VERSION, 8, "", "obsolete"},
    {"version 4", BYTES(0x51, 0x45, 0x56, 0x4d, B32(4), CONFIG, TRAILER), 0,
     VMS_ERR_VERSION, 8, "", "version 4"},
    {"one-byte stream", BYTES(0x51), 0, VMS_ERR_EOF, 1, NULL, "end of stream"},
    /* configuration */
    {"missing configuration", BYTES(HEADER, DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, 9, "", "configuration section missing"},
    {"machine name mismatch", BYTES(HEADER, 0x07, B32(7), 'p', 'c', '-', 'o', 't', 'h', 'r',
                                    DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_CHECK, 20, "", "stream has 'pc-othr', local is 'pc-test-1.0'"},
    {"received name a prefix of the local one", BYTES(HEADER, 0x07, B32(7), 'p', 'c', '-', 't',
                                                      'e', 's', 't', DEV_SECTION(0),
                                                      AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"local name a prefix of the received one", BYTES(HEADER, 0x07, B32(13), 'p', 'c', '-', 't',
                                                      'e', 's', 't', '-', '1', '.', '0', '.', '1',
                                                      DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_CHECK, 26, "", "stream has 'pc-test-1.0.1'"},
    {"target-page-bits 12", BYTES(HEADER, CONFIG, PAGE_BITS(12), DEV_SECTION(0), AUX_SECTION(1),
                                  TRAILER), 0, 0, -1, NULL, NULL},
    {"target-page-bits 13", BYTES(HEADER, CONFIG, PAGE_BITS(13), DEV_SECTION(0), AUX_SECTION(1),
                                  TRAILER), 0,
     VMS_ERR_CHECK, AT_SECTIONS + PAGE_BITS_LEN, "", "target page bits 13"},
    {"uuid", BYTES(HEADER, CONFIG, 0x05, 18, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', 'a', 't', 'i',
                   'o', 'n', '/', 'u', 'u', 'i', 'd', /* version */ B32(1), /* uuid */ B32(1),
                   B32(2), B32(3), B32(4), DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     0, -1, NULL, NULL},
    {"capabilities, count 0", BYTES(HEADER, CONFIG, 0x05, 26, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r',
                                    'a', 't', 'i', 'o', 'n', '/', 'c', 'a', 'p', 'a', 'b', 'i', 'l',
                                    'i', 't', 'i', 'e', 's', /* version */ B32(1), /* count */ B32(0),
                                    DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"capabilities, count 1", BYTES(HEADER, CONFIG, 0x05, 26, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r',
                                    'a', 't', 'i', 'o', 'n', '/', 'c', 'a', 'p', 'a', 'b', 'i', 'l',
                                    'i', 't', 'i', 'e', 's', /* version */ B32(1), /* count */ B32(1),
                                    /* cap */ 15, 'x', '-', 'i', 'g', 'n', 'o', 'r', 'e', '-', 's', 'h',
                                    'a', 'r', 'e', 'd', DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + 28 + 8, "", "capabilities"},
    {"unknown configuration subsection", BYTES(HEADER, CONFIG, 0x05, 17, 'c', 'o', 'n', 'f', 'i',
                                               'g', 'u', 'r', 'a', 't', 'i', 'o', 'n', '/', 'f',
                                               'o', 'o', /* version */ B32(1), DEV_SECTION(0),
                                               AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS, "", "'configuration/foo'"}, /* at its 0x05, as the engine */
    /* sections */
    {"all good", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"sections in any order, any ids", BYTES(HEADER, CONFIG, AUX_SECTION(9), DEV_SECTION(3),
                                             TRAILER), 0, 0, -1, NULL, NULL},
    {"unknown idstr", BYTES(HEADER, CONFIG, 0x04, B32(0), 3, 'x', 'y', 'z', B32(0), B32(1), B32(7),
                            0x7e, B32(0), TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS + SEC_HEAD, "", "unknown section 'xyz' instance 0"},
    {"unknown instance", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 5, 1), B32(7), 0x7e, B32(0),
                               TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS + SEC_HEAD, "", "unknown section 'dev' instance 5"},
    {"duplicate section", BYTES(HEADER, CONFIG, DEV_SECTION(0), DEV_SECTION(1), AUX_SECTION(2),
                                TRAILER), 0,
     VMS_ERR_EXISTS, AT_SECTIONS + DEV_LEN + SEC_HEAD, "dev", "'dev' instance 0 appears twice"},
    {"section id reused", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(0), TRAILER), 0,
     VMS_ERR_EXISTS, AT_SECTIONS + DEV_LEN + SEC_HEAD, "", "section id 0 reused by 'aux'"},
    {"section version too new", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 2), B32(7), 0x7e, B32(0),
                                      AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_VERSION, AT_SECTIONS + SEC_HEAD, "dev", "stream version 2 is newer than local version 1"},
    {"missing footer", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), AUX_SECTION(1),
                             TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + SEC_HEAD + 4 + 1, "dev", "missing section footer (got 0x04"},
    {"mismatched footer id", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), 0x7e, B32(9),
                                   AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + DEV_LEN, "dev", "footer names id 9, expected 0"},
    {"PART for an unknown id", BYTES(HEADER, CONFIG, /* PART */ 0x02, B32(5), B32(7), 0x7e, B32(5),
                                     TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS + 5, "", "PART for unknown section id 5"},
    {"END for an unknown id", BYTES(HEADER, CONFIG, /* END */ 0x03, B32(5), 0x7e, B32(5), TRAILER),
     0, VMS_ERR_NOENT, AT_SECTIONS + 5, "", "END for unknown section id 5"},
    {"PART for a finished id", BYTES(HEADER, CONFIG, DEV_SECTION(0), /* PART */ 0x02, B32(0), B32(7),
                                     0x7e, B32(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + DEV_LEN + 5, "", "PART for finished section id 0"},
    {"END for a finished id", BYTES(HEADER, CONFIG, DEV_SECTION(0), /* END */ 0x03, B32(0), 0x7e,
                                    B32(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + DEV_LEN + 5, "", "END for finished section id 0"},
    {"START section for a described device", BYTES(HEADER, CONFIG, DEV_HEAD(0x01, 0, 0, 1), B32(7),
                                                    0x7e, B32(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + SEC_HEAD, "dev", "live (START) section"},
    {"unknown section type", BYTES(HEADER, CONFIG, 0x09, TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 1, "", "unknown section type 0x09"},
    {"subsection marker at top level", BYTES(HEADER, CONFIG, 0x05, TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 1, "", "unknown section type 0x05"},
    {"footer at top level", BYTES(HEADER, CONFIG, 0x7e, B32(0), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 1, "", "unknown section type 0x7e"},
    /* subsections inside a section */
    {"known subsection", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), 0x05, 9, 'd', 'e',
                               'v', '/', 'e', 'x', 't', 'r', 'a', B32(1), 0x33, 0x7e, B32(0),
                               AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"unknown subsection", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), 0x05, 7, 'd', 'e',
                                 'v', '/', 'b', 'a', 'd', B32(1), 0x7e, B32(0), AUX_SECTION(1),
                                 TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS + SEC_HEAD + 4, "dev", "subsection 'dev/bad' does not exist in 'dev'"},
    {"duplicate subsection", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), 0x05, 9, 'd', 'e',
                                   'v', '/', 'e', 'x', 't', 'r', 'a', B32(1), 0x33, 0x05, 9, 'd', 'e',
                                   'v', '/', 'e', 'x', 't', 'r', 'a', B32(1), 0x33, 0x7e, B32(0),
                                   AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_EXISTS, AT_SECTIONS + SEC_HEAD + 4 + 16, "dev", "'dev/extra' appears twice"},
    /* commands */
    {"accepted commands", BYTES(HEADER, CONFIG, CMD(1, 0), DEV_SECTION(0), CMD(2, 4), B32(0x1234),
                                CMD(11, 0), AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"command 0", BYTES(HEADER, CONFIG, CMD(0, 0), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 5, "", "invalid command 0"},
    {"command 12", BYTES(HEADER, CONFIG, CMD(12, 0), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 5, "", "invalid command 12"},
    {"PING of length 3", BYTES(HEADER, CONFIG, CMD(2, 3), 0, 0, 0, TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 5, "", "command 2 has length 3, expected 4"},
    {"OPEN_RETURN_PATH of length 1", BYTES(HEADER, CONFIG, CMD(1, 1), 0, TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 5, "", "command 1 has length 1, expected 0"},
    {"POSTCOPY_ADVISE", BYTES(HEADER, CONFIG, CMD(3, 0), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + 5, "", "command 3"},
    {"POSTCOPY_LISTEN", BYTES(HEADER, CONFIG, CMD(4, 0), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + 5, "", "command 4"},
    {"PACKAGED", BYTES(HEADER, CONFIG, CMD(7, 4), B32(0), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + 5, "", "command 7"},
    /* end of stream */
    {"no vmdesc", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1), /* EOF */ 0x00), 0,
     VMS_ERR_EOF, AT_SECTIONS + DEV_LEN + AUX_LEN + 1, "", "end of stream"},
    {"no vmdesc, allowed", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1), /* EOF */ 0x00),
     VMS_LOAD_ALLOW_NO_VMDESC, 0, -1, NULL, NULL},
    {"junk instead of vmdesc, allowed", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1),
                                              /* EOF */ 0x00, 0x42), VMS_LOAD_ALLOW_NO_VMDESC,
     VMS_ERR_FORMAT, AT_SECTIONS + DEV_LEN + AUX_LEN + 2, "", "vmdesc"},
    {"no EOF", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1)), 0,
     VMS_ERR_EOF, AT_SECTIONS + DEV_LEN + AUX_LEN, "", "end of stream"},
    {"vmdesc shorter than its length", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1), 0x00,
                                             0x06, B32(3), '{', '}'), 0,
     VMS_ERR_EOF, AT_SECTIONS + DEV_LEN + AUX_LEN + 8, "", "end of stream"},
    {"registered device missing", BYTES(HEADER, CONFIG, DEV_SECTION(0), TRAILER), 0,
     VMS_ERR_MISSING, AT_SECTIONS + DEV_LEN + TRAILER_LEN, "aux",
     "section 'aux' instance 0 is missing"},
    {"registered device missing, allowed", BYTES(HEADER, CONFIG, DEV_SECTION(0), TRAILER),
     VMS_LOAD_ALLOW_MISSING, 0, -1, NULL, NULL},
};

/* Checks one hostile case; returns false after printing what differs. */
static bool check_hostile(const struct hostile *h)
{
    struct dev dev = {0};
    uint8_t aux = 0;
    vms_registry_t *r = vms_registry_new("pc-test-1.0");
    uint8_t *copy = malloc(h->len);
    vms_error_t err;
    char buf[1024];
    bool ok = true;
    int ret;

    assert_non_null(r);
    assert_non_null(copy);
    memcpy(copy, h->bytes, h->len); /* exact size on the heap: ASan sees overreads */
    assert_int_equal(vms_register(r, "dev", 0, &dev_desc, &dev), 0);
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &aux), 0);
    vms_registry_set_flags(r, h->flags);
    ret = load_registry(r, copy, h->len, &err);
    vms_error_format(&err, buf, sizeof(buf));
    if (h->code == 0) {
        ok = ret == 0 && err.code == 0 && dev.v == 7 && ((h->flags & VMS_LOAD_ALLOW_MISSING) || aux == 9);
    } else {
        ok = ret == h->code && err.code == h->code && err.offset == h->offset &&
             (!h->path || strcmp(err.path, h->path) == 0) && strstr(err.message, h->message);
    }
    if (!ok)
        print_error("hostile '%s': got ret %d code %d (%s) offset %lld path '%s' message '%s'\n"
                    "  want code %d (%s) offset %lld path '%s' message containing '%s'\n", h->what,
                    ret, err.code, vms_strerror(err.code), (long long)err.offset, err.path, buf,
                    h->code, vms_strerror(h->code), (long long)h->offset, h->path ? h->path : "*",
                    h->message ? h->message : "");
    vms_registry_free(r);
    free(copy);
    return ok;
}

static void test_hostile_streams(void **state)
{
    unsigned bad = 0;

    (void)state;
    for (size_t i = 0; i < VMS_COUNTOF(hostile); i++)
        bad += !check_hostile(&hostile[i]);
    if (bad)
        fail_msg("%u of %zu hostile streams misbehaved (listed above)", bad, VMS_COUNTOF(hostile));
}

/* ---- 2. registry ---- */

static const struct vms_desc *single_lookup(const char *idstr, uint32_t instance, void *ctx,
                                            void **opaque)
{
    (void)idstr;
    (void)instance;
    *opaque = ctx;
    return &aux_desc;
}

static void test_instance_any_numbering(void **state)
{
    static const struct {
        const char *idstr;
        uint32_t instance;
    } want[] = {{"a", 0}, {"a", 1}, {"b", 0}, {"a", 5}, {"a", 6}, {"b", 1}, {"a", 3}};
    uint8_t dev[7] = {0}, scratch;
    vms_registry_t *r = vms_registry_new("m");
    struct walk w;
    size_t len;
    uint8_t *bytes;

    (void)state;
    assert_int_equal(vms_register(r, "a", VMS_INSTANCE_ANY, &aux_desc, &dev[0]), 0);
    assert_int_equal(vms_register(r, "a", VMS_INSTANCE_ANY, &aux_desc, &dev[1]), 0);
    assert_int_equal(vms_register(r, "b", VMS_INSTANCE_ANY, &aux_desc, &dev[2]), 0);
    assert_int_equal(vms_register(r, "a", 5, &aux_desc, &dev[3]), 0);
    assert_int_equal(vms_register(r, "a", VMS_INSTANCE_ANY, &aux_desc, &dev[4]), 0);
    assert_int_equal(vms_register(r, "b", VMS_INSTANCE_ANY, &aux_desc, &dev[5]), 0);
    assert_int_equal(vms_register(r, "a", 3, &aux_desc, &dev[6]), 0); /* a free slot below */
    /* explicit duplicates, also of numbers ANY handed out */
    assert_int_equal(vms_register(r, "a", 5, &aux_desc, &dev[0]), VMS_ERR_EXISTS);
    assert_int_equal(vms_register(r, "a", 1, &aux_desc, &dev[0]), VMS_ERR_EXISTS);
    assert_int_equal(vms_register(r, "b", 0, &aux_desc, &dev[0]), VMS_ERR_EXISTS);

    bytes = save_registry(r, &len);
    walk_stream(bytes, len, single_lookup, &scratch, &w);
    assert_int_equal(w.n, VMS_COUNTOF(want));
    for (size_t i = 0; i < w.n; i++) {
        assert_string_equal(w.sec[i].idstr, want[i].idstr);
        assert_int_equal(w.sec[i].instance, want[i].instance);
        assert_int_equal(w.sec[i].id, i);
    }
    free(bytes);
    vms_registry_free(r);
}

/* QEMU refuses to number past UINT32_MAX - 1 (VMSTATE_INSTANCE_ID_ANY is all ones). */
static void test_instance_any_exhausted(void **state)
{
    uint8_t dev = 0;
    vms_registry_t *r = vms_registry_new("m");
    int ret;

    (void)state;
    assert_int_equal(vms_register(r, "a", 0, &aux_desc, &dev), 0);
    assert_int_equal(vms_register(r, "a", UINT32_MAX - 1, &aux_desc, &dev), 0);
    /* the next number would be UINT32_MAX, which is VMS_INSTANCE_ANY itself */
    ret = vms_register(r, "a", VMS_INSTANCE_ANY, &aux_desc, &dev);
    vms_registry_free(r);
    assert_int_equal(ret, VMS_ERR_RANGE);
}

static void test_register_rejects(void **state)
{
    static const struct vms_field bad_fields[] = {
        {.name = "x", .type = VMS_WT_UINT32, .offset = 0, .size = 2}, /* size does not match */
    };
    static const struct vms_desc bad_desc = {
        .name = "bad", .version = 1, .min_version = 1, .size = sizeof(uint8_t),
        .fields = bad_fields, .n_fields = VMS_COUNTOF(bad_fields),
    };
    uint8_t dev = 0;
    char name[VMS_IDSTR_MAX + 2];
    vms_registry_t *r = vms_registry_new("m");

    (void)state;
    assert_null(vms_registry_new(NULL));
    vms_registry_free(NULL);
    assert_int_equal(vms_register(NULL, "a", 0, &aux_desc, &dev), VMS_ERR_INVAL);
    assert_int_equal(vms_register(r, NULL, 0, &aux_desc, &dev), VMS_ERR_INVAL);
    assert_int_equal(vms_register(r, "a", 0, NULL, &dev), VMS_ERR_INVAL);
    assert_int_equal(vms_register(r, "", 0, &aux_desc, &dev), VMS_ERR_INVAL);
    memset(name, 'x', sizeof(name));
    name[VMS_IDSTR_MAX + 1] = '\0'; /* 256 bytes */
    assert_int_equal(vms_register(r, name, 0, &aux_desc, &dev), VMS_ERR_INVAL);
    name[VMS_IDSTR_MAX] = '\0'; /* 255 bytes: the longest that fits the u8 length */
    assert_int_equal(vms_register(r, name, 0, &aux_desc, &dev), 0);
    assert_int_equal(vms_register(r, "bad", 0, &bad_desc, &dev), VMS_ERR_INVAL);

    /* the 255-byte idstr goes out and comes back */
    size_t len;
    uint8_t *bytes = save_registry(r, &len);
    vms_error_t err;
    assert_int_equal(bytes[8 + 1 + 4 + 1 + 5], VMS_IDSTR_MAX);
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    free(bytes);
    vms_registry_free(r);

    vms_error_init(&err);
    assert_int_equal(vms_save_all(NULL, NULL, &err), VMS_ERR_INVAL);
}

static void test_unmigratable(void **state)
{
    static const struct vms_desc blocker_desc = {
        .name = "blocker", .version = 1, .min_version = 1, .size = sizeof(uint8_t),
        .unmigratable = true,
        .fields = aux_fields, .n_fields = VMS_COUNTOF(aux_fields),
    };
    uint8_t dev = 0;
    vms_registry_t *r = vms_registry_new("m");
    vms_stream_t *s = vms_stream_mem_writer();
    vms_error_t err;

    (void)state;
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &dev), 0);
    assert_int_equal(vms_register(r, "0000:00:04.0/blocker", 0, &blocker_desc, &dev), 0);
    vms_error_init(&err);
    assert_int_equal(vms_save_all(r, s, &err), VMS_ERR_UNMIGRATABLE);
    assert_int_equal(err.code, VMS_ERR_UNMIGRATABLE);
    assert_string_equal(err.path, "0000:00:04.0/blocker");
    assert_non_null(strstr(err.message, "'blocker'"));
    assert_int_equal(vms_stream_close(s), VMS_ERR_UNMIGRATABLE);
    vms_registry_free(r);
}

static void test_page_size(void **state)
{
    uint8_t dev = 9;
    vms_registry_t *r = vms_registry_new("m");
    static const char want[] = "{\"page_size\": 65536, \"devices\": [{\"name\": \"aux\", ";
    struct walk w;
    vms_error_t err;
    size_t len;
    uint8_t *bytes;

    (void)state;
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &dev), 0);
    vms_registry_set_page_size(r, 65536);
    bytes = save_registry(r, &len);
    walk_stream(bytes, len, single_lookup, &dev, &w);
    assert_true(w.json_len > sizeof(want) - 1);
    assert_memory_equal(bytes + w.json_at, want, sizeof(want) - 1);
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    free(bytes);

    /* a QEMU stream announcing 64 KiB target pages matches; 4 KiB ones do not */
    static const uint8_t bits16[] = {HEADER, 0x07, B32(1), 'm', PAGE_BITS(16), AUX_SECTION(0), TRAILER};
    static const uint8_t bits12[] = {HEADER, 0x07, B32(1), 'm', PAGE_BITS(12), AUX_SECTION(0), TRAILER};
    assert_int_equal(load_registry(r, bits16, sizeof(bits16), &err), 0);
    assert_int_equal(load_registry(r, bits12, sizeof(bits12), &err), VMS_ERR_CHECK);
    assert_int_equal(err.offset, 8 + 6 + PAGE_BITS_LEN);
    assert_non_null(strstr(err.message, "target page bits 12 do not match the local page size 65536"));
    vms_registry_free(r);
}


/* DESIGN.md section 5: a duplicate subsection is an error, configuration's included. */
static void test_config_subsection_twice(void **state)
{
    static const uint8_t twice[] = {HEADER, CONFIG, PAGE_BITS(12), PAGE_BITS(12), DEV_SECTION(0),
                                    AUX_SECTION(1), TRAILER};
    struct dev dev = {0};
    uint8_t aux = 0;
    vms_registry_t *r = vms_registry_new("pc-test-1.0");
    vms_error_t err;
    int ret;

    (void)state;
    assert_int_equal(vms_register(r, "dev", 0, &dev_desc, &dev), 0);
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &aux), 0);
    ret = load_registry(r, twice, sizeof(twice), &err);
    vms_registry_free(r);
    assert_int_equal(ret, VMS_ERR_EXISTS);
    assert_int_equal(err.offset, AT_SECTIONS + PAGE_BITS_LEN); /* at the second 0x05, as the engine */
    assert_non_null(strstr(err.message, "configuration/target-page-bits"));
}

/*
 * A registry must load what it saved: machine names longer than the 255 bytes
 * a loader accepts are refused up front, and 255 bytes round-trip.
 */
static void test_long_machine_name(void **state)
{
    char name[257];
    uint8_t dev = 9;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    uint8_t *bytes;

    (void)state;
    memset(name, 'q', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    assert_null(vms_registry_new(name)); /* 256 bytes */
    name[255] = '\0';
    r = vms_registry_new(name);
    assert_non_null(r);
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &dev), 0);
    bytes = save_registry(r, &len);
    assert_int_equal(be32_at(bytes + 9), 255);
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    free(bytes);
    vms_registry_free(r);
}

/* No devices at all: header, configuration, EOF, vmdesc; and it loads. */
static void test_empty_machine(void **state)
{
    static const uint8_t want[] = {
        HEADER, /* configuration */ 0x07, B32(1), 'm',
        /* EOF */ 0x00, /* vmdesc */ 0x06, B32(34),
        '{', '"', 'p', 'a', 'g', 'e', '_', 's', 'i', 'z', 'e', '"', ':', ' ', '4', '0', '9', '6',
        ',', ' ', '"', 'd', 'e', 'v', 'i', 'c', 'e', 's', '"', ':', ' ', '[', ']', '}',
    };
    vms_registry_t *r = vms_registry_new("m");
    vms_error_t err;
    size_t len;
    uint8_t *bytes = save_registry(r, &len);

    (void)state;
    assert_bytes_equal(bytes, len, want, sizeof(want));
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    free(bytes);
    vms_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_streams),
        cmocka_unit_test(test_instance_any_numbering),
        cmocka_unit_test(test_instance_any_exhausted),
        cmocka_unit_test(test_register_rejects),
        cmocka_unit_test(test_unmigratable),
        cmocka_unit_test(test_page_size),
        cmocka_unit_test(test_config_subsection_twice),
        cmocka_unit_test(test_long_machine_name),
        cmocka_unit_test(test_empty_machine),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
