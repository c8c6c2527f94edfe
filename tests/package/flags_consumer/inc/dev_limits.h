/* dev_limits.h: found only through the include directory of the dev_config INTERFACE library. */
#ifndef DEV_LIMITS_H
#define DEV_LIMITS_H
#define DEV_REGS 4
#endif
