/*
 * test_mutate.c: deterministic mutations of the golden stream and of single payloads.
 *
 * tests/data/golden/machine.mig (golden_machine.h) is flipped, overwritten,
 * cut, grown and shrunk by a fixed-seed PRNG, and every result is loaded
 * with vms_load_all; then the section payloads (and an ALLOC payload) are
 * mutated and cut and loaded alone with vms_load. Every load must return 0
 * or a negative VMS_ERR_* equal to err.code with a message (and, from
 * vms_load_all, an offset inside the stream), never write outside the
 * object, and (under ASan, tests/run-all.sh) never crash or leak.
 *
 * Each mutation is also judged against the stream's layout: some MUST fail
 * (any change to framing: magic, version, configuration, section headers,
 * footers, EOF, the vmdesc marker, subsection headers; a count past its
 * capacity; a version outside the description's range; bytes inserted or
 * deleted before the trailer, unless a count or a new command can take up
 * the shift; a cut before the trailer), some MUST load (value bytes, and
 * vmdesc text whose length still fits: no loader interprets it), the rest
 * MAY do either. Outcome counts are printed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_fixtures.h"
#include "golden_machine.h"

#define SEED 0x5eed0f0b5e55ed01ull
#define N_OVERWRITES 8000
#define N_INSERTS 3000
#define N_DELETES 3000
#define N_SINGLE_RANDOM 1500
#define MAX_RUN 8               /* bytes per overwrite, insertion or deletion */
#define GUARD_LEN 64            /* keeps the object's alignment */
#define GUARD_BYTE 0xa5
#define MAX_REPORTS 25          /* violations printed in full */
#define UART_FIFO_CAP 8         /* struct uart's fifo[] */

/* ---- a fixed-seed PRNG (xorshift64*) ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n) for n > 0. */
static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng_next();
}

/* ---- expectations and outcome counts ---- */

enum expect { MAY, MUST_LOAD, MUST_FAIL };

static const char *const expect_name[] = { "may", "must load", "must fail" };

#define N_CODES 18 /* -VMS_ERR_CANCELLED + 1 */

struct tally {
    const char *what;
    unsigned runs, loads, fails;
    unsigned must_fail, must_load, may_load, may_fail;
    unsigned codes[N_CODES]; /* failures by -code */
    unsigned violations;
};

static unsigned reports;

static void tally_add(struct tally *t, enum expect e, int rc)
{
    t->runs++;
    if (rc == 0) {
        t->loads++;
        t->may_load += e == MAY;
    } else {
        t->fails++;
        t->may_fail += e == MAY;
        if (-rc > 0 && -rc < N_CODES)
            t->codes[-rc]++;
    }
    t->must_fail += e == MUST_FAIL;
    t->must_load += e == MUST_LOAD;
}

static void tally_print(const struct tally *t)
{
    char codes[256] = "";
    size_t len = 0;

    for (int c = 1; c < N_CODES; c++)
        if (t->codes[c] && len < sizeof(codes))
            len += (size_t)snprintf(codes + len, sizeof(codes) - len, " %s:%u",
                                    vms_strerror(-c), t->codes[c]);
    print_message("%-34s %6u runs: %6u loaded, %6u failed; must fail %u, must load %u, "
                  "may %u/%u (loaded/failed)\n%-34s   failures by code:%s\n",
                  t->what, t->runs, t->loads, t->fails, t->must_fail, t->must_load, t->may_load,
                  t->may_fail, "", codes);
}

/*
 * The contract every load keeps, and the verdict: returns false (after
 * printing the first few) when @rc breaks it or contradicts @e.
 */
