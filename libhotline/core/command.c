/*
 * Applying a command: validation in the refusal order of DESIGN §2, then
 * one storage transaction that appends the event and updates the case
 * snapshot (or the directory). A refused command changes nothing.
 *
 * Refusal order (the first that applies wins):
 *   invalid (malformed) -> duplicate / not_found -> forbidden ->
 *   invalid_transition -> invalid (payload guards) -> conflict.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db_internal.h"
#include "model/lifecycle.h"
#include "rules/eval.h"
#include "util/mem.h"
#include "util/sha256.h"
#include "util/time.h"

/* Art. 18: stage closure needs more than 30 days of work after dispatch. */
#define STAGE_CLOSE_MIN_SECONDS (30 * 24 * 3600)

/* A decoded command during validation. */
typedef struct cmd_ctx {
	hotline_db *db;
	json_t *obj;
	const hotline__transition *t;
	int kind;
	const char *case_id;
	const char *actor;
	hotline_time at;
	int has_expect;
	int64_t expect_version;
	/* the case, when there is one */
	int have_case;
	int snap_cached;          /* snap was taken from the handle's cache */
	hotline_case snap;
	const hotline__property *property;
} cmd_ctx;

static int fail(cmd_ctx *c, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static int fail(cmd_ctx *c, int code, const char *fmt, ...)
{
	char buf[480];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (c->kind >= 0)
		return hotline__db_fail(c->db, code, "%s: %s", hotline_command_name(c->kind), buf);
	return hotline__db_fail(c->db, code, "%s", buf);
}

static const hotline__field *field_spec(int kind, const char *name)
{
	size_t i;
	for (i = 0; i < hotline__n_fields; i++)
		if (hotline__fields[i].cmd == kind && strcmp(hotline__fields[i].name, name) == 0)
			return &hotline__fields[i];
	return NULL;
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
	case HOTLINE__F_STRINGS: case HOTLINE__F_PERSONS: case HOTLINE__F_ROLES:
		return "a non-empty array of non-empty strings";
	case HOTLINE__F_OBJECT: return "an object of strings";
	case HOTLINE__F_MONTH: return "a month \"YYYY-MM\"";
	default: return "a non-empty string";
	}
}

/* Stage 1: shape and types of one payload field. */
static int check_field_shape(cmd_ctx *c, const hotline__field *f, const json_t *v)
{
	size_t i;
	const json_t *item;
	const char *key;
	hotline_time t;

	switch (f->type) {
	case HOTLINE__F_STRING: case HOTLINE__F_PERSON: case HOTLINE__F_PROPERTY: case HOTLINE__F_ID:
		if (!nonempty_string(v))
			goto bad;
		return 0;
	case HOTLINE__F_BOOL:
		if (!json_is_boolean(v))
			goto bad;
		return 0;
	case HOTLINE__F_COUNT:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			goto bad;
		return 0;
	case HOTLINE__F_TIME:
		if (!json_is_string(v) || hotline__time_parse(json_string_value(v), &t, NULL) != 0)
			goto bad;
		return 0;
	case HOTLINE__F_ENUM:
		if (!json_is_string(v) || !in_list(f->values, json_string_value(v))) {
			char opts[256] = "";
			const char *const *p;
			for (p = f->values; *p; p++) {
				strncat(opts, *p, sizeof(opts) - strlen(opts) - 1);
				if (p[1])
					strncat(opts, ", ", sizeof(opts) - strlen(opts) - 1);
			}
			return fail(c, HOTLINE_EINVALID, "field '%s' must be one of %s", f->name, opts);
		}
		return 0;
	case HOTLINE__F_STRINGS: case HOTLINE__F_PERSONS: case HOTLINE__F_ROLES:
		if (!json_is_array(v))
			goto bad;
		/* an empty list of absentees or department heads is fine; other lists need an entry */
		if (json_array_size(v) == 0 && f->type != HOTLINE__F_PERSONS)
			goto bad;
		json_array_foreach(v, i, item) {
			int bit;
			if (!nonempty_string(item))
				goto bad;
			if (f->type == HOTLINE__F_ROLES && hotline_role_from_name(&bit, json_string_value(item)) != 0)
				return fail(c, HOTLINE_EINVALID, "unknown role '%s'", json_string_value(item));
		}
		return 0;
	case HOTLINE__F_OBJECT:
		if (!json_is_object(v))
			goto bad;
		json_object_foreach((json_t *)v, key, item)
			if (!json_is_string(item))
				return fail(c, HOTLINE_EINVALID, "field '%s.%s' must be a string", f->name, key);
		return 0;
	case HOTLINE__F_MONTH: {
		const char *s = json_string_value(v);
		int y, m;
		char tail;
		if (!s || strlen(s) != 7 || sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || s[4] != '-')
			goto bad;
		return 0;
	}
	}
bad:
	return fail(c, HOTLINE_EINVALID, "field '%s' must be %s", f->name, type_label(f->type));
}

