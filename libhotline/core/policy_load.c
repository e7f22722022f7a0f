/*
 * Loading the policy in the record (core/policy_record.c writes and checks
 * it) and choosing the one a handle computes with. Apart from the writer so
 * that opening a handle (core/db.c) reads it without calling back into the
 * command path.
 */
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "hotline/errors.h"
#include "util/mem.h"

typedef struct rec_read {
	json_t *body;
	int bad;
} rec_read;

static int rec_cb(const char *kind, const char *id, const char *body, void *payload)
{
	rec_read *r = payload;
	(void)kind;
	(void)id;
	if (!(r->body = json_loads(body, 0, NULL)))
		r->bad = 1;
	return 0;
}

void hotline__db_policy_choose(hotline_db *db)
{
	const char *digest = NULL;
	/* a writer must name the policy in force now: the latest policy line's (core/policy_change.c) */
	if (!hotline__db_policy_now(db, &digest) || (db->given_explicit && strcmp(db->given_digest, digest) != 0))
		db->policy = db->given;
	else if (db->hist)
		db->policy = db->hist->top;
	else
		db->policy = db->rec_policy ? db->rec_policy : db->given;
}

int hotline__db_what_if(const hotline_db *db)
{
	const char *digest = NULL;
	return hotline__db_policy_now(db, &digest) && db->policy == db->given && strcmp(db->given_digest, digest) != 0;
}

int hotline__db_policy_load(hotline_db *db, hotline__err *err)
{
	rec_read r = { NULL, 0 };
	const char *name, *digest, *text;
	hotline__policy *p = NULL;
	int rc;
	if (db->rec_pending)
		return 0;
	rc = db->st->dir_get(db->st, HOTLINE__POLICY_RECORD_KIND, HOTLINE__POLICY_RECORD_KEY, rec_cb, &r);
	if (rc == HOTLINE_ENOT_FOUND) {
		free(db->rec_name);
		db->rec_name = NULL;
		db->rec_digest[0] = '\0';
		hotline__db_policy_choose(db);
		return 0;
	}
	if (rc) {
		/* the backend's word: a lost connection says to retry */
		const char *m = db->st->errmsg ? db->st->errmsg(db->st) : NULL;
		return hotline__seterr(err, rc, "reading the recorded policy: %s", m && *m ? m : hotline_error_describe(rc));
	}
	name = json_string_value(json_object_get(r.body, "name"));
	digest = json_string_value(json_object_get(r.body, "digest"));
	text = json_string_value(json_object_get(r.body, "text"));
	if (r.bad || !name || !digest || !text || strlen(digest) != 64) {
		json_decref(r.body);
		return hotline__seterr(err, HOTLINE_ECORRUPT, "the recorded policy is not readable");
	}
	if (db->rec_name && strcmp(digest, db->rec_digest) == 0) {
		json_decref(r.body);
		return 0; /* known already */
	}
	if (strcmp(digest, db->given_digest) != 0) {
		/* the text is what runs; verify-log checks it against its digest */
		if ((rc = hotline__policy_load(&p, text, strlen(text), err)) != 0) {
			json_decref(r.body);
			return hotline__seterr(err, HOTLINE_ECORRUPT, "the recorded policy '%s' does not load", name);
		}
	}
	free(db->rec_name);
	if (!(db->rec_name = hotline__strdup(name))) {
		hotline__policy_free(p);
		json_decref(r.body);
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	}
	memcpy(db->rec_digest, digest, 65);
	if (db->rec_policy)
		hotline__policy_free(db->rec_policy);
	db->rec_policy = p;
	json_decref(r.body);
	hotline__db_policy_choose(db);
	return 0;
}

void hotline__db_policy_history_install(hotline_db *db, hotline__policy_history *h)
{
	hotline__policy_history *was = db->hist;
	db->hist = h;
	hotline__db_policy_choose(db);
	hotline__policy_history_free(was);
}

const char *hotline__db_policy_now(const hotline_db *db, const char **digest)
{
	if (db->hist) {
		if (digest)
			*digest = db->hist->digest;
		return db->hist->name;
	}
	if (digest)
		*digest = db->rec_digest;
	return db->rec_name;
}
