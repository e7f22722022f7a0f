/*
 * The one growable-array helper of the library: typed arrays kept as
 * (items, n, cap) triples, grown by doubling, with a sorted insert for the
 * arrays that are searched by key.
 */
#ifndef HOTLINE_UTIL_VEC_H
#define HOTLINE_UTIL_VEC_H

#include <stddef.h>

/* Makes room for one more element after n: 0 or HOTLINE_ENOMEM (then *items is unchanged). */
int hotline__vec_grow(void **items, size_t *cap, size_t n, size_t size);
/* Appends one zeroed element and returns it; NULL when memory is short (nothing changed). */
void *hotline__vec_push(void **items, size_t *n, size_t *cap, size_t size);
/* Inserts one zeroed element at index i (0 <= i <= *n) and returns it; NULL when memory is short. */
void *hotline__vec_insert(void **items, size_t *n, size_t *cap, size_t size, size_t i);

/* Compares a search key with an element of a sorted array (<0, 0, >0 as strcmp). */
typedef int (*hotline__vec_cmp)(const void *key, const void *elem);
/* Index of the first element not less than key; *found (may be NULL) is 1 when it equals key. */
size_t hotline__vec_lower_bound(const void *items, size_t n, size_t size, const void *key,
	hotline__vec_cmp cmp, int *found);
/*
 * The element equal to key, or a zeroed one inserted where key belongs.
 * *found tells which; NULL when memory is short (nothing changed).
 */
void *hotline__vec_sorted_insert(void **items, size_t *n, size_t *cap, size_t size, const void *key,
	hotline__vec_cmp cmp, int *found);

#endif
