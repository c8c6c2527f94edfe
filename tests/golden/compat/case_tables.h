#include "input.vms.h"
#define CASE_DESCS &vms_desc_Nic