static bool check_outcome(struct tally *t, enum expect e, int rc, const vms_error_t *err,
                          size_t len, bool whole, const char *kind, size_t at, size_t k)
{
    const char *bad = NULL;

    tally_add(t, e, rc);
    if (rc > 0)
        bad = "positive result";
    else if (rc < 0 && err->code != rc)
        bad = "err.code differs from the result";
    else if (rc < 0 && err->message[0] == '\0')
        bad = "empty message";
    else if (rc < 0 && (err->offset < (whole ? 0 : -1) || err->offset > (int64_t)len))
        bad = "offset outside the stream";
    else if (rc == 0 && err->code != 0)
        bad = "success with an error recorded";
    else if (e == MUST_FAIL && rc == 0)
        bad = "loaded, must fail";
    else if (e == MUST_LOAD && rc != 0)
        bad = "failed, must load";
    if (!bad)
        return true;
    t->violations++;
    if (reports++ < MAX_REPORTS)
        print_error("%s: %s at %zu (+%zu) of %zu bytes (%s): %s; rc %d (%s) code %d offset %lld "
                    "path '%s' message '%s'\n", t->what, kind, at, k, len, expect_name[e], bad, rc,
                    vms_strerror(rc), err->code, (long long)err->offset, err->path, err->message);
    return false;
}

/* ---- the golden stream's layout ---- */

enum byte_class { C_VALUE, C_FRAME, C_VERSION, C_COUNT, C_TRAILER };

struct span_sec {
    const struct vms_desc *d;
    size_t at, version_at, payload_at, footer_at;
};

struct layout {
    const uint8_t *b;
    size_t len;
    size_t eof_at;            /* the EOF byte; eof_at + 1 is the vmdesc marker */
    size_t trailer_len_at;    /* be32 vmdesc length */
    size_t config_len_at;     /* be32 machine-name length */
    size_t sub_at;            /* ctrl/ext's 0x05 marker */
    struct span_sec sec[8];
    size_t n;
    uint8_t *cls;             /* enum byte_class of every byte */
};

static void mark(struct layout *lay, size_t from, size_t to, enum byte_class c)
{
    for (size_t o = from; o < to; o++)
        lay->cls[o] = (uint8_t)c;
}

/* Finds @needle (@n bytes) in @hay[from, to); fails the test if it is not there. */
static size_t find_bytes(const uint8_t *hay, size_t from, size_t to, const void *needle, size_t n)
{
    for (size_t o = from; o + n <= to; o++)
        if (memcmp(hay + o, needle, n) == 0)
            return o;
    fail_msg("bytes not found in [%zu, %zu)", from, to);
    return 0;
}

/* Walks the golden stream and classifies every byte. */
static void layout_init(struct layout *lay, const uint8_t *b, size_t len)
{
    static const uint8_t ext_head[] = { 0x05, 8, 'c', 't', 'r', 'l', '/', 'e', 'x', 't' };
    struct machine scratch;
    struct walk w;

    memset(lay, 0, sizeof(*lay));
    walk_stream(b, len, machine_lookup, &scratch, &w);
    lay->b = b;
    lay->len = len;
    lay->cls = calloc(len, 1);
    assert_non_null(lay->cls);
    lay->config_len_at = 9;
    mark(lay, 0, 13 + strlen(w.machine), C_FRAME); /* magic, version, 0x07, length, name */
    for (size_t i = 0; i < w.n; i++) {
        struct span_sec *s = &lay->sec[lay->n++];
        size_t l = strlen(w.sec[i].idstr);
        void *opaque;

        s->d = machine_lookup(w.sec[i].idstr, w.sec[i].instance, &scratch, &opaque);
        s->at = w.sec[i].at;
        s->version_at = s->at + 10 + l;
        s->payload_at = s->at + 14 + l;
        s->footer_at = (i + 1 < w.n ? w.sec[i + 1].at : w.eof_at) - 5;
        assert_int_equal(b[s->footer_at], 0x7e);
        mark(lay, s->at, s->version_at, C_FRAME);   /* type, id, idstr, instance */
        mark(lay, s->version_at, s->payload_at, C_VERSION);
        mark(lay, s->footer_at, s->footer_at + 5, C_FRAME);
        if (s->d == &uart_desc)
            lay->cls[s->payload_at + 1] = C_COUNT; /* after lcr */
        if (s->d == &ctrl_desc) {
            lay->sub_at = find_bytes(b, s->payload_at, s->footer_at, ext_head, sizeof(ext_head));
            mark(lay, lay->sub_at, lay->sub_at + sizeof(ext_head) + 4, C_FRAME); /* + version */
        }
    }
    assert_int_equal(lay->n, 4);
    assert_true(lay->sub_at != 0);
    lay->eof_at = w.eof_at;
    lay->trailer_len_at = w.eof_at + 2;
    mark(lay, w.eof_at, w.eof_at + 2, C_FRAME);
    mark(lay, lay->trailer_len_at, len, C_TRAILER);
}

