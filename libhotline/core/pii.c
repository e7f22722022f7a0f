/*
 * Owners' personal data in commands and reads (DESIGN §6.4; seeds 001
 * 热线信息保密, 003 回访数据应加密存储). The keys are core/keystore.c's;
 * rotation and migration are core/pii_migrate.c's.
 *
 * - Each case has a random data key and a random mask key; its personal
 *   fields (owner, phone, room) are stored as {"enc": "v1:<base64
 *   nonce|ciphertext>", "mask": "v1:<base64 nonce|ciphertext>"}: the value
 *   under the data key, its mask (138****0000) under the mask key, both
 *   XChaCha20-Poly1305 (util/aead.c) with the case id and the field name
 *   bound as associated data. The event body the hash chain covers holds
 *   that object, and so does the snapshot (copied from the event), so
 *   verify-log rebuilds and compares snapshots without any key.
 * - Values written before mask keys existed are {"enc", "masked":
 *   "138****0000"}: they read as before, but their masks outlive forget.
 * - The blind index: BLAKE2b keyed with a random index key over the
 *   normalised phone number; rotating the KEK re-wraps that key, the index
 *   rows stay.
 * - forget deletes the key record and the index row: what the events hold,
 *   values and masks, can no longer be opened by anybody.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/case.h"
#include "core/cmdctx.h"
#include "core/db.h"
#include "core/pii.h"
#include "util/aead.h"
#include "util/json.h"
#include "util/mem.h"

const char *const hotline__pii_fields[] = { "owner", "phone", "room", NULL };

int hotline__pii_is_field(const char *name)
{
	const char *const *p;
	for (p = hotline__pii_fields; name && *p; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

int hotline__pii_is_sealed(const json_t *v)
{
	return json_is_object(v) && json_is_string(json_object_get(v, "enc"));
}

/* ---- masks ---- */

/* Length in bytes of the UTF-8 character starting at s (1 for a stray byte). */
static size_t utf8_len(const unsigned char *s)
{
	if (*s >= 0xF0 && s[1] && s[2] && s[3])
		return 4;
	if (*s >= 0xE0 && s[1] && s[2])
		return 3;
	if (*s >= 0xC0 && s[1])
		return 2;
	return 1;
}

char *hotline__pii_mask(const char *field, const char *value)
{
	size_t n = 0, i, keep_head, keep_tail, len = strlen(value), pos = 0, out_len = 0;
	size_t *starts;
	char *out;

	if (!(starts = malloc((len + 2) * sizeof(*starts))))
		return NULL;
	while (pos < len) {
		starts[n++] = pos;
		pos += utf8_len((const unsigned char *)value + pos);
	}
	starts[n] = len;
	if (strcmp(field, "phone") == 0) {
		/* the usual display: 138****0000 (first 3, last 4) */
		keep_head = n >= 8 ? 3 : n > 1 ? 1 : 0;
		keep_tail = n >= 8 ? 4 : 0;
	} else if (strcmp(field, "room") == 0) {
		keep_head = n / 2 + (n % 2); /* the first half: 3-201 -> 3-2** */
		if (keep_head == n && n)
			keep_head = n - 1;
		keep_tail = 0;
	} else {
		keep_head = n ? 1 : 0; /* 王女士 -> 王** */
		keep_tail = 0;
	}
	if (!(out = malloc(len + n + 2))) {
		free(starts);
		return NULL;
	}
	memcpy(out, value, starts[keep_head]);
	out_len = starts[keep_head];
	for (i = keep_head; i + keep_tail < n; i++)
		out[out_len++] = '*';
	if (n <= 1 && keep_head == 0)
		out[out_len++] = '*';
	memcpy(out + out_len, value + starts[n - keep_tail], len - starts[n - keep_tail]);
	out_len += len - starts[n - keep_tail];
	out[out_len] = '\0';
	free(starts);
	return out;
}

