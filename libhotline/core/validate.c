/*
 * The refusal stages of DESIGN §2 that every command passes, in order:
 * invalid (malformed) -> duplicate / not_found -> forbidden ->
 * invalid_transition -> [payload guards, core/guards.c] -> conflict.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/pii.h"
#include "core/validate.h"
#include "util/json.h"
#include "util/time.h"

/* The case's row: decoded, or the handle's decoded snapshot when the row is the one it wrote (core/cache.h). */
static int load_case_cb(const hotline_storage_case *sc, void *payload)
{
	hotline__cmdctx *c = payload;
	if (hotline__cache_take_same(&c->db->cache, sc, &c->snap)) {
		c->snap_cached = 1;
		return 0;
	}
	return hotline__case_from_storage(&c->snap, sc);
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int nonempty_string(const json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 0;
}

static const char *type_label(int type)
{
	switch (type) {
	case HOTLINE__F_BOOL: return "a boolean";
	case HOTLINE__F_COUNT: return "a non-negative integer";
	case HOTLINE__F_TIME: return "an ISO-8601 instant with an offset";
	case HOTLINE__F_STRINGS:
		return "a non-empty array of non-empty strings";
	case HOTLINE__F_PERSONS: case HOTLINE__F_ROLES:
		return "an array of non-empty strings";
	case HOTLINE__F_OBJECT: return "an object of strings";
	case HOTLINE__F_MONTH: return "a month \"YYYY-MM\"";
	case HOTLINE__F_DATES: return "an array of dates \"YYYY-MM-DD\"";
	default: return "a non-empty string";
	}
}

static int check_id(hotline__cmdctx *c, const char *field, const char *id)
{
	uint32_t cp;
	const char *why = hotline__limits_id(id, &cp);
	if (!why)
		return 0;
	if (cp != HOTLINE__NO_CODE_POINT)
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' %s (U+%04" PRIX32 ")", field, why, cp);
	return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' %s", field, why);
}

static int check_time(hotline__cmdctx *c, const char *field, hotline_time t)
{
	if (!hotline__limits_time(t))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' must be within 2000-01-01 and 2100-01-01", field);
	return 0;
}

/* Drops the command's top-level null fields: an optional field given as null is absent (DESIGN §6.2). */
static void drop_nulls(json_t *obj)
{
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(obj, tmp, key, v)
		if (json_is_null(v))
			json_object_del(obj, key);
}

/* Stage 1: shape and types of one payload field. */
static int check_field_shape(hotline__cmdctx *c, const hotline__field *f, const json_t *v)
{
	size_t i;
	const json_t *item;
	const char *key;
	hotline_time t;

	switch (f->type) {
	case HOTLINE__F_STRING:
		if (!nonempty_string(v))
			goto bad;
		return 0;
	case HOTLINE__F_PERSON: case HOTLINE__F_PROPERTY: case HOTLINE__F_ID:
		if (!nonempty_string(v))
			goto bad;
		return check_id(c, f->name, json_string_value(v));
	case HOTLINE__F_BOOL:
		if (!json_is_boolean(v))
			goto bad;
		return 0;
	case HOTLINE__F_COUNT:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			goto bad;
		if (f->max && json_integer_value(v) > f->max)
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' must be at most %" PRId64, f->name, f->max);
		return 0;
	case HOTLINE__F_TIME:
		if (!json_is_string(v) || hotline__time_parse(json_string_value(v), &t, NULL) != 0)
			goto bad;
		return check_time(c, f->name, t);
	case HOTLINE__F_ENUM:
		if (!json_is_string(v) || !in_list(f->values, json_string_value(v))) {
			char opts[256] = "";
			const char *const *p;
			for (p = f->values; *p; p++) {
				strncat(opts, *p, sizeof(opts) - strlen(opts) - 1);
				if (p[1])
					strncat(opts, ", ", sizeof(opts) - strlen(opts) - 1);
			}
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' must be one of %s", f->name, opts);
		}
		return 0;
	case HOTLINE__F_STRINGS: case HOTLINE__F_PERSONS: case HOTLINE__F_ROLES:
		if (!json_is_array(v))
			goto bad;
		/* an empty list of absentees or department heads is fine, no roles retires a person;
		 * the fields a correction names need an entry */
		if (json_array_size(v) == 0 && f->type == HOTLINE__F_STRINGS)
			goto bad;
		json_array_foreach(v, i, item) {
			int bit;
			if (!nonempty_string(item))
				goto bad;
			if (f->type == HOTLINE__F_PERSONS && check_id(c, f->name, json_string_value(item)))
				return c->db->err.code;
			if (f->type == HOTLINE__F_ROLES && hotline_role_from_name(&bit, json_string_value(item)) != 0)
				return hotline__cmd_fail(c, HOTLINE_EINVALID, "unknown role '%s'", json_string_value(item));
		}
		return 0;
	case HOTLINE__F_OBJECT:
		if (!json_is_object(v))
			goto bad;
		json_object_foreach((json_t *)v, key, item)
			if (!json_is_string(item))
				return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s.%s' must be a string", f->name, key);
		return 0;
	case HOTLINE__F_MONTH:
		if (!json_is_string(v) || !hotline__month_valid(json_string_value(v)))
			goto bad;
		if (!hotline__limits_month(json_string_value(v)))
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' must be a month within 2000-01 and 2099-12",
				f->name);
		return 0;
	case HOTLINE__F_DATES:
		/* the dates themselves: with the whole calendar line (hotline__calendar_line_check) */
		if (!json_is_array(v))
			goto bad;
		return 0;
	case HOTLINE__F_FINDING_KIND:
		if (!json_is_string(v) || !hotline__policy_is_finding_kind(c->db->policy, json_string_value(v))) {
			char opts[512] = "";
			const char *const *p;
			for (p = hotline__policy_finding_kinds(c->db->policy); *p; p++) {
				strncat(opts, *p, sizeof(opts) - strlen(opts) - 1);
				if (p[1])
					strncat(opts, ", ", sizeof(opts) - strlen(opts) - 1);
			}
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' must be one of the policy's finding kinds: %s",
				f->name, opts);
		}
		return 0;
	}
