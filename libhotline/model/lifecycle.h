/* The lifecycle table (DESIGN §2) and the field specification of every command. */
#ifndef HOTLINE_MODEL_LIFECYCLE_H
#define HOTLINE_MODEL_LIFECYCLE_H

#include <stdint.h>

#include "hotline/lifecycle.h"

/* One bit per (state, approval) pair: the "from" sets of the table. */
#define HOTLINE__SLOT(state, approval) (UINT32_C(1) << ((state) * 3 + (approval)))

/* Where a command applies. */
enum {
	HOTLINE__ON_NEW_CASE,     /* register */
	HOTLINE__ON_CASE,         /* an existing case */
	HOTLINE__ON_CASE_OR_ORG,  /* record_finding: a case, or the organisation */
	HOTLINE__ON_ORG,          /* organisation-level events */
	HOTLINE__ON_DIRECTORY     /* person, property, bonus */
};

/* What the command does to the approval status. */
enum {
	HOTLINE__APPROVAL_KEEP,
	HOTLINE__APPROVAL_REQUEST,  /* enter a pending request, remember the state before it */
	HOTLINE__APPROVAL_APPROVE,  /* pending → approved: the case becomes exempt */
	HOTLINE__APPROVAL_REJECT    /* pending → back to the state before the request */
};

/* What the command writes into the case snapshot besides state and approval. */
enum {
	HOTLINE__EFFECT_NONE,
	HOTLINE__EFFECT_OPEN_LEDGER,    /* the ledger of Art. 12 from the command's fields */
	HOTLINE__EFFECT_DISPATCHED_AT,  /* the dispatch instant (Art. 18 counts from it) */
	HOTLINE__EFFECT_MERGE_LEDGER,   /* corrected values into the ledger */
	HOTLINE__EFFECT_ERASE           /* personal fields read "[erased]" from now on (DESIGN §6.4) */
};

/* Whether a command names who gives it. */
enum {
	HOTLINE__ACTOR_REQUIRED,
	HOTLINE__ACTOR_OPTIONAL    /* a known person when given (a call logged by the telephone system) */
};

#define HOTLINE__TO_SAME (-1)
#define HOTLINE__TO_PREVIOUS (-2)

typedef struct hotline__transition {
	int cmd;                   /* hotline_command_kind */
	int on;                    /* HOTLINE__ON_* */
	uint32_t from;             /* HOTLINE__SLOT set; 0 for commands without a case */
	int to;                    /* state, HOTLINE__TO_SAME or HOTLINE__TO_PREVIOUS */
	/* Branching on the payload: when field `branch` equals `branch_value`
	 * (a JSON scalar rendered as text: "true", "confirmed"), go to `to`,
	 * else to `to_else`. */
	const char *branch;
	const char *branch_value;
	int to_else;
	int approval;              /* HOTLINE__APPROVAL_* */
	unsigned roles;            /* hotline_role bits allowed; 0: no role needed */
	unsigned scoped;           /* of those, roles that must be named on the case's property */
	const char *zh;            /* Chinese label */
	const char *note;          /* seed article or remark, for the generated docs */
	int effect;                /* HOTLINE__EFFECT_* */
	int actor;                 /* HOTLINE__ACTOR_* */
} hotline__transition;

/* Field types of command payloads. */
enum {
	HOTLINE__F_STRING,    /* non-empty string */
	HOTLINE__F_BOOL,
	HOTLINE__F_COUNT,     /* integer >= 0 */
	HOTLINE__F_TIME,      /* ISO-8601 with offset */
	HOTLINE__F_ENUM,      /* one of `values` (NULL-terminated) */
	HOTLINE__F_STRINGS,   /* non-empty array of non-empty strings */
	HOTLINE__F_OBJECT,    /* object of string values */
	HOTLINE__F_PERSON,    /* a person id that must exist (not_found) */
	HOTLINE__F_PERSONS,   /* array of person ids that must exist */
	HOTLINE__F_PROPERTY,  /* a property id that must exist */
	HOTLINE__F_ROLES,     /* non-empty array of role names */
	HOTLINE__F_MONTH,     /* "YYYY-MM" */
	HOTLINE__F_ID,        /* non-empty string: the id of a directory record */
	HOTLINE__F_FINDING_KIND, /* one of the policy's finding kinds */
	HOTLINE__F_DATES      /* array of dates "YYYY-MM-DD" (may be empty) */
};

typedef struct hotline__field {
	int cmd;
	const char *name;
	int type;
	int required;
	const char *const *values;
	int64_t max;               /* for counts: the largest value that means something (0: none) */
} hotline__field;

extern const hotline__transition hotline__transitions[];
extern const size_t hotline__n_transitions;
extern const hotline__field hotline__fields[];
extern const size_t hotline__n_fields;

/* The row of a command (every command has exactly one). */
const hotline__transition *hotline__transition_of(int cmd);
/*
 * Which stream a command's event lives in, from its row: 1 the organisation
 * only, 0 a case only (register and case commands), 2 either (record_finding);
 * -1 for an unknown command. The rules engine and the policy loader share it.
 */
int hotline__command_scope(int cmd);
/* 1 if a command's row enters `state` by a request (derived from the rows that make requests). */
int hotline__state_is_request(int state);
/* The command's field spec, NULL when the command has no such field. */
const hotline__field *hotline__field_of(int cmd, const char *name);
/* 1 if (state, approval) is "open": every state but CLOSED and an approved MALICIOUS_EXEMPT. */
int hotline__state_open(int state, int approval);

/* Ledger fields of Art. 12 that `register` needs and `correct_record` may name. */
extern const char *const hotline__ledger_fields[];

#endif
