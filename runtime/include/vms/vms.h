/* vms/vms.h: the whole public API of libvmstate. */
#ifndef VMS_VMS_H
#define VMS_VMS_H

#include <vms/error.h>
#include <vms/stream.h>
#include <vms/desc.h>
#include <vms/engine.h>
#include <vms/live.h>
#include <vms/migrate.h>
#include <vms/registry.h>
#include <vms/return_path.h>

/* Version of the library, as a string and as a number (major*10000 + minor*100 + patch). */
#define VMS_VERSION_STRING "0.2.0"
#define VMS_VERSION_NUMBER 200

#endif /* VMS_VMS_H */
