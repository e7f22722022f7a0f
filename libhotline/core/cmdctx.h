/*
 * One command on its way through the refusal stages (core/validate.c,
 * core/guards.c) to the write (core/command.c).
 */
#ifndef HOTLINE_CORE_CMDCTX_H
#define HOTLINE_CORE_CMDCTX_H

#include <jansson.h>

#include "core/case.h"
#include "core/db.h"
#include "model/directory.h"
#include "model/lifecycle.h"

typedef struct hotline__cmdctx {
	hotline_db *db;
	json_t *obj;
	const hotline__transition *t;
	int kind;                 /* hotline_command_kind, -1 until known */
	const char *case_id;
	const char *actor;
	const char *command_id;   /* the client's id for the command, or NULL (one is made on apply) */
	int repeated;             /* the same command was already accepted: nothing to apply */
	int64_t repeat_seq;
	hotline_time at;
	int has_expect;
	int64_t expect_version;
	/* the case, when there is one */
	int have_case;
	int snap_cached;          /* snap was taken from the handle's cache */
	hotline_case snap;
	const hotline__property *property;
	/* a directory line: whether its id is new, and when its latest definition took effect */
	int dir_first;
	int64_t dir_latest_from;
	int64_t dir_seq;          /* the seq the stored definition is ordered by */
	/* a calendar line: the handle's calendar with it, taken on once the line is written */
	hotline__calendar *new_cal;
	/* a policy line: its policy (checked with the line), then the handle's history with it */
	hotline__policy *new_policy;
	hotline__policy_history *new_hist;
} hotline__cmdctx;

/* Records a refusal of the command (prefixed with its name) on the handle; returns code. */
int hotline__cmd_fail(hotline__cmdctx *c, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* The directory as of the command's instant (a directory line without one: the latest definitions). */
const hotline__person *hotline__cmd_person(hotline__cmdctx *c, const char *id);
const hotline__property *hotline__cmd_property(hotline__cmdctx *c, const char *id);
/* 1 if `actor` is named on the property in the role (manager, department head, quality supervisor). */
int hotline__property_names(const hotline__property *p, unsigned role, const char *actor);

#endif
