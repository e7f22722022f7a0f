/*
 * Policies: the rules of a hotline regulation as data (DESIGN §3).
 *
 * A policy is a JSON document (docs/policy-format.md) loaded strictly: an
 * unknown key, a wrong type or an out-of-range value fails the whole load
 * with HOTLINE_EPOLICY and a message naming the JSON path. The structures
 * below are the loaded, validated form the evaluator runs on; they are
 * immutable after loading, so one policy may serve many threads.
 */
#ifndef HOTLINE_RULES_POLICY_H
#define HOTLINE_RULES_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/err.h"

/* Rule kinds. */
enum {
	HOTLINE__RULE_DEADLINE,
	HOTLINE__RULE_OCCURRENCE,
	HOTLINE__RULE_PERIODIC,
	HOTLINE__RULE_RATE,
	HOTLINE__RULE_CAP
};

/* How a miss is priced. */
enum {
	HOTLINE__PER_NONE,         /* breach only: listed, costs nothing */
	HOTLINE__PER_ONCE,         /* once, at the due instant */
	HOTLINE__PER_DAY,          /* per started 24 h late */
	HOTLINE__PER_WORKING_DAY,  /* per working day begun after the due instant */
	HOTLINE__PER_EACH,         /* occurrence: each matching event */
	HOTLINE__PER_POINT         /* rate: each started percentage point below */
};

/* Clocks a deadline's duration runs on; the values match the calendar's. */
enum {
	HOTLINE__POLICY_CLOCK_CALENDAR,
	HOTLINE__POLICY_CLOCK_DUTY_HOURS,
	HOTLINE__POLICY_CLOCK_WORKING_DAYS
};

/* Condition operators on a field of an event. */
enum {
	HOTLINE__OP_EQ,
	HOTLINE__OP_NE,
	HOTLINE__OP_GT,
	HOTLINE__OP_GE,
	HOTLINE__OP_LT,
	HOTLINE__OP_LE,
	HOTLINE__OP_IN,
	HOTLINE__OP_PRESENT
};

/* Who a penalty is charged to. */
enum {
	HOTLINE__LIABLE_ROLE,    /* a role of the case: call_taker or one of its property */
	HOTLINE__LIABLE_EVERY,   /* every person holding a directory role */
	HOTLINE__LIABLE_FIELD    /* the person(s) a field of the event names */
};

/* Case roles (HOTLINE__LIABLE_ROLE). */
enum {
	HOTLINE__CASE_ROLE_NONE = -1,
	HOTLINE__CASE_ROLE_CALL_TAKER = 0,
	HOTLINE__CASE_ROLE_PROPERTY_MANAGER,
	HOTLINE__CASE_ROLE_QUALITY_SUPERVISOR,
	HOTLINE__CASE_ROLE_DEPARTMENT_HEAD
};

/* Periodic schedules. */
enum {
	HOTLINE__EVERY_MONTH,
	HOTLINE__EVERY_QUARTER
};

/* Rate measures (DESIGN §3.1, Art. 20). */
enum {
	HOTLINE__MEASURE_CLOSURE,
	HOTLINE__MEASURE_SATISFACTION
};

typedef struct hotline__cond {
	char *field;
	int op;
	json_t *value;     /* scalar, or array for IN; NULL for PRESENT */
	int present;       /* PRESENT: 1 = must be present, 0 = must be absent */
	json_t *dflt;      /* value assumed when the field is absent, or NULL */
} hotline__cond;

typedef struct hotline__liable {
	int kind;          /* HOTLINE__LIABLE_* */
	int role;          /* ROLE: HOTLINE__CASE_ROLE_*; EVERY: a hotline_role bit */
	char *field;       /* FIELD: name of the field naming the person(s) */
	int else_role;     /* FIELD: case role used when the field is absent, or NONE */
	int64_t amount_fen;
} hotline__liable;

typedef struct hotline__matcher {
	int cmd;           /* hotline_command_kind */
	hotline__cond *where;
	size_t n_where;
	int in_duty_hours; /* -1: any time, 1: only inside duty hours, 0: only outside */
	int once;          /* starts_at: only the first matching event of the stream starts the clock */
	hotline__liable *liable;   /* occurrence: overrides the rule's liability; NULL: the rule's */
	size_t n_liable;
} hotline__matcher;

