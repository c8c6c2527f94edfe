/* uart-demo.c: saves two UARTs to a migration stream file, resets them, loads them back, compares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vms/vms.h>

#include "uart.h"
#include "uart_vms.h"

#define MACHINE_NAME "pc-demo-1.0"
#define DEFAULT_PATH "uart-demo.mig"
#define N_UARTS 2

static const int uart_irqs[N_UARTS] = {4, 3};

static void usage(FILE *out, const char *prog)
{
    fprintf(out,
            "usage: %s [PATH]\n"
            "       %s --help\n"
            "\n"
            "Saves the state of two 16550-like UARTs of machine \"" MACHINE_NAME "\" to the\n"
            "migration stream file PATH (default: " DEFAULT_PATH " in the current directory)\n"
            "in QEMU's format, resets both devices, loads the stream back and compares the\n"
            "state field by field. Exit status: 0 when the state came back identically,\n"
            "1 when saving, loading or the comparison failed, 2 on a usage error.\n",
            prog, prog);
}

/* Prints @err as "what: path: message (at offset ...) [code]" on stderr. */
static void report_error(const char *what, const vms_error_t *err)
{
    char buf[VMS_ERROR_PATH_MAX + VMS_ERROR_MESSAGE_MAX + 64];

    vms_error_format(err, buf, sizeof(buf));
    fprintf(stderr, "uart-demo: %s failed: %s [%s]\n", what, buf, vms_strerror(err->code));
}

/* ---- showing a device ---- */

static void print_bytes(const uint8_t *p, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r') {
            fputs("\\r", stdout);
        } else if (p[i] == '\n') {
            fputs("\\n", stdout);
        } else if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
            putchar(p[i]);
        } else {
            printf("\\x%02x", p[i]);
        }
    }
    putchar('"');
}

static void print_uart(const struct Uart *u, unsigned instance)
{
    static const char parity[] = {'N', 'O', 'N', 'E'};
    uint8_t fifo[UART_FIFO_LEN];

    printf("  uart %u (irq %d): ", instance, u->irq);
    if (u->divisor != 0) {
        printf("%u baud %d%c%d", 115200u / u->divisor, 5 + (u->lcr & 0x03),
               (u->lcr & 0x08) ? parity[2 + ((u->lcr >> 4) & 1)] : 'N', (u->lcr & 0x04) ? 2 : 1);
    } else {
        printf("divisor not programmed");
    }
    if (u->fcr & UART_FCR_FE) {
        printf(", FIFO on (trigger %d)\n", (int[]){1, 4, 8, 14}[u->fcr >> 6]);
    } else {
        printf(", FIFO off\n");
    }
    printf("    registers  rbr=0x%02x thr=0x%02x ier=0x%02x iir=0x%02x fcr=0x%02x lcr=0x%02x"
           " lsr=0x%02x scr=0x%02x divisor=%u\n",
           u->rbr, u->thr, u->ier, u->iir, u->fcr, u->lcr, u->lsr, u->scr, (unsigned)u->divisor);
    for (unsigned i = 0; i < u->rx_count && i < UART_FIFO_LEN; i++) {
        fifo[i] = u->rx_fifo[(u->rx_head + i) % UART_FIFO_LEN];
    }
    printf("    rx fifo    %u byte%s ", u->rx_count, u->rx_count == 1 ? "" : "s");
    print_bytes(fifo, u->rx_count <= UART_FIFO_LEN ? u->rx_count : UART_FIFO_LEN);
    printf(" (head %u)\n", u->rx_head);
    printf("    modem      mcr=0x%02x msr=0x%02x\n", u->modem.mcr, u->modem.msr);
    printf("    interrupt  thr_ipending=%s irq_level=%d\n", u->thr_ipending ? "yes" : "no",
           u->irq_level);
    if (u->fifo_timeout_ns != -1) {
        printf("    timer      FIFO timeout armed, expires at %lld ns"
               " (sent in subsection uart/fifo-timeout)\n",
               (long long)u->fifo_timeout_ns);
    } else {
        printf("    timer      FIFO timeout not armed (subsection uart/fifo-timeout not needed)\n");
    }
}

