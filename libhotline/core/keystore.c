/*
 * The keys of owners' personal data (DESIGN §6.4), what a database handle
 * holds of them, and its cache of opened case keys.
 *
 * - The case's key record (the storage's case_keys row) holds the data key
 *   wrapped ("v1:<base64 nonce|ciphertext>", XChaCha20-Poly1305, associated
 *   data the case id) by a subkey of the host's key-encryption key
 *   (crypto_kdf, context "hlpiikey", id 1), then " m1:" and the mask key in
 *   base64, not wrapped: masks are for readers without the KEK, and
 *   deleting the record (forget) makes them unreadable too. Settings record
 *   the mode, the KEK's id and a check value (BLAKE2b of the KEK's subkey
 *   2), so a wrong key is told apart at open.
 * - The blind-index key is random, stored wrapped like a data key (under
 *   associated data "index").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/db.h"
#include "core/keys.h"
#include "storage/caps.h"
#include "util/aead.h"
#include "util/base64.h"
#include "util/mem.h"

#define KDF_CONTEXT "hlpiikey"
#define MASK_KEY_SEP " m1:" /* in a key record, between the wrapped data key and the mask key */

/* ---- settings ---- */

static int copy_cb(const char *value, void *payload)
{
	char **out = payload;
	return (*out = hotline__strdup(value)) ? 0 : HOTLINE_ENOMEM;
}

/* A setting's value (caller frees), NULL when absent; *rc set on a failure. */
char *hotline__keys_setting(hotline_storage *st, const char *name, int *rc)
{
	char *v = NULL;
	int r = st->keys->setting_get(st, name, copy_cb, &v);
	if (r && r != HOTLINE_ENOT_FOUND)
		*rc = r;
	return v;
}

void hotline__keys_derive(hotline__keys *k, const unsigned char kek[32])
{
	crypto_kdf_derive_from_key(k->wrap, 32, 1, KDF_CONTEXT, kek);
	crypto_kdf_derive_from_key(k->check, 32, 2, KDF_CONTEXT, kek);
}

void hotline__keys_check_value(const hotline__keys *k, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), k->check, 32, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static int mode_of(const char *v)
{
	if (!v)
		return HOTLINE__PII_NOT_SET;
	if (strcmp(v, "encrypted") == 0)
		return HOTLINE__PII_ENCRYPTED;
	if (strcmp(v, "unencrypted") == 0)
		return HOTLINE__PII_UNENCRYPTED;
	return -1;
}

static int any_case_cb(const hotline_storage_case *c, void *payload)
{
	(void)c;
	*(int *)payload = 1;
	return 1;
}

/* Writes the settings a key brings to a database that has none (inside a write transaction). */
static int init_settings(hotline_db *db, int set_mode)
{
	hotline_storage *st = db->st;
	unsigned char index[32];
	char check[65], *w;
	int rc;
	randombytes_buf(index, sizeof(index));
	w = hotline__key_wrap(db->keys.wrap, "index", index);
	hotline__keys_check_value(&db->keys, check);
	if (!w)
		return HOTLINE_ENOMEM;
	rc = st->keys->setting_put(st, HOTLINE__SET_PII_KEY_ID, db->keys.id);
	if (!rc)
		rc = st->keys->setting_put(st, HOTLINE__SET_PII_CHECK, check);
	if (!rc)
		rc = st->keys->setting_put(st, HOTLINE__SET_PII_INDEX, w);
	if (!rc && set_mode)
		rc = st->keys->setting_put(st, HOTLINE__SET_PII_MODE, "encrypted");
	free(w);
	if (!rc) {
		memcpy(db->keys.index, index, 32);
		db->keys.have_index = 1;
		if (set_mode)
			db->keys.mode = HOTLINE__PII_ENCRYPTED;
	}
	sodium_memzero(index, sizeof(index));
	return rc;
}

int hotline__key_id_valid(const char *id)
{
	size_t n = strlen(id), i;
	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (id[i] <= ' ' || id[i] > '~')
			return 0;
	return 1;
}