bad:
	return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' must be %s", f->name, type_label(f->type));
}

/* Stage 1: the command is well-formed. */
int hotline__validate_shape(hotline__cmdctx *c)
{
	char field[64];
	const char *key, *why;
	json_t *v, *v_id = NULL, *v_actor = NULL, *v_case = NULL, *v_at = NULL, *v_expect = NULL;
	const hotline__transition *t;
	size_t i;

	if (!json_is_object(c->obj))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "a command must be a JSON object");
	v = json_object_get(c->obj, "cmd");
	if (!json_is_string(v))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "missing string field 'cmd'");
	if (hotline_command_from_name(&c->kind, json_string_value(v)) != 0) {
		c->kind = -1;
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "unknown command '%s'", json_string_value(v));
	}
	t = c->t = hotline__transition_of(c->kind);
	if (c->kind == HOTLINE_CMD_ENCRYPT_RECORD && !c->db->internal_cmd)
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "'encrypt_record' is recorded by the library only "
			"(hotline_db_encrypt_existing)");
	drop_nulls(c->obj);
	if ((why = hotline__limits_sizes(c->obj, field, sizeof(field))) != NULL)
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "field '%s' %s", field, why);

	json_object_foreach(c->obj, key, v) {
		/* the members every command may have are taken as the loop passes them, not looked up again */
		if (strcmp(key, "command_id") == 0)
			v_id = v;
		else if (strcmp(key, "actor") == 0)
			v_actor = v;
		else if (strcmp(key, "case") == 0)
			v_case = v;
		else if (strcmp(key, "at") == 0)
			v_at = v;
		else if (strcmp(key, "expect_version") == 0)
			v_expect = v;
		if (strcmp(key, "cmd") == 0)
			continue;
		if (strcmp(key, "case") == 0 && (t->on == HOTLINE__ON_NEW_CASE || t->on == HOTLINE__ON_CASE ||
			t->on == HOTLINE__ON_CASE_OR_ORG))
			continue;
		if (strcmp(key, "actor") == 0 || strcmp(key, "at") == 0 || strcmp(key, "command_id") == 0)
			continue;
		if (strcmp(key, "expect_version") == 0 && t->on != HOTLINE__ON_DIRECTORY)
			continue;
		if (!hotline__field_of(c->kind, key))
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "unknown field '%s'", key);
	}
	/* DESIGN §6.2: any command may carry the client's id for it */
	v = v_id;
	if (v && !json_is_string(v))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "field 'command_id' must be a string");
	if (v && check_id(c, "command_id", json_string_value(v)))
		return c->db->err.code;
	c->command_id = json_string_value(v);
	v = v_actor;
	if (!v && t->actor == HOTLINE__ACTOR_REQUIRED)
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "missing field 'actor'");
	if (v && !json_is_string(v))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "field 'actor' must be a person's id (a string)");
	if (v && check_id(c, "actor", json_string_value(v)))
		return c->db->err.code;
	c->actor = json_string_value(v);
	if (t->on != HOTLINE__ON_DIRECTORY) {
		v = v_case;
		if (t->on == HOTLINE__ON_ORG && v)
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "an organisation-level command takes no 'case'");
		if (v && !json_is_string(v))
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "field 'case' must be a string");
		if (v && check_id(c, "case", json_string_value(v)))
			return c->db->err.code;
		if (!v && (t->on == HOTLINE__ON_NEW_CASE || t->on == HOTLINE__ON_CASE))
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "missing field 'case'");
		c->case_id = json_string_value(v);
		v = v_at;
		if (!json_is_string(v))
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "missing field 'at' (ISO-8601 instant with an offset)");
		if (hotline__time_parse(json_string_value(v), &c->at, NULL) != 0)
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "field 'at' is not an ISO-8601 instant with an offset: '%s'",
				json_string_value(v));
		if (check_time(c, "at", c->at))
			return c->db->err.code;
		v = v_expect;
		if (v) {
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				return hotline__cmd_fail(c, HOTLINE_EINVALID, "field 'expect_version' must be a non-negative integer");
			c->has_expect = 1;
			c->expect_version = json_integer_value(v);
		}
	} else {
		c->at = HOTLINE_TIME_NONE;
		v = v_at;
		if (v && (!json_is_string(v) || hotline__time_parse(json_string_value(v), &c->at, NULL) != 0))
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "field 'at' is not an ISO-8601 instant with an offset");
		if (v && check_time(c, "at", c->at))
			return c->db->err.code;
	}
	for (i = 0; i < hotline__n_fields; i++) {
		const hotline__field *f = &hotline__fields[i];
		if (f->cmd != c->kind)
			continue;
		v = json_object_get(c->obj, f->name);
		if (!v) {
			if (f->required)
				return hotline__cmd_fail(c, HOTLINE_EINVALID, "missing field '%s'", f->name);
			continue;
		}
		if (check_field_shape(c, f, v))
			return c->db->err.code;
	}
	if (c->kind == HOTLINE_CMD_CALENDAR) {
		hotline__err err;
		hotline__clearerr(&err);
		if (hotline__calendar_line_check(c->obj, &err) != 0)
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "%s", err.msg);
	}
	if (c->kind == HOTLINE_CMD_POLICY) {
		hotline__err err;
		hotline__clearerr(&err);
		/* a change takes effect at an instant: there is no "from the beginning" for it */
		if (c->at == HOTLINE_TIME_NONE)
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "missing field 'at' (the instant the policy is in force from)");
		hotline__policy_free(c->new_policy);
		c->new_policy = NULL;
		if (hotline__policy_line_load(c->obj, c->db->policy, &c->new_policy, &err) != 0)
			return hotline__cmd_fail(c, err.code, "%s", err.msg);
	}
	if (c->kind == HOTLINE_CMD_CORRECT_RECORD) {
		json_t *fields = json_object_get(c->obj, "fields"), *values = json_object_get(c->obj, "values");
		const char *key2;
		json_array_foreach(fields, i, v) {
			const char *name = json_string_value(v);
			if (!in_list(hotline__ledger_fields, name))
				return hotline__cmd_fail(c, HOTLINE_EINVALID, "'%s' is not a ledger field", name);
			if (strcmp(name, "property") == 0 || strcmp(name, "call_taker") == 0)
				return hotline__cmd_fail(c, HOTLINE_EINVALID, "the ledger's '%s' never changes", name);
		}
		json_object_foreach(values, key2, v) {
			int listed = 0;
			json_t *f2;
			json_array_foreach(fields, i, f2)
				listed |= strcmp(json_string_value(f2), key2) == 0;
			if (!listed)
				return hotline__cmd_fail(c, HOTLINE_EINVALID, "value '%s' is not named in 'fields'", key2);
		}
	}
	return 0;
}

