/*
 * Checkpoints (DESIGN §6.3): the digest of the log up to a seq, its text
 * form and its Ed25519 signature. Shared by the public calls
 * (core/checkpoint.c) and the verification report (core/verify.c).
 */
#ifndef HOTLINE_CORE_CHECKPOINT_H
#define HOTLINE_CORE_CHECKPOINT_H

#include <stdint.h>

#include "hotline/checkpoint.h"
#include "hotline/sys/storage.h"
#include "util/err.h"

typedef struct hotline__checkpoint {
	int64_t seq, count;
	unsigned char digest[32];
	int is_signed;
	unsigned char sig[64];
	size_t signed_len;        /* length of the text the signature covers */
	int64_t id_differs_seq;   /* computed: the first event stored under an id its body does not hold (0: none) */
} hotline__checkpoint;

/*
 * Computes seq, count and digest over the events with seq <= up_to
 * (INT64_MAX: all; c->seq is then the last event's seq). *last_seq (may be
 * NULL) receives the log's last seq, or up_to's next event when there is
 * one beyond. Call inside a read transaction; the storage's code on failure.
 */
int hotline__checkpoint_compute(hotline_storage *st, int64_t up_to, hotline__checkpoint *c, int64_t *last_seq);

/* Parses a checkpoint text: 0, or HOTLINE_EINVALID with err set. */
int hotline__checkpoint_parse(const char *text, hotline__checkpoint *c, hotline__err *err);

/*
 * Checks the storage against a parsed checkpoint (text: its text, for the
 * signature). 0 when it holds; HOTLINE_ECORRUPT with *code set to the
 * finding's code and err to its sentence; another code when the check could
 * not run.
 */
int hotline__checkpoint_check(hotline_storage *st, const char *text, const hotline__checkpoint *c,
	const unsigned char *public_key, const char **code, hotline__err *err);

#endif
