/*
 * A case snapshot held in memory (the public hotline_case) and lists of
 * them: copies from the storage's records, and their accessors.
 */
#include <stdlib.h>
#include <string.h>

#include "core/case.h"
#include "core/snapshot_summary.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/vec.h"

void hotline__case_clear(hotline_case *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->property);
	free(c->head_hash);
	free(c->body);
	json_decref(c->json);
	memset(c, 0, sizeof(*c));
}

int hotline__case_from_storage(hotline_case *dst, const hotline_storage_case *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->id = hotline__strdup_or_empty(src->id);
	dst->property = hotline__strdup_or_empty(src->property);
	dst->head_hash = hotline__strdup_or_empty(src->head_hash);
	dst->body = hotline__strdup_or_empty(src->body);
	/* the rules summary is the library's own (core/summary.h): no reader sees it */
	hotline__snapshot_strip_summary(dst->body);
	dst->json = hotline__json_loads(dst->body ? dst->body : "", 0, NULL);
	dst->state = src->state;
	dst->approval = src->approval;
	dst->exempt = src->exempt;
	dst->version = src->version;
	dst->registered_at = src->registered_at;
	dst->last_at = src->last_at;
	dst->next_due = src->next_due;
	if (!dst->id || !dst->property || !dst->head_hash || !dst->body) {
		hotline__case_clear(dst);
		return HOTLINE_ENOMEM;
	}
	if (!dst->json) {
		hotline__case_clear(dst);
		return HOTLINE_ECORRUPT;
	}
	return 0;
}

void hotline_case_free(hotline_case *c)
{
	if (!c)
		return;
	hotline__case_clear(c);
	free(c);
}

const char *hotline_case_id(const hotline_case *c) { return c ? c->id : NULL; }
const char *hotline_case_property(const hotline_case *c) { return c ? c->property : NULL; }
hotline_state hotline_case_state(const hotline_case *c) { return c ? (hotline_state)c->state : HOTLINE_STATE_RECEIVED; }
hotline_approval hotline_case_approval(const hotline_case *c) { return c ? (hotline_approval)c->approval : HOTLINE_APPROVAL_NONE; }
int hotline_case_exempt(const hotline_case *c) { return c ? c->exempt : 0; }
int64_t hotline_case_version(const hotline_case *c) { return c ? c->version : 0; }
hotline_time hotline_case_registered_at(const hotline_case *c) { return c ? c->registered_at : HOTLINE_TIME_NONE; }
hotline_time hotline_case_last_at(const hotline_case *c) { return c ? c->last_at : HOTLINE_TIME_NONE; }
hotline_time hotline_case_next_due(const hotline_case *c) { return c ? c->next_due : HOTLINE_TIME_NONE; }
const char *hotline_case_json(const hotline_case *c) { return c ? c->body : NULL; }

const char *hotline_case_field(const hotline_case *c, const char *name)
{
	if (!c || !name)
		return NULL;
	return json_string_value(json_object_get(json_object_get(c->json, "ledger"), name));
}

size_t hotline_case_list_count(const hotline_case_list *l) { return l ? l->n : 0; }

const hotline_case *hotline_case_list_get(const hotline_case_list *l, size_t i)
{
	return (l && i < l->n) ? &l->items[i] : NULL;
}

void hotline_case_list_free(hotline_case_list *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		hotline__case_clear(&l->items[i]);
	free(l->items);
	free(l);
}

int hotline__case_list_add(hotline_case_list *l, const hotline_storage_case *sc)
{
	hotline_case *c;
	int rc;
	if (hotline__vec_grow((void **)&l->items, &l->cap, l->n, sizeof(*l->items)))
		return HOTLINE_ENOMEM;
	c = &l->items[l->n];
	if ((rc = hotline__case_from_storage(c, sc)) != 0)
		return rc;
	l->n++;
	return 0;
}