/* The stored event with a given id, its seq and body (copied). */
typedef struct prior {
	const char *id;
	int found;
	int64_t seq;
	char *body;
	char *stream;
} prior;

static int prior_cb(const hotline_storage_event *e, void *payload)
{
	prior *p = payload;
	p->found = 1;
	p->seq = e->seq;
	if (!(p->body = strdup(e->body)) || !(p->stream = strdup(e->stream)))
		return HOTLINE_ENOMEM;
	return 1; /* stop */
}

int hotline__validate_repeat(hotline__cmdctx *c)
{
	hotline_storage *st = c->db->st;
	prior p;
	char *mine;
	int rc, same;
	if (!c->command_id)
		return 0;
	memset(&p, 0, sizeof(p));
	p.id = c->command_id;
	rc = st->event_by_id(st, c->command_id, prior_cb, &p);
	if (rc == 1 || rc == HOTLINE_ENOT_FOUND)
		rc = 0;
	if (rc) {
		free(p.body);
		free(p.stream);
		return hotline__db_storage_fail(c->db, rc, "looking up the command id");
	}
	if (!p.found)
		return 0;
	/* the same JSON object, key order aside, top-level nulls dropped (both are canonical text) */
	mine = hotline__json_canonical(c->obj);
	same = mine && strcmp(mine, p.body) == 0;
	if (!same && mine && strstr(p.body, "\"enc\"")) {
		/* personal fields are stored encrypted: compare them as they were given */
		char *theirs = hotline__pii_clear_body(c->db, p.stream, p.body), *mine2 = NULL;
		if (theirs && strstr(theirs, "\"" HOTLINE__ERASED "\"")) {
			/* unreadable here (no key, or erased): the rest of the command must match */
			json_t *o = json_deep_copy(c->obj), *h;
			h = o ? json_object_get(o, "values") : NULL;
			if (!json_is_object(h))
				h = o;
			if (h) {
				const char *f[] = { "owner", "phone", "room" };
				size_t k;
				for (k = 0; k < 3; k++)
					if (json_object_get(h, f[k]))
						json_object_set_new(h, f[k], json_string(HOTLINE__ERASED));
			}
			mine2 = o ? hotline__json_canonical(o) : NULL;
			json_decref(o);
		}
		same = theirs && strcmp(mine2 ? mine2 : mine, theirs) == 0;
		free(theirs);
		free(mine2);
	}
	free(p.stream);
	free(mine);
	free(p.body);
	if (!same)
		return hotline__cmd_fail(c, HOTLINE_EDUPLICATE, "command_id '%s' was already used by another command (seq %" PRId64 ")",
			c->command_id, p.seq);
	c->repeated = 1;
	c->repeat_seq = p.seq;
	return 0;
}

