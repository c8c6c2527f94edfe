/* uart_vms.h: descriptions of uart.h's structs, in the form vmsgen will generate (uart.vms.h). */
#ifndef UART_VMS_H
#define UART_VMS_H

#include <vms/vms.h>

#include "uart.h"

extern const struct vms_desc vms_desc_UartModem;
extern const struct vms_desc vms_desc_Uart;

#endif /* UART_VMS_H */
