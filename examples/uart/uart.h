/* uart.h: a 16550-like UART, the device model of the uart-demo example. */
#ifndef UART_H
#define UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vms/annotate.h>
#include <vms/error.h>

/*
 * The structs below carry the annotations of <vms/annotate.h> (see
 * docs/annotations.md). For the C compiler they expand to nothing; the build
 * runs `vmsgen generate` on this header and compiles the uart.vms.c it
 * writes, which holds vms_desc_UartModem and vms_desc_Uart.
 */

#define UART_FIFO_LEN 16

/* Register offsets (DLAB selects DLL/DLM at 0 and 1). */
enum {
    UART_RBR = 0, /* read: receive buffer; write: THR; DLAB: DLL */
    UART_IER = 1, /* interrupt enable; DLAB: DLM */
    UART_IIR = 2, /* read: interrupt identification; write: FCR */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_LCR_DLAB 0x80
#define UART_IER_RDI 0x01  /* received data available */
#define UART_IER_THRI 0x02 /* transmitter holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI 0x08  /* modem status */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFO 0xc0
#define UART_FCR_FE 0x01  /* FIFO enable */
#define UART_FCR_RFR 0x02 /* clear the receive FIFO */
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

/* The modem lines: a description of its own, nested in the UART's (a `struct` field on the wire). */
struct VMS_STATE("uart_modem", 1, 1) UartModem {
    uint8_t mcr VMS_RANGE(0, 0x1f); /* modem control: DTR, RTS, OUT1, OUT2, LOOP (bits 7:5 read as 0) */
    uint8_t msr;                    /* modem status: CTS, DSR, RI, DCD and their delta bits */
};

/*
 * Version 2 added the scratch register. The receive timeout timer travels in
 * the subsection "uart/fifo-timeout", sent only while it is armed, so a
 * stream of an idle UART stays loadable by builds that predate the timer.
 * When a stream lacks the subsection, uart_post_load() disarms the timer
 * (fifo_timeout_loaded, set by the loader, says whether it came).
 *
 * The checks are the device's invariants: a stream that breaks them (a FIFO
 * index past the end, data-ready disagreeing with the FIFO) fails to load
 * instead of leaving the model in a state it could never reach.
 */
struct VMS_STATE("uart", 2, 1)
       VMS_SUBSECTION_DEF("fifo-timeout", 1, "fifo_timeout_ns != -1")
       VMS_HOOKS(-, -, -, uart_post_load)
       VMS_CHECK("(rx_count > 0) == ((lsr & UART_LSR_DR) != 0)") Uart {
    uint8_t rbr;                    /* last byte read from the receive FIFO */
    uint8_t thr;                    /* last byte written for transmission */
    uint8_t ier VMS_RANGE(0, 0x0f); /* bits 7:4 are reserved and read as 0 */
    uint8_t iir;
    uint8_t fcr;
    uint8_t lcr;
    uint8_t lsr;
    uint8_t scr VMS_SINCE(2) VMS_DEFAULT("0"); /* streams of version 1 lack it */
    uint32_t divisor VMS_RANGE(0, 0xffff); /* DLM:DLL; baud = 115200 / divisor; 0 = not programmed */
    uint8_t rx_fifo[UART_FIFO_LEN];        /* one `buffer` on the wire */
    uint8_t rx_head VMS_CHECK("rx_head < UART_FIFO_LEN");
    uint8_t rx_count VMS_RANGE(0, UART_FIFO_LEN);
    bool thr_ipending;              /* a THRE interrupt is pending */
    struct UartModem modem;         /* nested description "uart_modem" */
    int64_t fifo_timeout_ns VMS_TYPE("timer") VMS_IN("fifo-timeout"); /* ns; -1 = not armed */
    bool fifo_timeout_loaded VMS_PRESENT("fifo-timeout"); /* set by the loader, not migrated */
    int irq VMS_IMMUTABLE;          /* wired at init */
    bool irq_level VMS_DERIVED;     /* recomputed by uart_post_load() */
};

/* Initializes @u wired to interrupt line @irq and resets it. */
void uart_init(struct Uart *u, int irq);

/* Power-on reset: every register to its reset value, FIFO emptied, timer disarmed. */
void uart_reset(struct Uart *u);

/* A guest read of register @reg (0..7) at virtual time @now_ns. */
uint8_t uart_read(struct Uart *u, unsigned reg, int64_t now_ns);

/* A guest write of @val to register @reg (0..7) at virtual time @now_ns. */
void uart_write(struct Uart *u, unsigned reg, uint8_t val, int64_t now_ns);

/* Bytes arriving on the serial line at virtual time @now_ns (overrun sets LSR.OE). */
void uart_receive(struct Uart *u, const uint8_t *buf, size_t len, int64_t now_ns);

/* Sets the modem input lines (UART_MSR_CTS/DSR/RI/DCD), updating the delta bits. */
void uart_set_modem_inputs(struct Uart *u, uint8_t lines);

/* Time one character takes on the line at the current divisor and LCR, in ns (0 if none). */
int64_t uart_char_time_ns(const struct Uart *u);

/*
 * post_load hook (VMS_HOOKS): disarms the receive timeout when the stream had
 * no "uart/fifo-timeout" subsection and recomputes the derived interrupt
 * state. Always returns 0.
 */
int uart_post_load(void *opaque, int version, vms_error_t *err);

#endif /* UART_H */
