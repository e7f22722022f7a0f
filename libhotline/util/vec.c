#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

#include "hotline/errors.h"

int hotline__vec_grow(void **items, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;
	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap < *cap || ncap > (size_t)-1 / size)
		return HOTLINE_ENOMEM;
	if (!(p = realloc(*items, ncap * size)))
		return HOTLINE_ENOMEM;
	*items = p;
	*cap = ncap;
	return 0;
}

void *hotline__vec_insert(void **items, size_t *n, size_t *cap, size_t size, size_t i)
{
	char *base;
	if (i > *n || hotline__vec_grow(items, cap, *n, size))
		return NULL;
	base = *items;
	memmove(base + (i + 1) * size, base + i * size, (*n - i) * size);
	memset(base + i * size, 0, size);
	(*n)++;
	return base + i * size;
}

void *hotline__vec_push(void **items, size_t *n, size_t *cap, size_t size)
{
	return hotline__vec_insert(items, n, cap, size, *n);
}

size_t hotline__vec_lower_bound(const void *items, size_t n, size_t size, const void *key,
	hotline__vec_cmp cmp, int *found)
{
	const char *base = items;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp(key, base + mid * size) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (found)
		*found = lo < n && cmp(key, base + lo * size) == 0;
	return lo;
}

void *hotline__vec_sorted_insert(void **items, size_t *n, size_t *cap, size_t size, const void *key,
	hotline__vec_cmp cmp, int *found)
{
	int eq;
	size_t i = hotline__vec_lower_bound(*items, *n, size, key, cmp, &eq);
	if (found)
		*found = eq;
	if (eq)
		return (char *)*items + i * size;
	return hotline__vec_insert(items, n, cap, size, i);
}
