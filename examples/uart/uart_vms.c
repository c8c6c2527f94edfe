/*
 * uart_vms.c: descriptions of struct UartModem and struct Uart, written by
 * hand exactly as vmsgen will generate them from the annotations shown in
 * uart.h (uart.vms.c): designated initializers, fields in wire order, offsets
 * and sizes from the compiler, the annotation expressions as small functions.
 */
#include <stddef.h>
#include <stdint.h>

#include "uart_vms.h"

#if VMS_DESC_ABI != 1
#error "uart_vms.c was written for descriptor ABI 1; update it for this libvmstate"
#endif

/* The C types the tables were written for: a changed member fails the build. */
_Static_assert(_Generic(((struct UartModem *)0)->mcr, uint8_t: 1, default: 0), "UartModem.mcr is not uint8_t");
_Static_assert(_Generic(((struct UartModem *)0)->msr, uint8_t: 1, default: 0), "UartModem.msr is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->rbr, uint8_t: 1, default: 0), "Uart.rbr is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->thr, uint8_t: 1, default: 0), "Uart.thr is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->ier, uint8_t: 1, default: 0), "Uart.ier is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->iir, uint8_t: 1, default: 0), "Uart.iir is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->fcr, uint8_t: 1, default: 0), "Uart.fcr is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->lcr, uint8_t: 1, default: 0), "Uart.lcr is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->lsr, uint8_t: 1, default: 0), "Uart.lsr is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->scr, uint8_t: 1, default: 0), "Uart.scr is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->divisor, uint32_t: 1, default: 0), "Uart.divisor is not uint32_t");
_Static_assert(sizeof(((struct Uart *)0)->rx_fifo) == 16, "Uart.rx_fifo is not uint8_t[16]");
_Static_assert(_Generic(((struct Uart *)0)->rx_head, uint8_t: 1, default: 0), "Uart.rx_head is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->rx_count, uint8_t: 1, default: 0), "Uart.rx_count is not uint8_t");
_Static_assert(_Generic(((struct Uart *)0)->thr_ipending, bool: 1, default: 0), "Uart.thr_ipending is not bool");
_Static_assert(_Generic(((struct Uart *)0)->fifo_timeout_ns, int64_t: 1, default: 0), "Uart.fifo_timeout_ns is not int64_t");

/* ---- UartModem: "uart_modem" version 1 ---- */

static const struct vms_field UartModem_fields[] = {
    {
        .name = "mcr",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct UartModem, mcr),
        .size = sizeof(((struct UartModem *)0)->mcr),
    },
    {
        .name = "msr",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct UartModem, msr),
        .size = sizeof(((struct UartModem *)0)->msr),
    },
};

const struct vms_desc vms_desc_UartModem = {
    .name = "uart_modem",
    .version = 1,
    .min_version = 1,
    .fields = UartModem_fields,
    .n_fields = VMS_COUNTOF(UartModem_fields),
};

/* ---- Uart: "uart" version 2, loadable from 1 ---- */

/* VMS_DEFAULT("0") on scr: streams of version 1 lack it */
static void Uart_scr_default(void *opaque, int version)
{
    struct Uart *s = opaque;

    (void)version;
    s->scr = 0;
}

/* VMS_CHECK("rx_head < UART_FIFO_LEN") */
static bool Uart_rx_head_check(const void *opaque, int version)
{
    const struct Uart *s = opaque;

    (void)version;
    return s->rx_head < UART_FIFO_LEN;
}

/* VMS_CHECK("rx_count <= UART_FIFO_LEN") */
static bool Uart_rx_count_check(const void *opaque, int version)
{
    const struct Uart *s = opaque;

    (void)version;
    return s->rx_count <= UART_FIFO_LEN;
}

/* VMS_SUBSECTION_DEF("fifo-timeout", 1, "fifo_timeout_ns != -1") */
static bool Uart_fifo_timeout_needed(const void *opaque, int version)
{
    const struct Uart *s = opaque;

    (void)version;
    return s->fifo_timeout_ns != -1;
}

