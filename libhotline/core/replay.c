/*
 * Replaying scenario files (JSON Lines of commands) into a database and
 * producing the document `hotline replay` prints.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/command.h"
#include "core/db.h"
#include "core/limits.h"
#include "core/report.h"
#include "hotline/assess.h"
#include "util/json.h"
#include "util/time.h"

int hotline_replay_options_init(hotline_replay_options *opts, unsigned int version)
{
	if (!opts)
		return hotline__last_error_set(HOTLINE_EINVALID, "options pointer is NULL");
	if (version == 0 || version > HOTLINE_REPLAY_OPTIONS_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_replay_options version %u", version);
	/* only the members the caller's version has */
	memset(opts, 0, version == 1 ? offsetof(hotline_replay_options, key) : sizeof(*opts));
	opts->version = version;
	opts->as_of = HOTLINE_TIME_NONE;
	return 0;
}

static int cases_cb(const hotline_storage_case *c, void *payload)
{
	json_t *arr = payload;
	json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:b,s:I}", "id", c->id,
		"state", hotline_state_name(c->state), "approval", hotline_approval_name(c->approval),
		"exempt", c->exempt, "version", (json_int_t)c->version));
	return 0;
}

static int is_blank_or_comment(const char *line)
{
	while (*line == ' ' || *line == '\t' || *line == '\r' || *line == '\n')
		line++;
	return *line == '\0' || *line == '#';
}

/* Applies one file; a malformed JSON line fails the whole replay with file:line. */
/* What the lines did, for the document. */
typedef struct replay_lists {
	json_t *refused, *repeated;
	hotline_time latest;       /* the latest `at` read */
} replay_lists;

static int replay_file(hotline_db *db, const char *path, int tag_file, replay_lists *out)
{
	int64_t seq = 0;
	int repeated = 0;
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	if (!f)
		return hotline__last_error_set(HOTLINE_EIO, "%s: cannot open: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_error_t jerr;
		json_t *obj, *at;
		hotline_time t;
		lineno++;
		if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
			memmove(line, line + 3, (size_t)len - 2); /* UTF-8 byte order mark */
		if (is_blank_or_comment(line))
			continue;
		obj = hotline__json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
		if (!obj || !json_is_object(obj)) {
			rc = hotline__last_error_set(HOTLINE_EINVALID, "%s:%ld: %s", path, lineno,
				obj ? "a line must hold a JSON object" : jerr.text);
			json_decref(obj);
			break;
		}
		/* the default as_of is the latest `at` of the file (DESIGN §5), among instants the library accepts
		 * at all: a line dated beyond 2100 is malformed, not the end of the month */
		at = json_object_get(obj, "at");
		if (json_is_string(at) && hotline__time_parse(json_string_value(at), &t, NULL) == 0 && hotline__limits_time(t) &&
		    (out->latest == HOTLINE_TIME_NONE || t > out->latest))
			out->latest = t;
		repeated = 0;
		if (hotline__db_exec_obj(db, obj, &seq, &repeated) != 0) {
			int code = hotline_db_errcode(db);
			json_t *r;
			/* what no line can change stops the run: a broken or busy store, or a database whose
			 * owners' data needs a key the run was not given (every register would be refused) */
			if (code == HOTLINE_ESTORAGE || code == HOTLINE_EBUSY || code == HOTLINE_ENOMEM || code == HOTLINE_ECORRUPT ||
			    code == HOTLINE_EKEY) {
				rc = hotline__last_error_set(code, "%s:%ld: %s", path, lineno, hotline_db_errmsg(db));
				json_decref(obj);
				break;
			}
			r = json_pack("{s:I,s:s,s:s}", "line", (json_int_t)lineno, "code", hotline_error_name(code),
				"message", hotline_db_errmsg(db));
			if (tag_file)
				json_object_set_new(r, "file", json_string(path));
			json_array_append_new(out->refused, r);
		} else if (repeated) {
			/* a retried command (the same command_id and content): not applied again */
			json_t *r = json_pack("{s:I,s:I}", "line", (json_int_t)lineno, "seq", (json_int_t)seq);
			if (tag_file)
				json_object_set_new(r, "file", json_string(path));
			json_array_append_new(out->repeated, r);
		}
		json_decref(obj);
	}
	if (rc == 0 && ferror(f))
		rc = hotline__last_error_set(HOTLINE_EIO, "%s: read error", path);
	free(line);
	fclose(f);
	return rc;
}

