#include "core/snapshot_summary.h"

#include <stdlib.h>
#include <string.h>

#include "rules/summary.h"
#include "util/json.h"

/* canonical JSON sorts keys bytewise: '~' after every key a snapshot has, so the summary comes last */
#define KEY ",\"~summary\":"
#define KEY_LEN (sizeof(KEY) - 1)

char *hotline__snapshot_with_summary(char *snap, const char *sum)
{
	size_t n, m;
	char *out;
	if (!snap || !sum)
		return snap;
	n = strlen(snap);
	m = strlen(sum);
	/* grown in place: the text before the summary is not copied again */
	if (n < 2 || snap[n - 1] != '}' || !(out = realloc(snap, n - 1 + KEY_LEN + m + 2))) {
		free(snap);
		return NULL;
	}
	memcpy(out + n - 1, KEY, KEY_LEN);
	memcpy(out + n - 1 + KEY_LEN, sum, m);
	out[n - 1 + KEY_LEN + m] = '}';
	out[n + KEY_LEN + m] = 0;
	return out;
}

char *hotline__snapshot_add_summary(char *snap, const hotline__summary *s, size_t *at)
{
	hotline__sbuf b;
	size_t n;
	if (!snap)
		return NULL;
	n = strlen(snap);
	if (n < 2 || snap[n - 1] != '}') {
		free(snap);
		return NULL;
	}
	/* the text goes on in its own buffer, over its closing brace */
	hotline__sbuf_init(&b, NULL, NULL);
	b.p = snap;
	b.n = n - 1;
	b.cap = n + 1;
	*at = b.n;
	hotline__sbuf_put(&b, KEY, KEY_LEN);
	hotline__summary_write(&b, s);
	hotline__sbuf_putc(&b, '}');
	return hotline__sbuf_take(&b);
}

void hotline__snapshot_cut_summary(char *body, size_t at)
{
	body[at] = '}';
	body[at + 1] = 0;
}

/*
 * Where the last member begins when it is the summary, else NULL. The key's
 * '~' is looked for, not its ',': a snapshot has commas everywhere and a
 * '~' hardly anywhere else, so the search runs at strchr's speed.
 */
static const char *find(const char *body)
{
	const char *p, *last = NULL;
	if (!body)
		return NULL;
	for (p = strchr(body, '~'); p; p = strchr(p + 1, '~'))
		if (p - body >= 2 && strncmp(p - 2, KEY, KEY_LEN) == 0)
			last = p - 2;
	return last;
}

const char *hotline__snapshot_summary(const char *body, size_t *len)
{
	const char *p = find(body);
	size_t n;
	if (!p)
		return NULL;
	p += KEY_LEN;
	n = strlen(p);
	if (n < 2 || p[n - 1] != '}')
		return NULL;
	*len = n - 1;
	return p;
}

void hotline__snapshot_strip_summary(char *body)
{
	char *p = (char *)find(body);
	if (p) {
		p[0] = '}';
		p[1] = 0;
	}
}