/*
 * Only the vmdesc trailer differs: a loader skips its text without reading
 * it and ignores what follows, so the stream loads exactly when the length
 * fits the bytes there are.
 */
static enum expect trailer_verdict(const struct layout *lay, const uint8_t *m, size_t mlen)
{
    size_t text_at = lay->trailer_len_at + 4;

    if (mlen < text_at)
        return MUST_FAIL;
    return be32_at(m + lay->trailer_len_at) <= mlen - text_at ? MUST_LOAD : MUST_FAIL;
}

/*
 * Bytes inserted or deleted before the trailer shift the framing after them,
 * and a section's footer or the EOF marker lands on other bytes: the load
 * must fail. Except where something variable can take up the shift: at or
 * before uart's count (the fifo grows or shrinks), and, for an insertion,
 * where a section type is read (a whole command, 08 00 01 00 00, is 5 bytes)
 * or between EOF and the vmdesc marker.
 */
static bool absorbs_shift(const struct layout *lay, size_t at, bool insertion)
{
    for (size_t i = 0; i < lay->n; i++) {
        const struct span_sec *s = &lay->sec[i];

        if (s->d == &uart_desc && at >= s->payload_at && at <= s->payload_at + 1)
            return true;
        if (insertion && at == s->at)
            return true;
    }
    return insertion && (at == lay->eof_at || at == lay->eof_at + 1);
}

/*
 * A subsection length byte at @sub + 1 grown past @was (the real name's
 * length) while the byte after the real name is 00 (the version's first
 * byte) puts a NUL inside the declared name. The engine once read such a
 * name as the C string before the NUL and loaded the stream; it now refuses
 * it as QEMU does (the declared length is the name), so these must fail.
 */
static bool nul_gap(uint8_t len, uint8_t after_name, size_t avail, uint8_t was)
{
    return len > was && 2u + len <= avail && after_name == 0x00;
}

/*
 * The verdict on @m (@mlen bytes): the golden stream with @del bytes at @at
 * replaced by @ins others.
 */
static enum expect judge(const struct layout *lay, const uint8_t *m, size_t mlen, size_t at,
                         size_t del, size_t ins)
{
    bool count = false;

    if (at >= lay->trailer_len_at)
        return trailer_verdict(lay, m, mlen);
    if (del != ins)
        return absorbs_shift(lay, at, del == 0) ? MAY : MUST_FAIL;
    if (at <= lay->sub_at + 1 && at + del > lay->sub_at + 1 &&
        nul_gap(m[lay->sub_at + 1], m[lay->sub_at + 2 + lay->b[lay->sub_at + 1]],
                mlen - lay->sub_at, lay->b[lay->sub_at + 1]))
        return MUST_FAIL;
    for (size_t o = at; o < at + del; o++) {
        if (m[o] == lay->b[o])
            continue;
        if (lay->cls[o] == C_FRAME)
            return MUST_FAIL;
        if (lay->cls[o] == C_COUNT) {
            if (m[o] > UART_FIFO_CAP)
                return MUST_FAIL;
            count = true; /* the payload grows or shrinks: the footer lands elsewhere */
        }
    }
    for (size_t i = 0; i < lay->n; i++) {
        const struct span_sec *s = &lay->sec[i];
        uint32_t v = be32_at(m + s->version_at);

        if (at < s->payload_at && at + del > s->version_at &&
            (v < (uint32_t)s->d->min_version || v > (uint32_t)s->d->version))
            return MUST_FAIL;
    }
    if (at + del > lay->trailer_len_at && trailer_verdict(lay, m, mlen) == MUST_FAIL)
        return MUST_FAIL;
    return count ? MAY : MUST_LOAD;
}

