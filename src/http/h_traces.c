/* STUB: to be written. */
#include "http/http.h"
