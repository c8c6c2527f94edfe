/* emit_c_live.h: the C output of VMS_LIVE descriptions (emit_c_live.c), used by emit_c.c. */
#ifndef VG_EMIT_C_LIVE_H
#define VG_EMIT_C_LIVE_H

#include "model.h"

/* Appends the live table, vms_live_desc_<Struct> and vms_live_ops_<Struct> of @desc to @out. */
void vg_emit_c_live(struct vg_buf *out, const struct vg_desc *desc);
/* Appends their declarations for the .vms.h. */
void vg_emit_h_live(struct vg_buf *out, const struct vg_desc *desc);

#endif /* VG_EMIT_C_LIVE_H */
