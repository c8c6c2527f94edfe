/* link_main.c: links a golden case's generated tables and checks them with the runtime. */
#include <stdio.h>

#include <vms/vms.h>

/* Each golden case has a case_tables.h: includes its .vms.h, defines CASE_DESCS. */
#include "case_tables.h"

static const struct vms_desc *const descs[] = {CASE_DESCS};

int main(void)
{
    int failed = 0;

    for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++) {
        vms_error_t err;
        char msg[600];

        vms_error_init(&err);
        if (vms_desc_validate(descs[i], &err) != 0) {
            fprintf(stderr, "%s: %s\n", descs[i]->name, vms_error_format(&err, msg, sizeof(msg)));
            failed = 1;
        }
    }
#ifdef CASE_LIVE_DESCS
    {
        static const struct vms_live_desc *const lives[] = {CASE_LIVE_DESCS};

        for (size_t i = 0; i < sizeof(lives) / sizeof(lives[0]); i++) {
            vms_error_t err;
            char msg[600];

            vms_error_init(&err);
            if (vms_live_desc_validate(lives[i], &err) != 0) {
                fprintf(stderr, "live %s: %s\n", lives[i]->state->name,
                        vms_error_format(&err, msg, sizeof(msg)));
                failed = 1;
            }
        }
    }
#endif
    printf("%zu generated descriptions validated\n", sizeof(descs) / sizeof(descs[0]));
    return failed;
}
