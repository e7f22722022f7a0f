/* What a database handle knows of the keys of owners' personal data (core/pii.c). */
#ifndef HOTLINE_CORE_KEYS_H
#define HOTLINE_CORE_KEYS_H

#include <stdint.h>

#include "hotline/db.h"

/* How the database keeps personal data (its "pii.mode" setting). */
enum {
	HOTLINE__PII_NOT_SET = 0,     /* nothing recorded yet: a database made before encryption, or still empty */
	HOTLINE__PII_ENCRYPTED = 1,
	HOTLINE__PII_UNENCRYPTED = 2  /* created unencrypted on purpose (HOTLINE_DB_UNENCRYPTED) */
};

/* Slots of the handle's cache of opened case keys (core/pii.c). */
#define HOTLINE__KEY_SLOTS 64

/* A case's opened keys, kept so that reads and corrections need not fetch and unwrap its record again. */
typedef struct hotline__key_slot {
	char *case_id;             /* NULL: empty */
	int have_dk;
	unsigned char dk[32];
	unsigned char mk[32];
	unsigned long generation;  /* the handle's cache generation when filled */
	uint64_t data_version;     /* the storage's data_version when filled */
	uint64_t used;             /* the handle's clock at its last use: the least recent goes first */
} hotline__key_slot;

/* What a handle knows of the keys. */
typedef struct hotline__keys {
	int have;                  /* the handle holds the database's key-encryption key */
	int ephemeral;             /* made at open for a "memory:" database given none */
	int mode;                  /* HOTLINE__PII_* */
	int backend;               /* the storage has the version 5 callbacks */
	char id[65];               /* the KEK's id */
	unsigned char wrap[32];    /* KEK subkey that wraps data keys */
	unsigned char check[32];   /* KEK subkey whose digest is the stored key check value */
	int have_index;
	unsigned char index[32];   /* the blind-index key (random, stored wrapped) */
	hotline__key_slot slots[HOTLINE__KEY_SLOTS];
	uint64_t clock;
} hotline__keys;

/* At open (core/pii.c): the handle's keys from the options and the stored settings (0 or an error code, last error set). */
int hotline__pii_open(hotline_db *db, const hotline_db_options *opts, int memory);
/* Wipes the handle's keys. */
void hotline__pii_close(hotline_db *db);

#endif
