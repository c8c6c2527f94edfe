/* fill.c: a release 1 timer running periodically, armed. */
#include "timer.h"

void compat_fill(void *state);

void compat_fill(void *state)
{
    struct Timer *t = state;

    t->ctrl = TIMER_CTRL_ENABLE | TIMER_CTRL_PERIODIC;
    t->reload = 100000;
    t->count = 41234;
    t->clock_sel = 0;
    t->deadline = 5000000000LL;
}