/* Stage 1: the command is well-formed. */
static int check_shape(cmd_ctx *c)
{
	const char *key;
	json_t *v;
	const hotline__transition *t;
	size_t i;

	if (!json_is_object(c->obj))
		return fail(c, HOTLINE_EINVALID, "a command must be a JSON object");
	v = json_object_get(c->obj, "cmd");
	if (!json_is_string(v))
		return fail(c, HOTLINE_EINVALID, "missing string field 'cmd'");
	if (hotline_command_from_name(&c->kind, json_string_value(v)) != 0) {
		c->kind = -1;
		return fail(c, HOTLINE_EINVALID, "unknown command '%s'", json_string_value(v));
	}
	t = c->t = hotline__transition_of(c->kind);

	json_object_foreach(c->obj, key, v) {
		if (strcmp(key, "cmd") == 0)
			continue;
		if (strcmp(key, "case") == 0 && (t->on == HOTLINE__ON_NEW_CASE || t->on == HOTLINE__ON_CASE ||
			t->on == HOTLINE__ON_CASE_OR_ORG))
			continue;
		if ((strcmp(key, "actor") == 0 || strcmp(key, "at") == 0))
			continue;
		if (strcmp(key, "expect_version") == 0 && t->on != HOTLINE__ON_DIRECTORY)
			continue;
		if (!field_spec(c->kind, key))
			return fail(c, HOTLINE_EINVALID, "unknown field '%s'", key);
	}
	if (t->on != HOTLINE__ON_DIRECTORY) {
		v = json_object_get(c->obj, "case");
		if (t->on == HOTLINE__ON_ORG && v)
			return fail(c, HOTLINE_EINVALID, "an organisation-level command takes no 'case'");
		if (v && !nonempty_string(v))
			return fail(c, HOTLINE_EINVALID, "field 'case' must be a non-empty string");
		if (!v && (t->on == HOTLINE__ON_NEW_CASE || t->on == HOTLINE__ON_CASE))
			return fail(c, HOTLINE_EINVALID, "missing field 'case'");
		c->case_id = json_string_value(v);
		v = json_object_get(c->obj, "actor");
		if (!nonempty_string(v))
			return fail(c, HOTLINE_EINVALID, "missing or empty field 'actor'");
		c->actor = json_string_value(v);
		v = json_object_get(c->obj, "at");
		if (!json_is_string(v))
			return fail(c, HOTLINE_EINVALID, "missing field 'at' (ISO-8601 instant with an offset)");
		if (hotline__time_parse(json_string_value(v), &c->at, NULL) != 0)
			return fail(c, HOTLINE_EINVALID, "field 'at' is not an ISO-8601 instant with an offset: '%s'",
				json_string_value(v));
		v = json_object_get(c->obj, "expect_version");
		if (v) {
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				return fail(c, HOTLINE_EINVALID, "field 'expect_version' must be a non-negative integer");
			c->has_expect = 1;
			c->expect_version = json_integer_value(v);
		}
	} else {
		c->at = HOTLINE_TIME_NONE;
		v = json_object_get(c->obj, "at");
		if (v && (!json_is_string(v) || hotline__time_parse(json_string_value(v), &c->at, NULL) != 0))
			return fail(c, HOTLINE_EINVALID, "field 'at' is not an ISO-8601 instant with an offset");
		v = json_object_get(c->obj, "actor");
		if (v && !nonempty_string(v))
			return fail(c, HOTLINE_EINVALID, "field 'actor' must be a non-empty string");
		c->actor = json_string_value(v);
	}
	for (i = 0; i < hotline__n_fields; i++) {
		const hotline__field *f = &hotline__fields[i];
		if (f->cmd != c->kind)
			continue;
		v = json_object_get(c->obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				return fail(c, HOTLINE_EINVALID, "missing field '%s'", f->name);
			if (v)
				return fail(c, HOTLINE_EINVALID, "field '%s' must be %s, not null", f->name, type_label(f->type));
			continue;
		}
		if (check_field_shape(c, f, v))
			return c->db->err.code;
	}
	if (c->kind == HOTLINE_CMD_CORRECT_RECORD) {
		json_t *fields = json_object_get(c->obj, "fields"), *values = json_object_get(c->obj, "values");
		const char *key2;
		json_array_foreach(fields, i, v) {
			const char *name = json_string_value(v);
			if (!in_list(hotline__ledger_fields, name))
				return fail(c, HOTLINE_EINVALID, "'%s' is not a ledger field", name);
			if (strcmp(name, "property") == 0 || strcmp(name, "call_taker") == 0)
				return fail(c, HOTLINE_EINVALID, "the ledger's '%s' never changes", name);
		}
		json_object_foreach(values, key2, v) {
			int listed = 0;
			json_t *f2;
			json_array_foreach(fields, i, f2)
				listed |= strcmp(json_string_value(f2), key2) == 0;
			if (!listed)
				return fail(c, HOTLINE_EINVALID, "value '%s' is not named in 'fields'", key2);
		}
	}
	return 0;
}

static size_t slot_of(const char *id);

/* Takes the case's snapshot from the cache when it is current. */
static int snap_from_cache(cmd_ctx *c)
{
	hotline__cache_slot *slot = &c->db->cache[slot_of(c->case_id)];
	if (!c->db->cache_trusted || !slot->have_snap || !slot->case_id || strcmp(slot->case_id, c->case_id) != 0)
		return 0;
	c->snap = *slot->snap;
	memset(slot->snap, 0, sizeof(*slot->snap));
	slot->have_snap = 0;
	c->snap_cached = 1;
	return 1;
}