/*
 * Reads the settings and checks the key against them; then, when writable,
 * records what is missing. A read transaction first: an open that has
 * nothing to record takes no write lock, so handles opening at once do not
 * queue behind each other's writers; one that does starts again in a write
 * transaction, where another handle may have recorded it meanwhile.
 */
static int load(hotline_db *db, const hotline_db_options *opts, hotline__err *err)
{
	hotline_storage *st = db->st;
	char *mode = NULL, *kid = NULL, *check = NULL, *index = NULL, mine[65];
	unsigned flags = opts && opts->version >= 4 ? opts->flags : 0;
	int rc = 0, write = !db->read_only, m, any = 0, tx = 0;

again:
	if ((rc = st->begin(st, tx)) != 0)
		return hotline__seterr(err, rc, "reading the database's key settings: %s",
			st->errmsg && st->errmsg(st) ? st->errmsg(st) : hotline_error_describe(rc));
	mode = hotline__keys_setting(st, HOTLINE__SET_PII_MODE, &rc);
	kid = hotline__keys_setting(st, HOTLINE__SET_PII_KEY_ID, &rc);
	check = hotline__keys_setting(st, HOTLINE__SET_PII_CHECK, &rc);
	index = hotline__keys_setting(st, HOTLINE__SET_PII_INDEX, &rc);
	if (rc) {
		hotline__seterr(err, rc, "reading the database's key settings");
		goto out;
	}
	if ((m = mode_of(mode)) < 0) {
		rc = hotline__seterr(err, HOTLINE_ECORRUPT, "unknown personal-data mode '%s'", mode);
		goto out;
	}
	db->keys.mode = m;
	if (db->keys.have && kid) {
		hotline__keys_check_value(&db->keys, mine);
		if (!check || strcmp(check, mine) != 0) {
			if (strcmp(kid, db->keys.id) == 0)
				rc = hotline__seterr(err, HOTLINE_EKEY, "the key given as '%s' is not the key '%s' this database's "
					"data keys are wrapped by", db->keys.id, kid);
			else
				rc = hotline__seterr(err, HOTLINE_EKEY, "key '%s' is not this database's key: its data keys are "
					"wrapped by key '%s'", db->keys.id, kid);
			goto out;
		}
		/* the stored id is the one in force (a key file may name it differently) */
		snprintf(db->keys.id, sizeof(db->keys.id), "%s", kid);
		if (!index || hotline__key_unwrap(db->keys.index, db->keys.wrap, "index", index) != 0) {
			rc = hotline__seterr(err, HOTLINE_ECORRUPT, "the stored blind-index key cannot be opened with key '%s'", kid);
			goto out;
		}
		db->keys.have_index = 1;
	}
	if (flags & HOTLINE_DB_UNENCRYPTED) {
		if (m == HOTLINE__PII_ENCRYPTED || kid) {
			rc = hotline__seterr(err, HOTLINE_EINVALID, "HOTLINE_DB_UNENCRYPTED: this database already keeps personal "
				"data encrypted");
			goto out;
		}
		if (m == HOTLINE__PII_NOT_SET) {
			hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
			q.limit = 1;
			if ((rc = st->cases_foreach(st, &q, any_case_cb, &any)) != 0 && rc != 1) {
				hotline__seterr(err, rc, "reading the cases");
				goto out;
			}
			rc = 0;
			if (any) {
				rc = hotline__seterr(err, HOTLINE_EINVALID, "HOTLINE_DB_UNENCRYPTED is a choice made when a database is "
					"created: this one already holds cases");
				goto out;
			}
			if (write) {
				if (!tx)
					goto upgrade;
				if ((rc = st->keys->setting_put(st, HOTLINE__SET_PII_MODE, "unencrypted")) != 0) {
					hotline__seterr(err, rc, "recording the personal-data mode");
					goto out;
				}
				db->keys.mode = HOTLINE__PII_UNENCRYPTED;
			}
		}
	}
	if (write && db->keys.have && !kid) {
		/* the first key this database sees: it wraps everything from now on */
		if (!tx)
			goto upgrade;
		if ((rc = init_settings(db, m == HOTLINE__PII_NOT_SET)) != 0) {
			hotline__seterr(err, rc, "recording the database's key settings");
			goto out;
		}
	}
out:
	if (rc)
		st->rollback(st);
	else if ((rc = st->commit(st)) != 0)
		hotline__seterr(err, rc, "recording the database's key settings");
	free(mode);
	free(kid);
	free(check);
	free(index);
	return rc;
upgrade:
	st->rollback(st);
	free(mode);
	free(kid);
	free(check);
	free(index);
	mode = kid = check = index = NULL;
	tx = 1;
	goto again;
}