void hotline__pii_normalise_phone(const char *in, char *out, size_t size)
{
	size_t n = 0;
	const char *d;
	for (; *in && n + 1 < size; in++)
		if (*in >= '0' && *in <= '9')
			out[n++] = *in;
	out[n] = '\0';
	/* a leading country code of mainland China: 0086..., +86..., 86 + an 11-digit number */
	d = out;
	if (strncmp(d, "0086", 4) == 0 && n > 4)
		d += 4;
	else if (strncmp(d, "86", 2) == 0 && n >= 13)
		d += 2;
	if (d != out)
		memmove(out, d, strlen(d) + 1);
}
/* Associated data of a field: the tag ("hotline-pii-v1" for values, "hotline-pii-mask-v1" for masks), the case, the field, NUL-separated. */
static size_t field_ad(unsigned char *buf, size_t size, const char *tag, const char *case_id, const char *field)
{
	const char *text[3];
	size_t n = 0, i, k;
	text[0] = tag;
	text[1] = case_id;
	text[2] = field;
	/* as snprintf("%s%c%s%c%s") would: at most size - 1 bytes */
	for (i = 0; i < 3; i++) {
		k = strlen(text[i]);
		if (k > size - 1 - n)
			k = size - 1 - n;
		memcpy(buf + n, text[i], k);
		n += k;
		if (i < 2 && n < size - 1)
			buf[n++] = 0;
	}
	return n;
}

#define AD_VALUE "hotline-pii-v1"
#define AD_MASK "hotline-pii-mask-v1"

/* {"enc", "mask"}: the only shape written (a case gets its mask key before its first sealed value). */
static json_t *seal_value(const unsigned char dk[32], const unsigned char mk[32], const char *case_id, const char *field,
	const char *clear, hotline__rnd_pool *pool)
{
	unsigned char ad[400];
	size_t ad_len = field_ad(ad, sizeof(ad), AD_VALUE, case_id, field);
	char *enc = hotline__aead_seal(dk, ad, ad_len, (const unsigned char *)clear, strlen(clear), pool);
	char *mask = hotline__pii_mask(field, clear), *sealed_mask = NULL;
	json_t *v = NULL;
	if (mask) {
		ad_len = field_ad(ad, sizeof(ad), AD_MASK, case_id, field);
		sealed_mask = hotline__aead_seal(mk, ad, ad_len, (const unsigned char *)mask, strlen(mask), pool);
	}
	if (enc && sealed_mask && (v = json_object()) &&
	    (json_object_set_new_nocheck(v, "enc", json_string_nocheck(enc)) ||
	     json_object_set_new_nocheck(v, "mask", json_string_nocheck(sealed_mask)))) {
		json_decref(v);
		v = NULL;
	}
	free(enc);
	free(mask);
	free(sealed_mask);
	return v;
}

static int open_value(char **out, const unsigned char dk[32], const char *case_id, const char *field, const json_t *v)
{
	unsigned char ad[400], *m;
	size_t n, ad_len = field_ad(ad, sizeof(ad), AD_VALUE, case_id, field);
	int rc = hotline__aead_open(&m, &n, dk, ad, ad_len, json_string_value(json_object_get(v, "enc")));
	*out = (char *)m;
	return rc;
}

/*
 * The mask of a sealed value (caller frees), opened with the mask key; NULL
 * when it cannot be. 0.x wrote values before mask keys existed as {"enc",
 * "masked": "138****0000"}, the mask in clear, and such values sit in
 * hash-chained events that no migration may rewrite: this is the one place
 * that reads that shape, and nothing writes it any more.
 */
static char *open_mask(const unsigned char *mk, const char *case_id, const char *field, const json_t *v)
{
	unsigned char ad[400], *m;
	size_t n, ad_len;
	const char *clear = json_string_value(json_object_get(v, "masked")); /* the 0.x shape */
	if (clear)
		return hotline__strdup(clear);
	if (!mk)
		return NULL;
	ad_len = field_ad(ad, sizeof(ad), AD_MASK, case_id, field);
	return hotline__aead_open(&m, &n, mk, ad, ad_len, json_string_value(json_object_get(v, "mask"))) == 0 ? (char *)m : NULL;
}

static void blind(const unsigned char index[32], const char *phone, char out[65])
{
	char norm[256];
	unsigned char h[32];
	hotline__pii_normalise_phone(phone, norm, sizeof(norm));
	crypto_generichash(h, sizeof(h), (const unsigned char *)norm, strlen(norm), index, 32);
	sodium_bin2hex(out, 65, h, sizeof(h));
}
/* ---- commands ---- */

/* The personal values a command writes: the register's fields, or correct_record/encrypt_record's values. */
static json_t *personal_holder(hotline__cmdctx *c)
{
	if (c->kind == HOTLINE_CMD_REGISTER)
		return c->obj;
	if (c->kind == HOTLINE_CMD_CORRECT_RECORD || c->kind == HOTLINE_CMD_ENCRYPT_RECORD)
		return json_object_get(c->obj, "values");
	return NULL;
}

