/*
 * Changing how a database keeps owners' personal data (DESIGN §6.4):
 * rotating the key-encryption key (every data key and the blind-index key
 * re-wrapped, nothing re-encrypted), encrypting what was written in clear
 * (an encrypt_record command per case, run through the internal command
 * path in one batch), and the report on both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/command.h"
#include "core/db.h"
#include "core/keys.h"
#include "core/pii.h"
#include "util/aead.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/time.h"

/* ---- rotation ---- */

typedef struct rewrap {
	hotline_db *db;
	const hotline__keys *to;
	char **case_ids, **wrapped;
	size_t n, cap;
	int failed;
} rewrap;

static int rewrap_cb(const char *case_id, const char *kek_id, const char *record, void *payload)
{
	rewrap *r = payload;
	unsigned char dk[32], mk[32];
	char *copy = hotline__strdup(record), *wrapped, *w;
	int have_mk;
	(void)kek_id;
	if (!copy)
		return HOTLINE_ENOMEM;
	hotline__key_record_split(copy, &wrapped, mk, &have_mk);
	if (hotline__key_unwrap(dk, r->db->keys.wrap, case_id, wrapped) != 0) {
		free(copy);
		sodium_memzero(mk, sizeof(mk));
		hotline__db_fail(r->db, HOTLINE_EKEY, "case '%s': its data key does not open with key '%s'", case_id,
			r->db->keys.id);
		return HOTLINE_EKEY;
	}
	free(copy);
	w = hotline__key_wrap(r->to->wrap, case_id, dk);
	sodium_memzero(dk, sizeof(dk));
	/* the mask key stays as it is: it is not wrapped by the KEK */
	if (w && have_mk) {
		char *full = hotline__key_record_text(w, mk);
		free(w);
		w = full;
	}
	sodium_memzero(mk, sizeof(mk));
	if (!w)
		return HOTLINE_ENOMEM;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		char **a = realloc(r->case_ids, cap * sizeof(*a)), **b;
		if (a)
			r->case_ids = a;
		b = a ? realloc(r->wrapped, cap * sizeof(*b)) : NULL;
		if (!b) {
			free(w);
			return HOTLINE_ENOMEM;
		}
		r->wrapped = b;
		r->cap = cap;
	}
	if (!(r->case_ids[r->n] = hotline__strdup(case_id))) {
		free(w);
		return HOTLINE_ENOMEM;
	}
	r->wrapped[r->n++] = w;
	return 0;
}

int hotline_db_rotate_key(hotline_db *db, const unsigned char *new_key, const char *new_key_id)
{
	hotline_storage *st;
	hotline__keys to;
	rewrap r;
	char check[65], *wi = NULL;
	size_t i;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!new_key || !new_key_id || !hotline__key_id_valid(new_key_id))
		return hotline__db_fail(db, HOTLINE_EINVALID, "a new key and its id (1-64 printable ASCII characters) are required");
	pthread_mutex_lock(&db->mu);
	st = db->st;
	hotline__clearerr(&db->err);
	if (db->read_only || db->in_batch || !db->keys.have || db->keys.ephemeral || !db->keys.have_index) {
		rc = hotline__db_fail(db, db->keys.have ? HOTLINE_EINVALID : HOTLINE_EKEY, "%s",
			db->read_only ? "the database was opened read-only" : db->in_batch ? "a batch is open on this handle"
			: !db->keys.have ? "rotating the key needs the current key" : "this database has no key to rotate");
		pthread_mutex_unlock(&db->mu);
		return rc;
	}
	memset(&to, 0, sizeof(to));
	hotline__keys_derive(&to, new_key);
	snprintf(to.id, sizeof(to.id), "%s", new_key_id);
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.to = &to;
	/* as a batch: no writer in flight may add a data key under the old key while every key is re-wrapped */
	if ((rc = hotline__db_begin_write(db, 1)) != 0) {
		rc = hotline__db_storage_fail(db, rc, "starting the rotation");
		goto out;
	}
	rc = st->keys->case_keys_foreach(st, rewrap_cb, &r);
	for (i = 0; rc == 0 && i < r.n; i++)
		rc = st->keys->case_key_put(st, r.case_ids[i], to.id, r.wrapped[i]);
	hotline__keys_check_value(&to, check);
	if (rc == 0 && !(wi = hotline__key_wrap(to.wrap, "index", db->keys.index)))
		rc = HOTLINE_ENOMEM;
	if (rc == 0 && (rc = st->keys->setting_put(st, HOTLINE__SET_PII_INDEX, wi)) == 0 && (rc = st->keys->setting_put(st, HOTLINE__SET_PII_KEY_ID, to.id)) == 0)
		rc = st->keys->setting_put(st, HOTLINE__SET_PII_CHECK, check);
	if (rc) {
		st->rollback(st);
		if (rc != HOTLINE_EKEY)
			hotline__db_storage_fail(db, rc, "rotating the key");
		goto out;
	}
	if ((rc = st->commit(st)) != 0) {
		hotline__db_storage_fail(db, rc, "committing the rotation");
		goto out;
	}
	memcpy(db->keys.wrap, to.wrap, 32);
	memcpy(db->keys.check, to.check, 32);
	snprintf(db->keys.id, sizeof(db->keys.id), "%s", to.id);
