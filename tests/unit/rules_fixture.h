/*
 * Test helper for the rules engine: builds decoded events and a directory
 * straight from scenario lines (DESIGN §5), without a database, and offers
 * them as the assessment's event source.
 *
 *     rules_fixture fx;
 *     fx_load(&fx, "{\"cmd\":\"person\",...}\n{\"cmd\":\"register\",...}\n");
 *     fx_case(&fx, "C1", &ev, &n);
 */
#ifndef HOTLINE_TESTS_RULES_FIXTURE_H
#define HOTLINE_TESTS_RULES_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "model/directory.h"
#include "model/event.h"
#include "model/lifecycle.h"
#include "hotline/lifecycle.h"
#include "rules/eval.h"
#include "util/time.h"

#define FX_MAX_EVENTS 512
#define FX_MAX_CASES 64

typedef struct rules_fixture {
	hotline__directory dir;
	hotline__event ev[FX_MAX_EVENTS];      /* every timed event, in line order */
	size_t n;
	char cases[FX_MAX_CASES][32];          /* case ids in order of first appearance */
	size_t n_cases;
	hotline__event scratch[FX_MAX_EVENTS]; /* one stream's events, see fx_case / fx_org */
	int64_t first_at;
	int forward;                           /* source: cases in order (else reversed) */
	char error[256];
} rules_fixture;

/* Parses scenario lines; returns 0, or -1 with fx->error set ("line N: ..."). */
static inline int fx_load(rules_fixture *fx, const char *text)
{
	const char *p = text;
	int line = 0;
	int64_t seq = 0;

	memset(fx, 0, sizeof(*fx));
	hotline__directory_init(&fx->dir);
	fx->first_at = HOTLINE_TIME_NONE;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *start = p, *q = p;
		json_error_t jerr;
		json_t *o;
		const char *cmd, *at, *cs;
		int kind;

		line++;
		p = end ? end + 1 : p + len;
		while (q < p && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= p || *q == '\n' || *q == '#')
			continue;
		if (!(o = json_loadb(q, len - (size_t)(q - start), 0, &jerr))) {
			snprintf(fx->error, sizeof(fx->error), "line %d: %s", line, jerr.text);
			return -1;
		}
		cmd = json_string_value(json_object_get(o, "cmd"));
		if (!cmd || hotline_command_from_name(&kind, cmd) != 0) {
			snprintf(fx->error, sizeof(fx->error), "line %d: unknown cmd", line);
			json_decref(o);
			return -1;
		}
		seq++;
		if (hotline__transition_of(kind)->on == HOTLINE__ON_DIRECTORY) {
			int rc = hotline__directory_add_json(&fx->dir, kind, o);
			json_decref(o);
			if (rc) {
				snprintf(fx->error, sizeof(fx->error), "line %d: directory %d", line, rc);
				return -1;
			}
			continue;
		}
		if (fx->n == FX_MAX_EVENTS) {
			snprintf(fx->error, sizeof(fx->error), "line %d: too many events", line);
			json_decref(o);
			return -1;
		}
		at = json_string_value(json_object_get(o, "at"));
		cs = json_string_value(json_object_get(o, "case"));
		{
			hotline__event *e = &fx->ev[fx->n];
			size_t i;
			e->seq = seq;
			e->cmd = kind;
			e->body = o;
			e->actor = json_string_value(json_object_get(o, "actor"));
			if (!e->actor)
				e->actor = "";
			if (!at || hotline__time_parse(at, &e->at, NULL) != 0) {
				snprintf(fx->error, sizeof(fx->error), "line %d: bad at", line);
				json_decref(o);
				return -1;
			}
			if (fx->first_at == HOTLINE_TIME_NONE)
				fx->first_at = e->at;
			e->stream = "";
			e->stream_seq = 0;
			if (cs) {
				for (i = 0; i < fx->n_cases && strcmp(fx->cases[i], cs) != 0; i++)
					;
				if (i == fx->n_cases) {
					if (i == FX_MAX_CASES || strlen(cs) >= sizeof(fx->cases[0])) {
						snprintf(fx->error, sizeof(fx->error), "line %d: case", line);
						json_decref(o);
						return -1;
					}
					strcpy(fx->cases[fx->n_cases++], cs);
				}
				e->stream = fx->cases[i];
			}
			{
				/* the case's version after this event */
				size_t j;
				int64_t v = 0;
				for (j = 0; j < fx->n; j++)
					if (strcmp(fx->ev[j].stream, e->stream) == 0)
						v++;
				e->stream_seq = cs ? v + 1 : 0;
			}
			fx->n++;
		}
	}
	return 0;
}

static inline void fx_free(rules_fixture *fx)
{
	size_t i;
	for (i = 0; i < fx->n; i++)
		json_decref(fx->ev[i].body);
	hotline__directory_clear(&fx->dir);
	fx->n = 0;
}

/* The events of one stream ("" for the organisation), copied into fx->scratch. */
static inline void fx_stream(rules_fixture *fx, const char *stream, const hotline__event **ev, size_t *n)
{
	size_t i;
	*n = 0;
	for (i = 0; i < fx->n; i++)
		if (strcmp(fx->ev[i].stream, stream) == 0)
			fx->scratch[(*n)++] = fx->ev[i];
	*ev = fx->scratch;
}

static inline void fx_case(rules_fixture *fx, const char *id, const hotline__event **ev, size_t *n)
{
	fx_stream(fx, id, ev, n);
}

/* ---- hotline__source over the fixture ---- */

static inline int fx_foreach_case(void *ctx, int (*cb)(const hotline__event *ev, size_t n, void *payload),
	void *payload)
{
	rules_fixture *fx = ctx;
	hotline__event one[FX_MAX_EVENTS];
	size_t c, i, n;
	int rc;
	/* either order: the assessment must not depend on the order of cases */
	for (c = 0; c < fx->n_cases; c++) {
		const char *id = fx->cases[fx->forward ? c : fx->n_cases - 1 - c];
		for (n = 0, i = 0; i < fx->n; i++)
			if (strcmp(fx->ev[i].stream, id) == 0)
				one[n++] = fx->ev[i];
		if ((rc = cb(one, n, payload)) != 0)
			return rc;
	}
	return 0;
}

static inline int fx_org_events(void *ctx, const hotline__event **ev, size_t *n)
{
	fx_stream(ctx, "", ev, n);
	return 0;
}

static inline hotline__source fx_source(rules_fixture *fx)
{
	hotline__source s;
	memset(&s, 0, sizeof(s));   /* optional members (the summaries' reader) stay unset */
	s.ctx = fx;
	s.foreach_case = fx_foreach_case;
	s.org_events = fx_org_events;
	s.first_event_at = fx->first_at;
	return s;
}

/* An instant from ISO-8601; aborts the test on a typo. */
static inline int64_t fx_t(const char *iso)
{
	int64_t t = 0;
	if (hotline__time_parse(iso, &t, NULL) != 0) {
		fprintf(stderr, "bad instant %s\n", iso);
		abort();
	}
	return t;
}

#endif
