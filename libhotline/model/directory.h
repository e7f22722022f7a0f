/* The in-memory directory (persons, properties, bonuses), shared by the core and the rules. */
#ifndef HOTLINE_MODEL_DIRECTORY_H
#define HOTLINE_MODEL_DIRECTORY_H

#include <jansson.h>

#include "hotline/common.h"
#include "hotline/lifecycle.h"

typedef struct hotline__person {
	char *id;
	char *name;
	unsigned roles;       /* hotline_role bits */
} hotline__person;

typedef struct hotline__property {
	char *id;
	char *name;
	char *manager;                 /* person id */
	char **department_heads;       /* person ids */
	size_t n_department_heads;
	char *quality_supervisor;      /* person id or NULL */
} hotline__property;

typedef struct hotline__bonus {
	char *person;
	char month[8];        /* "YYYY-MM" (hotline__month_valid) */
	int64_t amount_fen;
} hotline__bonus;

/*
 * The directory. Records are immutable once defined (defining an id twice
 * is `duplicate`), so a cached copy never goes stale. Arrays are sorted by
 * id (bonuses by person, month) so lookups are binary searches.
 */
typedef struct hotline__directory {
	hotline__person *persons;
	size_t n_persons, cap_persons;
	hotline__property *properties;
	size_t n_properties, cap_properties;
	hotline__bonus *bonuses;
	size_t n_bonuses, cap_bonuses;
} hotline__directory;

void hotline__directory_init(hotline__directory *d);
void hotline__directory_clear(hotline__directory *d);
const hotline__person *hotline__directory_person(const hotline__directory *d, const char *id);
const hotline__property *hotline__directory_property(const hotline__directory *d, const char *id);
/* Returns 1 and sets *amount when person has a bonus for month ("YYYY-MM"), else 0. */
int hotline__directory_bonus(const hotline__directory *d, const char *person, const char *month, int64_t *amount);
/*
 * 1 if s is exactly "YYYY-MM": four digits, '-', two digits 01-12 (a bonus
 * month, Art. 22). Nothing else: no sign, no space, no single digit.
 */
int hotline__month_valid(const char *s);
/*
 * The key a bonus is stored under: "person|month", whole however long the
 * person's id is. malloc'd; NULL when memory is short or an argument is NULL.
 */
char *hotline__bonus_key(const char *person, const char *month);
/* Adds a record from its directory command JSON (person/property/bonus). 0 or negative code. */
int hotline__directory_add_json(hotline__directory *d, int cmd, const json_t *obj);

#endif
