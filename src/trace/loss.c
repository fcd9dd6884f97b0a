/* STUB: to be written. */
#include "internal.h"
