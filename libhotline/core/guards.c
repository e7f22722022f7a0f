#include "core/guards.h"

#include <string.h>

#include "util/time.h"

static hotline_time json_time(const json_t *obj, const char *key)
{
	hotline_time t = HOTLINE_TIME_NONE;
	const char *s = json_string_value(json_object_get(obj, key));
	if (s)
		hotline__time_parse(s, &t, NULL);
	return t;
}

/* The person holds the role as of the command's instant. */
static int has_role(hotline__cmdctx *c, const char *id, unsigned role)
{
	const hotline__person *p = hotline__cmd_person(c, id);
	return p && (p->roles & role);
}

/* Art. 18: stage closure needs more than the policy's days of work (30) after the dispatch. */
static int stage_close_long_enough(hotline__cmdctx *c)
{
	int64_t least = hotline__policy_stage_close_min_seconds(c->db->policy);
	hotline_time dispatched = json_time(c->snap.json, "dispatched_at");
	hotline_time expected = json_time(c->obj, "expected_completion_at");
	if (dispatched == HOTLINE_TIME_NONE || expected - dispatched <= least)
		return hotline__cmd_fail(c, HOTLINE_EINVALID,
			"stage closure needs expected_completion_at more than %lld days after the dispatch (Art. 18)",
			(long long)(least / 86400));
	return 0;
}

/* The policy names the findings whose liable person can only be the one named. */
static int finding_names_its_person(hotline__cmdctx *c)
{
	const char *kind = json_string_value(json_object_get(c->obj, "kind"));
	if (hotline__policy_finding_needs_person(c->db->policy, kind) && !json_object_get(c->obj, "person"))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "finding '%s' needs the 'person' responsible", kind);
	return 0;
}

static int department_head_of_property(hotline__cmdctx *c)
{
	json_t *v = json_object_get(c->obj, "department_head");
	if (v && !hotline__property_names(c->property, HOTLINE_ROLE_DEPARTMENT_HEAD, json_string_value(v)))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "'%s' is not a department head of property '%s'",
			json_string_value(v), c->property->id);
	return 0;
}

static int absentees_are_managers(hotline__cmdctx *c)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c->obj, "absent"), i, v)
		if (!has_role(c, json_string_value(v), HOTLINE_ROLE_PROPERTY_MANAGER))
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "absentee '%s' is not a property_manager (Art. 10)",
				json_string_value(v));
	return 0;
}

static int property_people_hold_roles(hotline__cmdctx *c)
{
	size_t i;
	json_t *v = json_object_get(c->obj, "manager");
	if (!has_role(c, json_string_value(v), HOTLINE_ROLE_PROPERTY_MANAGER))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "manager '%s' does not hold the role property_manager",
			json_string_value(v));
	json_array_foreach(json_object_get(c->obj, "department_heads"), i, v)
		if (!has_role(c, json_string_value(v), HOTLINE_ROLE_DEPARTMENT_HEAD))
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "'%s' does not hold the role department_head",
				json_string_value(v));
	v = json_object_get(c->obj, "quality_supervisor");
	if (v && !has_role(c, json_string_value(v), HOTLINE_ROLE_QUALITY_SUPERVISOR))
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "'%s' does not hold the role quality_supervisor",
			json_string_value(v));
	return 0;
}

/* An update takes effect from its instant: not before the id's latest definition. */
static int update_in_order(hotline__cmdctx *c)
{
	char latest[32];
	if (c->dir_first || c->at >= c->dir_latest_from)
		return 0;
	hotline__time_format(c->dir_latest_from, hotline__policy_zone_offset(c->db->policy), latest);
	return hotline__cmd_fail(c, HOTLINE_EINVALID, "'at' is earlier than the latest definition of this record (%s)",
		c->dir_latest_from == HOTLINE__DIR_ALWAYS ? "one without 'at'" : latest);
}

/* The directory never locks: once somebody is an administrator, somebody stays one. */
static int someone_stays_administrator(hotline__cmdctx *c)
{
	const char *id = json_string_value(json_object_get(c->obj, "id"));
	const int64_t when[2] = { c->at, HOTLINE__DIR_LATEST };
	const json_t *r;
	size_t i, k;
	if (!hotline__directory_ever_held(&c->db->dir, HOTLINE_ROLE_ADMINISTRATOR))
		return 0;
	json_array_foreach(json_object_get(c->obj, "roles"), i, r)
		if (strcmp(json_string_value(r), "administrator") == 0)
			return 0;
	/* from the line's instant on, and in the latest definitions, someone else must hold the role */
	for (k = 0; k < 2; k++) {
		int other = 0;
		for (i = 0; i < c->db->dir.n_persons && !other; i++) {
			const hotline__person *p = hotline__directory_person_walk(&c->db->dir, i, when[k]);
			other = p && (p->roles & HOTLINE_ROLE_ADMINISTRATOR) && strcmp(p->id, id) != 0;
		}
		if (!other)
			return hotline__cmd_fail(c, HOTLINE_EINVALID,
				"after this line nobody would hold the role administrator (the directory would lock)");
	}
	return 0;
}

static int person_in_order(hotline__cmdctx *c)
{
	int rc = update_in_order(c);
	return rc ? rc : someone_stays_administrator(c);
}

/* A property's people hold their roles as of the line's instant; and the update comes in order. */
static int property_in_order(hotline__cmdctx *c)
{
	int rc = property_people_hold_roles(c);
	return rc ? rc : update_in_order(c);
}

/* Policies follow each other: a change never takes effect before the latest one (DESIGN §6.7). */
static int policy_in_order(hotline__cmdctx *c)
{
	char latest[32];
	if (c->dir_first || c->at >= c->dir_latest_from)
		return 0;
	hotline__time_format(c->dir_latest_from, hotline__policy_zone_offset(c->db->policy), latest);
	return hotline__cmd_fail(c, HOTLINE_EINVALID, "'at' is earlier than the latest policy line's (%s)", latest);
}

const hotline__guard hotline__guards[] = {
	{ HOTLINE_CMD_REQUEST_STAGE_CLOSE, stage_close_long_enough, "Art. 18" },
	{ HOTLINE_CMD_RECORD_FINDING, finding_names_its_person, "Art. 7, Art. 9" },
	{ HOTLINE_CMD_DECIDE_MEASURES, department_head_of_property, "Art. 14" },
	{ HOTLINE_CMD_QUARTERLY_MEETING, absentees_are_managers, "Art. 10" },
	{ HOTLINE_CMD_PERSON, person_in_order, "directory" },
	{ HOTLINE_CMD_PROPERTY, property_in_order, "directory" },
	{ HOTLINE_CMD_BONUS, update_in_order, "Art. 22" },
	{ HOTLINE_CMD_POLICY, policy_in_order, "DESIGN §6.7" },
};
const size_t hotline__n_guards = sizeof(hotline__guards) / sizeof(hotline__guards[0]);

int hotline__guards_check(hotline__cmdctx *c)
{
	size_t i;
	int rc;
	if (c->have_case && c->at < c->snap.last_at) {
		char last[32];
		hotline__time_format(c->snap.last_at, hotline__policy_zone_offset(c->db->policy), last);
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "'at' is earlier than the case's last event (%s)", last);
	}
	for (i = 0; i < hotline__n_guards; i++)
		if (hotline__guards[i].cmd == c->kind && (rc = hotline__guards[i].check(c)) != 0)
			return rc;
	return 0;
}
