/* rtc_regs.h: register layout of the MC146818-like CMOS clock (no annotations; rtc.h uses it). */
#ifndef RTC_REGS_H
#define RTC_REGS_H

#define RTC_CMOS_LEN 128 /* clock registers 0x00-0x0d, then battery-backed NVRAM */

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c

#endif
