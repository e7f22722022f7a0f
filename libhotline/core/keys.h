/* What a database handle knows of the keys of owners' personal data (core/keystore.c). */
#ifndef HOTLINE_CORE_KEYS_H
#define HOTLINE_CORE_KEYS_H

#include <stdint.h>

#include "hotline/db.h"
#include "hotline/sys/storage.h"

/* How the database keeps personal data (its "pii.mode" setting). */
enum {
	HOTLINE__PII_NOT_SET = 0,     /* nothing recorded yet: a database made before encryption, or still empty */
	HOTLINE__PII_ENCRYPTED = 1,
	HOTLINE__PII_UNENCRYPTED = 2  /* created unencrypted on purpose (HOTLINE_DB_UNENCRYPTED) */
};

/* Slots of the handle's cache of opened case keys. */
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
	int backend;               /* the storage has the keys group */
	char id[65];               /* the KEK's id */
	unsigned char wrap[32];    /* KEK subkey that wraps data keys */
	unsigned char check[32];   /* KEK subkey whose digest is the stored key check value */
	int have_index;
	unsigned char index[32];   /* the blind-index key (random, stored wrapped) */
	hotline__key_slot slots[HOTLINE__KEY_SLOTS];
	uint64_t clock;
} hotline__keys;

/* At open: the handle's keys from the options and the stored settings (0 or an error code, last error set). */
int hotline__pii_open(hotline_db *db, const hotline_db_options *opts, int memory);
/* Wipes the handle's keys. */
void hotline__pii_close(hotline_db *db);

/* The settings that record how a database keeps personal data. */
#define HOTLINE__SET_PII_MODE "pii.mode"
#define HOTLINE__SET_PII_KEY_ID "pii.key_id"
#define HOTLINE__SET_PII_CHECK "pii.key_check"
#define HOTLINE__SET_PII_INDEX "pii.index_key"

/* A setting's value (caller frees), NULL when absent; *rc set on a failure. */
char *hotline__keys_setting(hotline_storage *st, const char *name, int *rc);
/* The subkeys of a key-encryption key: the one that wraps data keys, the one the check value digests. */
void hotline__keys_derive(hotline__keys *k, const unsigned char kek[32]);
/* The check value of k's KEK, as stored in the settings (hex). */
void hotline__keys_check_value(const hotline__keys *k, char out[65]);
/* 1 when id is 1-64 printable ASCII characters without spaces. */
int hotline__key_id_valid(const char *id);

/*
 * Splits a key record in place: *wrapped is left pointing at the wrapped
 * data key, and the mask key after it, if any, is decoded into mk
 * (*have_mk). A record written before mask keys existed is the wrapped
 * data key alone.
 */
void hotline__key_record_split(char *record, char **wrapped, unsigned char mk[32], int *have_mk);
/* A key record: the wrapped data key, then the mask key (caller frees). */
char *hotline__key_record_text(const char *wrapped, const unsigned char mk[32]);

/* What a case's key record opens to on this handle. */
typedef struct hotline__case_keyset {
	int have_dk, have_mk;
	unsigned char dk[32];      /* the data key: with the KEK only */
	unsigned char mk[32];      /* the mask key: for every reader */
} hotline__case_keyset;

/*
 * The case's keys: the mask key for any handle, the data key too when
 * want_dk (which needs the KEK). 0, HOTLINE_ENOT_FOUND (no record),
 * HOTLINE_EKEY (the data key does not open) or a storage failure.
 */
int hotline__case_keys(hotline_db *db, const char *case_id, hotline__case_keyset *ks, int want_dk);
/* Wipes a keyset. */
void hotline__keyset_wipe(hotline__case_keyset *ks);
/* Keeps a case's keys just stored in the handle's cache (a rollback empties the slot). */
void hotline__case_keys_remember(hotline_db *db, const char *case_id, const hotline__case_keyset *ks);
/* Empties the case's slot of the cache (forget). */
void hotline__case_keys_forget(hotline_db *db, const char *case_id);

#endif
