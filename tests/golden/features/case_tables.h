#include "input.vms.h"
#define CASE_DESCS &vms_desc_Chan, &vms_desc_Extra, &vms_desc_Feat
