#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#include "hotline/errors.h"

char *hotline__strdup(const char *s)
{
	size_t n;
	char *d;
	if (!s)
		return NULL;
	n = strlen(s) + 1;
	if ((d = malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

char *hotline__strdup_or_empty(const char *s)
{
	return hotline__strdup(s ? s : "");
}

void hotline__copy_str(char *buf, size_t size, const char *s)
{
	size_t n = strnlen(s, size - 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
}