/* ---- whole-stream loads ---- */

struct whole {
    const struct layout *lay;
    vms_registry_t *r;
    uint8_t *mem; /* the machine, GUARD_LEN guard bytes either side */
    struct machine *m;
};

static void whole_init(struct whole *w, const struct layout *lay)
{
    w->lay = lay;
    w->mem = malloc(sizeof(struct machine) + 2 * GUARD_LEN);
    assert_non_null(w->mem);
    memset(w->mem, GUARD_BYTE, sizeof(struct machine) + 2 * GUARD_LEN);
    w->m = (struct machine *)(void *)(w->mem + GUARD_LEN);
    machine_poison(w->m);
    w->r = machine_registry(w->m);
}

static void whole_clear(struct whole *w)
{
    vms_registry_free(w->r);
    free(w->mem);
}

static void assert_guards(const uint8_t *mem, size_t obj_size)
{
    for (size_t g = 0; g < GUARD_LEN; g++) {
        assert_int_equal(mem[g], GUARD_BYTE);
        assert_int_equal(mem[GUARD_LEN + obj_size + g], GUARD_BYTE);
    }
}

/*
 * Loads the golden stream with @del bytes at @at replaced by the @ins bytes
 * at @with, optionally cut to @cut bytes (SIZE_MAX: not cut), into a freshly
 * poisoned machine; checks and counts the outcome. A cut before the vmdesc
 * length must fail whatever else changed.
 */
static void whole_run(struct whole *w, struct tally *t, const char *kind, size_t at, size_t del,
                      const uint8_t *with, size_t ins, size_t cut)
{
    const struct layout *lay = w->lay;
    size_t mlen = lay->len - del + ins;
    uint8_t *m;
    vms_error_t err;
    enum expect e;
    int rc;

    assert_true(at + del <= lay->len);
    m = malloc(mlen ? mlen : 1); /* exact size: ASan sees any read past the end */
    assert_non_null(m);
    memcpy(m, lay->b, at);
    if (ins)
        memcpy(m + at, with, ins);
    memcpy(m + at + ins, lay->b + at + del, lay->len - at - del);
    e = judge(lay, m, mlen, at, del, ins);
    if (cut < mlen) {
        mlen = cut;
        e = cut < lay->trailer_len_at ? MUST_FAIL : MAY;
    }
    machine_poison(w->m);
    rc = load_registry(w->r, m, mlen, &err);
    assert_guards(w->mem, sizeof(struct machine));
    check_outcome(t, e, rc, &err, mlen, true, kind, at, del > ins ? del : ins);
    free(m);
}

static void finish(struct tally *const *ts, size_t n)
{
    unsigned bad = 0;

    for (size_t i = 0; i < n; i++) {
        tally_print(ts[i]);
        bad += ts[i]->violations;
    }
    if (bad)
        fail_msg("%u mutated loads broke the contract or the verdict (first %d above)", bad,
                 MAX_REPORTS);
}

static uint8_t *golden_stream(size_t *len)
{
    return golden(GOLDEN_STREAM, len);
}

