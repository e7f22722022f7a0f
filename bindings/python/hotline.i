/*
 * SWIG interface of libhotline for Python. The generated module (_hotline)
 * is deliberately small and flat: opaque handles, text in and out, and one
 * %exception that turns the library's error code and message into a Python
 * exception. The pure-Python package (hotline/__init__.py) builds the
 * idiomatic API (context managers, datetime, dataclasses, exception
 * classes) on top of it.
 *
 * Ownership: every char* these functions return is allocated by the library
 * and released by the wrapper (%newobject + hotline_free). A hotline_db*
 * belongs to the Python object that opened it and is freed only by
 * hl_close (%delobject).
 */
%module(package="hotline") _hotline

%{
#include <stdlib.h>
#include <string.h>
#include <hotline.h>

/* The error of the last call in this thread, raised by %exception below. */
static _Thread_local int hl_code;
static _Thread_local char hl_msg[600];

static void hl_fail(int code, const char *msg)
{
	hl_code = code;
	snprintf(hl_msg, sizeof(hl_msg), "%s", msg ? msg : "");
}
%}

%exception {
	hl_code = 0;
	$action
	if (hl_code) {
		PyObject *args = Py_BuildValue("(sss)", "libhotline", hotline_error_name(hl_code), hl_msg);
		PyErr_SetObject(PyExc_RuntimeError, args);
		Py_XDECREF(args);
		SWIG_fail;
	}
}

%typemap(newfree) char * "hotline_free($1);";
%newobject hl_case_json;
%newobject hl_cases_json;
%newobject hl_sweep_json;
%newobject hl_history_json;
%newobject hl_assess;
%newobject hl_explain;
%newobject hl_replay;
%newobject hl_lifecycle;
%delobject hl_close;

%inline %{
typedef struct hotline_db hotline_db;

static int hl_time(const char *iso, hotline_time *t)
{
	if (hotline_time_parse(t, iso) != 0) {
		hl_fail(HOTLINE_EINVALID, hotline_last_error());
		return -1;
	}
	return 0;
}

const char *hl_version(void)
{
	return hotline_version(NULL, NULL, NULL);
}

hotline_db *hl_open(const char *uri, const char *policy)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	o.policy = policy;
	int rc = hotline_db_open(&db, uri, &o);
	if (rc)
		hl_fail(rc, hotline_last_error());
	return db;
}

void hl_close(hotline_db *db)
{
	hotline_db_close(db);
}

long long hl_exec(hotline_db *db, const char *json)
{
	int64_t seq = 0;
	int rc = hotline_db_exec_json(db, json, &seq);
	if (rc)
		hl_fail(rc, hotline_db_errmsg(db));
	return (long long)seq;
}

void hl_begin(hotline_db *db)
{
	int rc = hotline_db_begin(db);
	if (rc)
		hl_fail(rc, hotline_db_errmsg(db));
}

void hl_commit(hotline_db *db)
{
	int rc = hotline_db_commit(db);
	if (rc)
		hl_fail(rc, hotline_db_errmsg(db));
}

void hl_rollback(hotline_db *db)
{
	int rc = hotline_db_rollback(db);
	if (rc)
		hl_fail(rc, hotline_db_errmsg(db));
}

/* A snapshot as JSON, with its indexed columns made explicit. */
static char *case_text(const hotline_case *c)
{
	size_t n = strlen(hotline_case_json(c)) + 256;
	char *out = malloc(n);
	char due[32] = "null";
	if (!out)
		return NULL;
	if (hotline_case_next_due(c) != HOTLINE_TIME_NONE) {
		due[0] = '"';
		hotline_time_format(due + 1, sizeof(due) - 2, hotline_case_next_due(c), 480);
		strcat(due, "\"");
	}
	snprintf(out, n, "{\"snapshot\":%s,\"version\":%lld,\"last_at\":%lld,\"registered_at\":%lld,\"next_due_at\":%s}",
		hotline_case_json(c), (long long)hotline_case_version(c), (long long)hotline_case_last_at(c),
		(long long)hotline_case_registered_at(c), due);
	return out;
}

char *hl_case_json(hotline_db *db, const char *id)
{
	hotline_case *c;
	char *out;
	int rc = hotline_db_case(&c, db, id);
	if (rc) {
		hl_fail(rc, hotline_db_errmsg(db));
		return NULL;
	}
	out = case_text(c);
	hotline_case_free(c);
	return out;
}

static char *list_text(const hotline_case_list *l)
{
	size_t i, cap = 64, len = 1;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	strcpy(out, "[");
	for (i = 0; i < hotline_case_list_count(l); i++) {
		char *one = case_text(hotline_case_list_get(l, i));
		size_t need;
		if (!one) {
			free(out);
			return NULL;
		}
		need = len + strlen(one) + 3;
		if (need > cap) {
			char *p;
			while (cap < need)
				cap *= 2;
			p = realloc(out, cap);
			if (!p) {
				free(one);
				free(out);
				return NULL;
			}
			out = p;
		}
		if (i)
			strcat(out, ",");
		strcat(out, one);
		len = strlen(out);
		free(one);
	}
	strcat(out, "]");
	return out;
}