int hotline__pii_open(hotline_db *db, const hotline_db_options *opts, int memory)
{
	const unsigned char *key = opts && opts->version >= 4 ? opts->key : NULL;
	const char *kid = opts && opts->version >= 4 && opts->key_id ? opts->key_id : "default";
	unsigned flags = opts && opts->version >= 4 ? opts->flags : 0;
	unsigned char eph[32];
	hotline__err err;
	int rc;

	if (sodium_init() < 0)
		return hotline__last_error_set(HOTLINE_ENOMEM, "libsodium cannot be initialised");
	memset(&db->keys, 0, sizeof(db->keys));
	db->keys.backend = hotline__storage_has_keys(db->st);
	if (!hotline__key_id_valid(kid))
		return hotline__last_error_set(HOTLINE_EINVALID, "key id must be 1-64 printable ASCII characters without spaces");
	if (!key && memory && !(flags & HOTLINE_DB_UNENCRYPTED)) {
		/* an in-memory database given no key: one that lives and dies with the handle, as the data do */
		randombytes_buf(eph, sizeof(eph));
		key = eph;
		kid = "ephemeral";
		db->keys.ephemeral = 1;
	}
	if (key) {
		if (!db->keys.backend) {
			sodium_memzero(eph, sizeof(eph));
			return hotline__last_error_set(HOTLINE_EINVALID, "the storage backend cannot keep data keys (it has "
				"no 'keys' group)");
		}
		hotline__keys_derive(&db->keys, key);
		snprintf(db->keys.id, sizeof(db->keys.id), "%s", kid);
		db->keys.have = 1;
	}
	sodium_memzero(eph, sizeof(eph));
	if (!db->keys.backend) {
		/* an older backend keeps no settings: only a database opened unencrypted each time */
		db->keys.mode = (flags & HOTLINE_DB_UNENCRYPTED) ? HOTLINE__PII_UNENCRYPTED : HOTLINE__PII_NOT_SET;
		return 0;
	}
	hotline__clearerr(&err);
	if ((rc = load(db, opts, &err)) != 0) {
		hotline__pii_close(db);
		return hotline__last_error_set(rc, "%s", err.msg);
	}
	return 0;
}

void hotline__pii_close(hotline_db *db)
{
	size_t i;
	for (i = 0; i < HOTLINE__KEY_SLOTS; i++)
		free(db->keys.slots[i].case_id);
	sodium_memzero(&db->keys, sizeof(db->keys));
}

/* ---- key records ---- */

typedef struct key_row {
	char *wrapped;
} key_row;

static int key_row_cb(const char *case_id, const char *kek_id, const char *record, void *payload)
{
	key_row *r = payload;
	(void)case_id;
	(void)kek_id;
	r->wrapped = hotline__strdup(record);
	return r->wrapped ? 0 : HOTLINE_ENOMEM;
}

/* The record's text up to MASK_KEY_SEP is the wrapped data key. */
void hotline__key_record_split(char *record, char **wrapped, unsigned char mk[32], int *have_mk)
{
	char *sep = strstr(record, MASK_KEY_SEP);
	*have_mk = 0;
	*wrapped = record;
	if (!sep)
		return;
	*sep = '\0';
	sep += strlen(MASK_KEY_SEP);
	if (hotline__b64_secret_decode(mk, 32, sep) == 0)
		*have_mk = 1;
	sodium_memzero(sep, strlen(sep));
}