/* Every byte XOR 0x01, 0x80 and 0xff: framing fails, values load, the trailer by its length. */
static void test_whole_flips(void **state)
{
    static const uint8_t masks[] = { 0x01, 0x80, 0xff };
    struct tally t = { .what = "whole stream: byte flips" };
    struct tally *ts[] = { &t };
    struct layout lay;
    struct whole w;
    size_t len, frame = 0;
    uint8_t *b = golden_stream(&len);

    (void)state;
    layout_init(&lay, b, len);
    whole_init(&w, &lay);
    for (size_t o = 0; o < len; o++) {
        for (size_t k = 0; k < VMS_COUNTOF(masks); k++) {
            uint8_t v = b[o] ^ masks[k];

            whole_run(&w, &t, "flip", o, 1, &v, 1, SIZE_MAX);
        }
    }
    whole_clear(&w);
    /* not vacuous: every flip of a framing byte was judged must-fail */
    for (size_t o = 0; o < len; o++)
        frame += lay.cls[o] == C_FRAME;
    assert_true(frame > 100);
    assert_true(t.must_fail >= 3 * frame);
    assert_true(t.must_load > 3 * (len - lay.trailer_len_at) / 2);
    free(lay.cls);
    free(b);
    finish(ts, VMS_COUNTOF(ts));
}

/* An offset for a random mutation: 7 in 8 before the vmdesc text, where the structure is. */
static size_t pick_offset(const struct layout *lay, size_t limit)
{
    if (rng_below(8) != 0)
        return rng_below(lay->trailer_len_at + 8);
    return rng_below(limit);
}

/* Random runs of 1-8 bytes overwritten (a quarter of them then cut), inserted and deleted. */
static void test_whole_random(void **state)
{
    struct tally over = { .what = "whole stream: overwrites" };
    struct tally cut = { .what = "whole stream: overwrite + cut" };
    struct tally ins = { .what = "whole stream: insertions" };
    struct tally del = { .what = "whole stream: deletions" };
    struct tally *ts[] = { &over, &cut, &ins, &del };
    uint8_t run[MAX_RUN];
    struct layout lay;
    struct whole w;
    size_t len;
    uint8_t *b = golden_stream(&len);

    (void)state;
    rng_state = SEED;
    layout_init(&lay, b, len);
    whole_init(&w, &lay);
    for (unsigned i = 0; i < N_OVERWRITES; i++) {
        size_t at = pick_offset(&lay, len), k = 1 + rng_below(MAX_RUN);

        k = k < len - at ? k : len - at;
        rng_fill(run, k);
        if (rng_below(4) == 0 && at < lay.eof_at)
            whole_run(&w, &cut, "overwrite+cut", at, k, run, k, rng_below(lay.trailer_len_at));
        else
            whole_run(&w, &over, "overwrite", at, k, run, k, SIZE_MAX);
    }
    for (unsigned i = 0; i < N_INSERTS; i++) {
        size_t at = pick_offset(&lay, len + 1), k = 1 + rng_below(MAX_RUN);

        rng_fill(run, k);
        whole_run(&w, &ins, "insert", at, 0, run, k, SIZE_MAX);
    }
    for (unsigned i = 0; i < N_DELETES; i++) {
        size_t at = pick_offset(&lay, len), k = 1 + rng_below(MAX_RUN);

        k = k < len - at ? k : len - at;
        whole_run(&w, &del, "delete", at, k, NULL, 0, SIZE_MAX);
    }
    whole_clear(&w);
    free(lay.cls);
    free(b);
    finish(ts, VMS_COUNTOF(ts));
}