/*
 * A snapshot read from the storage must end where its stream ends: one
 * edited behind the library's back is never extended (DESIGN §6.3).
 */
static int check_head(hotline__cmdctx *c)
{
	char hash[65];
	int64_t seq = 0;
	int rc = c->db->st->stream_head(c->db->st, c->case_id, &seq, hash);
	if (rc)
		return hotline__db_storage_fail(c->db, rc, "reading the case's stream");
	if (seq != c->snap.version || strcmp(hash, c->snap.head_hash) != 0)
		return hotline__cmd_fail(c, HOTLINE_ECORRUPT, "case '%s': its snapshot (version %" PRId64 ") disagrees with its "
			"events (%" PRId64 "): refusing to act on it; run verify-log", c->case_id, c->snap.version, seq);
	return 0;
}

/* Stage 2: the objects the command names exist (or, for definitions, don't). */
int hotline__validate_references(hotline__cmdctx *c)
{
	size_t i, j;
	const json_t *v, *item;
	int rc;

	if (c->case_id) {
		int unread = hotline__cache_take_snapshot(&c->db->cache, c->case_id, &c->snap);
		c->snap_cached = unread;
		rc = unread ? 0 : c->db->st->case_get(c->db->st, c->case_id, load_case_cb, c);
		if (rc == 0)
			c->have_case = 1;
		else if (rc != HOTLINE_ENOT_FOUND)
			return hotline__db_storage_fail(c->db, rc, "reading the case");
		if (c->have_case && !unread && (rc = check_head(c)) != 0)
			return rc;
		if (c->t->on == HOTLINE__ON_NEW_CASE && c->have_case)
			return hotline__cmd_fail(c, HOTLINE_EDUPLICATE, "case '%s' already exists", c->case_id);
		if (c->t->on != HOTLINE__ON_NEW_CASE && !c->have_case)
			return hotline__cmd_fail(c, HOTLINE_ENOT_FOUND, "no case '%s'", c->case_id);
	}
	/* every check uses the directory as of the command's instant (DESIGN §6.1) */
	if (c->actor && !hotline__cmd_person(c, c->actor))
		return hotline__cmd_fail(c, HOTLINE_ENOT_FOUND, "no person '%s' (actor)%s", c->actor,
			c->at != HOTLINE_TIME_NONE ? " at the command's instant" : "");
	if (c->have_case) {
		c->property = hotline__cmd_property(c, c->snap.property);
		if (!c->property)
			return hotline__cmd_fail(c, HOTLINE_ECORRUPT, "case '%s' names unknown property '%s'", c->case_id, c->snap.property);
	}
	if (c->t->on == HOTLINE__ON_DIRECTORY) {
		int found;
		c->dir_latest_from = hotline__directory_latest_from(&c->db->dir, c->kind, c->obj, &found);
		c->dir_first = !found;
		/* without `at`, defining an existing id again is a duplicate; with `at`, an update;
		 * a calendar line for a year recorded before replaces it either way (DESIGN §6.7) */
		if (found && c->at == HOTLINE_TIME_NONE && c->kind != HOTLINE_CMD_CALENDAR) {
			if (c->kind == HOTLINE_CMD_BONUS)
				return hotline__cmd_fail(c, HOTLINE_EDUPLICATE, "bonus of '%s' for %s is already defined (give 'at' to correct it)",
					json_string_value(json_object_get(c->obj, "person")),
					json_string_value(json_object_get(c->obj, "month")));
			return hotline__cmd_fail(c, HOTLINE_EDUPLICATE, "%s '%s' is already defined (give 'at' to update it)",
				hotline_command_name(c->kind), json_string_value(json_object_get(c->obj, "id")));
		}
	}
	for (i = 0; i < hotline__n_fields; i++) {
		const hotline__field *f = &hotline__fields[i];
		if (f->cmd != c->kind || !(v = json_object_get(c->obj, f->name)))
			continue;
		if (f->type == HOTLINE__F_PERSON && !hotline__cmd_person(c, json_string_value(v)))
			return hotline__cmd_fail(c, HOTLINE_ENOT_FOUND, "no person '%s' (%s)", json_string_value(v), f->name);
		if (f->type == HOTLINE__F_PERSONS)
			json_array_foreach(v, j, item)
				if (!hotline__cmd_person(c, json_string_value(item)))
					return hotline__cmd_fail(c, HOTLINE_ENOT_FOUND, "no person '%s' (%s)", json_string_value(item), f->name);
		if (f->type == HOTLINE__F_PROPERTY) {
			c->property = hotline__cmd_property(c, json_string_value(v));
			if (!c->property)
				return hotline__cmd_fail(c, HOTLINE_ENOT_FOUND, "no property '%s'", json_string_value(v));
		}
	}
	return 0;
}

