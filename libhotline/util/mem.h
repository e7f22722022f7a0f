/* Small allocation helpers shared by the library's sources. */
#ifndef HOTLINE_UTIL_MEM_H
#define HOTLINE_UTIL_MEM_H

#include <stddef.h>

/* A malloc'd copy of s; NULL when s is NULL or memory is short. */
char *hotline__strdup(const char *s);
/* A malloc'd copy of s, "" for NULL; NULL only when memory is short. */
char *hotline__strdup_or_empty(const char *s);

/*
 * Copies s into buf (size bytes, size > 0), cut to fit and always
 * terminated: what snprintf(buf, size, "%s", s) writes, without printf's
 * cost (hashes are copied so on every command).
 */
void hotline__copy_str(char *buf, size_t size, const char *s);

#endif
