#include "core/cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot_summary.h"
#include "storage/caps.h"
#include "util/mem.h"

/*
 * What a slot's snap points to: the snapshot and, with overlapping writers,
 * its row's text as this handle wrote it (hotline__cache_take_same).
 */
typedef struct kept {
	hotline_case snap;          /* first: the slot's snap is its address */
	char *written;
	size_t written_len;
} kept;

static kept *kept_of(hotline__cache_slot *s)
{
	return (kept *)s->snap;
}

static hotline__cache_slot *slot_of(hotline__cache *c, const char *id)
{
	size_t h = 5381;
	for (; *id; id++)
		h = h * 33 + (unsigned char)*id;
	return &c->slots[h % HOTLINE__CACHE_SLOTS];
}

static int slot_holds(const hotline__cache_slot *s, const char *id)
{
	return s->case_id && strcmp(s->case_id, id) == 0;
}

static void slot_clear(hotline__cache_slot *s)
{
	free(s->case_id);
	if (s->vec) {
		hotline__event_vec_free(s->vec);
		free(s->vec);
	}
	if (s->snap) {
		if (s->have_snap)
			hotline__case_clear(s->snap);
		free(kept_of(s)->written);
		free(s->snap);
	}
	memset(s, 0, sizeof(*s));
}

void hotline__cache_clear(hotline__cache *c)
{
	size_t i;
	for (i = 0; i < HOTLINE__CACHE_SLOTS; i++)
		slot_clear(&c->slots[i]);
	c->generation++;
}

int hotline__cache_sync(hotline__cache *c, hotline_storage *st)
{
	uint64_t v;
	int changed;
	c->overlap = hotline__storage_case_locks(st) || hotline__storage_overlapping(st);
	if (!st->data_version || st->data_version(st, &v) != 0) {
		/* no way to tell another writer's commits: read every case from the storage */
		c->trusted = 0;
		return 1;
	}
	changed = !c->trusted || v != c->data_version;
	/*
	 * Snapshots may be stale; events never change, so the decoded ones stay (hotline__cache_events reads what
	 * follows them). With overlapping writers snapshots stay too: each is taken only against its row, read
	 * again under the case's lock (hotline__cache_take_same).
	 */
	if (changed && !c->overlap) {
		size_t i;
		for (i = 0; i < HOTLINE__CACHE_SLOTS; i++)
			if (c->slots[i].have_snap) {
				hotline__case_clear(c->slots[i].snap);
				c->slots[i].have_snap = 0;
			}
	}
	if (changed)
		c->generation++;
	c->data_version = v;
	c->trusted = 1;
	return changed;
}

int hotline__cache_take_snapshot(hotline__cache *c, const char *case_id, hotline_case *out)
{
	hotline__cache_slot *s = slot_of(c, case_id);
	if (!c->trusted || c->overlap || !s->have_snap || !slot_holds(s, case_id))
		return 0;
	*out = *s->snap;
	memset(s->snap, 0, sizeof(*s->snap));
	s->have_snap = 0;
	return 1;
}

static int same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

int hotline__cache_take_same(hotline__cache *c, const hotline_storage_case *sc, hotline_case *out)
{
	hotline__cache_slot *s = slot_of(c, sc->id);
	const hotline_case *k = s->snap;
	const kept *w = kept_of(s);
	const char *body = sc->body ? sc->body : "";
	/*
	 * Everything hotline__case_from_storage would read from the row: the same row gives the same snapshot.
	 * Another writer's commit to the case changed its version; a rewrite at the same version (the next due
	 * computed again under a new policy or calendar, or an edit behind the library's back) its columns or
	 * its text.
	 */
	if (!c->trusted || !s->have_snap || !w->written || !slot_holds(s, sc->id) || k->version != sc->version ||
	    k->state != sc->state || k->approval != sc->approval || k->exempt != sc->exempt ||
	    k->registered_at != sc->registered_at || k->last_at != sc->last_at || k->next_due != sc->next_due ||
	    !same_str(k->head_hash, sc->head_hash) || !same_str(k->property, sc->property) ||
	    strlen(body) != w->written_len || memcmp(body, w->written, w->written_len) != 0)
		return 0;
	*out = *s->snap;
	memset(s->snap, 0, sizeof(*s->snap));
	s->have_snap = 0;
	return 1;
}

void hotline__cache_return_snapshot(hotline__cache *c, hotline_case *snap)
{
	hotline__cache_slot *s = slot_of(c, snap->id);
	if (c->trusted && s->snap && !s->have_snap && slot_holds(s, snap->id) && s->version == snap->version) {
		*s->snap = *snap;
		s->have_snap = 1;
	} else {
		hotline__case_clear(snap);
	}
	memset(snap, 0, sizeof(*snap));
}

/* prev's string when it holds s (taken from prev), else a copy of s. */
static char *take_or_copy(char **prev, const char *s)
{
	char *p = *prev;
	if (p && strcmp(p, s) == 0) {
		*prev = NULL;
		return p;
	}
	return hotline__strdup(s);
}