static int writes_personal(hotline__cmdctx *c)
{
	json_t *h = personal_holder(c);
	const char *const *p;
	for (p = hotline__pii_fields; h && *p; p++)
		if (json_is_string(json_object_get(h, *p)))
			return 1;
	return 0;
}

int hotline__pii_check(hotline__cmdctx *c)
{
	hotline__keys *k = &c->db->keys;
	int erased = c->have_case && json_object_get(c->snap.json, "erased_at") != NULL;
	if (c->kind == HOTLINE_CMD_FORGET) {
		if (k->mode == HOTLINE__PII_UNENCRYPTED)
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "this database keeps personal data in clear (created "
				"unencrypted): there is no key to destroy");
		if (!k->backend)
			return hotline__cmd_fail(c, HOTLINE_EINVALID, "the storage backend keeps no data keys");
		return 0;
	}
	if (!writes_personal(c))
		return 0;
	if (erased)
		return hotline__cmd_fail(c, HOTLINE_EINVALID, "case '%s': its owner's personal data were erased (forget); "
			"it takes none again", c->case_id);
	if (k->mode == HOTLINE__PII_UNENCRYPTED)
		return 0;
	if (!k->have)
		return hotline__cmd_fail(c, HOTLINE_EKEY, "owner, phone and room are stored encrypted: open the database with "
			"its key to write them (or create it with HOTLINE_DB_UNENCRYPTED)");
	return 0;
}

int hotline__pii_will_seal(hotline__cmdctx *c)
{
	return c->kind != HOTLINE_CMD_FORGET && c->db->keys.mode != HOTLINE__PII_UNENCRYPTED && writes_personal(c);
}

