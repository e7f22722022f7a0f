/* The refusal stages every command passes (DESIGN §2's order); payload guards are in core/guards.h. */
#ifndef HOTLINE_CORE_VALIDATE_H
#define HOTLINE_CORE_VALIDATE_H

#include "core/cmdctx.h"

/* Stage 1, invalid: the command is well-formed (fields known, typed, present). Fills c. */
int hotline__validate_shape(hotline__cmdctx *c);
/*
 * Right after stage 1 (DESIGN §6.2): a command_id already accepted with the
 * same content marks c as repeated (nothing is to be applied: c->repeat_seq
 * is the original event's seq); with other content it is `duplicate`.
 */
int hotline__validate_repeat(hotline__cmdctx *c);
/* Stage 2, duplicate / not_found: the case, actor and named records exist (definitions: are new). */
int hotline__validate_references(hotline__cmdctx *c);
/* Stage 3, forbidden: the actor's role and property scope. */
int hotline__validate_role(hotline__cmdctx *c);
/* Stage 4, invalid_transition: the table allows the command in the case's (state, approval). */
int hotline__validate_transition(hotline__cmdctx *c);
/* Stage 6, conflict: expect_version matches the case's version. */
int hotline__validate_version(hotline__cmdctx *c);

#endif
