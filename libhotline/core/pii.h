/*
 * Owners' personal data (DESIGN §6.4): the fields owner, phone and room are
 * stored encrypted, each case under its own data key, the data keys wrapped
 * by the host's key-encryption key (KEK); their masks under the case's mask
 * key, which forget destroys with the data key. The formats are described in
 * docs/privacy.md.
 */
#ifndef HOTLINE_CORE_PII_H
#define HOTLINE_CORE_PII_H

#include <jansson.h>

#include "hotline/db.h"
#include "hotline/sys/storage.h"
#include "core/keys.h"

/* The value personal fields read after `forget`. */
#define HOTLINE__ERASED "[erased]"

struct hotline__cmdctx;

/* The personal fields: owner, phone, room, then NULL. */
extern const char *const hotline__pii_fields[];
/* 1 for owner, phone, room. */
int hotline__pii_is_field(const char *name);
/* The masked form of a personal value (caller frees): 138****0000, 王**, 3-2**. */
char *hotline__pii_mask(const char *field, const char *value);
/* Digits only, a leading 0086/+86/86 country code dropped; "" when no digit. */
void hotline__pii_normalise_phone(const char *in, char *out, size_t size);
/* 1 when a JSON value is a sealed personal value ({"enc", "mask"}, or {"enc", "masked"} written before mask keys). */
int hotline__pii_is_sealed(const json_t *v);


/* Refusal stage: writing personal data needs the key (HOTLINE_EKEY); an erased case takes none. */
int hotline__pii_check(struct hotline__cmdctx *c);
/* In apply(), inside the transaction: encrypts the command's personal fields, stores key and index rows. */
int hotline__pii_seal_command(struct hotline__cmdctx *c);
/* 1 when hotline__pii_seal_command would change the command object in place. */
int hotline__pii_will_seal(struct hotline__cmdctx *c);

/* Reads: a snapshot with personal fields clear (with the key), masked (without) or "[erased]". */
int hotline__pii_reveal_case(hotline_db *db, hotline_case *c);
/* Reads: an event body of a case stream, the same way (*body replaced). erased: the case was forgotten. */
int hotline__pii_reveal_event(hotline_db *db, const char *stream, int erased, char **body);
/* A stored command body with its personal values decrypted, for comparing a retried command (caller frees). */
char *hotline__pii_clear_body(hotline_db *db, const char *stream, const char *body);

#endif
