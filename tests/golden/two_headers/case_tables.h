#include "input_a.vms.h"
#include "input_b.vms.h"
#define CASE_DESCS &vms_desc_Port, &vms_desc_Switch
