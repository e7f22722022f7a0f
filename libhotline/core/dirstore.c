#include "core/dirstore.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotline/lifecycle.h"
#include "util/mem.h"
#include "util/time.h"

#define UNIT_SEPARATOR '\x1f'

typedef struct load_ctx {
	hotline__directory *dir;
	hotline__err *err;
} load_ctx;

static int add_cb(const char *kind, const char *key, const char *body, void *payload)
{
	load_ctx *l = payload;
	json_error_t jerr;
	json_t *o = json_loads(body, 0, &jerr);
	const char *sep = strrchr(key, UNIT_SEPARATOR), *at;
	int64_t from = HOTLINE__DIR_ALWAYS, seq = 0;
	int cmd, rc;
	/* the policy a database was created under is no definition (core/policy_record.c) */
	if (strcmp(kind, "policy") == 0 && strcmp(key, "created") == 0) {
		json_decref(o);
		return 0;
	}
	if (!o)
		return hotline__seterr(l->err, HOTLINE_ECORRUPT, "directory record %s/%s is not JSON: %s", kind, key, jerr.text);
	if (hotline_command_from_name(&cmd, kind) != 0) {
		json_decref(o);
		return hotline__seterr(l->err, HOTLINE_ECORRUPT, "unknown directory kind '%s'", kind);
	}
	at = json_string_value(json_object_get(o, "at"));
	if ((at && hotline__time_parse(at, &from, NULL) != 0) || (sep && sscanf(sep + 1, "%" SCNd64, &seq) != 1)) {
		json_decref(o);
		return hotline__seterr(l->err, HOTLINE_ECORRUPT, "directory record %s/%s has a bad instant or key", kind, key);
	}
	rc = hotline__directory_add(l->dir, cmd, o, from, seq);
	json_decref(o);
	if (rc == HOTLINE_EDUPLICATE)
		rc = 0; /* already held */
	if (rc)
		return hotline__seterr(l->err, rc, "directory record %s/%s could not be loaded", kind, key);
	return 0;
}

int hotline__dirstore_load(hotline__directory *d, hotline_storage *st, hotline__err *err)
{
	load_ctx l = { d, err };
	int rc = st->dir_foreach(st, NULL, add_cb, &l);
	if (rc && !err->code) {
		const char *m = st->errmsg ? st->errmsg(st) : NULL;
		hotline__seterr(err, rc, "loading the directory: %s", m && *m ? m : hotline_error_describe(rc));
	}
	return rc;
}

char *hotline__dirstore_key(int cmd, const json_t *obj, int first, int64_t seq)
{
	char *id, *key;
	size_t n;
	if (cmd == HOTLINE_CMD_BONUS) {
		id = hotline__bonus_key(json_string_value(json_object_get(obj, "person")),
			json_string_value(json_object_get(obj, "month")));
	} else if (cmd == HOTLINE_CMD_CALENDAR) {
		char year[24];
		if (!json_is_integer(json_object_get(obj, "year")))
			return NULL;
		snprintf(year, sizeof(year), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(obj, "year")));
		id = hotline__strdup(year);
	} else if (cmd == HOTLINE_CMD_POLICY) {
		/* beside the policy the database was created under ("created") */
		id = hotline__strdup("changed");
	} else
		id = hotline__strdup(json_string_value(json_object_get(obj, "id")));
	if (!id || first)
		return id;
	n = strlen(id) + 24;
	if ((key = malloc(n)) != NULL)
		snprintf(key, n, "%s%c%" PRId64, id, UNIT_SEPARATOR, seq);
	free(id);
	return key;
}

int hotline__dirstore_put(hotline_storage *st, int cmd, const json_t *obj, int first, int64_t seq,
	const char *body, int64_t *seq_out)
{
	char *key = hotline__dirstore_key(cmd, obj, first, seq);
	int rc;
	if (!key)
		return HOTLINE_ENOMEM;
	*seq_out = first ? 0 : seq;
	rc = st->dir_put(st, hotline_command_name(cmd), key, body);
	free(key);
	return rc;
}

int hotline__dirstore_calendar(int zone_offset_min, const hotline__directory *dir, hotline__calendar **out,
	hotline__err *err)
{
	hotline__calendar *c = hotline__calendar_new(zone_offset_min);
	size_t i;
	int rc;
	*out = NULL;
	if (!c)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if ((rc = hotline__calendar_load_builtin(c, err)) != 0) {
		hotline__calendar_free(c);
		return rc;
	}
	for (i = 0; i < dir->n_calendars; i++) {
		const json_t *line = hotline__directory_calendar_walk(dir, i);
		hotline__err ignored;
		/* a stored line was checked when it was recorded; one that no longer reads is
		 * left to verify-log to report (it differs from its event) */
		if (line && hotline__calendar_adopt_line(c, line, &ignored) == HOTLINE_ENOMEM) {
			hotline__calendar_free(c);
			return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
		}
	}
	*out = c;
	return 0;
}