typedef struct hotline__rule {
	char *id;
	int article;
	char *title_zh, *title_en;
	char *source;              /* citation of the seed text, or NULL */
	int kind;                  /* HOTLINE__RULE_* */

	/* deadline */
	hotline__matcher starts_at;
	hotline__matcher *met_by;  /* deadline and periodic */
	size_t n_met_by;
	hotline__matcher *until;   /* repeating deadline: events that end the chain */
	size_t n_until;
	int repeat;                /* 1: a chain of dues (Art. 16) */
	int earliest_unmet;        /* 1: each met-by event meets only the earliest unmet deadline (Art. 11) */
	int clock;                 /* HOTLINE__POLICY_CLOCK_* */
	int64_t due_seconds;       /* calendar / duty_hours duration, 0 if none */
	int64_t due_working_days;  /* working_days count, 0 if none */
	int due_end_of_day;        /* due at the end of the local day of the start */
	char *due_field;           /* starting event's field carrying the due instant, or NULL */
	int64_t remind_before_seconds;  /* remind this long before the due (DESIGN §6.6), 0 if not */
	int remind_permille;       /* or at this fraction of the way from start to due, 0 if not */

	/* occurrence */
	hotline__matcher *on;
	size_t n_on;

	/* periodic */
	int every;                 /* HOTLINE__EVERY_* */
	int day;                   /* window starts on this day of the month (1-28), 0 if last_days */
	int days;                  /* window length in days when `day` is set */
	int last_days;             /* window = the last N days of the month/quarter, 0 if day */

	/* rate */
	int measure;               /* HOTLINE__MEASURE_* */
	int threshold_percent;

	/* cost and liability (deadline, occurrence, periodic, rate) */
	int per;                   /* HOTLINE__PER_* */
	int64_t amount_fen;
	hotline__liable *liable;
	size_t n_liable;
} hotline__rule;

struct hotline__policy;

/* One policy of a database's history (DESIGN §6.7): in force from `from` on. */
typedef struct hotline__policy_era {
	int64_t from;                       /* INT64_MIN for the policy the database was created under */
	const struct hotline__policy *policy;
} hotline__policy_era;

typedef struct hotline__policy {
	char *name;
	char *title_zh, *title_en;
	char *source;
	int zone_offset;           /* minutes east of UTC */
	int period_day;            /* assessment periods run from this day 00:00 local to the next month's */
	int cap_by_bonus;          /* a cap rule (Art. 22) is present */
	const hotline__rule *cap_rule;
	hotline__rule *rules;
	size_t n_rules;
	char **finding_kinds;      /* kinds a record_finding may carry; NULL-terminated */
	size_t n_finding_kinds;
	unsigned char *finding_needs_person;   /* per finding_kinds[i]: 1 if the finding must name `person` */
	int64_t stage_close_min_seconds;   /* Art. 18: least planned duration of a stage closure */
	/* A database whose policy changed: its policies over time, the last being this one's rules
	 * (the database's handle sets them on a copy of the struct); NULL: this policy for all time */
	const hotline__policy_era *eras;
	size_t n_eras;
} hotline__policy;

/*
 * Parses and validates a policy document. On failure returns
 * HOTLINE_EPOLICY (or HOTLINE_ENOMEM) with a message naming the JSON path.
 */
int hotline__policy_load(hotline__policy **out, const char *text, size_t len, hotline__err *err);

/* Loads a policy shipped with the library; unknown name: HOTLINE_EPOLICY. */
int hotline__policy_builtin(hotline__policy **out, const char *name, hotline__err *err);

/* Names of the built-in policies, in a stable order. */
const char *const *hotline__policy_builtin_names(size_t *n);

/* Text of a built-in policy (malloc'd, NUL-terminated) or NULL if unknown. */
char *hotline__policy_builtin_text(const char *name, size_t *len);

const char *hotline__policy_name(const hotline__policy *p);
int hotline__policy_zone_offset(const hotline__policy *p);
/*
 * A rule by id: first the very rule whose id string that is (of p or of
 * one of its eras), then by name in p, then in its eras, latest first.
 */
const hotline__rule *hotline__policy_rule(const hotline__policy *p, const char *id);
/* The policy in force at t: p itself unless p has eras. */
const hotline__policy *hotline__policy_at(const hotline__policy *p, int64_t t);
void hotline__policy_free(hotline__policy *p);

/*
 * What the command layer checks against the policy (with p == NULL: the
 * defaults, DESIGN §2). The finding kinds a `record_finding` may carry
 * (policy key "finding_kinds"): 1 if kind is one of them.
 */
int hotline__policy_is_finding_kind(const hotline__policy *p, const char *kind);
/* The same list, NULL-terminated, in the policy's order; owned by the policy. */
const char *const *hotline__policy_finding_kinds(const hotline__policy *p);
/*
 * 1 if a `record_finding` of this kind must name the `person` responsible
 * (policy key "finding_kinds_needing_person"; Art. 7, 9 in gm-hotline).
 */
int hotline__policy_finding_needs_person(const hotline__policy *p, const char *kind);
/*
 * Art. 18: `request_stage_close` needs expected_completion_at - dispatch
 * instant greater than this (policy key "stage_close_min_days", 30 days).
 */
int64_t hotline__policy_stage_close_min_seconds(const hotline__policy *p);

/* Names used in policies and in output ("calendar", "once", ...). */
const char *hotline__policy_clock_name(int clock);
const char *hotline__policy_per_name(int per);
const char *hotline__policy_kind_name(int kind);

/*
 * The built-in policy table (generated by tools/embed_policies.py from
 * the files of policies/ into builtin_policies.c): each text is a list of string
 * literals, concatenated at load time, so no literal exceeds the length
 * ISO C requires compilers to support.
 */
typedef struct hotline__builtin_policy {
	const char *name;
	const char *const *parts;  /* NULL-terminated */
} hotline__builtin_policy;

extern const hotline__builtin_policy hotline__builtin_policies[];
extern const size_t hotline__n_builtin_policies;
extern const char *const hotline__builtin_policy_names[];  /* same order, NULL-terminated */

#endif