int hotline_replay(char **out, const char *const *files, size_t nfiles, const hotline_replay_options *opts)
{
	hotline_db_options dbo = HOTLINE_DB_OPTIONS_INIT;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	hotline_db *db = NULL;
	json_t *cases = NULL, *pen = NULL, *assessment = NULL, *doc;
	replay_lists lists;
	hotline_time as_of;
	size_t i;
	int rc;

	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!files || nfiles == 0)
		return hotline__last_error_set(HOTLINE_EINVALID, "no scenario file given");
	for (i = 0; i < nfiles; i++)
		if (!files[i])
			return hotline__last_error_set(HOTLINE_EINVALID, "scenario file %zu is NULL", i);
	if (opts && (opts->version == 0 || opts->version > HOTLINE_REPLAY_OPTIONS_VERSION))
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_replay_options version %u", opts->version);
	dbo.policy = opts ? opts->policy : NULL;
	dbo.mode = HOTLINE_OPEN_CREATE;   /* replaying into a new database is what replay is for */
	if (opts && opts->version >= 2) {
		dbo.key = opts->key;
		dbo.key_id = opts->key_id;
		dbo.flags = opts->db_flags;
	}
	if ((rc = hotline_db_open(&db, opts && opts->db_uri ? opts->db_uri : "memory:", &dbo)) != 0)
		return rc;
	lists.refused = json_array();
	lists.repeated = json_array();
	lists.latest = HOTLINE_TIME_NONE;
	cases = json_array();
	/* all or nothing (DESIGN §6.3): the whole run is one transaction, a batch of the internal path */
	pthread_mutex_lock(&db->mu);
	if ((rc = hotline__db_batch_begin(db)) != 0)
		hotline__last_error_set(rc, "%s", hotline_db_errmsg(db));
	for (i = 0; i < nfiles && rc == 0; i++)
		rc = replay_file(db, files[i], nfiles > 1, &lists);
	if (rc == 0 && (rc = hotline__db_batch_commit(db)) != 0)
		hotline__last_error_set(rc, "%s", hotline_db_errmsg(db));
	if (rc) {
		char msg[600];
		snprintf(msg, sizeof(msg), "%s", hotline_last_error());
		if (db->in_batch)
			hotline__db_batch_rollback(db);
		pthread_mutex_unlock(&db->mu);
		if (opts && opts->db_uri)
			hotline__last_error_set(rc, "%s (nothing of this run was stored)", msg);
		else
			hotline__last_error_set(rc, "%s", msg);
		goto out;
	}
	as_of = opts && opts->as_of != HOTLINE_TIME_NONE ? opts->as_of : lists.latest;
	rc = db->st->cases_foreach(db->st, &q, cases_cb, cases);
	if (rc)
		hotline__db_storage_fail(db, rc, "listing cases");
	else if (as_of != HOTLINE_TIME_NONE)
		rc = hotline__report_assess_locked(db, as_of, &pen, &assessment, NULL);
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		hotline__last_error_set(rc, "%s", hotline_db_errmsg(db));
		goto out;
	}
	doc = json_pack("{s:O,s:O,s:O,s:o,s:o}", "cases", cases, "refused", lists.refused, "repeated", lists.repeated,
		"penalties", pen ? json_incref(pen) : json_array(),
		"assessment", assessment ? json_incref(assessment) : json_null());
	*out = doc ? hotline__json_pretty(doc, 2) : NULL;
	json_decref(doc);
	if (!*out)
		rc = hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
out:
	json_decref(pen);
	json_decref(assessment);
	json_decref(lists.refused);
	json_decref(lists.repeated);
	json_decref(cases);
	hotline_db_close(db);
	return rc;
}
