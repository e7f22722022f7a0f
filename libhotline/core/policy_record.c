/*
 * The policy belongs to the record (DESIGN §6.7): a database records the
 * policy it runs under (name, full text, SHA-256 of the text) with the first
 * event of its log, and every handle computes with it. A handle given another
 * policy reads under it as a what-if and writes nothing.
 *
 * The record is a directory row of kind "policy", key "created", with no
 * event of its own: the log's seqs and event ids stay those of a database
 * made before (replayed scenarios are unchanged). verify-log checks that its
 * text loads and has its digest; checkpoints cover it. A database whose log
 * began before policies were recorded has none: it runs under the caller's
 * policy, as it always did, and nothing is written for it.
 */
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "hotline/errors.h"
#include "util/mem.h"
#include "util/sha256.h"
#include "util/time.h"

int hotline__db_policy_check_write(hotline_db *db)
{
	const char *digest = NULL, *name;
	if (!hotline__db_what_if(db))
		return 0;
	name = hotline__db_policy_now(db, &digest);
	return hotline__db_fail(db, HOTLINE_EPOLICY, "the database runs under policy '%s' (sha256 %.12s…)%s; this handle"
		" was opened with policy '%s' (sha256 %.12s…): only reading calls may use another policy (a what-if);"
		" change the database's policy with a policy line", name, digest,
		db->hist ? " since its latest policy line" : "", hotline__policy_name(db->given), db->given_digest);
}

static int case_cb(const hotline_storage_case *c, void *payload)
{
	(void)c;
	*(int *)payload = 1;
	return 1;
}

int hotline__db_policy_record(hotline_db *db)
{
	hotline_storage *st = db->st;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	hotline__err err;
	char hash[65];
	int64_t head = 0;
	int any = 0, rc;
	char *body;
	json_t *o;
	if (db->rec_name || db->rec_pending || db->rec_legacy)
		return 0;
	hotline__clearerr(&err);
	/* another handle may have created the database since this one loaded */
	if ((rc = hotline__db_policy_load(db, &err)) != 0)
		return hotline__db_fail_err(db, &err);
	if (db->rec_name)
		return hotline__db_policy_check_write(db);
	/* only a log with no event yet is being created */
	if ((rc = st->stream_head(st, "", &head, hash)) != 0)
		return hotline__db_storage_fail(db, rc, "reading the organisation stream");
	q.limit = 1;
	if (head == 0 && (rc = st->cases_foreach(st, &q, case_cb, &any)) != 0 && rc != 1)
		return hotline__db_storage_fail(db, rc, "reading the cases");
	if (head > 0 || any) {
		db->rec_legacy = 1;
		return 0;
	}
	o = json_pack("{s:s, s:s, s:s}", "name", hotline__policy_name(db->given), "digest", db->given_digest,
		"text", db->given_text);
	body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body)
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	rc = st->dir_put(st, HOTLINE__POLICY_RECORD_KIND, HOTLINE__POLICY_RECORD_KEY, body);
	free(body);
	if (rc)
		return hotline__db_storage_fail(db, rc, "recording the policy");
	db->rec_pending = 1;
	return 0;
}

void hotline__db_policy_settle(hotline_db *db, int ok)
{
	if (!db->rec_pending)
		return;
	db->rec_pending = 0;
	if (!ok)
		return;
	free(db->rec_name);
	db->rec_name = hotline__strdup(hotline__policy_name(db->given));
	memcpy(db->rec_digest, db->given_digest, 65);
	if (!db->rec_name)
		db->rec_digest[0] = '\0'; /* out of memory: the next sync reads it back */
	hotline__db_policy_choose(db);
}

/* "history": [{name, digest, from (null: since creation), at?, actor?}], oldest first. */
static int history_json(hotline_db *db, json_t *doc)
{
	json_t *a = json_array(), *row;
	size_t i;
	int off = hotline__policy_zone_offset(db->policy);
	if (!a || json_object_set_new(doc, "history", a))
		return HOTLINE_ENOMEM;
	row = json_pack("{s:s, s:s, s:n}", "name", db->rec_name ? db->rec_name : hotline__policy_name(db->given),
		"digest", db->rec_name ? db->rec_digest : db->given_digest, "from");
	if (!row || json_array_append_new(a, row))
		return HOTLINE_ENOMEM;
	for (i = 0; i < db->dir.n_policies; i++) {
		const json_t *l = db->dir.policies[i].line;
		const char *text = json_string_value(json_object_get(l, "text"));
		char hex[65], from[40];
		hotline__sha256_hex(text, strlen(text), hex);
		hotline__time_format(db->dir.policies[i].from, off, from);
		row = json_pack("{s:s?, s:s, s:s}", "name", json_string_value(json_object_get(l, "name")), "digest", hex,
			"from", from);
		if (row && json_is_string(json_object_get(l, "actor")))
			json_object_set(row, "actor", json_object_get(l, "actor"));
		if (!row || json_array_append_new(a, row))
			return HOTLINE_ENOMEM;
	}
	return 0;
}

int hotline_db_policy_json(char **out, hotline_db *db)
{
	json_t *doc;
	int rc = 0;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	/* a read transaction, so that a policy another connection recorded is seen */
	if (!db->in_batch && (rc = db->st->begin(db->st, 0)) != 0) {
		rc = hotline__db_storage_fail(db, rc, "starting a read transaction");
	} else {
		if (!db->in_batch) {
			rc = hotline__db_sync(db);
			db->st->rollback(db->st);
		}
	}
	if (rc == 0) {
		const char *now_digest = NULL, *now = hotline__db_policy_now(db, &now_digest);
		const char *dig = db->policy == db->given ? db->given_digest : now_digest;
		doc = json_pack("{s:{s:s, s:s}, s:o, s:b}", "in_use", "name", hotline__policy_name(db->policy), "digest", dig,
			"recorded", now ? json_pack("{s:s, s:s}", "name", now, "digest", now_digest) : json_null(),
			"what_if", hotline__db_what_if(db));
		/* a database whose policy changed lists its policies over time (absent otherwise) */
		if (doc && db->hist && history_json(db, doc) != 0) {
			json_decref(doc);
			doc = NULL;
		}
		if (!doc || !(*out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		json_decref(doc);
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}