/* Length and count fields set to huge, zero and off-by-one values. */
static void test_whole_lengths(void **state)
{
    static const uint32_t be32_values[] = {
        0xffffffffu, 0xfffffffeu, 0x80000000u, 0x7fffffffu, 0x01000000u, 0x00010000u,
        0x00000100u, 0x000000ffu, 0x0000000eu, 0x0000000cu, 0x00000001u, 0x00000000u,
    };
    static const uint8_t u8_values[] = { 0xff, 0xfe, 0x80, 0x7f, 0x00, 0x01 };
    struct tally t = { .what = "whole stream: length fields" };
    struct tally *ts[] = { &t };
    struct layout lay;
    struct whole w;
    size_t len;
    uint8_t *b = golden_stream(&len);
    uint8_t v[4];

    (void)state;
    layout_init(&lay, b, len);
    whole_init(&w, &lay);
    /* the be32 after 0x07 (machine name) and after 0x06 (vmdesc text) */
    for (size_t i = 0; i < VMS_COUNTOF(be32_values); i++) {
        size_t at[] = { lay.config_len_at, lay.trailer_len_at };

        for (size_t k = 0; k < VMS_COUNTOF(at); k++) {
            uint32_t x = be32_at(b + at[k]);
            uint32_t vals[] = { be32_values[i], x + 1 + (uint32_t)i, x - 1 - (uint32_t)i };

            for (size_t j = 0; j < VMS_COUNTOF(vals); j++) {
                v[0] = (uint8_t)(vals[j] >> 24), v[1] = (uint8_t)(vals[j] >> 16);
                v[2] = (uint8_t)(vals[j] >> 8), v[3] = (uint8_t)vals[j];
                whole_run(&w, &t, "be32 length", at[k], 4, v, 4, SIZE_MAX);
            }
        }
    }
    /* the u8 idstr lengths, ctrl/ext's name length, and uart's fifo counts */
    for (size_t i = 0; i <= lay.n; i++) {
        size_t at = i < lay.n ? lay.sec[i].at + 5 : lay.sub_at + 1;

        for (size_t j = 0; j < VMS_COUNTOF(u8_values); j++) {
            uint8_t vals[] = { u8_values[j], (uint8_t)(b[at] + 1 + j), (uint8_t)(b[at] - 1 - j) };

            for (size_t k = 0; k < VMS_COUNTOF(vals); k++)
                whole_run(&w, &t, "u8 length", at, 1, &vals[k], 1, SIZE_MAX);
        }
        if (i < lay.n && lay.sec[i].d == &uart_desc) {
            for (uint8_t c = 0; c < 32; c++)
                whole_run(&w, &t, "fifo count", lay.sec[i].payload_at + 1, 1, &c, 1, SIZE_MAX);
            whole_run(&w, &t, "fifo count", lay.sec[i].payload_at + 1, 1, &u8_values[0], 1,
                      SIZE_MAX);
        }
    }
    whole_clear(&w);
    free(lay.cls);
    free(b);
    finish(ts, VMS_COUNTOF(ts));
}

/* ---- single-description loads ---- */

/*
 * One payload loaded alone with vms_load. A payload has value bytes, at
 * most one count (@count_width bytes at @count_at, @elem bytes per element,
 * at most @count_max) and at most one subsection header at @sub_at.
 */
struct single {
    const char *what;
    const struct vms_desc *d;
    int version;
    const void *init; /* the object before each load */
    size_t obj_size;
    const uint8_t *p;
    size_t n;
    size_t count_at, count_width, elem, count_max;
    size_t sub_at;    /* 0: none; a cut here loads (subsections are optional) */
    size_t alloc_at;  /* SIZE_MAX: none; else the offset of an ALLOC pointer to free */
};

static uint64_t be_at(const uint8_t *p, size_t width)
{
    uint64_t v = 0;

    for (size_t i = 0; i < width; i++)
        v = v << 8 | p[i];
    return v;
}

