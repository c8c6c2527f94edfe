/* uart.c: the behaviour of the 16550-like UART (just enough to have state worth saving). */
#include "uart.h"

#include <string.h>

/* Receive FIFO trigger levels selected by FCR bits 7:6. */
static const uint8_t trigger_levels[4] = {1, 4, 8, 14};

static bool fifo_enabled(const struct Uart *u)
{
    return (u->fcr & UART_FCR_FE) != 0;
}

static void update_irq(struct Uart *u)
{
    uint8_t id = UART_IIR_NO_INT;
    uint8_t trigger = fifo_enabled(u) ? trigger_levels[u->fcr >> 6] : 1;

    if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_OE)) {
        id = UART_IIR_RLSI;
    } else if ((u->ier & UART_IER_RDI) && u->rx_count >= trigger) {
        id = UART_IIR_RDI;
    } else if ((u->ier & UART_IER_THRI) && u->thr_ipending) {
        id = UART_IIR_THRI;
    } else if ((u->ier & UART_IER_MSI) && (u->modem.msr & 0x0f)) {
        id = 0x00; /* modem status change */
    }
    u->iir = id | (fifo_enabled(u) ? UART_IIR_FIFO : 0);
    u->irq_level = !(id & UART_IIR_NO_INT);
}

/* The character timeout fires after four character times without FIFO traffic. */
static void rearm_timeout(struct Uart *u, int64_t now_ns)
{
    int64_t ct = uart_char_time_ns(u);

    if (fifo_enabled(u) && u->rx_count > 0 && ct > 0) {
        u->fifo_timeout_ns = now_ns + 4 * ct;
    } else {
        u->fifo_timeout_ns = -1;
    }
}

static void fifo_clear(struct Uart *u)
{
    memset(u->rx_fifo, 0, sizeof(u->rx_fifo));
    u->rx_head = 0;
    u->rx_count = 0;
    u->lsr &= (uint8_t)~UART_LSR_DR;
    u->fifo_timeout_ns = -1;
}

void uart_init(struct Uart *u, int irq)
{
    memset(u, 0, sizeof(*u));
    u->irq = irq;
    uart_reset(u);
}

void uart_reset(struct Uart *u)
{
    u->rbr = 0;
    u->thr = 0;
    u->ier = 0;
    u->fcr = 0;
    u->lcr = 0;
    u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    u->scr = 0;
    u->divisor = 0;
    u->thr_ipending = false;
    u->modem.mcr = 0;
    u->modem.msr = 0;
    u->fifo_timeout_loaded = false;
    fifo_clear(u);
    update_irq(u);
}

int64_t uart_char_time_ns(const struct Uart *u)
{
    /* start bit, 5..8 data bits, optional parity, 1 or 2 stop bits */
    int64_t bits = 1 + 5 + (u->lcr & 0x03) + ((u->lcr & 0x08) ? 1 : 0) + ((u->lcr & 0x04) ? 2 : 1);

    if (u->divisor == 0) {
        return 0;
    }
    return bits * 1000000000LL * (int64_t)u->divisor / 115200;
}

void uart_receive(struct Uart *u, const uint8_t *buf, size_t len, int64_t now_ns)
{
    size_t cap = fifo_enabled(u) ? UART_FIFO_LEN : 1;

    for (size_t i = 0; i < len; i++) {
        if (u->rx_count >= cap) {
            u->lsr |= UART_LSR_OE;
            continue;
        }
        u->rx_fifo[(u->rx_head + u->rx_count) % UART_FIFO_LEN] = buf[i];
        u->rx_count++;
        u->lsr |= UART_LSR_DR;
    }
    rearm_timeout(u, now_ns);
    update_irq(u);
}

void uart_set_modem_inputs(struct Uart *u, uint8_t lines)
{
    uint8_t old = u->modem.msr;
    uint8_t now = lines & 0xf0;
    uint8_t delta = (uint8_t)((old ^ now) >> 4);

    /* RI reports only its trailing edge (TERI) */
    if (delta & 0x04) {
        delta = (uint8_t)((delta & ~0x04) | ((old & UART_MSR_RI) ? 0x04 : 0));
    }
    u->modem.msr = (uint8_t)(now | (old & 0x0f) | delta);
    update_irq(u);
}

uint8_t uart_read(struct Uart *u, unsigned reg, int64_t now_ns)
{
    uint8_t v = 0;

    switch (reg) {
    case UART_RBR:
        if (u->lcr & UART_LCR_DLAB) {
            return (uint8_t)(u->divisor & 0xff);
        }
        if (u->rx_count > 0) {
            u->rbr = u->rx_fifo[u->rx_head];
            u->rx_head = (uint8_t)((u->rx_head + 1) % UART_FIFO_LEN);
            u->rx_count--;
        }
        if (u->rx_count == 0) {
            u->lsr &= (uint8_t)~UART_LSR_DR;
        }
        rearm_timeout(u, now_ns);
        update_irq(u);
        return u->rbr;
    case UART_IER:
        return (u->lcr & UART_LCR_DLAB) ? (uint8_t)((u->divisor >> 8) & 0xff) : u->ier;
    case UART_IIR:
        v = u->iir;
        if ((v & 0x0f) == UART_IIR_THRI) {
            u->thr_ipending = false;
            update_irq(u);
        }
        return v;
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->modem.mcr;
    case UART_LSR:
        v = u->lsr;
        u->lsr &= (uint8_t)~UART_LSR_OE;
        update_irq(u);
        return v;
    case UART_MSR:
        v = u->modem.msr;
        u->modem.msr &= 0xf0;
        update_irq(u);
        return v;
    case UART_SCR:
        return u->scr;
    default:
        return 0xff;
    }
}

void uart_write(struct Uart *u, unsigned reg, uint8_t val, int64_t now_ns)
{
    switch (reg) {
    case UART_RBR:
        if (u->lcr & UART_LCR_DLAB) {
            u->divisor = (u->divisor & 0xff00u) | val;
            return;
        }
        u->thr = val;
        /* The line is infinitely fast here; in loopback the byte comes straight back. */
        if (u->modem.mcr & UART_MCR_LOOP) {
            uart_receive(u, &val, 1, now_ns);
        }
        u->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
        u->thr_ipending = true;
        break;
    case UART_IER:
        if (u->lcr & UART_LCR_DLAB) {
            u->divisor = (u->divisor & 0x00ffu) | ((uint32_t)val << 8);
            return;
        }
        if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI) && (u->lsr & UART_LSR_THRE)) {
            u->thr_ipending = true;
        }
        u->ier = val & 0x0f;
        break;
    case UART_IIR: /* FCR */
        if (val & UART_FCR_RFR) {
            fifo_clear(u);
        }
        u->fcr = val & 0xc9;
        rearm_timeout(u, now_ns);
        break;
    case UART_LCR:
        u->lcr = val;
        break;
    case UART_MCR:
        u->modem.mcr = val & 0x1f;
        break;
    case UART_SCR:
        u->scr = val;
        break;
    default: /* LSR and MSR are read-only */
        break;
    }
    update_irq(u);
}

int uart_post_load(void *opaque, int version, vms_error_t *err)
{
    struct Uart *u = opaque;

    (void)version;
    (void)err;
    /* The sender leaves the subsection out while the timer is not armed. */
    if (!u->fifo_timeout_loaded) {
        u->fifo_timeout_ns = -1;
    }
    update_irq(u);
    return 0;
}