/* Gives a snapshot back to the cache after a refusal (the case did not change). */
static void snap_to_cache(cmd_ctx *c)
{
	hotline__cache_slot *slot = &c->db->cache[slot_of(c->case_id)];
	if (c->db->cache_trusted && slot->snap && !slot->have_snap && slot->case_id &&
	    strcmp(slot->case_id, c->case_id) == 0 && slot->version == c->snap.version) {
		*slot->snap = c->snap;
		slot->have_snap = 1;
	} else {
		hotline__case_clear(&c->snap);
	}
	memset(&c->snap, 0, sizeof(c->snap));
}

static int load_case_cb(const hotline_storage_case *sc, void *payload)
{
	hotline_case *dst = payload;
	return hotline__case_from_storage(dst, sc);
}

/* Finds a person, reading through to the storage for records added by another handle. */
static int dir_fetch_cb(const char *kind, const char *id, const char *body, void *payload)
{
	hotline_db *db = payload;
	json_t *o = json_loads(body, 0, NULL);
	int cmd, rc;
	(void)id;
	if (!o || hotline_command_from_name(&cmd, kind) != 0) {
		json_decref(o);
		return HOTLINE_ECORRUPT;
	}
	rc = hotline__directory_add_json(&db->dir, cmd, o);
	json_decref(o);
	return rc == HOTLINE_EDUPLICATE ? 0 : rc;
}

static const hotline__person *find_person(hotline_db *db, const char *id)
{
	const hotline__person *p = hotline__directory_person(&db->dir, id);
	if (!p && id && db->st->dir_get(db->st, "person", id, dir_fetch_cb, db) == 0)
		p = hotline__directory_person(&db->dir, id);
	return p;
}

static const hotline__property *find_property(hotline_db *db, const char *id)
{
	const hotline__property *p = hotline__directory_property(&db->dir, id);
	if (!p && id && db->st->dir_get(db->st, "property", id, dir_fetch_cb, db) == 0)
		p = hotline__directory_property(&db->dir, id);
	return p;
}

static int bonus_exists(hotline_db *db, const char *person, const char *month)
{
	char key[256];
	if (hotline__directory_bonus(&db->dir, person, month, NULL))
		return 1;
	snprintf(key, sizeof(key), "%s|%s", person, month);
	if (db->st->dir_get(db->st, "bonus", key, dir_fetch_cb, db) == 0)
		return hotline__directory_bonus(&db->dir, person, month, NULL);
	return 0;
}

/* Stage 2: the objects the command names exist (or, for definitions, don't). */
static int check_references(cmd_ctx *c)
{
	size_t i, j;
	const json_t *v, *item;
	int rc;

	if (c->case_id) {
		rc = snap_from_cache(c) ? 0 : c->db->st->case_get(c->db->st, c->case_id, load_case_cb, &c->snap);
		if (rc == 0)
			c->have_case = 1;
		else if (rc != HOTLINE_ENOT_FOUND)
			return hotline__db_storage_fail(c->db, rc, "reading the case");
		if (c->t->on == HOTLINE__ON_NEW_CASE && c->have_case)
			return fail(c, HOTLINE_EDUPLICATE, "case '%s' already exists", c->case_id);
		if (c->t->on != HOTLINE__ON_NEW_CASE && !c->have_case)
			return fail(c, HOTLINE_ENOT_FOUND, "no case '%s'", c->case_id);
	}
	if (c->t->on != HOTLINE__ON_DIRECTORY && !find_person(c->db, c->actor))
		return fail(c, HOTLINE_ENOT_FOUND, "no person '%s' (actor)", c->actor);
	if (c->have_case) {
		c->property = find_property(c->db, c->snap.property);
		if (!c->property)
			return fail(c, HOTLINE_ECORRUPT, "case '%s' names unknown property '%s'", c->case_id, c->snap.property);
	}
	/* definitions: the id must be new */
	if (c->kind == HOTLINE_CMD_PERSON && find_person(c->db, json_string_value(json_object_get(c->obj, "id"))))
		return fail(c, HOTLINE_EDUPLICATE, "person '%s' is already defined",
			json_string_value(json_object_get(c->obj, "id")));
	if (c->kind == HOTLINE_CMD_PROPERTY && find_property(c->db, json_string_value(json_object_get(c->obj, "id"))))
		return fail(c, HOTLINE_EDUPLICATE, "property '%s' is already defined",
			json_string_value(json_object_get(c->obj, "id")));
	for (i = 0; i < hotline__n_fields; i++) {
		const hotline__field *f = &hotline__fields[i];
		if (f->cmd != c->kind || !(v = json_object_get(c->obj, f->name)))
			continue;
		if (f->type == HOTLINE__F_PERSON && !find_person(c->db, json_string_value(v)))
			return fail(c, HOTLINE_ENOT_FOUND, "no person '%s' (%s)", json_string_value(v), f->name);
		if (f->type == HOTLINE__F_PERSONS)
			json_array_foreach(v, j, item)
				if (!find_person(c->db, json_string_value(item)))
					return fail(c, HOTLINE_ENOT_FOUND, "no person '%s' (%s)", json_string_value(item), f->name);
		if (f->type == HOTLINE__F_PROPERTY) {
			c->property = find_property(c->db, json_string_value(v));
			if (!c->property)
				return fail(c, HOTLINE_ENOT_FOUND, "no property '%s'", json_string_value(v));
		}
	}
	if (c->kind == HOTLINE_CMD_BONUS &&
	    bonus_exists(c->db, json_string_value(json_object_get(c->obj, "person")),
		json_string_value(json_object_get(c->obj, "month"))))
		return fail(c, HOTLINE_EDUPLICATE, "bonus of '%s' for %s is already defined",
			json_string_value(json_object_get(c->obj, "person")),
			json_string_value(json_object_get(c->obj, "month")));
	return 0;
}

