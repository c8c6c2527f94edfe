/* test_annotate_h.c: <vms/annotate.h> costs nothing without __VMSGEN__ and is spelled right with it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include <vms/annotate.h>

/*
 * Built with -Wall -Wextra -Wpedantic -Werror (see tests/CMakeLists.txt):
 * every macro used in every place DESIGN §3 allows must expand to nothing
 * the compiler could warn about.
 */
#define LOG_LEN 8

struct VMS_STATE("ev", 1, 1) Ev {
    uint64_t when_ns;
    uint8_t cause;
};
struct Ev_plain {
    uint64_t when_ns;
    uint8_t cause;
};

struct VMS_STATE("dev", 3, 1) VMS_SUBSECTION_DEF("log", 1, "log_used > 0") VMS_PRIORITY(2)
    VMS_NEEDED("enabled") VMS_UNMIGRATABLE VMS_TYPE_NAME("isa-dev") VMS_HOOKS(-, -, -, dev_post_load)
    VMS_CHECK("counter <= reload") Dev {
    uint32_t reload VMS_WAS("uint16", 2);
    uint32_t counter VMS_CHECK("counter <= reload");
    uint8_t prescale VMS_SINCE(3) VMS_DEFAULT("1");
    uint8_t old VMS_UNTIL(2);
    uint8_t mode VMS_IF("version >= 2");
    int64_t deadline VMS_TYPE("timer");
    uint8_t log_used VMS_IN("log") VMS_RANGE(0, LOG_LEN);
    struct Ev log[LOG_LEN] VMS_IN("log") VMS_COUNT("log_used");
    bool log_loaded VMS_PRESENT("log");
    uint8_t *buf VMS_COUNT("log_used") VMS_MAX(64) VMS_ALLOC;
    struct Ev *ev VMS_DEREF;
    uint8_t cfg[4] VMS_CODEC(cfg_get, cfg_put, "cfg");
    struct Ev fifo VMS_SUBSECTION("fifo", "log_used > 1");
    uint8_t gone[4] VMS_UNUSED;
    uint32_t ports VMS_EQUAL VMS_NAME("n_ports") VMS_RENAMED("nports");
    VMS_IMMUTABLE uint32_t irq_line;
    uint32_t pending VMS_DERIVED;
    void *backend VMS_SKIP;
    unsigned flag : 1 VMS_SKIP;
};
struct Dev_plain {
    uint32_t reload;
    uint32_t counter;
    uint8_t prescale;
    uint8_t old;
    uint8_t mode;
    int64_t deadline;
    uint8_t log_used;
    struct Ev_plain log[LOG_LEN];
    bool log_loaded;
    uint8_t *buf;
    struct Ev_plain *ev;
    uint8_t cfg[4];
    struct Ev_plain fifo;
    uint8_t gone[4];
    uint32_t ports;
    uint32_t irq_line;
    uint32_t pending;
    void *backend;
    unsigned flag : 1;
};

typedef struct VMS_STATE("anon", 1, 1) {
    uint16_t a VMS_RANGE(1, 2);
} AnonDev;

#define SAME_LAYOUT(a, b, m) (offsetof(struct a, m) == offsetof(struct b, m))

static void test_layout_unaffected(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct Ev), sizeof(struct Ev_plain));
    assert_int_equal(sizeof(struct Dev), sizeof(struct Dev_plain));
    assert_int_equal(sizeof(AnonDev), sizeof(uint16_t));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, counter));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, deadline));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, log));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, log_loaded));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, buf));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, fifo));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, gone));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, irq_line));
    assert_true(SAME_LAYOUT(Dev, Dev_plain, backend));
    assert_true(SAME_LAYOUT(Ev, Ev_plain, cause));
}

/*
 * ---- what vmsgen sees ----
 * Re-read the header as vmsgen does (__VMSGEN__ defined) with the attribute
 * turned into its string, so each annotation becomes a string literal this
 * test can compare, without libclang.
 */
#undef VMS_ANNOTATE_H
#undef VMSP_ANN
#undef VMSP_ANN0
#define __VMSGEN__ 1
#define __attribute__(x) x
#define annotate(s) s
#include <vms/annotate.h>

#define FIFO_LEN 16
#define WHO wdt

static const struct {
    const char *got, *want;
} spelled[] = {
    {VMS_STATE("wdt", 3, 1), "vms:state(\"wdt\", 3, 1)"},
    {VMS_SUBSECTION_DEF("log", 1, "log_used > 0"), "vms:subsection_def(\"log\", 1, \"log_used > 0\")"},
    {VMS_PRIORITY(2), "vms:priority(2)"},
    {VMS_NEEDED("enabled"), "vms:needed(\"enabled\")"},
    {VMS_UNMIGRATABLE, "vms:unmigratable"},
    {VMS_TYPE_NAME("isa-i8259"), "vms:type_name(\"isa-i8259\")"},
    {VMS_HOOKS(a, -, -, b), "vms:hooks(a, -, -, b)"},
    {VMS_CHECK("x <= y"), "vms:check(\"x <= y\")"},
    {VMS_SKIP, "vms:skip"},
    {VMS_IMMUTABLE, "vms:immutable"},
    {VMS_DERIVED, "vms:derived"},
    {VMS_SINCE(3), "vms:since(3)"},
    {VMS_UNTIL(2), "vms:until(2)"},
    {VMS_IF("version >= 2"), "vms:if(\"version >= 2\")"},
    {VMS_DEFAULT("1"), "vms:default(\"1\")"},
    {VMS_COUNT("n"), "vms:count(\"n\")"},
    {VMS_MAX(FIFO_LEN), "vms:max(16)"},
    {VMS_ALLOC, "vms:alloc"},
    {VMS_DEREF, "vms:deref"},
    {VMS_IN("log"), "vms:in(\"log\")"},
    {VMS_PRESENT("log"), "vms:present(\"log\")"},
    {VMS_CODEC(get_fn, put_fn, "pci"), "vms:codec(get_fn, put_fn, \"pci\")"},
    {VMS_SUBSECTION("fifo", "n > 0"), "vms:subsection(\"fifo\", \"n > 0\")"},
    {VMS_UNUSED, "vms:unused"},
    {VMS_EQUAL, "vms:equal"},
    {VMS_RANGE(0, FIFO_LEN), "vms:range(0, 16)"},
    {VMS_RANGE(0,FIFO_LEN), "vms:range(0, 16)"},
    {VMS_RANGE(-1, FIFO_LEN * 2), "vms:range(-1, 16 * 2)"},
    {VMS_WAS("uint16", 2), "vms:was(\"uint16\", 2)"},
    {VMS_RENAMED("old"), "vms:renamed(\"old\")"},
    {VMS_NAME("wire"), "vms:name(\"wire\")"},
    {VMS_TYPE("timer"), "vms:type(\"timer\")"},
    {VMS_CHECK("a \"b\" \\ c"), "vms:check(\"a \\\"b\\\" \\\\ c\")"},
    /* a user macro may expand an argument, never the kind word */
    {VMS_HOOKS(WHO, -, -, -), "vms:hooks(wdt, -, -, -)"},
};

static void test_vmsgen_spelling(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(spelled) / sizeof(spelled[0]); i++)
        assert_string_equal(spelled[i].got, spelled[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_unaffected),
        cmocka_unit_test(test_vmsgen_spelling),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