/* The verdict on @s's payload with byte @at set to @b; *@used: the bytes a load consumes. */
static enum expect single_flip(const struct single *s, size_t at, uint8_t b, size_t *used)
{
    *used = s->n;
    if (s->count_width && at >= s->count_at && at < s->count_at + s->count_width) {
        uint8_t field[8];
        uint64_t was = be_at(s->p + s->count_at, s->count_width), c;

        memcpy(field, s->p + s->count_at, s->count_width);
        field[at - s->count_at] = b;
        c = be_at(field, s->count_width);
        if (c > s->count_max || c > was)
            return MUST_FAIL; /* over the capacity, or elements the payload does not have */
        *used = s->n - s->elem * (size_t)(was - c);
        return MUST_LOAD;
    }
    if (s->sub_at && at >= s->sub_at && at < s->sub_at + 2 + s->p[s->sub_at + 1] + 4) {
        size_t k = at - s->sub_at, plen = strlen(s->d->name);

        *used = s->sub_at; /* not ours: left in the stream */
        if (k == 0)
            return MUST_LOAD; /* no marker, no subsection */
        if (k == 1 && nul_gap(b, s->p[s->sub_at + 2 + s->p[s->sub_at + 1]], s->n - s->sub_at,
                              s->p[s->sub_at + 1]))
            return MUST_FAIL;
        if (k == 1)
            return b < plen + 1 ? MUST_LOAD : MUST_FAIL; /* too short to be ours, or unknown */
        return k < 2 + plen ? MUST_LOAD : MUST_FAIL; /* another parent's; unknown; version */
    }
    return MUST_LOAD; /* a value */
}

/* One vms_load of @m (@mlen bytes) into a guarded copy of s->init. */
static void single_run(const struct single *s, struct tally *t, const char *kind, const uint8_t *m,
                       size_t mlen, enum expect e, size_t used, size_t at)
{
    uint8_t *mem = malloc(s->obj_size + 2 * GUARD_LEN);
    uint8_t *copy = malloc(mlen ? mlen : 1);
    vms_stream_t *in;
    vms_error_t err;
    int rc;

    assert_non_null(mem);
    assert_non_null(copy);
    memset(mem, GUARD_BYTE, s->obj_size + 2 * GUARD_LEN);
    memcpy(mem + GUARD_LEN, s->init, s->obj_size);
    memcpy(copy, m, mlen);
    in = vms_stream_mem_reader(copy, mlen);
    assert_non_null(in);
    vms_error_init(&err);
    rc = vms_load(in, s->d, mem + GUARD_LEN, s->version, &err);
    if (check_outcome(t, e, rc, &err, mlen, false, kind, at, 1) && rc == 0 && e == MUST_LOAD &&
        vms_stream_offset(in) != used) {
        t->violations++;
        if (reports++ < MAX_REPORTS)
            print_error("%s: %s at %zu: consumed %llu bytes, want %zu\n", t->what, kind, at,
                        (unsigned long long)vms_stream_offset(in), used);
    }
    vms_stream_close(in);
    assert_guards(mem, s->obj_size);
    if (s->alloc_at != SIZE_MAX) {
        void *p;

        memcpy(&p, mem + GUARD_LEN + s->alloc_at, sizeof(p));
        free(p); /* NULL, or a buffer handed over even on failure */
    }
    free(copy);
    free(mem);
}