static void roles_text(unsigned roles, char *buf, size_t size)
{
	int i;
	buf[0] = '\0';
	for (i = 0; i < HOTLINE_ROLE_COUNT; i++)
		if (roles & (1u << i)) {
			if (buf[0])
				strncat(buf, " or ", size - strlen(buf) - 1);
			strncat(buf, hotline_role_name(1 << i), size - strlen(buf) - 1);
		}
}

/*
 * Authority now as well as then (DESIGN §6.1): a role counts only when the
 * actor holds it (and, for a scoped role, is named on the property) both as
 * of the command's instant and in the latest definitions. A role removed,
 * or removed from a later date, cannot be used again with an earlier `at`;
 * one given from a later date counts only from then.
 */
static int holds_role(const hotline__person *p, const hotline__property *prop, unsigned role, int scoped)
{
	return p && (p->roles & role) && (!scoped || hotline__property_names(prop, role, p->id));
}

/*
 * Directory lines: until somebody holds `administrator` they need no actor
 * (setting up); from then on the actor must hold it as of the line's
 * instant (a line without one: in the latest definitions) and in the
 * latest definitions. So nobody can back-date a change to before the first
 * administrator, nor to before losing the role.
 */
static int check_authority(hotline__cmdctx *c)
{
	if (!hotline__directory_ever_held(&c->db->dir, HOTLINE_ROLE_ADMINISTRATOR))
		return 0;
	if (!c->actor)
		return hotline__cmd_fail(c, HOTLINE_EFORBIDDEN,
			"the directory has an administrator: a directory line needs an 'actor' who is one");
	if (!holds_role(hotline__cmd_person(c, c->actor), NULL, HOTLINE_ROLE_ADMINISTRATOR, 0))
		return hotline__cmd_fail(c, HOTLINE_EFORBIDDEN, "'%s' is not an administrator%s", c->actor,
			c->at != HOTLINE_TIME_NONE ? " at the line's instant" : "");
	if (!holds_role(hotline__directory_person(&c->db->dir, c->actor), NULL, HOTLINE_ROLE_ADMINISTRATOR, 0))
		return hotline__cmd_fail(c, HOTLINE_EFORBIDDEN, "'%s' is not an administrator in the latest definitions "
			"(a role removed cannot be used with an earlier 'at')", c->actor);
	return 0;
}

