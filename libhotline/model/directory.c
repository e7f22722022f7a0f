/*
 * The in-memory directory: persons, properties and monthly bonuses.
 * Records never change once defined, so a copy held by a handle is always
 * current for the ids it holds.
 */
#include <stdlib.h>
#include <string.h>

#include "model/directory.h"
#include "hotline/errors.h"
#include "util/mem.h"
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
	free(d->persons);
	free(d->properties);
	free(d->bonuses);
	memset(d, 0, sizeof(*d));
}

/* Binary search over an array of structs whose first member is a char* id. */
static size_t lower_bound(const void *base, size_t n, size_t size, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = *(char *const *)((const char *)base + mid * size);
		if (strcmp(k, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const hotline__person *hotline__directory_person(const hotline__directory *d, const char *id)
{
	size_t i;
	if (!id)
		return NULL;
	i = lower_bound(d->persons, d->n_persons, sizeof(hotline__person), id);
	return (i < d->n_persons && strcmp(d->persons[i].id, id) == 0) ? &d->persons[i] : NULL;
}

const hotline__property *hotline__directory_property(const hotline__directory *d, const char *id)
{
	size_t i;
	if (!id)
		return NULL;
	i = lower_bound(d->properties, d->n_properties, sizeof(hotline__property), id);
	return (i < d->n_properties && strcmp(d->properties[i].id, id) == 0) ? &d->properties[i] : NULL;
}

static int bonus_cmp(const hotline__bonus *b, const char *person, const char *month)
{
	int c = strcmp(b->person, person);
	return c ? c : strcmp(b->month, month);
}

int hotline__directory_bonus(const hotline__directory *d, const char *person, const char *month, int64_t *amount)
{
	size_t lo = 0, hi = d->n_bonuses;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = bonus_cmp(&d->bonuses[mid], person, month);
		if (c == 0) {
			if (amount)
				*amount = d->bonuses[mid].amount_fen;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}


static char *dup_str(const json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	return s ? strdup(s) : NULL;
}

/*
 * The caller (the command layer) has validated the object; this only copies
 * it in. Duplicates are refused here too so the structure stays sorted and
 * unique whoever calls it.
 */
int hotline__directory_add_json(hotline__directory *d, int cmd, const json_t *obj)
{
	const char *id = json_string_value(json_object_get(obj, "id"));
	size_t i, j;

	if (cmd == HOTLINE_CMD_PERSON) {
		hotline__person p;
		const json_t *roles = json_object_get(obj, "roles"), *r;
		if (!id)
			return HOTLINE_EINVALID;
		if (hotline__directory_person(d, id))
			return HOTLINE_EDUPLICATE;
		memset(&p, 0, sizeof(p));
		json_array_foreach(roles, j, r) {
			int bit;
			if (json_is_string(r) && hotline_role_from_name(&bit, json_string_value(r)) == 0)
				p.roles |= (unsigned)bit;
		}
		if (hotline__vec_grow((void **)&d->persons, &d->cap_persons, d->n_persons, sizeof(p)))
			return HOTLINE_ENOMEM;
		p.id = strdup(id);
		p.name = dup_str(json_object_get(obj, "name"));
		if (!p.id || !p.name) {
			free(p.id);
			free(p.name);
			return HOTLINE_ENOMEM;
		}
		i = lower_bound(d->persons, d->n_persons, sizeof(p), id);
		memmove(&d->persons[i + 1], &d->persons[i], (d->n_persons - i) * sizeof(p));
		d->persons[i] = p;
		d->n_persons++;
		return 0;
	}
	if (cmd == HOTLINE_CMD_PROPERTY) {
		hotline__property p;
		const json_t *heads = json_object_get(obj, "department_heads"), *h;
		if (!id)
			return HOTLINE_EINVALID;
		if (hotline__directory_property(d, id))
			return HOTLINE_EDUPLICATE;
		memset(&p, 0, sizeof(p));
		p.id = strdup(id);
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
		    hotline__vec_grow((void **)&d->properties, &d->cap_properties, d->n_properties, sizeof(p))) {
			free(p.id);
			free(p.name);
			free(p.manager);
			free(p.quality_supervisor);
			for (j = 0; j < p.n_department_heads; j++)
				free(p.department_heads[j]);
			free(p.department_heads);
			return HOTLINE_ENOMEM;
		}
		i = lower_bound(d->properties, d->n_properties, sizeof(p), id);
		memmove(&d->properties[i + 1], &d->properties[i], (d->n_properties - i) * sizeof(p));
		d->properties[i] = p;
		d->n_properties++;
		return 0;
	}
	if (cmd == HOTLINE_CMD_BONUS) {
		hotline__bonus b;
		const char *person = json_string_value(json_object_get(obj, "person"));
		const char *month = json_string_value(json_object_get(obj, "month"));
		size_t lo = 0, hi = d->n_bonuses;
		if (!person || !month || strlen(month) != 7)
			return HOTLINE_EINVALID;
		if (hotline__directory_bonus(d, person, month, NULL))
			return HOTLINE_EDUPLICATE;
		if (hotline__vec_grow((void **)&d->bonuses, &d->cap_bonuses, d->n_bonuses, sizeof(b)))
			return HOTLINE_ENOMEM;
		memset(&b, 0, sizeof(b));
		b.person = strdup(person);
		if (!b.person)
			return HOTLINE_ENOMEM;
		memcpy(b.month, month, 8);
		b.amount_fen = json_integer_value(json_object_get(obj, "amount_fen"));
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (bonus_cmp(&d->bonuses[mid], person, month) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(&d->bonuses[lo + 1], &d->bonuses[lo], (d->n_bonuses - lo) * sizeof(b));
		d->bonuses[lo] = b;
		d->n_bonuses++;
		return 0;
	}
	return HOTLINE_EINVALID;
}
