#include "util/err.h"

#include <stdio.h>
#include <string.h>

int hotline__seterr(hotline__err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		e->code = code;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void hotline__clearerr(hotline__err *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}