/* Stage 3: role and property scope, as of the command's instant and in the latest definitions. */
int hotline__validate_role(hotline__cmdctx *c)
{
	const hotline__person *then, *now;
	const hotline__property *prop_now;
	unsigned any_then = 0, any_now = 0, scoped_then = 0;
	int i;
	char need[160];

	if (c->t->on == HOTLINE__ON_DIRECTORY)
		return check_authority(c);
	if (c->t->roles == 0)
		return 0;
	then = hotline__cmd_person(c, c->actor);
	now = hotline__directory_person(&c->db->dir, c->actor);
	prop_now = c->property ? hotline__directory_property(&c->db->dir, c->property->id) : NULL;
	for (i = 0; i < HOTLINE_ROLE_COUNT; i++) {
		unsigned r = 1u << i;
		int scoped = (c->t->scoped & r) != 0;
		if (!(c->t->roles & r) || !holds_role(then, NULL, r, 0))
			continue;
		any_then = 1;
		if (!holds_role(now, NULL, r, 0))
			continue;
		any_now = 1;
		if (!holds_role(then, c->property, r, scoped))
			continue;
		scoped_then = 1;
		if (holds_role(now, prop_now, r, scoped))
			return 0;
	}
	roles_text(c->t->roles, need, sizeof(need));
	if (!any_then)
		return hotline__cmd_fail(c, HOTLINE_EFORBIDDEN, "'%s' is not a %s", c->actor, need);
	if (!any_now)
		return hotline__cmd_fail(c, HOTLINE_EFORBIDDEN, "'%s' is not a %s in the latest definitions "
			"(a role removed cannot be used with an earlier 'at')", c->actor, need);
	if (!scoped_then)
		return hotline__cmd_fail(c, HOTLINE_EFORBIDDEN, "'%s' is not named as %s of property '%s'", c->actor, need,
			c->property ? c->property->id : "?");
	return hotline__cmd_fail(c, HOTLINE_EFORBIDDEN, "'%s' is not named as %s of property '%s' in the latest "
		"definitions (a scope removed cannot be used with an earlier 'at')", c->actor, need,
		c->property ? c->property->id : "?");
}

static void from_text(uint32_t from, char *buf, size_t size)
{
	int s, a;
	buf[0] = '\0';
	for (s = 0; s < HOTLINE_STATE_COUNT; s++)
		for (a = 0; a < 3; a++)
			if (from & HOTLINE__SLOT(s, a)) {
				if (buf[0])
					strncat(buf, ", ", size - strlen(buf) - 1);
				strncat(buf, hotline_state_name(s), size - strlen(buf) - 1);
				if (a) {
					strncat(buf, "(", size - strlen(buf) - 1);
					strncat(buf, hotline_approval_name(a), size - strlen(buf) - 1);
					strncat(buf, ")", size - strlen(buf) - 1);
				}
			}
}

/* Stage 4: the table allows the command in the case's (state, approval). */
int hotline__validate_transition(hotline__cmdctx *c)
{
	char allowed[400];
	if (!c->have_case || c->t->on == HOTLINE__ON_NEW_CASE)
		return 0;
	if (c->t->from & HOTLINE__SLOT(c->snap.state, c->snap.approval))
		return 0;
	from_text(c->t->from, allowed, sizeof(allowed));
	if (c->snap.approval)
		return hotline__cmd_fail(c, HOTLINE_EINVALID_TRANSITION, "case '%s' is %s(%s); allowed from %s", c->case_id,
			hotline_state_name(c->snap.state), hotline_approval_name(c->snap.approval), allowed);
	return hotline__cmd_fail(c, HOTLINE_EINVALID_TRANSITION, "case '%s' is %s; allowed from %s", c->case_id,
		hotline_state_name(c->snap.state), allowed);
}

/* Stage 6: optimistic concurrency. */
int hotline__validate_version(hotline__cmdctx *c)
{
	int64_t have = c->have_case ? c->snap.version : 0;
	if (c->has_expect && c->expect_version != have)
		return hotline__cmd_fail(c, HOTLINE_ECONFLICT, "case '%s' is at version %" PRId64 ", not %" PRId64,
			c->case_id ? c->case_id : "", have, c->expect_version);
	return 0;
}