out:
	for (i = 0; i < r.n; i++) {
		free(r.case_ids[i]);
		free(r.wrapped[i]);
	}
	free(r.case_ids);
	free(r.wrapped);
	free(wi);
	sodium_memzero(&to, sizeof(to));
	pthread_mutex_unlock(&db->mu);
	return rc;
}

/* ---- migration and the report ---- */

typedef struct clear_case {
	char *id;
	hotline_time last_at;
	json_t *values;
} clear_case;

typedef struct clear_scan {
	clear_case *items;
	size_t n, cap;
	size_t events;
} clear_scan;

/* The clear personal values of a snapshot's ledger (NULL when none, or erased). */
static json_t *clear_values(const char *body)
{
	json_t *b = json_loads(body, 0, NULL), *ledger, *out = NULL;
	const char *const *p;
	if (!b)
		return NULL;
	ledger = json_object_get(b, "ledger");
	if (json_is_object(ledger) && !json_object_get(b, "erased_at"))
		for (p = hotline__pii_fields; *p; p++) {
			json_t *v = json_object_get(ledger, *p);
			if (json_is_string(v) && strcmp(json_string_value(v), HOTLINE__ERASED) != 0) {
				if (!out)
					out = json_object();
				json_object_set(out, *p, v);
			}
		}
	json_decref(b);
	return out;
}

static int scan_case_cb(const hotline_storage_case *sc, void *payload)
{
	clear_scan *s = payload;
	json_t *v = clear_values(sc->body);
	clear_case *c;
	if (!v)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		clear_case *items = realloc(s->items, cap * sizeof(*items));
		if (!items) {
			json_decref(v);
			return HOTLINE_ENOMEM;
		}
		s->items = items;
		s->cap = cap;
	}
	c = &s->items[s->n];
	c->id = hotline__strdup(sc->id);
	c->last_at = sc->last_at;
	c->values = v;
	if (!c->id) {
		json_decref(v);
		return HOTLINE_ENOMEM;
	}
	s->n++;
	return 0;
}

static int scan_event_cb(const hotline_storage_event *e, void *payload)
{
	clear_scan *s = payload;
	json_t *b, *h;
	const char *const *p;
	if (!*e->stream || (strcmp(e->cmd, "register") != 0 && strcmp(e->cmd, "correct_record") != 0))
		return 0;
	if (!(b = json_loads(e->body, 0, NULL)))
		return 0;
	h = strcmp(e->cmd, "register") == 0 ? b : json_object_get(b, "values");
	for (p = hotline__pii_fields; json_is_object(h) && *p; p++)
		if (json_is_string(json_object_get(h, *p))) {
			s->events++;
			break;
		}
	json_decref(b);
	return 0;
}

static void scan_free(clear_scan *s)
{
	size_t i;
	for (i = 0; i < s->n; i++) {
		free(s->items[i].id);
		json_decref(s->items[i].values);
	}
	free(s->items);
	memset(s, 0, sizeof(*s));
}