void hotline__cache_keep_snapshot(hotline__cache *c, const hotline_storage_case *sc, char **body, json_t **json,
	size_t ledger_at, size_t ledger_len, size_t summary_at, hotline_case *prev)
{
	char *none = NULL;
	hotline__cache_slot *s = slot_of(c, sc->id);
	hotline_case *k;
	/* only next to the events the same command cached (see hotline__cache_events) */
	if (!c->trusted || !slot_holds(s, sc->id) || s->version != sc->version)
		return;
	if (!s->snap) {
		kept *n = calloc(1, sizeof(*n));
		if (!n)
			return;
		s->snap = &n->snap;
	}
	k = s->snap;
	if (s->have_snap)
		hotline__case_clear(k);
	s->have_snap = 0;
	free(kept_of(s)->written);
	kept_of(s)->written = NULL;
	kept_of(s)->written_len = 0;
	/* with overlapping writers, the row's text to compare the row read next with (hotline__cache_take_same) */
	if (c->overlap) {
		size_t n = strlen(*body);
		if (!(kept_of(s)->written = malloc(n + 1)))
			return;
		memcpy(kept_of(s)->written, *body, n + 1);
		kept_of(s)->written_len = n;
	}
	/* the rules summary is the library's own (core/summary.h): the snapshot as readers see it goes without */
	if (summary_at != HOTLINE__NO_SUMMARY)
		hotline__snapshot_cut_summary(*body, summary_at);
	memset(k, 0, sizeof(*k));
	k->id = take_or_copy(prev ? &prev->id : &none, sc->id);
	k->property = take_or_copy(prev ? &prev->property : &none, sc->property);
	/* the hash changes with every event: written into the previous one's buffer when it has the room */
	if (prev && prev->head_hash && strlen(prev->head_hash) == strlen(sc->head_hash)) {
		k->head_hash = prev->head_hash;
		prev->head_hash = NULL;
		memcpy(k->head_hash, sc->head_hash, strlen(sc->head_hash) + 1);
	} else {
		k->head_hash = hotline__strdup(sc->head_hash);
	}
	if (!k->id || !k->property || !k->head_hash) {
		hotline__case_clear(k);
		return;
	}
	k->state = sc->state;
	k->approval = sc->approval;
	k->exempt = sc->exempt;
	k->version = sc->version;
	k->registered_at = sc->registered_at;
	k->last_at = sc->last_at;
	k->next_due = sc->next_due;
	k->body = *body;
	k->json = *json;
	k->ledger_at = ledger_at;
	k->ledger_len = ledger_len;
	*body = NULL;
	*json = NULL;
	s->have_snap = 1;
}

typedef struct loading {
	hotline__cache_slot *s;
	int ids;                    /* the backend stores ids */
	int extend;                 /* appending to the events cached: each must link to the one before */
	int64_t upto;               /* the last position read: the command's own event, just appended, is pushed apart */
} loading;

#define LOADED 1                /* load_cb reached `upto` */

/* Decodes one event read into the slot. */
static int load_cb(const hotline_storage_event *e, void *payload)
{
	loading *l = payload;
	hotline__cache_slot *s = l->s;
	int rc;
	if (e->stream_seq > l->upto)
		return LOADED;
	if (l->extend && (e->stream_seq != s->version + 1 || strcmp(e->prev_hash, s->head_hash) != 0))
		return HOTLINE_ECORRUPT;
	if ((rc = hotline__event_vec_push(s->vec, e, NULL)) != 0)
		return rc;
	/* an event whose id was edited: the case is not extended (a retry under the id would apply again) */
	if (l->ids && !hotline__event_id_agrees(e->id, NULL, s->vec->ev[s->vec->n - 1].body, &s->ids_seen))
		return HOTLINE_ECORRUPT;
	if (l->extend) {
		s->version = e->stream_seq;
		hotline__copy_str(s->head_hash, sizeof(s->head_hash), e->hash);
	}
	return 0;
}

int hotline__cache_events(hotline__cache *c, hotline_storage *st, const char *case_id, int64_t prev_version,
	const char *prev_hash, const hotline_storage_event *ev, json_t *body, const hotline__event_vec **out)
{
	hotline__cache_slot *s = slot_of(c, case_id);
	int rc;

	*out = NULL;
	/*
	 * Other writers appended to the case since its events were cached: the
	 * cached ones are the stream's start (events never change), so only
	 * the ones after them are read. Writers of one case then do not each
	 * re-read its whole stream while they hold it.
	 */
	if (prev_version > 0 && slot_holds(s, case_id) && s->vec && s->version > 0 && s->version < prev_version &&
	    st->events_after) {
		loading l = { s, 1, 1, prev_version };
		rc = st->events_after(st, case_id, s->version, (size_t)(prev_version - s->version), load_cb, &l);
		if (rc != 0 && rc != LOADED)
			slot_clear(s);
	}
	if (!(slot_holds(s, case_id) && prev_version > 0 && s->version == prev_version &&
	      strcmp(s->head_hash, prev_hash) == 0)) {
		slot_clear(s);
		s->vec = calloc(1, sizeof(*s->vec));
		s->case_id = hotline__strdup(case_id);
		if (!s->vec || !s->case_id) {
			slot_clear(s);
			return HOTLINE_ENOMEM;
		}
		if (prev_version > 0) {
			loading l = { s, 1, 0, prev_version };
			if ((rc = st->events_foreach(st, case_id, load_cb, &l)) != 0 && rc != LOADED) {
				slot_clear(s);
				return rc;
			}
		}
	}
	if ((rc = hotline__event_vec_push(s->vec, ev, body)) != 0) {
		slot_clear(s);
		return rc;
	}
	if (ev->id)
		s->ids_seen = 1;
	s->version = ev->stream_seq;
	hotline__copy_str(s->head_hash, sizeof(s->head_hash), ev->hash);
	*out = s->vec;
	return 0;
}