int hotline__pii_seal_command(hotline__cmdctx *c)
{
	hotline_db *db = c->db;
	hotline_storage *st = db->st;
	hotline__case_keyset ks;
	hotline__rnd_pool pool;
	char *wrapped = NULL, *record = NULL, ix[65];
	const char *const *p;
	json_t *h;
	int rc = 0, fresh = 0;

	if (c->kind == HOTLINE_CMD_FORGET) {
		hotline__case_keys_forget(db, c->case_id);
		if ((rc = st->keys->case_key_forget(st, c->case_id)) != 0)
			return hotline__db_storage_fail(db, rc, "erasing the case's data key");
		return 0;
	}
	if (db->keys.mode == HOTLINE__PII_UNENCRYPTED || !writes_personal(c))
		return 0;
	h = personal_holder(c);
	pool.used = 0;
	if (c->kind == HOTLINE_CMD_REGISTER) {
		memset(&ks, 0, sizeof(ks));
		rc = HOTLINE_ENOT_FOUND;
	} else {
		rc = hotline__case_keys(db, c->case_id, &ks, 1);
	}
	if (rc == HOTLINE_ENOT_FOUND) {
		/* a new case, or one registered before encryption: its own data key from now on */
		memcpy(ks.dk, hotline__rnd_take(&pool, sizeof(ks.dk)), sizeof(ks.dk));
		ks.have_dk = 1;
		fresh = 1;
		rc = 0;
	}
	if (rc) {
		hotline__keyset_wipe(&ks);
		return rc == HOTLINE_EKEY ? hotline__cmd_fail(c, rc, "case '%s': its data key cannot be opened with key '%s'",
			c->case_id, db->keys.id) : hotline__db_storage_fail(db, rc, "reading the case's data key");
	}
	if (!ks.have_mk) {
		/* a new case, or a key record from before mask keys: the masks written from now on are erasable */
		memcpy(ks.mk, hotline__rnd_take(&pool, sizeof(ks.mk)), sizeof(ks.mk));
		ks.have_mk = 1;
		fresh = 1;
	}
	for (p = hotline__pii_fields; *p && !rc; p++) {
		json_t *v = json_object_get(h, *p), *sealed;
		if (!json_is_string(v))
			continue;
		if (strcmp(*p, "phone") == 0 && db->keys.have_index) {
			blind(db->keys.index, json_string_value(v), ix);
			if ((rc = st->keys->phone_index_put(st, c->case_id, ix)) != 0)
				rc = hotline__db_storage_fail(db, rc, "writing the phone index");
		}
		sealed = rc ? NULL : seal_value(ks.dk, ks.mk, c->case_id, *p, json_string_value(v), &pool);
		if (!rc && (!sealed || json_object_set_new(h, *p, sealed)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	}
	if (!rc && fresh) {
		if (!(wrapped = hotline__aead_seal(db->keys.wrap, (const unsigned char *)c->case_id, strlen(c->case_id), ks.dk, 32, &pool)) ||
		    !(record = hotline__key_record_text(wrapped, ks.mk)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		else if ((rc = st->keys->case_key_put(st, c->case_id, db->keys.id, record)) != 0)
			rc = hotline__db_storage_fail(db, rc, "storing the case's data key");
		/* a rollback of this write bumps the cache generation, which empties the slot */
		if (rc == 0)
			hotline__case_keys_remember(db, c->case_id, &ks);
	}
	free(wrapped);
	if (record)
		sodium_memzero(record, strlen(record));
	free(record);
	hotline__keyset_wipe(&ks);
	hotline__rnd_wipe(&pool);
	return rc;
}

/* ---- reads ---- */

/*
 * Personal values of `h` made readable in place: clear with the data key,
 * else the mask; a clear value stored before encryption is masked for a
 * handle without the key (unless the database is unencrypted by choice).
 */
static int reveal_holder(hotline_db *db, const char *case_id, json_t *h, int erased, const hotline__case_keyset *ks)
{
	const char *const *p;
	for (p = hotline__pii_fields; *p; p++) {
		json_t *v = json_object_get(h, *p);
		char *text = NULL;
		if (!v)
			continue;
		if (erased) {
			if (json_object_set_new(h, *p, json_string(HOTLINE__ERASED)))
				return HOTLINE_ENOMEM;
			continue;
		}
		if (hotline__pii_is_sealed(v)) {
			if (!(ks->have_dk && open_value(&text, ks->dk, case_id, *p, v) == 0) &&
			    !(text = open_mask(ks->have_mk ? ks->mk : NULL, case_id, *p, v)) &&
			    !(text = hotline__strdup(HOTLINE__ERASED))) /* its key record is gone */
				return HOTLINE_ENOMEM;
		} else if (json_is_string(v) && !db->keys.have && db->keys.mode != HOTLINE__PII_UNENCRYPTED &&
			strcmp(json_string_value(v), HOTLINE__ERASED) != 0) {
			text = hotline__pii_mask(*p, json_string_value(v));
		} else {
			continue;
		}
		if (!text || json_object_set_new(h, *p, json_string(text))) {
			free(text);
			return HOTLINE_ENOMEM;
		}
		sodium_memzero(text, strlen(text));
		free(text);
	}
	return 0;
}

/* The keys a read of `h` uses: whatever opens on this handle (none on a failure: the value then reads masked or erased). */
static void read_keys(hotline_db *db, const char *case_id, const json_t *h, hotline__case_keyset *ks)
{
	const char *const *p;
	int sealed = 0;
	memset(ks, 0, sizeof(*ks));
	for (p = hotline__pii_fields; *p && !sealed; p++)
		sealed = hotline__pii_is_sealed(json_object_get(h, *p));
	/* nothing sealed (an unencrypted database, a case from before encryption): no key to look up */
	if (sealed && hotline__case_keys(db, case_id, ks, db->keys.have) != 0)
		hotline__keyset_wipe(ks);
}

int hotline__pii_reveal_case(hotline_db *db, hotline_case *c)
{
	json_t *ledger = json_object_get(c->json, "ledger");
	hotline__case_keyset ks;
	int rc, erased;
	char *text;
	if (!json_is_object(ledger))
		return 0;
	erased = json_object_get(c->json, "erased_at") != NULL;
	memset(&ks, 0, sizeof(ks));
	if (!erased)
		read_keys(db, c->id, ledger, &ks);
	rc = reveal_holder(db, c->id, ledger, erased, &ks);
	hotline__keyset_wipe(&ks);
	if (rc)
		return rc;
	if (!(text = hotline__json_canonical(c->json)))
		return HOTLINE_ENOMEM;
	free(c->body);
	c->body = text;
	return 0;
}

int hotline__pii_reveal_event(hotline_db *db, const char *stream, int erased, char **body)
{
	json_t *b, *h;
	hotline__case_keyset ks;
	int rc = 0;
	char *text;
	if (!stream || !*stream || (!strstr(*body, "\"owner\"") && !strstr(*body, "\"phone\"") && !strstr(*body, "\"room\"")))
		return 0;
	if (!(b = json_loads(*body, 0, NULL)))
		return 0;
	h = json_object_get(b, "values");
	if (!json_is_object(h))
		h = b;
	memset(&ks, 0, sizeof(ks));
	if (!erased)
		read_keys(db, stream, h, &ks);
	rc = reveal_holder(db, stream, h, erased, &ks);
	hotline__keyset_wipe(&ks);
	if (!rc && !(text = hotline__json_canonical(b)))
		rc = HOTLINE_ENOMEM;
	if (!rc) {
		free(*body);
		*body = text;
	}
	json_decref(b);
	return rc;
}

char *hotline__pii_clear_body(hotline_db *db, const char *stream, const char *body)
{
	json_t *b = json_loads(body, 0, NULL), *h;
	const char *const *p;
	hotline__case_keyset ks;
	int sealed = 0;
	char *out;
	if (!b)
		return NULL;
	h = json_object_get(b, "values");
	if (!json_is_object(h))
		h = b;
	for (p = hotline__pii_fields; *p; p++)
		sealed |= hotline__pii_is_sealed(json_object_get(h, *p));
	memset(&ks, 0, sizeof(ks));
	if (sealed && stream && *stream && db->keys.have)
		read_keys(db, stream, h, &ks);
	for (p = hotline__pii_fields; sealed && *p; p++) {
		json_t *v = json_object_get(h, *p);
		char *text = NULL;
		if (!hotline__pii_is_sealed(v))
			continue;
		/* unreadable (no key, erased): the value cannot be compared; the rest of the command still is */
		if (ks.have_dk && open_value(&text, ks.dk, stream, *p, v) == 0)
			json_object_set_new(h, *p, json_string(text));
		else
			json_object_set_new(h, *p, json_string(HOTLINE__ERASED));
		free(text);
	}
	hotline__keyset_wipe(&ks);
	out = hotline__json_canonical(b);
	json_decref(b);
	return out;
}

/* ---- finding cases by phone ---- */

typedef struct id_list {
	char **ids;
	size_t n, cap;
} id_list;

static int id_cb(const char *case_id, void *payload)
{
	id_list *l = payload;
	char *s;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **ids = realloc(l->ids, cap * sizeof(*ids));
		if (!ids)
			return HOTLINE_ENOMEM;
		l->ids = ids;
		l->cap = cap;
	}
	if (!(s = hotline__strdup(case_id)))
		return HOTLINE_ENOMEM;
	l->ids[l->n++] = s;
	return 0;
}

static int add_case_cb(const hotline_storage_case *sc, void *payload)
{
	return hotline__case_list_add(payload, sc);
}

int hotline_db_cases_by_phone(hotline_case_list **out, hotline_db *db, const char *phone)
{
	hotline_case_list *l;
	id_list ids = { NULL, 0, 0 };
	char ix[65], norm[256];
	size_t i;
	int rc = 0;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out || !phone)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out and a phone number are required");
	*out = NULL;
	hotline__pii_normalise_phone(phone, norm, sizeof(norm));
	if (!*norm)
		return hotline__db_fail(db, HOTLINE_EINVALID, "'%s' holds no digit", phone);
	pthread_mutex_lock(&db->mu);
	if (!db->keys.have || !db->keys.have_index) {
		pthread_mutex_unlock(&db->mu);
		return hotline__db_fail(db, HOTLINE_EKEY, "finding cases by phone needs the database's key");
	}
	if (!(l = calloc(1, sizeof(*l)))) {
		pthread_mutex_unlock(&db->mu);
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	}
	blind(db->keys.index, phone, ix);
	if ((rc = db->st->begin(db->st, 0)) != 0) {
		hotline__db_storage_fail(db, rc, "starting a read");
		goto out;
	}
	rc = db->st->keys->phone_index_find(db->st, ix, id_cb, &ids);
	for (i = 0; rc == 0 && i < ids.n; i++) {
		rc = db->st->case_get(db->st, ids.ids[i], add_case_cb, l);
		if (rc == HOTLINE_ENOT_FOUND)
			rc = 0;
	}
	for (i = 0; rc == 0 && i < l->n; i++)
		rc = hotline__pii_reveal_case(db, &l->items[i]);
	db->st->rollback(db->st);
	if (rc)
		hotline__db_storage_fail(db, rc, "finding cases by phone");
	else
		hotline__clearerr(&db->err);
out:
	for (i = 0; i < ids.n; i++)
		free(ids.ids[i]);
	free(ids.ids);
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		hotline_case_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}
