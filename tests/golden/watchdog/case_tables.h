#include "input.vms.h"
#define CASE_DESCS &vms_desc_WdtEvent, &vms_desc_Wdt
