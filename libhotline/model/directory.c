/*
 * The in-memory directory over time: every definition of persons,
 * properties and monthly bonuses, each in force from its instant on.
 */
#include <stdlib.h>
#include <string.h>

#include "model/directory.h"
#include "hotline/errors.h"
#include "util/mem.h"
#include "util/time.h"
#include "util/vec.h"

void hotline__directory_init(hotline__directory *d)
{
	memset(d, 0, sizeof(*d));
}

void hotline__directory_clear(hotline__directory *d)
{
	size_t i, j;
	for (i = 0; i < d->n_persons; i++) {
		free(d->persons[i].id);
		free(d->persons[i].name);
	}
	for (i = 0; i < d->n_properties; i++) {
		hotline__property *p = &d->properties[i];
		free(p->id);
		free(p->name);
		free(p->manager);
		free(p->quality_supervisor);
		for (j = 0; j < p->n_department_heads; j++)
			free(p->department_heads[j]);
		free(p->department_heads);
	}
	for (i = 0; i < d->n_bonuses; i++)
		free(d->bonuses[i].person);
	for (i = 0; i < d->n_calendars; i++)
		json_decref(d->calendars[i].line);
	free(d->calendars);
	for (i = 0; i < d->n_policies; i++)
		json_decref(d->policies[i].line);
	free(d->policies);
	free(d->persons);
	free(d->properties);
	free(d->bonuses);
	memset(d, 0, sizeof(*d));
}