/* ---- the guest's activity before the snapshot ---- */

static void run_guest(struct Uart com[N_UARTS])
{
    static const uint8_t hello[] = "Hello!\r\n";
    int64_t t = 1000000; /* virtual time: 1 ms after boot */

    /* COM1: 9600 baud 8N1, FIFO with trigger level 14, receive interrupts */
    uart_write(&com[0], UART_LCR, UART_LCR_DLAB, t);
    uart_write(&com[0], UART_RBR, 12, t); /* DLL */
    uart_write(&com[0], UART_IER, 0, t);  /* DLM */
    uart_write(&com[0], UART_LCR, 0x03, t);
    uart_write(&com[0], UART_IIR, 0xc0 | UART_FCR_FE | UART_FCR_RFR, t);
    uart_write(&com[0], UART_IER, UART_IER_RDI | UART_IER_RLSI, t);
    uart_write(&com[0], UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2, t);
    uart_write(&com[0], UART_SCR, 0x5a, t);
    uart_set_modem_inputs(&com[0], UART_MSR_CTS | UART_MSR_DSR);
    uart_receive(&com[0], hello, sizeof(hello) - 1, t);
    t += 500000;
    (void)uart_read(&com[0], UART_RBR, t); /* the guest consumes "He" */
    (void)uart_read(&com[0], UART_RBR, t);
    uart_write(&com[0], UART_RBR, 'A', t);

    /* COM2: 115200 baud 8E1, no FIFO, loopback, transmit interrupt pending */
    uart_write(&com[1], UART_LCR, UART_LCR_DLAB, t);
    uart_write(&com[1], UART_RBR, 1, t);
    uart_write(&com[1], UART_LCR, 0x1b, t);
    uart_write(&com[1], UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_LOOP, t);
    uart_write(&com[1], UART_IER, UART_IER_THRI, t);
    uart_set_modem_inputs(&com[1], UART_MSR_CTS | UART_MSR_DCD);
    uart_write(&com[1], UART_RBR, 'Z', t); /* loops back into the receiver */
}

/* ---- the stream on disk ---- */

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f) {
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap ? cap * 2 : 4096);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap = cap ? cap * 2 : 4096;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Offset of the FULL section header of @idstr/@instance (its 0x04 byte), or -1. */
static long find_section(const uint8_t *d, size_t len, const char *idstr, uint32_t instance,
                         uint32_t *section_id, uint32_t *version)
{
    size_t n = strlen(idstr);

    for (size_t p = 0; p + 1 + 4 + 1 + n + 8 <= len; p++) {
        const uint8_t *h = d + p;
        if (h[0] == 0x04 && h[5] == n && memcmp(h + 6, idstr, n) == 0 &&
            be32_at(h + 6 + n) == instance) {
            *section_id = be32_at(h + 1);
            *version = be32_at(h + 10 + n);
            return (long)p;
        }
    }
    return -1;
}

