/* The in-memory directory (persons, properties, bonuses), shared by the core and the rules. */
#ifndef HOTLINE_MODEL_DIRECTORY_H
#define HOTLINE_MODEL_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "hotline/common.h"
#include "hotline/lifecycle.h"

/*
 * Every record is one definition of its id, in force from `from` (INT64_MIN:
 * a line without `at`, from the beginning of time) until the next
 * definition of the same id (DESIGN §6.1). `seq` orders definitions with the
 * same `from`: the later line wins.
 */
typedef struct hotline__person {
	char *id;
	int64_t from, seq;
	char *name;
	unsigned roles;       /* hotline_role bits; 0: retired */
} hotline__person;

typedef struct hotline__property {
	char *id;
	int64_t from, seq;
	char *name;
	char *manager;                 /* person id */
	char **department_heads;       /* person ids */
	size_t n_department_heads;
	char *quality_supervisor;      /* person id or NULL */
} hotline__property;

typedef struct hotline__bonus {
	char *person;
	int64_t from, seq;
	char month[8];        /* "YYYY-MM" (hotline__month_valid) */
	int64_t amount_fen;
} hotline__bonus;

/*
 * A recorded `calendar` line (DESIGN §6.7): a year's holidays and make-up
 * working days. A later line for the same year replaces an earlier one
 * whatever their `at`: the latest is the one with the highest seq.
 */
typedef struct hotline__calendar_rec {
	int year;
	int64_t from, seq;
	json_t *line;         /* the line as recorded */
} hotline__calendar_rec;

/*
 * A recorded `policy` line (DESIGN §6.7): the policy in force from `from`
 * (its `at`, always given) on. Lines come in `from` order (a later line's
 * `at` is never earlier), seq breaking ties.
 */
typedef struct hotline__policy_rec {
	int64_t from, seq;
	json_t *line;         /* the line as recorded (name, text, digest?) */
} hotline__policy_rec;

/* `from` of a definition without `at`; and the instant that sees every definition ("as of now and ever"). */
#define HOTLINE__DIR_ALWAYS INT64_MIN
#define HOTLINE__DIR_LATEST INT64_MAX

/*
 * The directory over time. Arrays hold every definition, sorted by id
 * (bonuses by person, month), then from, then seq: the record in force at
 * t is the last definition of its id with from <= t, a binary search.
 */
typedef struct hotline__directory {
	hotline__person *persons;
	size_t n_persons, cap_persons;
	hotline__property *properties;
	size_t n_properties, cap_properties;
	hotline__bonus *bonuses;
	size_t n_bonuses, cap_bonuses;
	hotline__calendar_rec *calendars;   /* sorted by year, then seq */
	size_t n_calendars, cap_calendars;
	hotline__policy_rec *policies;      /* sorted by from, then seq */
	size_t n_policies, cap_policies;
	int dated;            /* some definition has an `at`: records differ over time */
	int64_t auto_seq;     /* seq given by hotline__directory_add_json */
} hotline__directory;

void hotline__directory_init(hotline__directory *d);
void hotline__directory_clear(hotline__directory *d);
/* The definition in force at t (HOTLINE__DIR_LATEST: the latest), NULL when the id is not defined by then. */
const hotline__person *hotline__directory_person_at(const hotline__directory *d, const char *id, int64_t t);
const hotline__property *hotline__directory_property_at(const hotline__directory *d, const char *id, int64_t t);
/* The latest definitions (every line so far). */
const hotline__person *hotline__directory_person(const hotline__directory *d, const char *id);
const hotline__property *hotline__directory_property(const hotline__directory *d, const char *id);
/*
 * Walking one kind as of t: for i over 0..n-1, returns the definition in
 * force at t when i is the last definition of its id, else NULL; so each
 * id that exists at t comes once, in id order.
 */
const hotline__person *hotline__directory_person_walk(const hotline__directory *d, size_t i, int64_t t);
const hotline__property *hotline__directory_property_walk(const hotline__directory *d, size_t i, int64_t t);
/*
 * The bonus of person for month ("YYYY-MM") as of as_of: the latest
 * definition with from <= as_of. Returns 1 and sets *amount (may be NULL), else 0.
 */
int hotline__directory_bonus_at(const hotline__directory *d, const char *person, const char *month, int64_t as_of,
	int64_t *amount);
/* The same, over every definition so far. */
int hotline__directory_bonus(const hotline__directory *d, const char *person, const char *month, int64_t *amount);
/*
 * The `from` of the latest definition of a person/property id or a bonus
 * key; 0 and *found 0 when none. A calendar year recorded before: *found 1
 * and HOTLINE__DIR_ALWAYS (a later line replaces it whatever its `at`).
 * A policy line: *found 1 and the latest line's `from` when one was recorded.
 */
int64_t hotline__directory_latest_from(const hotline__directory *d, int cmd, const json_t *obj, int *found);
/* 1 if some definition, of any time, gives roles to someone (e.g. an administrator was ever defined). */
int hotline__directory_ever_held(const hotline__directory *d, unsigned roles);
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
/*
 * Adds a definition from its directory command JSON (person/property/bonus),
 * in force from `from`, ordered among same-`from` definitions by seq.
 * HOTLINE_EDUPLICATE when that (id, from, seq) is already there.
 */
int hotline__directory_add(hotline__directory *d, int cmd, const json_t *obj, int64_t from, int64_t seq);
/* The latest recorded calendar line of calendars[i]'s year when i is its last record, else NULL. */
const json_t *hotline__directory_calendar_walk(const hotline__directory *d, size_t i);
/* The same with `from` read from the object's "at" (none: always) and seq in the order of calls. */
int hotline__directory_add_json(hotline__directory *d, int cmd, const json_t *obj);

#endif
