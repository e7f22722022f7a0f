#include "util/err.h"

#include <stdio.h>
#include <string.h>

/* The only thread-local state of the library: the last error of calls made without a handle. */
static _Thread_local char last_error[512];

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

int hotline__last_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

const char *hotline_last_error(void)
{
	return last_error;
}

/*
 * HOTLINE_E__LAST counts the codes, which holds while the list goes down
 * one at a time from -1: each code's value is minus its position.
 */
enum {
	HOTLINE__ERR_POS_0 = 0,
#define HOTLINE__ERR_POS(name, value, json, msg) HOTLINE__ERR_POS_##name,
	HOTLINE_ERRORS(HOTLINE__ERR_POS)
#undef HOTLINE__ERR_POS
};
#define HOTLINE__ERR_CHECK(name, value, json, msg) \
	_Static_assert(value == -HOTLINE__ERR_POS_##name, "HOTLINE_ERRORS: " #name " must be the next value down");
HOTLINE_ERRORS(HOTLINE__ERR_CHECK)
#undef HOTLINE__ERR_CHECK

/* The names and messages of the codes (hotline/errors.h), here so that every layer may describe a failure. */
const char *hotline_error_name(int code)
{
	if (code == 0)
		return "ok";
#define HOTLINE__ERR_NAME(name, value, json, msg) if (code == value) return json;
	HOTLINE_ERRORS(HOTLINE__ERR_NAME)
#undef HOTLINE__ERR_NAME
	return "unknown";
}

const char *hotline_error_describe(int code)
{
	if (code == 0)
		return "success";
#define HOTLINE__ERR_MSG(name, value, json, msg) if (code == value) return msg;
	HOTLINE_ERRORS(HOTLINE__ERR_MSG)
#undef HOTLINE__ERR_MSG
	return "unknown error";
}
