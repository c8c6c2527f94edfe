#include "input.vms.h"
#define CASE_DESCS &vms_desc_TestSimple, &vms_desc_TestArray, &vms_desc_TestVersioned, \
    &vms_desc_TestSkip, &vms_desc_TestStructTriv, &vms_desc_TestArrayOfPtrToStruct, \
    &vms_desc_TestArrayOfPtrToInt, &vms_desc_TestSubOptional
