/*
 * Replaying scenario files (JSON Lines of commands) into a database and
 * producing the document `hotline replay` prints.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
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

/*
 * The document is written as text as it is learnt, laid out as
 * hotline__json_pretty lays out the same values with indent 2 (every
 * member and element on its own line, keys sorted): the run holds the text
 * of its refused and repeated lines and of its cases, never a JSON value
 * for each of them.
 */
#define DOC_INDENT 2

static void newline(hotline__sbuf *b, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * DOC_INDENT;
	hotline__sbuf_putc(b, '\n');
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		hotline__sbuf_put(b, spaces, k);
		n -= k;
	}
}

/* A member's key on its own line at depth, after a comma unless it is the first. */
static void key(hotline__sbuf *b, int depth, const char *k, int first)
{
	if (!first)
		hotline__sbuf_putc(b, ',');
	newline(b, depth);
	hotline__sbuf_str(b, k, strlen(k));
	hotline__sbuf_put(b, ": ", 2);
}

static void str(hotline__sbuf *b, const char *s)
{
	hotline__sbuf_str(b, s, strlen(s));
}

/* The length of the longest prefix of s that is UTF-8 as JSON text must be (no overlong forms, no surrogates). */
static size_t utf8_prefix(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (u[i]) {
		unsigned c = u[i];
		size_t k, len;
		uint32_t cp;
		if (c < 0x80)
			len = 1;
		else if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4;
		else
			break;
		cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
		for (k = 1; k < len; k++) {
			if ((u[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (u[i + k] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			break;
		i += len;
	}
	return i;
}

/* The elements of an array, each an object at depth 2 of the document. */
typedef struct doc_list {
	hotline__sbuf text;
	size_t n;
} doc_list;

/* Starts the next element: its separator, its line and its '{'. */
static void element(doc_list *l)
{
	if (l->n++)
		hotline__sbuf_putc(&l->text, ',');
	newline(&l->text, 2);
	hotline__sbuf_putc(&l->text, '{');
}

static void element_end(doc_list *l)
{
	newline(&l->text, 2);
	hotline__sbuf_putc(&l->text, '}');
}

/* The member "k": [ ... ] of the document (depth 1). */
static void put_list(hotline__sbuf *b, const char *k, const doc_list *l)
{
	key(b, 1, k, 0);
	hotline__sbuf_putc(b, '[');
	if (l->n) {
		hotline__sbuf_put(b, l->text.p, l->text.n);
		newline(b, 1);
	}
	hotline__sbuf_putc(b, ']');
}

/*
 * Lays out compact JSON text (the assessment's canonical text, which may
 * have line breaks between elements) as hotline__json_pretty lays out its
 * value, starting at depth: the keys are already in order and the strings
 * escaped as the pretty form escapes them, so only the layout changes.
 */
static void put_laid_out(hotline__sbuf *b, const char *s, size_t n, int depth)
{
	size_t i = 0, j;
	while (i < n) {
		/* a run of plain text: numbers and literals */
		for (j = i; j < n && !strchr("\"{}[],: \n\r\t", s[j]); j++)
			;
		hotline__sbuf_put(b, s + i, j - i);
		if ((i = j) >= n)
			break;
		switch (s[i]) {
		case '"':
			/* a whole string, escapes and all */
			for (j = i + 1; j < n && s[j] != '"'; j++)
				if (s[j] == '\\')
					j++;
			j = j < n ? j + 1 : n;
			hotline__sbuf_put(b, s + i, j - i);
			i = j;
			continue;
		case '{':
		case '[':
			hotline__sbuf_putc(b, s[i]);
			for (j = i + 1; j < n && (s[j] == ' ' || s[j] == '\n' || s[j] == '\r' || s[j] == '\t'); j++)
				;
			if (j < n && (s[j] == '}' || s[j] == ']')) {
				/* empty: {} or [] on the line */
				hotline__sbuf_putc(b, s[j]);
				i = j + 1;
				continue;
			}
			newline(b, ++depth);
			i = j;
			continue;
		case '}':
		case ']':
			newline(b, --depth);
			hotline__sbuf_putc(b, s[i]);
			break;
		case ',':
			hotline__sbuf_putc(b, ',');
			newline(b, depth);
			break;
		case ':':
			hotline__sbuf_put(b, ": ", 2);
			break;
		default:
			break;   /* white space between tokens */
		}
		i++;
	}
}

/* One case of the list, as the storage lists it (in id order). */
static int cases_cb(const hotline_storage_case *c, void *payload)
{
	doc_list *l = payload;
	hotline__sbuf *b = &l->text;
	element(l);
	key(b, 3, "approval", 1);
	str(b, hotline_approval_name(c->approval));
	key(b, 3, "exempt", 0);
	if (c->exempt)
		hotline__sbuf_put(b, "true", 4);
	else
		hotline__sbuf_put(b, "false", 5);
	key(b, 3, "id", 0);
	str(b, c->id);
	key(b, 3, "state", 0);
	str(b, hotline_state_name(c->state));
	key(b, 3, "version", 0);
	hotline__sbuf_int(b, c->version);
	element_end(l);
	return b->err;
}

static int is_blank_or_comment(const char *line)
{
	while (*line == ' ' || *line == '\t' || *line == '\r' || *line == '\n')
		line++;
	return *line == '\0' || *line == '#';
}

/* What the lines did, for the document. */
typedef struct replay_lists {
	doc_list refused, repeated;
	hotline_time latest;       /* the latest `at` read */
} replay_lists;

/* Applies one file; a malformed JSON line fails the whole replay with file:line. */

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
	/* a name that is not UTF-8 cannot be a JSON string: its lines go untagged */
	if (tag_file && utf8_prefix(path) != strlen(path))
		tag_file = 0;
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
			hotline__sbuf *b = &out->refused.text;
			const char *msg;
			/* what no line can change stops the run: a broken or busy store, or a database whose
			 * owners' data needs a key the run was not given (every register would be refused) */
			if (code == HOTLINE_ESTORAGE || code == HOTLINE_EBUSY || code == HOTLINE_ENOMEM || code == HOTLINE_ECORRUPT ||
			    code == HOTLINE_EKEY) {
				rc = hotline__last_error_set(code, "%s:%ld: %s", path, lineno, hotline_db_errmsg(db));
				json_decref(obj);
				break;
			}
			element(&out->refused);
			key(b, 3, "code", 1);
			str(b, hotline_error_name(code));
			if (tag_file) {
				key(b, 3, "file", 0);
				str(b, path);
			}
			key(b, 3, "line", 0);
			hotline__sbuf_int(b, lineno);
			/* a message cut short at its buffer's end may end inside a character: up to the last whole one */
			msg = hotline_db_errmsg(db);
			key(b, 3, "message", 0);
			hotline__sbuf_str(b, msg, utf8_prefix(msg));
			element_end(&out->refused);
		} else if (repeated) {
			/* a retried command (the same command_id and content): not applied again */
			hotline__sbuf *b = &out->repeated.text;
			element(&out->repeated);
			if (tag_file) {
				key(b, 3, "file", 1);
				str(b, path);
			}
			key(b, 3, "line", !tag_file);
			hotline__sbuf_int(b, lineno);
			key(b, 3, "seq", 0);
			hotline__sbuf_int(b, seq);
			element_end(&out->repeated);
		}
		json_decref(obj);
		if (out->refused.text.err || out->repeated.text.err) {
			rc = hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = hotline__last_error_set(HOTLINE_EIO, "%s: read error", path);
	free(line);
	fclose(f);
	return rc;
}

/*
 * The document from its parts, as hotline__json_pretty would lay it out;
 * NULL when memory is short. The list of cases, its biggest part at many
 * cases, becomes the document where it lies (what comes before it is moved
 * in front), so that the document is not held twice.
 */
static char *write_doc(const hotline__sbuf *assessment, const hotline__sbuf *pen, doc_list *cases,
	const replay_lists *lists)
{
	hotline__sbuf head, *b = &cases->text;
	size_t n = b->n;
	hotline__sbuf_init(&head, NULL, NULL);
	hotline__sbuf_putc(&head, '{');
	key(&head, 1, "assessment", 1);
	if (assessment->n)
		put_laid_out(&head, assessment->p, assessment->n, 1);
	else
		hotline__sbuf_put(&head, "null", 4);
	key(&head, 1, "cases", 0);
	hotline__sbuf_putc(&head, '[');
	if (head.err)
		b->err = head.err;
	hotline__sbuf_put(b, head.p, head.n);   /* room for the head */
	if (!b->err) {
		memmove(b->p + head.n, b->p, n);
		memcpy(b->p, head.p, head.n);
	}
	hotline__sbuf_free(&head);
	if (cases->n)
		newline(b, 1);
	hotline__sbuf_putc(b, ']');
	key(b, 1, "penalties", 0);
	if (pen->n)
		put_laid_out(b, pen->p, pen->n, 1);
	else
		hotline__sbuf_put(b, "[]", 2);
	put_list(b, "refused", &lists->refused);
	put_list(b, "repeated", &lists->repeated);
	newline(b, 0);
	hotline__sbuf_putc(b, '}');
	return hotline__sbuf_take(b);
}

int hotline_replay(char **out, const char *const *files, size_t nfiles, const hotline_replay_options *opts)
{
	hotline_db_options dbo = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	hotline__sbuf assessment, pen;
	doc_list cases;
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
	memset(&lists, 0, sizeof(lists));
	memset(&cases, 0, sizeof(cases));
	hotline__sbuf_init(&lists.refused.text, NULL, NULL);
	hotline__sbuf_init(&lists.repeated.text, NULL, NULL);
	hotline__sbuf_init(&cases.text, NULL, NULL);
	hotline__sbuf_init(&assessment, NULL, NULL);
	hotline__sbuf_init(&pen, NULL, NULL);
	lists.latest = HOTLINE_TIME_NONE;
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
	if (as_of != HOTLINE_TIME_NONE) {
		/* the list of cases from the assessment's own reading of them */
		rc = hotline__report_assess_locked(db, as_of, &assessment, &pen, cases_cb, &cases);
	} else {
		hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
		if ((rc = db->st->cases_foreach(db->st, &q, cases_cb, &cases)) != 0 && !cases.text.err)
			hotline__db_storage_fail(db, rc, "listing cases");
	}
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		if (cases.text.err)
			hotline__last_error_set(rc, "out of memory");
		else
			hotline__last_error_set(rc, "%s", hotline_db_errmsg(db));
		goto out;
	}
	if (!(*out = write_doc(&assessment, &pen, &cases, &lists)))
		rc = hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
out:
	hotline__sbuf_free(&assessment);
	hotline__sbuf_free(&pen);
	hotline__sbuf_free(&cases.text);
	hotline__sbuf_free(&lists.refused.text);
	hotline__sbuf_free(&lists.repeated.text);
	hotline_db_close(db);
	return rc;
}
