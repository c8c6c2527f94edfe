/*
 * regdev.h: the "64 mixed scalar fields" device of bench_runtime (issue 10):
 * 16 groups of a uint8_t, a uint16_t, a uint32_t and a uint64_t, in that
 * order, as registers of a device are. vmsgen writes its table and its fast
 * path (bench_runtime measures both against hand-written code).
 */
#ifndef BENCH_REGDEV_H
#define BENCH_REGDEV_H

#include <stdint.h>
#include <vms/annotate.h>

struct VMS_STATE("regs", 1, 1) RegDev {
    uint8_t b0;
    uint16_t h0;
    uint32_t w0;
    uint64_t q0;
    uint8_t b1;
    uint16_t h1;
    uint32_t w1;
    uint64_t q1;
    uint8_t b2;
    uint16_t h2;
    uint32_t w2;
    uint64_t q2;
    uint8_t b3;
    uint16_t h3;
    uint32_t w3;
    uint64_t q3;
    uint8_t b4;
    uint16_t h4;
    uint32_t w4;
    uint64_t q4;
    uint8_t b5;
    uint16_t h5;
    uint32_t w5;
    uint64_t q5;
    uint8_t b6;
    uint16_t h6;
    uint32_t w6;
    uint64_t q6;
    uint8_t b7;
    uint16_t h7;
    uint32_t w7;
    uint64_t q7;
    uint8_t b8;
    uint16_t h8;
    uint32_t w8;
    uint64_t q8;
    uint8_t b9;
    uint16_t h9;
    uint32_t w9;
    uint64_t q9;
    uint8_t b10;
    uint16_t h10;
    uint32_t w10;
    uint64_t q10;
    uint8_t b11;
    uint16_t h11;
    uint32_t w11;
    uint64_t q11;
    uint8_t b12;
    uint16_t h12;
    uint32_t w12;
    uint64_t q12;
    uint8_t b13;
    uint16_t h13;
    uint32_t w13;
    uint64_t q13;
    uint8_t b14;
    uint16_t h14;
    uint32_t w14;
    uint64_t q14;
    uint8_t b15;
    uint16_t h15;
    uint32_t w15;
    uint64_t q15;
};

#endif
