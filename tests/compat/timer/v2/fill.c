/* fill.c: a release 2 timer running one-shot, armed; and its pre_save hook. */
#include "timer.h"

void compat_fill(void *state);

/* A release 1 destination reads the expiry from the main payload. */
int timer_pre_save(void *opaque, vms_error_t *err)
{
    struct Timer *t = opaque;

    (void)err;
    t->deadline_v1 = t->deadline;
    return 0;
}

void compat_fill(void *state)
{
    struct Timer *t = state;

    t->ctrl = TIMER_CTRL_ENABLE | TIMER_CTRL_IRQ;
    t->period = 250000;
    t->count = 1777;
    t->deadline = 7250000000LL;
}
