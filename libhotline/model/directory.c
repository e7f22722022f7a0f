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

/* Compares an id with an element whose first member is its char* id. */
static int cmp_id(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(char *const *)elem);
}

const hotline__person *hotline__directory_person(const hotline__directory *d, const char *id)
{
	int found;
	size_t i;
	if (!id)
		return NULL;
	i = hotline__vec_lower_bound(d->persons, d->n_persons, sizeof(hotline__person), id, cmp_id, &found);
	return found ? &d->persons[i] : NULL;
}

const hotline__property *hotline__directory_property(const hotline__directory *d, const char *id)
{
	int found;
	size_t i;
	if (!id)
		return NULL;
	i = hotline__vec_lower_bound(d->properties, d->n_properties, sizeof(hotline__property), id, cmp_id, &found);
	return found ? &d->properties[i] : NULL;
}

typedef struct bonus_id {
	const char *person, *month;
} bonus_id;

/* Bonuses are sorted by (person, month). */
static int cmp_bonus(const void *key, const void *elem)
{
	const bonus_id *k = key;
	const hotline__bonus *b = elem;
	int c = strcmp(k->person, b->person);
	return c ? c : strcmp(k->month, b->month);
}

int hotline__directory_bonus(const hotline__directory *d, const char *person, const char *month, int64_t *amount)
{
	bonus_id k;
	int found;
	size_t i;
	if (!person || !month)
		return 0;
	k.person = person;
	k.month = month;
	i = hotline__vec_lower_bound(d->bonuses, d->n_bonuses, sizeof(hotline__bonus), &k, cmp_bonus, &found);
	if (found && amount)
		*amount = d->bonuses[i].amount_fen;
	return found;
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
	void *slot;
	size_t j;

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
		p.id = strdup(id);
		p.name = dup_str(json_object_get(obj, "name"));
		if (!p.id || !p.name ||
		    !(slot = hotline__vec_sorted_insert((void **)&d->persons, &d->n_persons, &d->cap_persons,
				sizeof(p), id, cmp_id, NULL))) {
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
		    !(slot = hotline__vec_sorted_insert((void **)&d->properties, &d->n_properties, &d->cap_properties,
				sizeof(p), id, cmp_id, NULL))) {
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
		bonus_id k;
		k.person = json_string_value(json_object_get(obj, "person"));
		k.month = json_string_value(json_object_get(obj, "month"));
		if (!k.person || !hotline__month_valid(k.month))
			return HOTLINE_EINVALID;
		if (hotline__directory_bonus(d, k.person, k.month, NULL))
			return HOTLINE_EDUPLICATE;
		memset(&b, 0, sizeof(b));
		memcpy(b.month, k.month, sizeof(b.month));
		b.amount_fen = json_integer_value(json_object_get(obj, "amount_fen"));
		if (!(b.person = strdup(k.person)) ||
		    !(slot = hotline__vec_sorted_insert((void **)&d->bonuses, &d->n_bonuses, &d->cap_bonuses,
				sizeof(b), &k, cmp_bonus, NULL))) {
			free(b.person);
			return HOTLINE_ENOMEM;
		}
		*(hotline__bonus *)slot = b;
		return 0;
	}
	return HOTLINE_EINVALID;
}