int hotline_db_encrypt_existing(hotline_db *db, size_t *cases_out)
{
	hotline_storage *st;
	hotline_storage_query all = HOTLINE_STORAGE_QUERY_INIT;
	clear_scan s;
	size_t i, done = 0;
	int rc, old_mode;
	if (cases_out)
		*cases_out = 0;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	pthread_mutex_lock(&db->mu);
	/* the internal batch: the public hotline_db_begin would be this file calling back into the API */
	if ((rc = hotline__db_batch_begin(db)) != 0) {
		pthread_mutex_unlock(&db->mu);
		return rc;
	}
	st = db->st;
	memset(&s, 0, sizeof(s));
	old_mode = db->keys.mode;
	if (!db->keys.have || !db->keys.have_index) {
		rc = hotline__db_fail(db, HOTLINE_EKEY, "encrypting the personal data needs the database's key");
		goto out;
	}
	if (db->keys.mode != HOTLINE__PII_ENCRYPTED) {
		if ((rc = st->keys->setting_put(st, HOTLINE__SET_PII_MODE, "encrypted")) != 0) {
			rc = hotline__db_storage_fail(db, rc, "recording the personal-data mode");
			goto out;
		}
		db->keys.mode = HOTLINE__PII_ENCRYPTED;
	}
	if ((rc = st->cases_foreach(st, &all, scan_case_cb, &s)) != 0) {
		rc = hotline__db_storage_fail(db, rc, "reading the cases");
		goto out;
	}
	for (i = 0; i < s.n && rc == 0; i++) {
		char at[32];
		json_t *cmd;
		hotline__time_format(s.items[i].last_at, 0, at);
		/* the values copied: sealing the command replaces them in place */
		cmd = json_pack("{s:s,s:s,s:s,s:o}", "cmd", "encrypt_record", "case", s.items[i].id, "at", at,
			"values", json_deep_copy(s.items[i].values));
		db->internal_cmd = 1;
		rc = cmd ? hotline__db_exec_obj(db, cmd, NULL, NULL) : hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		db->internal_cmd = 0;
		json_decref(cmd);
		if (rc == 0)
			done++;
	}
out:
	scan_free(&s);
	if (rc) {
		char msg[sizeof(db->err.msg)];
		snprintf(msg, sizeof(msg), "%s", db->err.msg);
		if (db->in_batch)
			hotline__db_batch_rollback(db);
		db->keys.mode = old_mode;
		hotline__db_fail(db, rc, "%s", msg);
	} else if ((rc = hotline__db_batch_commit(db)) != 0) {
		db->keys.mode = old_mode;
	} else if (cases_out) {
		*cases_out = done;
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_encryption(char **out, hotline_db *db)
{
	hotline_storage_query all = HOTLINE_STORAGE_QUERY_INIT;
	clear_scan s;
	json_t *o;
	char *kid = NULL;
	int rc = 0;
	static const char *const modes[] = { "not_set", "encrypted", "unencrypted" };
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	memset(&s, 0, sizeof(s));
	pthread_mutex_lock(&db->mu);
	if ((rc = db->st->begin(db->st, 0)) != 0) {
		hotline__db_storage_fail(db, rc, "starting a read");
		pthread_mutex_unlock(&db->mu);
		return rc;
	}
	if (db->keys.backend)
		kid = hotline__keys_setting(db->st, HOTLINE__SET_PII_KEY_ID, &rc);
	if (rc == 0)
		rc = db->st->cases_foreach(db->st, &all, scan_case_cb, &s);
	if (rc == 0)
		rc = db->st->events_foreach(db->st, NULL, scan_event_cb, &s);
	db->st->rollback(db->st);
	if (rc) {
		hotline__db_storage_fail(db, rc, "reading the database");
	} else {
		o = json_pack("{s:s,s:s?,s:b,s:I,s:I}", "mode", modes[db->keys.mode], "key_id", kid,
			"key_given", db->keys.have, "clear_events", (json_int_t)s.events, "clear_cases", (json_int_t)s.n);
		*out = o ? hotline__json_canonical(o) : NULL;
		json_decref(o);
		if (!*out)
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		else
			hotline__clearerr(&db->err);
	}
	free(kid);
	scan_free(&s);
	pthread_mutex_unlock(&db->mu);
	return rc;
}
