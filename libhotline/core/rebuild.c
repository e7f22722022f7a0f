#include "core/rebuild.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dirstore.h"
#include "core/snapshot.h"
#include "core/snapshot_finish.h"
#include "model/lifecycle.h"
#include "util/mem.h"
#include "util/vec.h"

/* ---- the directory ---- */

void hotline__dir_rebuild_init(hotline__dir_rebuild *r)
{
	memset(r, 0, sizeof(*r));
	hotline__directory_init(&r->dir);
}

void hotline__dir_rebuild_free(hotline__dir_rebuild *r)
{
	size_t i;
	for (i = 0; i < r->n_rows; i++) {
		free(r->rows[i].kind);
		free(r->rows[i].key);
		free(r->rows[i].body);
	}
	free(r->rows);
	hotline__directory_clear(&r->dir);
	memset(r, 0, sizeof(*r));
}

int hotline__dir_rebuild_event(hotline__dir_rebuild *r, const hotline_storage_event *e, hotline__err *err)
{
	hotline__dir_row *row;
	json_t *obj;
	int cmd, found, rc;
	char *key;

	if (hotline_command_from_name(&cmd, e->cmd) != 0)
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event %" PRId64 " of the organisation stream has an unknown command '%s'",
			e->stream_seq, e->cmd);
	if (hotline__transition_of(cmd)->on != HOTLINE__ON_DIRECTORY)
		return 0;
	if (!(obj = json_loads(e->body, 0, NULL)) || !json_is_object(obj)) {
		json_decref(obj);
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event %" PRId64 " of the organisation stream is not a JSON object",
			e->stream_seq);
	}
	/* as the command did: a first definition of its id is stored under the id, later ones under id and seq */
	hotline__directory_latest_from(&r->dir, cmd, obj, &found);
	key = hotline__dirstore_key(cmd, obj, !found, e->seq);
	if (!key) {
		json_decref(obj);
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event %" PRId64 " of the organisation stream names no record",
			e->stream_seq);
	}
	rc = hotline__directory_add(&r->dir, cmd, obj, e->at == HOTLINE_TIME_NONE ? HOTLINE__DIR_ALWAYS : e->at,
		found ? e->seq : 0);
	json_decref(obj);
	if (rc == HOTLINE_EDUPLICATE)
		rc = 0;
	if (rc == 0 && !(row = hotline__vec_push((void **)&r->rows, &r->n_rows, &r->cap_rows, sizeof(*row))))
		rc = HOTLINE_ENOMEM;
	if (rc) {
		free(key);
		return hotline__seterr(err, rc == HOTLINE_ENOMEM ? rc : HOTLINE_ECORRUPT,
			"event %" PRId64 " of the organisation stream is not a directory record", e->stream_seq);
	}
	row->kind = hotline__strdup(e->cmd);
	row->key = key;
	row->body = hotline__strdup(e->body);
	row->seq = e->seq;
	r->sorted = 0;
	if (!row->kind || !row->body)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const hotline__dir_row *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);
	return c ? c : strcmp(x->key, y->key);
}

hotline__dir_row *hotline__dir_rebuild_find(hotline__dir_rebuild *r, const char *kind, const char *key)
{
	hotline__dir_row k;
	if (!r->sorted) {
		if (r->n_rows)
			qsort(r->rows, r->n_rows, sizeof(*r->rows), row_cmp);
		r->sorted = 1;
	}
	if (!r->n_rows)
		return NULL;
	k.kind = (char *)kind;
	k.key = (char *)key;
	return bsearch(&k, r->rows, r->n_rows, sizeof(*r->rows), row_cmp);
}

/* ---- a case ---- */

void hotline__case_rebuild_init(hotline__case_rebuild *r)
{
	memset(r, 0, sizeof(*r));
}

void hotline__case_rebuild_free(hotline__case_rebuild *r)
{
	hotline__case_clear(&r->snap);
	hotline__event_vec_free(&r->events);
	memset(r, 0, sizeof(*r));
}

int hotline__case_rebuild_event(hotline__case_rebuild *r, const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline_storage_event *e, hotline__err *err)
{
	const hotline__transition *t;
	const char *property;
	hotline_time next_due;
	int provisional = 0;
	json_t *cmd, *snap;
	char *text;
	int kind, state, approval, exempt, first = r->events.n == 0, rc;

	if (hotline_command_from_name(&kind, e->cmd) != 0)
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event %" PRId64 " has an unknown command '%s'", e->stream_seq, e->cmd);
	t = hotline__transition_of(kind);
	if (first && t->on != HOTLINE__ON_NEW_CASE)
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event 1 is '%s': a case begins with register", e->cmd);
	if (!first && t->on != HOTLINE__ON_CASE && t->on != HOTLINE__ON_CASE_OR_ORG)
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event %" PRId64 " ('%s') cannot belong to a case that exists",
			e->stream_seq, e->cmd);
	if (!first && !(t->from & HOTLINE__SLOT(r->snap.state, r->snap.approval)))
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event %" PRId64 " ('%s') is not allowed from %s%s%s%s",
			e->stream_seq, e->cmd, hotline_state_name(r->snap.state), r->snap.approval ? "(" : "",
			r->snap.approval ? hotline_approval_name(r->snap.approval) : "", r->snap.approval ? ")" : "");
	if (e->at == HOTLINE_TIME_NONE)
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event %" PRId64 " ('%s') has no instant", e->stream_seq, e->cmd);
	if (!(cmd = json_loads(e->body, 0, NULL)) || !json_is_object(cmd)) {
		json_decref(cmd);
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event %" PRId64 " is not a JSON object", e->stream_seq);
	}
	property = first ? json_string_value(json_object_get(cmd, "property")) : r->snap.property;
	if (!property) {
		json_decref(cmd);
		return hotline__seterr(err, HOTLINE_ECORRUPT, "event 1 names no property");
	}
	rc = hotline__event_vec_push(&r->events, e, cmd);
	if (rc) {
		json_decref(cmd);
		return hotline__seterr(err, rc, "event %" PRId64 " cannot be read", e->stream_seq);
	}
	/* the steps of core/command.c's apply(), in its order */
	snap = hotline__snapshot_next(t, cmd, e->stream, property, first ? NULL : &r->snap, &state, &approval, &exempt);
	if (!snap) {
		json_decref(cmd);
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	}
	rc = hotline__snapshot_next_due(policy, cal, dir, r->events.ev, r->events.n, e->at, &next_due, &provisional,
		err);
	text = rc ? NULL : hotline__snapshot_finish(snap, e->stream_seq, state, approval, exempt, &next_due, provisional,
		hotline__policy_zone_offset(policy));
	if (!rc && !text)
		rc = hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if (rc == 0 && first) {
		r->snap.id = hotline__strdup(e->stream);
		r->snap.property = hotline__strdup(property);
		r->snap.registered_at = e->at;
		if (!r->snap.id || !r->snap.property)
			rc = hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	}
	json_decref(cmd);
	if (rc) {
		json_decref(snap);
		free(text);
		return rc;
	}
	json_decref(r->snap.json);
	r->snap.json = snap;
	free(r->snap.body);
	r->snap.body = text;
	r->snap.state = state;
	r->snap.approval = approval;
	r->snap.exempt = exempt;
	r->snap.version = e->stream_seq;
	r->snap.last_at = e->at;
	r->snap.next_due = next_due;
	snprintf(r->head_hash, sizeof(r->head_hash), "%s", e->hash);
	return 0;
}
