#include "core/dirstore.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotline/lifecycle.h"

typedef struct load_ctx {
	hotline__directory *dir;
	hotline__err *err;    /* NULL: fetching one record */
} load_ctx;

static int add_cb(const char *kind, const char *id, const char *body, void *payload)
{
	load_ctx *l = payload;
	json_error_t jerr;
	json_t *o = json_loads(body, 0, &jerr);
	int cmd, rc;
	if (!o)
		return l->err ? hotline__seterr(l->err, HOTLINE_ECORRUPT, "directory record %s/%s is not JSON: %s",
			kind, id, jerr.text) : HOTLINE_ECORRUPT;
	if (hotline_command_from_name(&cmd, kind) != 0) {
		json_decref(o);
		return l->err ? hotline__seterr(l->err, HOTLINE_ECORRUPT, "unknown directory kind '%s'", kind)
			: HOTLINE_ECORRUPT;
	}
	rc = hotline__directory_add_json(l->dir, cmd, o);
	json_decref(o);
	if (rc == HOTLINE_EDUPLICATE)
		rc = 0; /* already held */
	if (rc && l->err)
		return hotline__seterr(l->err, rc, "directory record %s/%s could not be loaded", kind, id);
	return rc;
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

static void fetch(hotline__directory *d, hotline_storage *st, const char *kind, const char *id)
{
	load_ctx l = { d, NULL };
	st->dir_get(st, kind, id, add_cb, &l);
}

const hotline__person *hotline__dirstore_person(hotline__directory *d, hotline_storage *st, const char *id)
{
	const hotline__person *p;
	if (!id)
		return NULL;
	if (!(p = hotline__directory_person(d, id))) {
		fetch(d, st, "person", id);
		p = hotline__directory_person(d, id);
	}
	return p;
}

const hotline__property *hotline__dirstore_property(hotline__directory *d, hotline_storage *st, const char *id)
{
	const hotline__property *p;
	if (!id)
		return NULL;
	if (!(p = hotline__directory_property(d, id))) {
		fetch(d, st, "property", id);
		p = hotline__directory_property(d, id);
	}
	return p;
}

int hotline__dirstore_has_bonus(hotline__directory *d, hotline_storage *st, const char *person, const char *month)
{
	char *key;
	if (hotline__directory_bonus(d, person, month, NULL))
		return 1;
	if (!(key = hotline__bonus_key(person, month)))
		return 0;
	fetch(d, st, "bonus", key);
	free(key);
	return hotline__directory_bonus(d, person, month, NULL);
}

int hotline__dirstore_has_role(hotline__directory *d, hotline_storage *st, const char *id, unsigned roles)
{
	const hotline__person *p = hotline__dirstore_person(d, st, id);
	return p && (p->roles & roles);
}