/* A key record: the wrapped data key, then the mask key (caller frees). */
char *hotline__key_record_text(const char *wrapped, const unsigned char mk[32])
{
	char *tail = hotline__b64_secret(mk, 32, MASK_KEY_SEP), *out = NULL;
	size_t a = strlen(wrapped), b;
	if (tail && (out = malloc(a + (b = strlen(tail)) + 1))) {
		memcpy(out, wrapped, a);
		memcpy(out + a, tail, b + 1);
	}
	if (tail)
		sodium_memzero(tail, strlen(tail));
	free(tail);
	return out;
}

/*
 * The handle's cache of opened case keys: a case goes in one of 4 slots
 * from a hash of its id (the least recently used one gives way).
 * Only a record holding a mask key is cached: its keys never change while
 * it exists (rotation re-wraps the same data key). A slot is used only
 * while the handle's cache generation (bumped by every rollback and by
 * another connection's commit seen at a write) and the storage's
 * data_version are those it was filled at, so another handle's forget
 * empties it at the next read; this handle's forget empties it at once.
 * Slots are wiped on eviction and at close.
 */
#define NO_DATA_VERSION UINT64_MAX

static uint64_t key_cache_version(hotline_db *db)
{
	hotline_storage *st = db->st;
	uint64_t v;
	if (!st->data_version || st->data_version(st, &v) != 0 || v == NO_DATA_VERSION)
		return NO_DATA_VERSION; /* the storage cannot tell another's commits: nothing is cached */
	return v;
}

static void slot_wipe(hotline__key_slot *s)
{
	free(s->case_id);
	sodium_memzero(s, sizeof(*s));
}

#define KEY_PROBE 4 /* a case's slot is one of 4 consecutive ones from its hash */

static uint32_t slot_hash(const char *case_id)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *case_id; case_id++)
		h = (h ^ (unsigned char)*case_id) * 16777619u;
	return h;
}

/* The slot holding the case, or NULL. */
static hotline__key_slot *slot_find(hotline_db *db, const char *case_id)
{
	uint32_t h = slot_hash(case_id), i;
	for (i = 0; i < KEY_PROBE; i++) {
		hotline__key_slot *s = &db->keys.slots[(h + i) % HOTLINE__KEY_SLOTS];
		if (s->case_id && strcmp(s->case_id, case_id) == 0)
			return s;
	}
	return NULL;
}

static int key_cache_get(hotline_db *db, const char *case_id, hotline__case_keyset *ks, int want_dk, uint64_t dv)
{
	hotline__key_slot *s = slot_find(db, case_id);
	if (!s)
		return 0;
	if (dv == NO_DATA_VERSION || s->generation != db->cache.generation || s->data_version != dv) {
		slot_wipe(s);
		return 0;
	}
	if (want_dk && !s->have_dk)
		return 0;
	memcpy(ks->mk, s->mk, 32);
	ks->have_mk = 1;
	if (want_dk) {
		memcpy(ks->dk, s->dk, 32);
		ks->have_dk = 1;
	}
	s->used = ++db->keys.clock;
	return 1;
}

static void key_cache_put(hotline_db *db, const char *case_id, const hotline__case_keyset *ks, uint64_t dv)
{
	hotline__key_slot *s;
	uint32_t h, i;
	if (!ks->have_mk || dv == NO_DATA_VERSION)
		return;
	if (!(s = slot_find(db, case_id))) {
		/* an empty slot among the case's, else the least recently used */
		h = slot_hash(case_id);
		for (i = 0; i < KEY_PROBE; i++) {
			hotline__key_slot *t = &db->keys.slots[(h + i) % HOTLINE__KEY_SLOTS];
			if (!s || !t->case_id || (s->case_id && t->used < s->used))
				s = t;
			if (!t->case_id)
				break;
		}
	}
	slot_wipe(s);
	if (!(s->case_id = hotline__strdup(case_id)))
		return;
	memcpy(s->mk, ks->mk, 32);
	if ((s->have_dk = ks->have_dk) != 0)
		memcpy(s->dk, ks->dk, 32);
	s->generation = db->cache.generation;
	s->data_version = dv;
	s->used = ++db->keys.clock;
}

