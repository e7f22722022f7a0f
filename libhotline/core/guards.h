/*
 * Stage 5 of the refusal order: guards on a command's payload (`invalid`),
 * one row per guarded command in a table, each citing its article.
 */
#ifndef HOTLINE_CORE_GUARDS_H
#define HOTLINE_CORE_GUARDS_H

#include "core/cmdctx.h"

typedef struct hotline__guard {
	int cmd;                                /* hotline_command_kind */
	int (*check)(hotline__cmdctx *c);       /* 0, or a refusal recorded with hotline__cmd_fail */
	const char *article;                    /* where the guard comes from */
} hotline__guard;

extern const hotline__guard hotline__guards[];
extern const size_t hotline__n_guards;

/* Runs the guards of c's command, after the one every case command has ('at' not before the case's last event). */
int hotline__guards_check(hotline__cmdctx *c);

#endif
