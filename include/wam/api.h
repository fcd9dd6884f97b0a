/* wam/api.h — the mark of libwam's public functions.
 *
 * libwam is compiled with hidden symbol visibility: a shared libwam exports
 * only the functions its public headers (include/wam/) declare with
 * WAM_API, so a front end cannot link against a function of the library's
 * inside. Every public header includes this one. */
#ifndef WAM_API_H
#define WAM_API_H

#if defined(__GNUC__) || defined(__clang__)
#define WAM_API __attribute__((visibility("default")))
#else
#define WAM_API
#endif

#endif
