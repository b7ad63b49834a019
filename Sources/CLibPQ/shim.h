#ifndef DHIS2_SYNC_CLIBPQ_SHIM_H
#define DHIS2_SYNC_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