static void key_cache_drop(hotline_db *db, const char *case_id)
{
	hotline__key_slot *s = slot_find(db, case_id);
	if (s)
		slot_wipe(s);
}

void hotline__case_keys_remember(hotline_db *db, const char *case_id, const hotline__case_keyset *ks)
{
	key_cache_put(db, case_id, ks, key_cache_version(db));
}

void hotline__case_keys_forget(hotline_db *db, const char *case_id)
{
	key_cache_drop(db, case_id);
}

/*
 * The case's keys: the mask key for any handle, the data key too when
 * want_dk (which needs the KEK). 0, HOTLINE_ENOT_FOUND (no record),
 * HOTLINE_EKEY (the data key does not open) or a storage failure.
 */
int hotline__case_keys(hotline_db *db, const char *case_id, hotline__case_keyset *ks, int want_dk)
{
	key_row r = { NULL };
	char *wrapped;
	uint64_t dv;
	int rc;
	memset(ks, 0, sizeof(*ks));
	if (!db->keys.backend)
		return HOTLINE_ENOT_FOUND;
	if (want_dk && !db->keys.have)
		return HOTLINE_EKEY;
	dv = key_cache_version(db);
	if (key_cache_get(db, case_id, ks, want_dk, dv))
		return 0;
	rc = db->st->keys->case_key_get(db->st, case_id, key_row_cb, &r);
	if (rc == 0) {
		hotline__key_record_split(r.wrapped, &wrapped, ks->mk, &ks->have_mk);
		if (want_dk && (rc = hotline__key_unwrap(ks->dk, db->keys.wrap, case_id, wrapped)) == 0)
			ks->have_dk = 1;
		if (rc == 0)
			key_cache_put(db, case_id, ks, dv);
	}
	if (r.wrapped)
		sodium_memzero(r.wrapped, strlen(r.wrapped));
	free(r.wrapped);
	return rc;
}

void hotline__keyset_wipe(hotline__case_keyset *ks)
{
	sodium_memzero(ks, sizeof(*ks));
}

/* ---- key files ---- */

int hotline_key_file_read(const char *path, unsigned char *key_out, char *id_out, size_t id_size)
{
	char buf[256], *p, *hex, *colon;
	size_t n, bin_len;
	FILE *f;
	if (!path || !key_out || !id_out || id_size < 2)
		return hotline__last_error_set(HOTLINE_EINVALID, "a path, a key buffer and an id buffer are required");
	if (!(f = fopen(path, "rb")))
		return hotline__last_error_set(HOTLINE_EIO, "cannot read key file '%s'", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (p = buf; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		;
	for (n = strlen(p); n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'); n--)
		p[n - 1] = '\0';
	colon = strrchr(p, ':');
	hex = colon ? colon + 1 : p;
	if (colon) {
		*colon = '\0';
		if (!hotline__key_id_valid(p) || strlen(p) + 1 > id_size) {
			sodium_memzero(buf, sizeof(buf));
			return hotline__last_error_set(HOTLINE_EINVALID, "key file '%s': the key id before ':' must be 1-64 "
				"printable ASCII characters", path);
		}
		snprintf(id_out, id_size, "%s", p);
	} else {
		snprintf(id_out, id_size, "default");
	}
	if (strlen(hex) != 64 || sodium_hex2bin(key_out, HOTLINE_KEY_BYTES, hex, 64, NULL, &bin_len, NULL) != 0 ||
	    bin_len != HOTLINE_KEY_BYTES) {
		sodium_memzero(buf, sizeof(buf));
		return hotline__last_error_set(HOTLINE_EINVALID, "key file '%s' must hold 64 hexadecimal digits "
			"(optionally after 'KEY_ID:')", path);
	}
	sodium_memzero(buf, sizeof(buf));
	return 0;
}