static int names_on_property(const hotline__property *p, unsigned role, const char *actor)
{
	size_t i;
	if (!p)
		return 0;
	if (role == HOTLINE_ROLE_PROPERTY_MANAGER)
		return p->manager && strcmp(p->manager, actor) == 0;
	if (role == HOTLINE_ROLE_DEPARTMENT_HEAD) {
		for (i = 0; i < p->n_department_heads; i++)
			if (strcmp(p->department_heads[i], actor) == 0)
				return 1;
		return 0;
	}
	if (role == HOTLINE_ROLE_QUALITY_SUPERVISOR)
		return p->quality_supervisor && strcmp(p->quality_supervisor, actor) == 0;
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

/* Stage 3: role and property scope. */
static int check_role(cmd_ctx *c)
{
	const hotline__person *p;
	unsigned have;
	int i;
	char need[160];

	if (c->t->on == HOTLINE__ON_DIRECTORY)
		return 0;
	p = find_person(c->db, c->actor);
	have = p->roles & c->t->roles;
	roles_text(c->t->roles, need, sizeof(need));
	if (!have)
		return fail(c, HOTLINE_EFORBIDDEN, "'%s' is not a %s", c->actor, need);
	for (i = 0; i < HOTLINE_ROLE_COUNT; i++) {
		unsigned r = 1u << i;
		if (!(have & r))
			continue;
		if (!(c->t->scoped & r))
			return 0;
		if (names_on_property(c->property, r, c->actor))
			return 0;
	}
	return fail(c, HOTLINE_EFORBIDDEN, "'%s' is not named as %s of property '%s'", c->actor, need,
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
static int check_transition(cmd_ctx *c)
{
	char allowed[400];
	if (!c->have_case || c->t->on == HOTLINE__ON_NEW_CASE)
		return 0;
	if (c->t->from & HOTLINE__SLOT(c->snap.state, c->snap.approval))
		return 0;
	from_text(c->t->from, allowed, sizeof(allowed));
	if (c->snap.approval)
		return fail(c, HOTLINE_EINVALID_TRANSITION, "case '%s' is %s(%s); allowed from %s", c->case_id,
			hotline_state_name(c->snap.state), hotline_approval_name(c->snap.approval), allowed);
	return fail(c, HOTLINE_EINVALID_TRANSITION, "case '%s' is %s; allowed from %s", c->case_id,
		hotline_state_name(c->snap.state), allowed);
}

static hotline_time json_time(const json_t *obj, const char *key)
{
	hotline_time t = HOTLINE_TIME_NONE;
	const char *s = json_string_value(json_object_get(obj, key));
	if (s)
		hotline__time_parse(s, &t, NULL);
	return t;
}

static int has_role(hotline_db *db, const char *id, unsigned role)
{
	const hotline__person *p = find_person(db, id);
	return p && (p->roles & role);
}

/* Stage 5: guards on the payload. */
static int check_guards(cmd_ctx *c)
{
	size_t i;
	json_t *v;

	if (c->have_case && c->at < c->snap.last_at) {
		char last[32];
		hotline__time_format(c->snap.last_at, hotline__policy_zone_offset(c->db->policy), last);
		return fail(c, HOTLINE_EINVALID, "'at' is earlier than the case's last event (%s)", last);
	}
	switch (c->kind) {
	case HOTLINE_CMD_REQUEST_STAGE_CLOSE: {
		/* Art. 18: more than 30 days of work, counted from the dispatch. */
		hotline_time dispatched = json_time(c->snap.json, "dispatched_at");
		hotline_time expected = json_time(c->obj, "expected_completion_at");
		if (dispatched == HOTLINE_TIME_NONE || expected - dispatched <= STAGE_CLOSE_MIN_SECONDS)
			return fail(c, HOTLINE_EINVALID,
				"stage closure needs expected_completion_at more than 30 days after the dispatch (Art. 18)");
		break;
	}
	case HOTLINE_CMD_RECORD_FINDING: {
		const char *kind = json_string_value(json_object_get(c->obj, "kind"));
		/* Art. 9 (original) and Art. 7: the liable person can only be the one named. */
		if ((strcmp(kind, "archive_lost_original") == 0 || strcmp(kind, "line_private_use") == 0) &&
		    !json_object_get(c->obj, "person"))
			return fail(c, HOTLINE_EINVALID, "finding '%s' needs the 'person' responsible", kind);
		break;
	}
	case HOTLINE_CMD_DECIDE_MEASURES:
		v = json_object_get(c->obj, "department_head");
		if (v && !names_on_property(c->property, HOTLINE_ROLE_DEPARTMENT_HEAD, json_string_value(v)))
			return fail(c, HOTLINE_EINVALID, "'%s' is not a department head of property '%s'",
				json_string_value(v), c->property->id);
		break;
	case HOTLINE_CMD_QUARTERLY_MEETING:
		json_array_foreach(json_object_get(c->obj, "absent"), i, v)
			if (!has_role(c->db, json_string_value(v), HOTLINE_ROLE_PROPERTY_MANAGER))
				return fail(c, HOTLINE_EINVALID, "absentee '%s' is not a property_manager (Art. 10)",
					json_string_value(v));
		break;
	case HOTLINE_CMD_PROPERTY:
		if (!has_role(c->db, json_string_value(json_object_get(c->obj, "manager")), HOTLINE_ROLE_PROPERTY_MANAGER))
			return fail(c, HOTLINE_EINVALID, "manager '%s' does not hold the role property_manager",
				json_string_value(json_object_get(c->obj, "manager")));
		json_array_foreach(json_object_get(c->obj, "department_heads"), i, v)
			if (!has_role(c->db, json_string_value(v), HOTLINE_ROLE_DEPARTMENT_HEAD))
				return fail(c, HOTLINE_EINVALID, "'%s' does not hold the role department_head",
					json_string_value(v));
		v = json_object_get(c->obj, "quality_supervisor");
		if (v && !has_role(c->db, json_string_value(v), HOTLINE_ROLE_QUALITY_SUPERVISOR))
			return fail(c, HOTLINE_EINVALID, "'%s' does not hold the role quality_supervisor",
				json_string_value(v));
		break;
	default:
		break;
	}
	return 0;
}

/* Stage 6: optimistic concurrency. */
static int check_version(cmd_ctx *c)
{
	int64_t have = c->have_case ? c->snap.version : 0;
	if (c->has_expect && c->expect_version != have)
		return fail(c, HOTLINE_ECONFLICT, "case '%s' is at version %" PRId64 ", not %" PRId64,
			c->case_id ? c->case_id : "", have, c->expect_version);
	return 0;
}

/* Decimal text of v into buf (at least 21 bytes), not terminated; returns its length. */
static size_t dec(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* One length-prefixed part ("<len>:<bytes>"), so that no two events hash the same text. */
static void hash_part(hotline__sha256 *h, const char *p, size_t len)
{
	char num[24];
	size_t k = dec(num, len);
	num[k++] = ':';
	hotline__sha256_update(h, num, k);
	hotline__sha256_update(h, p, len);
}

/* Decimal of a signed number as a part. */
static void hash_int_part(hotline__sha256 *h, int64_t v)
{
	char num[24];
	size_t k = 0;
	if (v < 0) {
		num[k++] = '-';
		k += dec(num + k, (uint64_t)0 - (uint64_t)v);
	} else {
		k = dec(num, (uint64_t)v);
	}
	hash_part(h, num, k);
}

void hotline__event_hash(const char *stream, int64_t stream_seq, const char *cmd, const char *actor,
	hotline_time at, const char *body, const char *prev_hash, char out[65])
{
	static const char tag[] = "hotline-event-v1";
	hotline__sha256 h;

	hotline__sha256_init(&h);
	hash_part(&h, tag, sizeof(tag) - 1);
	hash_part(&h, stream, strlen(stream));
	hash_int_part(&h, stream_seq);
	hash_part(&h, cmd, strlen(cmd));
	hash_part(&h, actor, strlen(actor));
	if (at == HOTLINE_TIME_NONE)
		hash_part(&h, "", 0);
	else
		hash_int_part(&h, at);
	hash_part(&h, body, strlen(body));
	hash_part(&h, prev_hash, strlen(prev_hash));
	hotline__sha256_final_hex(&h, out);
}

/* Builds the new snapshot body from the old one and the command. */
static json_t *next_snapshot(cmd_ctx *c, int *state, int *approval, int *exempt)
{
	const hotline__transition *t = c->t;
	json_t *body;
	size_t i;

	if (t->on == HOTLINE__ON_NEW_CASE) {
		json_t *ledger = json_object();
		const char *const *f;
		for (f = hotline__ledger_fields; *f; f++) {
			json_t *v = json_object_get(c->obj, *f);
			if (v)
				json_object_set(ledger, *f, v);
		}
		if (!json_object_get(ledger, "kind"))
			json_object_set_new(ledger, "kind", json_string("complaint"));
		if (!json_object_get(ledger, "severity"))
			json_object_set_new(ledger, "severity", json_string("general"));
		body = json_pack("{s:s,s:o,s:O}", "id", c->case_id, "ledger", ledger,
			"registered_at", json_object_get(c->obj, "at"));
		*state = t->to;
		*approval = HOTLINE_APPROVAL_NONE;
		*exempt = 0;
	} else {
		/* the command owns its copy of the snapshot (read for it, or taken from the cache): edit it in place */
		body = json_incref(c->snap.json);
		*state = c->snap.state;
		*approval = c->snap.approval;
		*exempt = c->snap.exempt;
		if (t->to >= 0) {
			*state = t->to;
			if (t->branch) {
				json_t *bv = json_object_get(c->obj, t->branch);
				char *txt = json_dumps(bv, JSON_ENCODE_ANY);
				const char *plain = txt;
				/* strings dump with quotes; compare the bare value */
				if (json_is_string(bv))
					plain = json_string_value(bv);
				if (!plain || strcmp(plain, t->branch_value) != 0)
					*state = t->to_else;
				free(txt);
			}
		}
		switch (t->approval) {
		case HOTLINE__APPROVAL_REQUEST:
			json_object_set_new(body, "previous_state", json_string(hotline_state_name(c->snap.state)));
			json_object_set_new(body, "previous_approval", json_string(hotline_approval_name(c->snap.approval)));
			json_object_set(body, "requested_at", json_object_get(c->obj, "at"));
			*approval = HOTLINE_APPROVAL_PENDING;
			break;
		case HOTLINE__APPROVAL_APPROVE:
			/* Art. 17-19: approved requests are not assessed (不纳入考核). */
			*approval = HOTLINE_APPROVAL_APPROVED;
			if (!*exempt) {
				*exempt = 1;
				json_object_set(body, "exempt_from", json_object_get(body, "requested_at"));
			}
			break;
		case HOTLINE__APPROVAL_REJECT: {
			int prev = HOTLINE_STATE_DISPATCHED, prev_ap = HOTLINE_APPROVAL_NONE, k;
			hotline_state_from_name(&prev, json_string_value(json_object_get(body, "previous_state")));
			for (k = 0; k < 3; k++)
				if (strcmp(hotline_approval_name(k),
					json_string_value(json_object_get(body, "previous_approval")) ?
					json_string_value(json_object_get(body, "previous_approval")) : "none") == 0)
					prev_ap = k;
			*state = prev;
			*approval = prev_ap;
			break;
		}
		default:
			break;
		}
		/* Leaving the request states ends the request; an approved one keeps the case exempt. */
		if (*state != HOTLINE_STATE_ESCALATED && *state != HOTLINE_STATE_STAGE_CLOSED &&
		    *state != HOTLINE_STATE_MALICIOUS_EXEMPT)
			*approval = HOTLINE_APPROVAL_NONE;
		if (*approval == HOTLINE_APPROVAL_NONE) {
			json_object_del(body, "previous_state");
			json_object_del(body, "previous_approval");
		}
		if (c->kind == HOTLINE_CMD_DISPATCH)
			json_object_set(body, "dispatched_at", json_object_get(c->obj, "at"));
		if (c->kind == HOTLINE_CMD_CORRECT_RECORD) {
			json_t *values = json_object_get(c->obj, "values"), *ledger = json_object_get(body, "ledger");
			const char *key;
			json_t *v;
			json_object_foreach(values, key, v)
				json_object_set(ledger, key, v);
			(void)i;
		}
	}
	json_object_set_new(body, "property", json_string(c->t->on == HOTLINE__ON_NEW_CASE ?
		c->property->id : c->snap.property));
	json_object_set_new(body, "state", json_string(hotline_state_name(*state)));
	json_object_set_new(body, "approval", json_string(hotline_approval_name(*approval)));
	json_object_set_new(body, "exempt", json_boolean(*exempt));
	return body;
}

static size_t slot_of(const char *id)
{
	size_t h = 5381;
	for (; *id; id++)
		h = h * 33 + (unsigned char)*id;
	return h % HOTLINE__CACHE_SLOTS;
}

static void slot_clear(hotline__cache_slot *s)
{
	free(s->case_id);
	if (s->vec) {
		hotline__event_vec_free(s->vec);
		free(s->vec);
	}
	if (s->snap) {
		if (s->have_snap)
			hotline__case_clear(s->snap);
		free(s->snap);
	}
	memset(s, 0, sizeof(*s));
}

void hotline__cache_clear(hotline_db *db)
{
	size_t i;
	for (i = 0; i < HOTLINE__CACHE_SLOTS; i++)
		slot_clear(&db->cache[i]);
}

void hotline__cache_sync(hotline_db *db)
{
	uint64_t v;
	hotline_storage *st = db->st;
	if (st->version < 2 || !st->data_version || st->data_version(st, &v) != 0) {
		/* no way to tell another writer's commits: read every case from the storage */
		db->cache_trusted = 0;
		return;
	}
	if (!db->cache_trusted || v != db->data_version)
		hotline__cache_clear(db);
	db->data_version = v;
	db->cache_trusted = 1;
}

/* Keeps the snapshot just written as the case's cached one (takes ownership of body and json). */
static void cache_snapshot(cmd_ctx *c, const hotline_storage_case *sc, char **body, json_t **json)
{
	hotline__cache_slot *slot = &c->db->cache[slot_of(c->case_id)];
	hotline_case *k;
	if (!c->db->cache_trusted || !slot->case_id || strcmp(slot->case_id, c->case_id) != 0 ||
	    slot->version != sc->version)
		return;
	if (!slot->snap && !(slot->snap = calloc(1, sizeof(*slot->snap))))
		return;
	k = slot->snap;
	if (slot->have_snap)
		hotline__case_clear(k);
	slot->have_snap = 0;
	memset(k, 0, sizeof(*k));
	k->id = hotline__strdup(sc->id);
	k->property = hotline__strdup(sc->property);
	k->head_hash = hotline__strdup(sc->head_hash);
	if (!k->id || !k->property || !k->head_hash) {
		hotline__case_clear(k);
		return;
	}
	k->state = sc->state;
	k->approval = sc->approval;
	k->exempt = sc->exempt;
	k->version = sc->version;
	k->registered_at = sc->registered_at;
	k->last_at = sc->last_at;
	k->next_due = sc->next_due;
	k->body = *body;
	k->json = *json;
	*body = NULL;
	*json = NULL;
	slot->have_snap = 1;
}

/*
 * The snapshot's next due instant, from the rules evaluated at the command's
 * instant over the case's events (from the cache when it is current).
 */
static int compute_next_due(cmd_ctx *c, const hotline_storage_event *ev, hotline_time *next_due)
{
	hotline__cache_slot *slot = &c->db->cache[slot_of(c->case_id)];
	hotline__eval eval;
	hotline__err err;
	int rc;

	*next_due = HOTLINE_TIME_NONE;
	if (!(slot->case_id && strcmp(slot->case_id, c->case_id) == 0 && c->have_case &&
	      slot->version == c->snap.version && strcmp(slot->head_hash, c->snap.head_hash) == 0)) {
		slot_clear(slot);
		slot->vec = calloc(1, sizeof(*slot->vec));
		slot->case_id = strdup(c->case_id);
		if (!slot->vec || !slot->case_id) {
			slot_clear(slot);
			return hotline__db_fail(c->db, HOTLINE_ENOMEM, "out of memory");
		}
		if (c->t->on != HOTLINE__ON_NEW_CASE && (rc = hotline__event_vec_load(c->db, c->case_id, slot->vec)) != 0) {
			slot_clear(slot);
			return rc;
		}
	}
	if ((rc = hotline__event_vec_push(slot->vec, ev, c->obj)) != 0) {
		slot_clear(slot);
		return hotline__db_fail(c->db, rc, "out of memory");
	}
	slot->version = ev->stream_seq;
	snprintf(slot->head_hash, sizeof(slot->head_hash), "%s", ev->hash);
	memset(&eval, 0, sizeof(eval));
	hotline__clearerr(&err);
	rc = hotline__eval_case(c->db->policy, c->db->cal, &c->db->dir, slot->vec->ev, slot->vec->n, c->at, &eval, &err);
	if (rc == 0) {
		*next_due = eval.next_due;
	} else if (rc == HOTLINE_ERANGE) {
		/* A working-day clock beyond the loaded holiday years: accept the command, flag nothing due. */
		rc = 0;
	} else {
		hotline__db_fail_err(c->db, &err);
	}
	hotline__eval_free(&eval);
	return rc;
}

static int apply(cmd_ctx *c, int64_t *seq_out)
{
	hotline_storage *st = c->db->st;
	const char *stream = c->case_id ? c->case_id : "";
	char *body = NULL, *snap_text = NULL;
	char hash[65], prev[65];
	int64_t prev_seq = 0, seq = 0;
	json_t *snap = NULL;
	int state = 0, approval = 0, exempt = 0, rc;
	hotline_storage_event ev;

	body = hotline__json_canonical(c->obj);
	if (!body)
		return hotline__db_fail(c->db, HOTLINE_ENOMEM, "out of memory");
	if (c->have_case) {
		prev_seq = c->snap.version;
		snprintf(prev, sizeof(prev), "%s", c->snap.head_hash);
	} else if (c->t->on == HOTLINE__ON_NEW_CASE) {
		prev_seq = 0;
		prev[0] = '\0';
	} else if ((rc = st->stream_head(st, "", &prev_seq, prev)) != 0) {
		free(body);
		return hotline__db_storage_fail(c->db, rc, "reading the organisation stream");
	}
	hotline__event_hash(stream, prev_seq + 1, hotline_command_name(c->kind), c->actor ? c->actor : "",
		c->at, body, prev, hash);
	memset(&ev, 0, sizeof(ev));
	ev.stream = stream;
	ev.stream_seq = prev_seq + 1;
	ev.cmd = hotline_command_name(c->kind);
	ev.actor = c->actor ? c->actor : "";
	ev.at = c->at;
	ev.body = body;
	ev.prev_hash = prev;
	ev.hash = hash;

	rc = st->event_append(st, &ev, &seq);
	if (rc) {
		rc = hotline__db_storage_fail(c->db, rc == HOTLINE_EDUPLICATE ? HOTLINE_ECONFLICT : rc, "appending the event");
		goto out;
	}
	ev.seq = seq;
	if (c->t->on == HOTLINE__ON_DIRECTORY) {
		char key[256];
		const char *id = json_string_value(json_object_get(c->obj, "id"));
		if (c->kind == HOTLINE_CMD_BONUS) {
			snprintf(key, sizeof(key), "%s|%s", json_string_value(json_object_get(c->obj, "person")),
				json_string_value(json_object_get(c->obj, "month")));
			id = key;
		}
		rc = st->dir_put(st, hotline_command_name(c->kind), id, body);
		if (rc)
			rc = hotline__db_storage_fail(c->db, rc, "storing the directory record");
		goto out;
	}
	if (c->case_id && c->t->on != HOTLINE__ON_ORG) {
		hotline_storage_case sc;
		hotline_time next_due;
		snap = next_snapshot(c, &state, &approval, &exempt);
		if (!snap) {
			rc = hotline__db_fail(c->db, HOTLINE_ENOMEM, "out of memory");
			goto out;
		}
		json_object_set_new(snap, "version", json_integer(prev_seq + 1));
		if ((rc = compute_next_due(c, &ev, &next_due)) != 0)
			goto out;
		if (state == HOTLINE_STATE_CLOSED || (exempt && approval == HOTLINE_APPROVAL_APPROVED))
			next_due = HOTLINE_TIME_NONE;
		if (next_due == HOTLINE_TIME_NONE)
			json_object_del(snap, "next_due");
		else {
			char due[32];
			hotline__time_format(next_due, hotline__policy_zone_offset(c->db->policy), due);
			json_object_set_new(snap, "next_due", json_string(due));
		}
		snap_text = hotline__json_canonical(snap);
		if (!snap_text) {
			rc = hotline__db_fail(c->db, HOTLINE_ENOMEM, "out of memory");
			goto out;
		}
		memset(&sc, 0, sizeof(sc));
		sc.id = c->case_id;
		sc.property = c->have_case ? c->snap.property : c->property->id;
		sc.state = state;
		sc.approval = approval;
		sc.exempt = exempt;
		sc.version = prev_seq + 1;
		sc.registered_at = c->have_case ? c->snap.registered_at : c->at;
		sc.last_at = c->at;
		sc.next_due = next_due;
		sc.head_hash = hash;
		sc.body = snap_text;
		rc = st->case_put(st, &sc, c->have_case ? c->snap.version : 0);
		if (rc)
			rc = hotline__db_storage_fail(c->db, rc, "writing the case snapshot");
		else
			cache_snapshot(c, &sc, &snap_text, &snap);
	}
out:
	if (rc == 0 && seq_out)
		*seq_out = seq;
	json_decref(snap);
	free(snap_text);
	free(body);
	return rc;
}

/* Ends a batch whose writes were rolled back: the directory cache may hold records that are gone. */
static void batch_abort(hotline_db *db)
{
	db->in_batch = 0;
	hotline__cache_clear(db);
	hotline__directory_clear(&db->dir);
	hotline__directory_init(&db->dir);
	hotline__db_reload_directory(db);
}

int hotline_db_begin(hotline_db *db)
{
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	if (db->in_batch)
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "a batch is already open on this handle");
	else if ((rc = db->st->begin(db->st, 1)) != 0)
		rc = hotline__db_storage_fail(db, rc, "starting a batch");
	else {
		db->in_batch = 1;
		hotline__cache_sync(db);
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_commit(hotline_db *db)
{
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	if (!db->in_batch) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "no batch is open on this handle");
	} else if ((rc = db->st->commit(db->st)) != 0) {
		char msg[sizeof(db->err.msg)];
		hotline__db_storage_fail(db, rc, "committing the batch");
		snprintf(msg, sizeof(msg), "%s", db->err.msg);
		batch_abort(db);
		hotline__db_fail(db, rc, "%s", msg);
	} else {
		db->in_batch = 0;
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_rollback(hotline_db *db)
{
	int rc = 0;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	if (!db->in_batch) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "no batch is open on this handle");
	} else {
		db->st->rollback(db->st);
		batch_abort(db);
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}

/* Runs one command object; takes the handle's lock. */
int hotline__db_exec_obj(hotline_db *db, json_t *obj, int64_t *seq_out)
{
	cmd_ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.db = db;
	c.obj = obj;
	c.kind = -1;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	if ((rc = check_shape(&c)) != 0)
		goto done;
	/* One write transaction from the first read to the last write, so the checks see what the writes change. */
	if (!db->in_batch) {
		if ((rc = db->st->begin(db->st, 1)) != 0) {
			rc = hotline__db_storage_fail(db, rc, "starting a transaction");
			goto done;
		}
		hotline__cache_sync(db);
	}
	if ((rc = check_references(&c)) || (rc = check_role(&c)) || (rc = check_transition(&c)) ||
	    (rc = check_guards(&c)) || (rc = check_version(&c))) {
		/* A refusal has written nothing: a batch goes on. */
		if (!db->in_batch)
			db->st->rollback(db->st);
		goto done;
	}
	if ((rc = apply(&c, seq_out)) != 0) {
		/* A write failed half-way: nothing of the command (or of its batch) may stay. */
		db->st->rollback(db->st);
		hotline__cache_clear(db);
		if (db->in_batch)
			batch_abort(db);
		goto done;
	}
	if (!db->in_batch && (rc = db->st->commit(db->st)) != 0) {
		rc = hotline__db_storage_fail(db, rc, "committing");
		hotline__cache_clear(db);
		goto done;
	}
	if (c.t->on == HOTLINE__ON_DIRECTORY) {
		/* Cached once written; a batch that rolls back reloads the cache. */
		int arc = hotline__directory_add_json(&db->dir, c.kind, obj);
		if (arc && arc != HOTLINE_EDUPLICATE)
			rc = hotline__db_fail(db, arc, "out of memory");
	}
done:
	if (c.have_case) {
		if (rc && c.snap_cached)
			snap_to_cache(&c);
		else
			hotline__case_clear(&c.snap);
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_exec_json(hotline_db *db, const char *json, int64_t *seq_out)
{
	json_error_t jerr;
	json_t *obj;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!json)
		return hotline__db_fail(db, HOTLINE_EINVALID, "command text is NULL");
	obj = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return hotline__db_fail(db, HOTLINE_EINVALID, "malformed JSON at column %d: %s", jerr.column, jerr.text);
	rc = hotline__db_exec_obj(db, obj, seq_out);
	json_decref(obj);
	return rc;
}