static bool contains(const uint8_t *d, size_t from, size_t to, const void *pat, size_t n)
{
    for (size_t p = from; p + n <= to; p++) {
        if (memcmp(d + p, pat, n) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * Shows what the file holds: header, configuration, the device sections and
 * the JSON vmdesc trailer. It only looks the bytes up; the real parsing is
 * vms_load_all()'s job.
 */
static void describe_stream(const char *path)
{
    static const uint8_t sub[] = "\x05\x11uart/fifo-timeout";
    size_t len = 0, desc_at = 0;
    uint8_t *d = read_file(path, &len);

    if (!d) {
        printf("  (cannot read %s back to describe it)\n", path);
        return;
    }
    if (len >= 8) {
        printf("  header         %02x %02x %02x %02x %02x %02x %02x %02x  (\"QEVM\", stream version %u)\n",
               d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], be32_at(d + 4));
    }
    if (len >= 13 && d[8] == 0x07 && 13 + (size_t)be32_at(d + 9) <= len) {
        printf("  configuration  machine \"%.*s\"\n", (int)be32_at(d + 9), (const char *)d + 13);
    }
    /* the trailer: 0x00 (EOF), 0x06, be32 length, JSON to the end of the file */
    for (size_t p = len >= 6 ? len - 6 : 0; p > 0; p--) {
        if (d[p] == 0x06 && d[p - 1] == 0x00 && be32_at(d + p + 1) == len - p - 5 &&
            d[p + 5] == '{') {
            desc_at = p;
            break;
        }
    }
    for (uint32_t i = 0; i < N_UARTS; i++) {
        uint32_t id = 0, version = 0;
        long at = find_section(d, len, "uart", i, &id, &version);
        if (at < 0) {
            printf("  section        uart instance %u: not found\n", i);
            continue;
        }
        uint32_t next_id = 0, next_version = 0;
        long next = find_section(d, len, "uart", i + 1, &next_id, &next_version);
        size_t end = next > at ? (size_t)next : (desc_at ? desc_at : len);
        printf("  section        FULL, id %u, \"uart\" instance %u, version %u, at offset %ld%s\n",
               id, i, version, at,
               contains(d, (size_t)at, end, sub, sizeof(sub) - 1)
                   ? ", with subsection uart/fifo-timeout" : "");
    }
    if (desc_at) {
        printf("  end            EOF (00) at offset %zu\n", desc_at - 1);
        printf("  vmdesc         %u bytes of JSON at offset %zu (what QEMU's analyze-migration.py reads):\n",
               be32_at(d + desc_at + 1), desc_at + 5);
        printf("%.*s\n", (int)(len - desc_at - 5), (const char *)d + desc_at + 5);
    } else {
        printf("  vmdesc         not found\n");
    }
    free(d);
}

/* ---- comparing ---- */

/*
 * Compares every field @d migrates (nested descriptions and subsections
 * included) between @a and @b, printing each difference. It covers the field
 * kinds the UART uses: scalars, fixed arrays, buffers and nested structs.
 * Returns the number of differing fields; adds the number compared to @count.
 */
static int compare_desc(const struct vms_desc *d, const uint8_t *a, const uint8_t *b,
                        const char *prefix, unsigned instance, int *count)
{
    int diffs = 0;

    for (size_t i = 0; i < d->n_fields; i++) {
        const struct vms_field *f = &d->fields[i];
        size_t n = f->num > 1 ? f->num : 1;
        char name[128];

        snprintf(name, sizeof(name), "%s%s", prefix, f->name);
        if (f->type == VMS_WT_STRUCT) {
            char sub[130];
            snprintf(sub, sizeof(sub), "%s.", name);
            for (size_t k = 0; k < n; k++) {
                diffs += compare_desc(f->desc, a + f->offset + k * f->size,
                                      b + f->offset + k * f->size, sub, instance, count);
            }
            continue;
        }
        (*count)++;
        if (memcmp(a + f->offset, b + f->offset, f->size * n) != 0) {
            printf("  DIFFERENT: uart %u field %s\n", instance, name);
            diffs++;
        }
    }
    for (size_t i = 0; i < d->n_subsections; i++) {
        const struct vms_subsection *s = &d->subsections[i];
        diffs += compare_desc(s->desc, a + s->offset, b + s->offset, prefix, instance, count);
    }
    return diffs;
}

static int compare_uart(const struct Uart *before, const struct Uart *after, unsigned instance)
{
    int count = 0;
    int diffs = compare_desc(&vms_desc_Uart, (const uint8_t *)before, (const uint8_t *)after,
                             "", instance, &count);

    /* not migrated: wired at init, and recomputed by post_load */
    if (before->irq != after->irq) {
        printf("  DIFFERENT: uart %u irq (immutable)\n", instance);
        diffs++;
    }
    if (before->irq_level != after->irq_level) {
        printf("  DIFFERENT: uart %u irq_level (derived in post_load)\n", instance);
        diffs++;
    }
    printf("  uart %u: %d migrated fields compared, irq and irq_level checked: %s\n", instance,
           count, diffs ? "MISMATCH" : "all equal");
    return diffs;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
    const char *prog = argc > 0 ? argv[0] : "uart-demo";
    const char *path = DEFAULT_PATH;
    struct Uart com[N_UARTS], before[N_UARTS];
    vms_registry_t *reg = NULL;
    vms_stream_t *s = NULL;
    vms_error_t err;
    char uri[4096];
    uint64_t written = 0;
    int rc, status = 1, diffs = 0;

    if (argc > 2) {
        usage(stderr, prog);
        return 2;
    }
    if (argc == 2) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            usage(stdout, prog);
            return 0;
        }
        if (argv[1][0] == '-' || argv[1][0] == '\0') {
            fprintf(stderr, "uart-demo: unknown option '%s'\n", argv[1]);
            usage(stderr, prog);
            return 2;
        }
        path = argv[1];
    }
    /* "file:PATH[,offset=N]": a comma would start an option */
    if (strchr(path, ',') || (size_t)snprintf(uri, sizeof(uri), "file:%s", path) >= sizeof(uri)) {
        fprintf(stderr, "uart-demo: unusable path '%s' (too long, or contains ',')\n", path);
        return 2;
    }

    vms_error_init(&err);
    for (unsigned i = 0; i < N_UARTS; i++) {
        uart_init(&com[i], uart_irqs[i]);
    }
    run_guest(com);
    memcpy(before, com, sizeof(before));

    printf("vmstate uart-demo (libvmstate %s): machine \"%s\", two 16550-like UARTs\n\n",
           VMS_VERSION_STRING, MACHINE_NAME);
    printf("State before saving:\n");
    for (unsigned i = 0; i < N_UARTS; i++) {
        print_uart(&com[i], i);
    }

    reg = vms_registry_new(MACHINE_NAME);
    if (!reg) {
        fprintf(stderr, "uart-demo: vms_registry_new failed (out of memory)\n");
        return 1;
    }
    for (unsigned i = 0; i < N_UARTS; i++) {
        rc = vms_register(reg, "uart", VMS_INSTANCE_ANY, &vms_desc_Uart, &com[i]);
        if (rc < 0) {
            fprintf(stderr, "uart-demo: vms_register(uart %u) failed: %s\n", i, vms_strerror(rc));
            goto out;
        }
    }

    /* save */
    s = vms_stream_open(uri, VMS_WRITE, &err);
    if (!s) {
        report_error("opening the stream for writing", &err);
        goto out;
    }
    rc = vms_save_all(reg, s, &err);
    written = vms_stream_offset(s);
    if (rc < 0) {
        report_error("vms_save_all", &err);
        vms_stream_close(s);
        goto out;
    }
    rc = vms_stream_close(s);
    if (rc < 0) {
        fprintf(stderr, "uart-demo: closing %s failed: %s\n", uri, vms_strerror(rc));
        goto out;
    }
    printf("\nSaved with vms_save_all() to %s: %llu bytes\n", uri, (unsigned long long)written);
    describe_stream(path);

    /* reset: the devices forget everything the guest did */
    for (unsigned i = 0; i < N_UARTS; i++) {
        uart_reset(&com[i]);
    }
    printf("\nBoth UARTs reset to their power-on state (divisor 0, FIFO empty, timer disarmed).\n");

    /* load */
    s = vms_stream_open(uri, VMS_READ, &err);
    if (!s) {
        report_error("opening the stream for reading", &err);
        goto out;
    }
    rc = vms_load_all(reg, s, &err);
    if (rc < 0) {
        report_error("vms_load_all", &err);
        vms_stream_close(s);
        goto out;
    }
    rc = vms_stream_close(s);
    if (rc < 0) {
        fprintf(stderr, "uart-demo: closing %s failed: %s\n", uri, vms_strerror(rc));
        goto out;
    }
    printf("Loaded with vms_load_all() from %s.\n\nState after loading:\n", uri);
    for (unsigned i = 0; i < N_UARTS; i++) {
        print_uart(&com[i], i);
    }

    printf("\nComparison, field by field (driven by the description tables):\n");
    for (unsigned i = 0; i < N_UARTS; i++) {
        diffs += compare_uart(&before[i], &com[i], i);
    }
    if (diffs == 0) {
        printf("\nOK: state restored identically\n");
        status = 0;
    } else {
        printf("\nFAILED: %d field%s differ after the round trip\n", diffs, diffs == 1 ? "" : "s");
    }

out:
    vms_registry_free(reg);
    return status;
}
