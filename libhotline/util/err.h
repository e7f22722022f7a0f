/* Internal error carrier: a code plus a formatted message. */
#ifndef HOTLINE_UTIL_ERR_H
#define HOTLINE_UTIL_ERR_H

#include <stdarg.h>
#include "hotline/errors.h"

typedef struct hotline__err {
	int code;        /* 0 or a negative hotline_error */
	char msg[512];
} hotline__err;

/* Sets code and message (printf-style) and returns code. e may be NULL. */
int hotline__seterr(hotline__err *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
void hotline__clearerr(hotline__err *e);


/* Thread-local last error (hotline_last_error()); returns code. */
int hotline__last_error_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#endif
