/* STUB: to be written. */
#include "cli.h"
