/*
 * The directory read back: every person, property and bonus as of an
 * instant, each with its history of definitions (DESIGN §6.1), as JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "hotline/lifecycle.h"
#include "util/json.h"
#include "util/time.h"

static json_t *from_json(const hotline_db *db, int64_t from)
{
	char buf[32];
	if (from == HOTLINE__DIR_ALWAYS)
		return json_null();
	hotline__time_format(from, hotline__policy_zone_offset(db->policy), buf);
	return json_string(buf);
}

static json_t *roles_json(unsigned roles)
{
	json_t *a = json_array();
	int i;
	for (i = 0; i < HOTLINE_ROLE_COUNT; i++)
		if (roles & (1u << i))
			json_array_append_new(a, json_string(hotline_role_name(1 << i)));
	return a;
}

static json_t *person_json(const hotline_db *db, const hotline__person *p)
{
	return json_pack("{s:s,s:s,s:o,s:o}", "id", p->id, "name", p->name, "roles", roles_json(p->roles),
		"from", from_json(db, p->from));
}

static json_t *property_json(const hotline_db *db, const hotline__property *p)
{
	json_t *heads = json_array(), *o;
	size_t i;
	for (i = 0; i < p->n_department_heads; i++)
		json_array_append_new(heads, json_string(p->department_heads[i]));
	o = json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", p->id, "name", p->name, "manager", p->manager,
		"department_heads", heads, "from", from_json(db, p->from));
	if (o && p->quality_supervisor)
		json_object_set_new(o, "quality_supervisor", json_string(p->quality_supervisor));
	return o;
}

static json_t *bonus_json(const hotline_db *db, const hotline__bonus *b)
{
	return json_pack("{s:s,s:s,s:I,s:o}", "person", b->person, "month", b->month,
		"amount_fen", (json_int_t)b->amount_fen, "from", from_json(db, b->from));
}

/* Appends each record in force at t with the list of all its definitions (the run [first, last]). */
static int add_persons(const hotline_db *db, json_t *out, int64_t t)
{
	const hotline__directory *d = &db->dir;
	size_t i, first = 0;
	for (i = 0; i < d->n_persons; i++) {
		const hotline__person *now = hotline__directory_person_walk(d, i, t);
		json_t *rec, *hist;
		size_t k;
		if (i + 1 < d->n_persons && strcmp(d->persons[i + 1].id, d->persons[i].id) == 0)
			continue;
		if (now) {
			hist = json_array();
			for (k = first; k <= i; k++)
				json_array_append_new(hist, person_json(db, &d->persons[k]));
			if (!(rec = person_json(db, now)) || json_object_set_new(rec, "history", hist) ||
			    json_array_append_new(out, rec))
				return HOTLINE_ENOMEM;
		}
		first = i + 1;
	}
	return 0;
}

static int add_properties(const hotline_db *db, json_t *out, int64_t t)
{
	const hotline__directory *d = &db->dir;
	size_t i, first = 0;
	for (i = 0; i < d->n_properties; i++) {
		const hotline__property *now = hotline__directory_property_walk(d, i, t);
		json_t *rec, *hist;
		size_t k;
		if (i + 1 < d->n_properties && strcmp(d->properties[i + 1].id, d->properties[i].id) == 0)
			continue;
		if (now) {
			hist = json_array();
			for (k = first; k <= i; k++)
				json_array_append_new(hist, property_json(db, &d->properties[k]));
			if (!(rec = property_json(db, now)) || json_object_set_new(rec, "history", hist) ||
			    json_array_append_new(out, rec))
				return HOTLINE_ENOMEM;
		}
		first = i + 1;
	}
	return 0;
}

static int same_bonus(const hotline__bonus *a, const hotline__bonus *b)
{
	return strcmp(a->person, b->person) == 0 && strcmp(a->month, b->month) == 0;
}

static int add_bonuses(const hotline_db *db, json_t *out, int64_t t)
{
	const hotline__directory *d = &db->dir;
	size_t i, first = 0;
	for (i = 0; i < d->n_bonuses; i++) {
		size_t k, now = d->n_bonuses;
		json_t *rec, *hist;
		if (i + 1 < d->n_bonuses && same_bonus(&d->bonuses[i + 1], &d->bonuses[i]))
			continue;
		/* the latest definition of the run with from <= t */
		for (k = first; k <= i; k++)
			if (d->bonuses[k].from <= t)
				now = k;
		if (now < d->n_bonuses) {
			hist = json_array();
			for (k = first; k <= i; k++)
				json_array_append_new(hist, bonus_json(db, &d->bonuses[k]));
			if (!(rec = bonus_json(db, &d->bonuses[now])) || json_object_set_new(rec, "history", hist) ||
			    json_array_append_new(out, rec))
				return HOTLINE_ENOMEM;
		}
		first = i + 1;
	}
	return 0;
}

int hotline_db_directory(char **out, hotline_db *db, hotline_time as_of)
{
	json_t *doc = NULL, *persons = NULL, *properties = NULL, *bonuses = NULL;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	rc = db->in_batch ? 0 : hotline__db_sync(db);
	if (rc == 0) {
		persons = json_array();
		properties = json_array();
		bonuses = json_array();
		if (!persons || !properties || !bonuses || add_persons(db, persons, as_of) ||
		    add_properties(db, properties, as_of) || add_bonuses(db, bonuses, as_of) ||
		    !(doc = json_pack("{s:o,s:O,s:O,s:O}", "as_of", as_of == HOTLINE_TIME_NONE ? json_null() :
			from_json(db, as_of), "persons", persons, "properties", properties, "bonuses", bonuses)) ||
		    !(*out = hotline__json_pretty(doc, 2)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	}
	json_decref(doc);
	json_decref(persons);
	json_decref(properties);
	json_decref(bonuses);
	pthread_mutex_unlock(&db->mu);
	return rc;
}