int hotline__month_valid(const char *s)
{
	int i;
	if (!s)
		return 0;
	for (i = 0; i < 7; i++) {
		if (i == 4 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	}
	if (s[7] != '\0')
		return 0;
	return (s[5] == '0' && s[6] >= '1') || (s[5] == '1' && s[6] <= '2');
}

char *hotline__bonus_key(const char *person, const char *month)
{
	size_t np, nm;
	char *k;
	if (!person || !month)
		return NULL;
	np = strlen(person);
	nm = strlen(month);
	if (!(k = malloc(np + nm + 2)))
		return NULL;
	memcpy(k, person, np);
	k[np] = '|';
	memcpy(k + np + 1, month, nm + 1);
	return k;
}

/*
 * Persons and properties start with (char *id, int64_t from, int64_t seq);
 * a search key is the same triple.
 */
typedef struct version_key {
	const char *id;
	int64_t from, seq;
} version_key;

static int cmp_version(const void *key, const void *elem)
{
	const version_key *k = key, *e = elem;
	int c = strcmp(k->id, e->id);
	if (c)
		return c;
	if (k->from != e->from)
		return k->from < e->from ? -1 : 1;
	return k->seq < e->seq ? -1 : k->seq > e->seq;
}

/* Index of the definition of id in force at t, or n when there is none. */
static size_t in_force(const void *base, size_t n, size_t size, const char *id, int64_t t)
{
	version_key k;
	size_t i;
	const version_key *e;
	k.id = id;
	k.from = t;
	k.seq = INT64_MAX;
	/* first definition after (id, t, +inf); the one before it is in force if it is of id */
	i = hotline__vec_lower_bound(base, n, size, &k, cmp_version, NULL);
	if (i == 0)
		return n;
	e = (const version_key *)((const char *)base + (i - 1) * size);
	return strcmp(e->id, id) == 0 ? i - 1 : n;
}

const hotline__person *hotline__directory_person_at(const hotline__directory *d, const char *id, int64_t t)
{
	size_t i;
	if (!id)
		return NULL;
	i = in_force(d->persons, d->n_persons, sizeof(hotline__person), id, t);
	return i < d->n_persons ? &d->persons[i] : NULL;
}

const hotline__property *hotline__directory_property_at(const hotline__directory *d, const char *id, int64_t t)
{
	size_t i;
	if (!id)
		return NULL;
	i = in_force(d->properties, d->n_properties, sizeof(hotline__property), id, t);
	return i < d->n_properties ? &d->properties[i] : NULL;
}

const hotline__person *hotline__directory_person(const hotline__directory *d, const char *id)
{
	return hotline__directory_person_at(d, id, HOTLINE__DIR_LATEST);
}

const hotline__property *hotline__directory_property(const hotline__directory *d, const char *id)
{
	return hotline__directory_property_at(d, id, HOTLINE__DIR_LATEST);
}

const hotline__person *hotline__directory_person_walk(const hotline__directory *d, size_t i, int64_t t)
{
	if (i >= d->n_persons || (i + 1 < d->n_persons && strcmp(d->persons[i + 1].id, d->persons[i].id) == 0))
		return NULL;
	return hotline__directory_person_at(d, d->persons[i].id, t);
}

const hotline__property *hotline__directory_property_walk(const hotline__directory *d, size_t i, int64_t t)
{
	if (i >= d->n_properties ||
	    (i + 1 < d->n_properties && strcmp(d->properties[i + 1].id, d->properties[i].id) == 0))
		return NULL;
	return hotline__directory_property_at(d, d->properties[i].id, t);
}

typedef struct bonus_key {
	const char *person, *month;
	int64_t from, seq;
} bonus_key;

/* Bonuses are sorted by (person, month, from, seq). */
static int cmp_bonus(const void *key, const void *elem)
{
	const bonus_key *k = key;
	const hotline__bonus *b = elem;
	int c = strcmp(k->person, b->person);
	if (!c)
		c = strcmp(k->month, b->month);
	if (c)
		return c;
	if (k->from != b->from)
		return k->from < b->from ? -1 : 1;
	return k->seq < b->seq ? -1 : k->seq > b->seq;
}

int hotline__directory_bonus_at(const hotline__directory *d, const char *person, const char *month, int64_t as_of,
	int64_t *amount)
{
	bonus_key k;
	const hotline__bonus *b;
	size_t i;
	if (!person || !month)
		return 0;
	k.person = person;
	k.month = month;
	k.from = as_of;
	k.seq = INT64_MAX;
	i = hotline__vec_lower_bound(d->bonuses, d->n_bonuses, sizeof(hotline__bonus), &k, cmp_bonus, NULL);
	if (i == 0)
		return 0;
	b = &d->bonuses[i - 1];
	if (strcmp(b->person, person) != 0 || strcmp(b->month, month) != 0)
		return 0;
	if (amount)
		*amount = b->amount_fen;
	return 1;
}

int hotline__directory_bonus(const hotline__directory *d, const char *person, const char *month, int64_t *amount)
{
	return hotline__directory_bonus_at(d, person, month, HOTLINE__DIR_LATEST, amount);
}

int64_t hotline__directory_latest_from(const hotline__directory *d, int cmd, const json_t *obj, int *found)
{
	const char *id = json_string_value(json_object_get(obj, "id"));
	*found = 0;
	if (cmd == HOTLINE_CMD_PERSON) {
		const hotline__person *p = hotline__directory_person(d, id);
		if (p) {
			*found = 1;
			return p->from;
		}
	} else if (cmd == HOTLINE_CMD_PROPERTY) {
		const hotline__property *p = hotline__directory_property(d, id);
		if (p) {
			*found = 1;
			return p->from;
		}
	} else if (cmd == HOTLINE_CMD_CALENDAR) {
		json_int_t year = json_integer_value(json_object_get(obj, "year"));
		size_t i;
		for (i = 0; i < d->n_calendars; i++)
			if (d->calendars[i].year == year) {
				*found = 1;
				return HOTLINE__DIR_ALWAYS;
			}
	} else if (cmd == HOTLINE_CMD_POLICY) {
		if (d->n_policies) {
			*found = 1;
			return d->policies[d->n_policies - 1].from;
		}
	} else if (cmd == HOTLINE_CMD_BONUS) {
		bonus_key k;
		size_t i;
		k.person = json_string_value(json_object_get(obj, "person"));
		k.month = json_string_value(json_object_get(obj, "month"));
		k.from = INT64_MAX;
		k.seq = INT64_MAX;
		if (!k.person || !k.month)
			return 0;
		i = hotline__vec_lower_bound(d->bonuses, d->n_bonuses, sizeof(hotline__bonus), &k, cmp_bonus, NULL);
		if (i > 0 && strcmp(d->bonuses[i - 1].person, k.person) == 0 && strcmp(d->bonuses[i - 1].month, k.month) == 0) {
			*found = 1;
			return d->bonuses[i - 1].from;
		}
	}
	return 0;
}

int hotline__directory_ever_held(const hotline__directory *d, unsigned roles)
{
	size_t i;
	for (i = 0; i < d->n_persons; i++)
		if ((d->persons[i].roles & roles) == roles)
			return 1;
	return 0;
}

static char *dup_str(const json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	return s ? strdup(s) : NULL;
}

/*
 * The caller (the command layer) has validated the object; this only copies
 * it in. A definition already held (same id, from and seq) is refused, so
 * that reloading into a held directory adds nothing twice.
 */
int hotline__directory_add(hotline__directory *d, int cmd, const json_t *obj, int64_t from, int64_t seq)
{
	const char *id = json_string_value(json_object_get(obj, "id"));
	version_key k;
	void *slot;
	size_t j;
	int found;

	k.id = id;
	k.from = from;
	k.seq = seq;
	/* a calendar's `at` says nothing about who held what */
	if (from != HOTLINE__DIR_ALWAYS && cmd != HOTLINE_CMD_CALENDAR && cmd != HOTLINE_CMD_POLICY)
		d->dated = 1;
	if (cmd == HOTLINE_CMD_PERSON) {
		hotline__person p;
		const json_t *roles = json_object_get(obj, "roles"), *r;
		if (!id)
			return HOTLINE_EINVALID;
		hotline__vec_lower_bound(d->persons, d->n_persons, sizeof(p), &k, cmp_version, &found);
		if (found)
			return HOTLINE_EDUPLICATE;
		memset(&p, 0, sizeof(p));
		json_array_foreach(roles, j, r) {
			int bit;
			if (json_is_string(r) && hotline_role_from_name(&bit, json_string_value(r)) == 0)
				p.roles |= (unsigned)bit;
		}
		p.id = strdup(id);
		p.from = from;
		p.seq = seq;
		p.name = dup_str(json_object_get(obj, "name"));
		if (!p.id || !p.name ||
		    !(slot = hotline__vec_sorted_insert((void **)&d->persons, &d->n_persons, &d->cap_persons,
				sizeof(p), &k, cmp_version, NULL))) {
			free(p.id);
			free(p.name);
			return HOTLINE_ENOMEM;
		}
		*(hotline__person *)slot = p;
		return 0;
	}
	if (cmd == HOTLINE_CMD_PROPERTY) {
		hotline__property p;
		const json_t *heads = json_object_get(obj, "department_heads"), *h;
		if (!id)
			return HOTLINE_EINVALID;
		hotline__vec_lower_bound(d->properties, d->n_properties, sizeof(p), &k, cmp_version, &found);
		if (found)
			return HOTLINE_EDUPLICATE;
		memset(&p, 0, sizeof(p));
		p.id = strdup(id);
		p.from = from;
		p.seq = seq;
		p.name = dup_str(json_object_get(obj, "name"));
		p.manager = dup_str(json_object_get(obj, "manager"));
		p.quality_supervisor = dup_str(json_object_get(obj, "quality_supervisor"));
		if (json_array_size(heads)) {
			p.department_heads = calloc(json_array_size(heads), sizeof(char *));
			if (p.department_heads)
				json_array_foreach(heads, j, h)
					if ((p.department_heads[p.n_department_heads] = dup_str(h)))
						p.n_department_heads++;
		}
		if (!p.id || !p.name || !p.manager ||
		    p.n_department_heads != json_array_size(heads) ||
		    !(slot = hotline__vec_sorted_insert((void **)&d->properties, &d->n_properties, &d->cap_properties,
				sizeof(p), &k, cmp_version, NULL))) {
			free(p.id);
			free(p.name);
			free(p.manager);
			free(p.quality_supervisor);
			for (j = 0; j < p.n_department_heads; j++)
				free(p.department_heads[j]);
			free(p.department_heads);
			return HOTLINE_ENOMEM;
		}
		*(hotline__property *)slot = p;
		return 0;
	}
	if (cmd == HOTLINE_CMD_BONUS) {
		hotline__bonus b;
		bonus_key bk;
		bk.person = json_string_value(json_object_get(obj, "person"));
		bk.month = json_string_value(json_object_get(obj, "month"));
		bk.from = from;
		bk.seq = seq;
		if (!bk.person || !hotline__month_valid(bk.month))
			return HOTLINE_EINVALID;
		hotline__vec_lower_bound(d->bonuses, d->n_bonuses, sizeof(b), &bk, cmp_bonus, &found);
		if (found)
			return HOTLINE_EDUPLICATE;
		memset(&b, 0, sizeof(b));
		memcpy(b.month, bk.month, sizeof(b.month));
		b.from = from;
		b.seq = seq;
		b.amount_fen = json_integer_value(json_object_get(obj, "amount_fen"));
		if (!(b.person = strdup(bk.person)) ||
		    !(slot = hotline__vec_sorted_insert((void **)&d->bonuses, &d->n_bonuses, &d->cap_bonuses,
				sizeof(b), &bk, cmp_bonus, NULL))) {
			free(b.person);
			return HOTLINE_ENOMEM;
		}
		*(hotline__bonus *)slot = b;
		return 0;
	}
	if (cmd == HOTLINE_CMD_CALENDAR) {
		const json_t *y = json_object_get(obj, "year");
		hotline__calendar_rec r, *slot2;
		size_t i;
		if (!json_is_integer(y) || json_integer_value(y) < 0 || json_integer_value(y) > 9999)
			return HOTLINE_EINVALID;
		memset(&r, 0, sizeof(r));
		r.year = (int)json_integer_value(y);
		r.from = from;
		r.seq = seq;
		/* few records (a year each, now and then): a walk keeps them in (year, seq) order */
		for (i = 0; i < d->n_calendars; i++) {
			const hotline__calendar_rec *x = &d->calendars[i];
			if (x->year == r.year && x->seq == r.seq)
				return HOTLINE_EDUPLICATE;
			if (x->year > r.year || (x->year == r.year && x->seq > r.seq))
				break;
		}
		if (!(r.line = json_deep_copy(obj)))
			return HOTLINE_ENOMEM;
		if (!(slot2 = hotline__vec_insert((void **)&d->calendars, &d->n_calendars, &d->cap_calendars, sizeof(r), i))) {
			json_decref(r.line);
			return HOTLINE_ENOMEM;
		}
		*slot2 = r;
		return 0;
	}
	if (cmd == HOTLINE_CMD_POLICY) {
		hotline__policy_rec r, *slot3;
		size_t i;
		if (!json_is_string(json_object_get(obj, "text")))
			return HOTLINE_EINVALID;
		r.from = from;
		r.seq = seq;
		for (i = 0; i < d->n_policies; i++) {
			const hotline__policy_rec *x = &d->policies[i];
			if (x->from == from && x->seq == seq)
				return HOTLINE_EDUPLICATE;
			if (x->from > from || (x->from == from && x->seq > seq))
				break;
		}
		if (!(r.line = json_deep_copy(obj)))
			return HOTLINE_ENOMEM;
		if (!(slot3 = hotline__vec_insert((void **)&d->policies, &d->n_policies, &d->cap_policies, sizeof(r), i))) {
			json_decref(r.line);
			return HOTLINE_ENOMEM;
		}
		*slot3 = r;
		return 0;
	}
	return HOTLINE_EINVALID;
}

const json_t *hotline__directory_calendar_walk(const hotline__directory *d, size_t i)
{
	if (i >= d->n_calendars || (i + 1 < d->n_calendars && d->calendars[i + 1].year == d->calendars[i].year))
		return NULL;
	return d->calendars[i].line;
}

int hotline__directory_add_json(hotline__directory *d, int cmd, const json_t *obj)
{
	int64_t from = HOTLINE__DIR_ALWAYS;
	const char *at = json_string_value(json_object_get(obj, "at"));
	if (at && hotline__time_parse(at, &from, NULL) != 0)
		return HOTLINE_EINVALID;
	return hotline__directory_add(d, cmd, obj, from, ++d->auto_seq);
}
