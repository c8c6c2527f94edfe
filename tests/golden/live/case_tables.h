#include "input.vms.h"
#define CASE_DESCS &vms_desc_LiveDev
#define CASE_LIVE_DESCS &vms_live_desc_LiveDev