char *hl_cases_json(hotline_db *db, const char *property, int state, long long limit)
{
	hotline_case_query q = HOTLINE_CASE_QUERY_INIT;
	hotline_case_list *l;
	char *out;
	int rc;
	q.property = property;
	q.state = state;
	q.limit = limit > 0 ? (size_t)limit : 0;
	if ((rc = hotline_db_cases(&l, db, &q)) != 0) {
		hl_fail(rc, hotline_db_errmsg(db));
		return NULL;
	}
	out = list_text(l);
	hotline_case_list_free(l);
	return out;
}

char *hl_sweep_json(hotline_db *db, const char *before, long long limit)
{
	hotline_case_list *l;
	hotline_time t;
	char *out;
	int rc;
	if (hl_time(before, &t))
		return NULL;
	if ((rc = hotline_db_sweep(&l, db, t, limit > 0 ? (size_t)limit : 0)) != 0) {
		hl_fail(rc, hotline_db_errmsg(db));
		return NULL;
	}
	out = list_text(l);
	hotline_case_list_free(l);
	return out;
}

char *hl_history_json(hotline_db *db, const char *case_id)
{
	hotline_event_list *l;
	size_t i, cap = 256;
	char *out;
	int rc = hotline_db_history(&l, db, case_id);
	if (rc) {
		hl_fail(rc, hotline_db_errmsg(db));
		return NULL;
	}
	for (i = 0; i < hotline_event_list_count(l); i++)
		cap += strlen(hotline_event_json(hotline_event_list_get(l, i))) + 300;
	out = malloc(cap);
	if (out) {
		size_t len = 1;
		strcpy(out, "[");
		for (i = 0; i < hotline_event_list_count(l); i++) {
			const hotline_event *e = hotline_event_list_get(l, i);
			len += (size_t)snprintf(out + len, cap - len,
				"%s{\"seq\":%lld,\"version\":%lld,\"at\":%lld,\"prev_hash\":\"%s\",\"hash\":\"%s\",\"command\":%s}",
				i ? "," : "", (long long)hotline_event_seq(e), (long long)hotline_event_version(e),
				(long long)hotline_event_at(e), hotline_event_prev_hash(e), hotline_event_hash(e),
				hotline_event_json(e));
		}
		strcat(out, "]");
	}
	hotline_event_list_free(l);
	return out;
}

long long hl_verify(hotline_db *db, const char *case_id)
{
	int64_t n = 0;
	int rc = hotline_db_verify_log(db, case_id, &n);
	if (rc)
		hl_fail(rc, hotline_db_errmsg(db));
	return (long long)n;
}

char *hl_assess(hotline_db *db, const char *as_of, int csv)
{
	hotline_time t;
	char *out = NULL;
	int rc;
	if (hl_time(as_of, &t))
		return NULL;
	rc = hotline_db_assess(&out, db, t, csv ? HOTLINE_FORMAT_CSV : HOTLINE_FORMAT_JSON);
	if (rc)
		hl_fail(rc, hotline_db_errmsg(db));
	return out;
}

static int hl_file_sink(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

/* The assessment streamed into a file; a failed run leaves no file behind. */
void hl_assess_to(hotline_db *db, const char *as_of, int csv, const char *path)
{
	hotline_time t;
	FILE *f;
	int rc;
	if (hl_time(as_of, &t))
		return;
	if (!(f = fopen(path, "wb"))) {
		hl_fail(HOTLINE_EIO, "cannot create the output file");
		return;
	}
	rc = hotline_db_assess_write(db, t, csv ? HOTLINE_FORMAT_CSV : HOTLINE_FORMAT_JSON, hl_file_sink, f);
	if (fclose(f) != 0 && rc == 0) {
		remove(path);
		hl_fail(HOTLINE_EIO, "cannot write the output file");
		return;
	}
	if (rc) {
		remove(path);
		hl_fail(rc, hotline_db_errmsg(db));
	}
}

char *hl_explain(hotline_db *db, const char *case_id, const char *as_of)
{
	hotline_time t = HOTLINE_TIME_NONE;
	char *out = NULL;
	int rc;
	if (as_of && hl_time(as_of, &t))
		return NULL;
	rc = hotline_db_explain(&out, db, case_id, t);
	if (rc)
		hl_fail(rc, hotline_db_errmsg(db));
	return out;
}

/* files: paths separated by '\n' (a path cannot hold one here). */
char *hl_replay(const char *files, const char *policy, const char *as_of, const char *db_uri)
{
	hotline_replay_options o = HOTLINE_REPLAY_OPTIONS_INIT;
	const char *list[256];
	size_t n = 0;
	char *copy, *p, *save = NULL, *out = NULL;
	int rc;
	if (as_of && hl_time(as_of, &o.as_of))
		return NULL;
	o.policy = policy;
	o.db_uri = db_uri;
	copy = strdup(files);
	if (!copy) {
		hl_fail(HOTLINE_ENOMEM, "out of memory");
		return NULL;
	}
	for (p = strtok_r(copy, "\n", &save); p && n < 256; p = strtok_r(NULL, "\n", &save))
		list[n++] = p;
	rc = hotline_replay(&out, list, n, &o);
	if (rc)
		hl_fail(rc, hotline_last_error());
	free(copy);
	return out;
}

char *hl_lifecycle(void)
{
	char *out = NULL;
	int rc = hotline_lifecycle_json(&out);
	if (rc)
		hl_fail(rc, hotline_last_error());
	return out;
}
%}