/* VMS_DEFAULT("-1") on fifo_timeout_ns: a stream without the subsection means "not armed" */
static void Uart_fifo_timeout_absent(void *opaque, int version)
{
    struct Uart *s = opaque;

    (void)version;
    s->fifo_timeout_ns = -1;
}

static const struct vms_field Uart_fifo_timeout_fields[] = {
    {
        .name = "fifo_timeout_ns",
        .type = VMS_WT_TIMER,
        .offset = offsetof(struct Uart, fifo_timeout_ns),
        .size = sizeof(((struct Uart *)0)->fifo_timeout_ns),
    },
};

static const struct vms_desc Uart_fifo_timeout_desc = {
    .name = "uart/fifo-timeout",
    .version = 1,
    .min_version = 1,
    .fields = Uart_fifo_timeout_fields,
    .n_fields = VMS_COUNTOF(Uart_fifo_timeout_fields),
};

static const struct vms_field Uart_fields[] = {
    {
        .name = "rbr",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, rbr),
        .size = sizeof(((struct Uart *)0)->rbr),
    },
    {
        .name = "thr",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, thr),
        .size = sizeof(((struct Uart *)0)->thr),
    },
    {
        .name = "ier",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, ier),
        .size = sizeof(((struct Uart *)0)->ier),
    },
    {
        .name = "iir",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, iir),
        .size = sizeof(((struct Uart *)0)->iir),
    },
    {
        .name = "fcr",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, fcr),
        .size = sizeof(((struct Uart *)0)->fcr),
    },
    {
        .name = "lcr",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, lcr),
        .size = sizeof(((struct Uart *)0)->lcr),
    },
    {
        .name = "lsr",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, lsr),
        .size = sizeof(((struct Uart *)0)->lsr),
    },
    {
        .name = "scr",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, scr),
        .size = sizeof(((struct Uart *)0)->scr),
        .since = 2,
        .set_default = Uart_scr_default,
    },
    {
        .name = "divisor",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct Uart, divisor),
        .size = sizeof(((struct Uart *)0)->divisor),
    },
    {
        .name = "rx_fifo",
        .type = VMS_WT_BUFFER,
        .offset = offsetof(struct Uart, rx_fifo),
        .size = sizeof(((struct Uart *)0)->rx_fifo),
    },
    {
        .name = "rx_head",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, rx_head),
        .size = sizeof(((struct Uart *)0)->rx_head),
        .check = Uart_rx_head_check,
        .check_text = "rx_head < UART_FIFO_LEN",
    },
    {
        .name = "rx_count",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct Uart, rx_count),
        .size = sizeof(((struct Uart *)0)->rx_count),
        .check = Uart_rx_count_check,
        .check_text = "rx_count <= UART_FIFO_LEN",
    },
    {
        .name = "thr_ipending",
        .type = VMS_WT_BOOL,
        .offset = offsetof(struct Uart, thr_ipending),
        .size = sizeof(((struct Uart *)0)->thr_ipending),
    },
    {
        .name = "modem",
        .type = VMS_WT_STRUCT,
        .offset = offsetof(struct Uart, modem),
        .size = sizeof(((struct Uart *)0)->modem),
        .desc = &vms_desc_UartModem,
    },
};

static const struct vms_subsection Uart_subsections[] = {
    {
        .desc = &Uart_fifo_timeout_desc,
        .offset = 0,
        .needed = Uart_fifo_timeout_needed,
        .absent = Uart_fifo_timeout_absent,
    },
};

const struct vms_desc vms_desc_Uart = {
    .name = "uart",
    .version = 2,
    .min_version = 1,
    .fields = Uart_fields,
    .n_fields = VMS_COUNTOF(Uart_fields),
    .subsections = Uart_subsections,
    .n_subsections = VMS_COUNTOF(Uart_subsections),
    .post_load = uart_post_load,
};