/* Every cut, every flip (then a cut before the fields end), and random runs with cuts. */
static void single_sweep(const struct single *s, struct tally *t)
{
    static const uint8_t masks[] = { 0x01, 0x80, 0xff };
    size_t fields_end = s->sub_at ? s->sub_at : s->n;
    uint8_t *m = malloc(s->n + MAX_RUN);

    assert_non_null(m);
    for (size_t c = 0; c < s->n; c++)
        single_run(s, t, "cut", s->p, c, c == fields_end ? MUST_LOAD : MUST_FAIL, c, c);
    for (size_t o = 0; o < s->n; o++) {
        for (size_t k = 0; k < VMS_COUNTOF(masks); k++) {
            size_t used;
            enum expect e;

            memcpy(m, s->p, s->n);
            m[o] ^= masks[k];
            e = single_flip(s, o, m[o], &used);
            single_run(s, t, "flip", m, s->n, e, used, o);
            if (e == MUST_LOAD && used == s->n && fields_end > 0)
                single_run(s, t, "flip+cut", m, rng_below(fields_end), MUST_FAIL, 0, o);
        }
    }
    for (unsigned i = 0; i < N_SINGLE_RANDOM; i++) {
        size_t at = rng_below(s->n), k = 1 + rng_below(MAX_RUN), mlen = s->n, cut;

        memcpy(m, s->p, s->n);
        switch (rng_below(3)) {
        case 0: /* overwrite */
            k = k < s->n - at ? k : s->n - at;
            rng_fill(m + at, k);
            break;
        case 1: /* insert */
            memmove(m + at + k, m + at, s->n - at);
            rng_fill(m + at, k);
            mlen += k;
            break;
        default: /* delete */
            k = k < s->n - at ? k : s->n - at;
            memmove(m + at, m + at + k, s->n - at - k);
            mlen -= k;
            break;
        }
        cut = rng_below(2) ? mlen : rng_below(mlen + 1);
        single_run(s, t, "random", m, cut, MAY, 0, at);
    }
    free(m);
}

/* Section @sec of the golden stream @b alone, loaded into a copy of @init's member. */
static struct single section_single(const uint8_t *b, const struct span_sec *sec,
                                    const struct machine *init, size_t sub_at)
{
    struct single s = {
        .what = sec->d->name,
        .d = sec->d,
        .version = (int)be32_at(b + sec->version_at),
        .p = b + sec->payload_at,
        .n = sec->footer_at - sec->payload_at,
        .alloc_at = SIZE_MAX,
    };

    if (sec->d == &ctrl_desc) {
        s.init = &init->ctrl, s.obj_size = sizeof(init->ctrl);
        s.sub_at = sub_at - sec->payload_at;
    } else if (sec->d == &pic_desc) {
        s.init = &init->pic, s.obj_size = sizeof(init->pic);
    } else {
        s.init = &init->uart[0], s.obj_size = sizeof(init->uart[0]);
        s.count_at = 1, s.count_width = 1, s.elem = 4, s.count_max = UART_FIFO_CAP;
    }
    return s;
}

/* The section payloads of the golden stream, each loaded alone, and an ALLOC payload. */
static void test_single_payloads(void **state)
{
    static const uint8_t al_wire[] = {
        /* n be32 5     */ 0x00, 0x00, 0x00, 0x05,
        /* p[0..4] be32 */ 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
        /*              */ 0x00, 0x00, 0x00, 0x04, 0xff, 0xff, 0xff, 0xff,
    };
    static const struct aldev al_init = { 0 };
    const struct single al = {
        .what = "al (ALLOC)",
        .d = &aldev_desc,
        .version = 1,
        .init = &al_init,
        .obj_size = sizeof(al_init),
        .p = al_wire,
        .n = sizeof(al_wire),
        .count_at = 0, .count_width = 4, .elem = 4, .count_max = 16,
        .alloc_at = offsetof(struct aldev, p),
    };
    struct tally ts_store[8];
    struct tally *ts[8];
    size_t len;
    uint8_t *b = golden_stream(&len);
    struct machine init;
    struct layout lay;

    (void)state;
    rng_state = SEED ^ 0xa5a5;
    layout_init(&lay, b, len);
    machine_poison(&init);
    for (size_t i = 0; i <= lay.n; i++) {
        struct single s = i < lay.n ? section_single(b, &lay.sec[i], &init, lay.sub_at) : al;

        ts_store[i] = (struct tally){ .what = s.what };
        ts[i] = &ts_store[i];
        single_sweep(&s, ts[i]);
    }
    free(lay.cls);
    free(b);
    finish(ts, lay.n + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_flips),
        cmocka_unit_test(test_whole_random),
        cmocka_unit_test(test_whole_lengths),
        cmocka_unit_test(test_single_payloads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
