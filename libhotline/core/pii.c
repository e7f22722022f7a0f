/*
 * Owners' personal data at rest (DESIGN §6.4; seeds 001 热线信息保密, 003
 * 回访数据应加密存储).
 *
 * - Each case has a random data key and a random mask key; its personal
 *   fields (owner, phone, room) are stored as {"enc": "v1:<base64
 *   nonce|ciphertext>", "mask": "v1:<base64 nonce|ciphertext>"}: the value
 *   under the data key, its mask (138****0000) under the mask key, both
 *   XChaCha20-Poly1305 with the case id and the field name bound as
 *   associated data. The event body the hash chain covers holds that
 *   object, and so does the snapshot (copied from the event), so verify-log
 *   rebuilds and compares snapshots without any key.
 * - Values written before mask keys existed are {"enc", "masked":
 *   "138****0000"}: they read as before, but their masks outlive forget.
 * - The case's key record (the storage's case_keys row) holds the data key
 *   wrapped ("v1:<base64 nonce|ciphertext>", XChaCha20-Poly1305, associated
 *   data the case id) by a subkey of the host's key-encryption key
 *   (crypto_kdf, context "hlpiikey", id 1), then " m1:" and the mask key in
 *   base64, not wrapped: masks are for readers without the KEK, and
 *   deleting the record (forget) makes them unreadable too. Settings record
 *   the mode, the KEK's id and a check value (BLAKE2b of the KEK's subkey
 *   2), so a wrong key is told apart at open.
 * - The blind index: BLAKE2b keyed with a random index key (stored wrapped
 *   like a data key, under associated data "index") over the normalised
 *   phone number; rotating the KEK re-wraps it, the index rows stay.
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
#include "util/json.h"
#include "util/mem.h"
#include "util/time.h"

static const char *const personal[] = { "owner", "phone", "room", NULL };

#define KDF_CONTEXT "hlpiikey"
#define WRAP_PREFIX "v1:"
#define MASK_KEY_SEP " m1:" /* in a key record, between the wrapped data key and the mask key */
#define SET_MODE "pii.mode"
#define SET_KEY_ID "pii.key_id"
#define SET_CHECK "pii.key_check"
#define SET_INDEX "pii.index_key"

int hotline__pii_is_field(const char *name)
{
	const char *const *p;
	for (p = personal; name && *p; p++)
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

/* ---- primitives ---- */

static char *b64(const unsigned char *bin, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix), blen = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(plen + blen);
	if (!out)
		return NULL;
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, blen, bin, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* Random bytes drawn from one call to the system's generator (one system call rather than one per nonce and key). */
typedef struct rnd_pool {
	unsigned char buf[256];
	size_t used;
} rnd_pool;

static const unsigned char *rnd_take(rnd_pool *p, size_t n)
{
	if (p->used == 0 || p->used + n > sizeof(p->buf)) {
		randombytes_buf(p->buf, sizeof(p->buf));
		p->used = 0;
	}
	p->used += n;
	return p->buf + p->used - n;
}

static void rnd_wipe(rnd_pool *p)
{
	sodium_memzero(p, sizeof(*p));
}

/*
 * Base64 (standard alphabet, padded) of public bytes: ciphertexts. The
 * table-driven code is several times faster than libsodium's constant-time
 * one, which stays for secret bytes (the mask key in a key record).
 */
static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_public(const unsigned char *bin, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix), i;
	char *out = malloc(plen + (n + 2) / 3 * 4 + 1), *o;
	if (!out)
		return NULL;
	memcpy(out, prefix, plen);
	o = out + plen;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)bin[i] << 16 | (unsigned long)bin[i + 1] << 8 | bin[i + 2];
		*o++ = b64_chars[v >> 18];
		*o++ = b64_chars[(v >> 12) & 63];
		*o++ = b64_chars[(v >> 6) & 63];
		*o++ = b64_chars[v & 63];
	}
	if (i < n) {
		unsigned long v = (unsigned long)bin[i] << 16 | (i + 1 < n ? (unsigned long)bin[i + 1] << 8 : 0);
		*o++ = b64_chars[v >> 18];
		*o++ = b64_chars[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64_chars[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes what b64_public made (strictly: padded, nothing else); -1 when it is not that. */
static int b64_public_decode(unsigned char *out, size_t size, const char *text, size_t len, size_t *n)
{
	size_t i, o = 0, pad = 0;
	if (len % 4)
		return -1;
	if (len && text[len - 1] == '=')
		pad = text[len - 2] == '=' ? 2 : 1;
	if (len / 4 * 3 - pad > size)
		return -1;
	for (i = 0; i < len; i += 4) {
		int a = b64_value((unsigned char)text[i]), b = b64_value((unsigned char)text[i + 1]);
		int c = b64_value((unsigned char)text[i + 2]), d = b64_value((unsigned char)text[i + 3]);
		int last = i + 4 == len;
		/* '=' only as the padding of the last group */
		if (a < 0 || b < 0 || (c < 0 && !(last && pad == 2)) || (d < 0 && !(last && pad >= 1)))
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		if (!(last && pad == 2))
			out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		if (!(last && pad >= 1))
			out[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	*n = o;
	return 0;
}

/* Seals `n` bytes: prefix + base64(nonce | ciphertext). The nonce from `pool`, or fresh when NULL. */
static char *seal(const unsigned char key[32], const unsigned char *ad, size_t ad_len, const unsigned char *m, size_t n,
	rnd_pool *pool)
{
	size_t total = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + n + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *buf = malloc(total);
	unsigned long long clen;
	char *out;
	if (!buf)
		return NULL;
	if (pool)
		memcpy(buf, rnd_take(pool, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	else
		randombytes_buf(buf, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, m, n,
		ad, ad_len, NULL, buf, key);
	out = b64_public(buf, total, WRAP_PREFIX);
	free(buf);
	return out;
}

/* Opens what seal() made; *out (malloc'd, NUL-terminated) and *n. 0 or HOTLINE_EKEY. */
static int unseal(unsigned char **out, size_t *n, const unsigned char key[32], const unsigned char *ad, size_t ad_len,
	const char *text)
{
	size_t tlen, blen;
	unsigned char *bin;
	unsigned long long mlen;
	const size_t NB = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, AB = crypto_aead_xchacha20poly1305_ietf_ABYTES;
	*out = NULL;
	if (!text || strncmp(text, WRAP_PREFIX, strlen(WRAP_PREFIX)) != 0)
		return HOTLINE_EKEY;
	text += strlen(WRAP_PREFIX);
	tlen = strlen(text);
	if (!(bin = malloc(tlen + 1)))
		return HOTLINE_ENOMEM;
	if (b64_public_decode(bin, tlen, text, tlen, &blen) != 0 || blen < NB + AB) {
		free(bin);
		return HOTLINE_EKEY;
	}
	if (!(*out = malloc(blen - NB - AB + 1))) {
		free(bin);
		return HOTLINE_ENOMEM;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(*out, &mlen, NULL, bin + NB, blen - NB, ad, ad_len, bin, key) != 0) {
		free(bin);
		free(*out);
		*out = NULL;
		return HOTLINE_EKEY;
	}
	free(bin);
	(*out)[mlen] = '\0';
	*n = (size_t)mlen;
	return 0;
}

static char *wrap_key(const unsigned char wrap[32], const char *ad, const unsigned char key[32])
{
	return seal(wrap, (const unsigned char *)ad, strlen(ad), key, 32, NULL);
}

static int unwrap_key(unsigned char key[32], const unsigned char wrap[32], const char *ad, const char *wrapped)
{
	unsigned char *m;
	size_t n;
	int rc = unseal(&m, &n, wrap, (const unsigned char *)ad, strlen(ad), wrapped);
	if (rc)
		return rc;
	if (n != 32) {
		sodium_memzero(m, n);
		free(m);
		return HOTLINE_EKEY;
	}
	memcpy(key, m, 32);
	sodium_memzero(m, n);
	free(m);
	return 0;
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

/* {"enc", "mask"} with a mask key; {"enc", "masked"} (the mask in clear) without one. */
static json_t *seal_value(const unsigned char dk[32], const unsigned char *mk, const char *case_id, const char *field,
	const char *clear, rnd_pool *pool)
{
	unsigned char ad[400];
	size_t ad_len = field_ad(ad, sizeof(ad), AD_VALUE, case_id, field);
	char *enc = seal(dk, ad, ad_len, (const unsigned char *)clear, strlen(clear), pool);
	char *mask = hotline__pii_mask(field, clear), *sealed_mask = NULL;
	json_t *v = NULL;
	if (mk && mask) {
		ad_len = field_ad(ad, sizeof(ad), AD_MASK, case_id, field);
		sealed_mask = seal(mk, ad, ad_len, (const unsigned char *)mask, strlen(mask), pool);
	}
	if (enc && mask && (!mk || sealed_mask) && (v = json_object()) &&
	    (json_object_set_new_nocheck(v, "enc", json_string_nocheck(enc)) ||
	     json_object_set_new_nocheck(v, mk ? "mask" : "masked", mk ? json_string_nocheck(sealed_mask) : json_string(mask)))) {
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
	int rc = unseal(&m, &n, dk, ad, ad_len, json_string_value(json_object_get(v, "enc")));
	*out = (char *)m;
	return rc;
}

/* The mask of a sealed value (caller frees): stored in clear (older values) or opened with the mask key; NULL when it cannot be. */
static char *open_mask(const unsigned char *mk, const char *case_id, const char *field, const json_t *v)
{
	unsigned char ad[400], *m;
	size_t n, ad_len;
	const char *clear = json_string_value(json_object_get(v, "masked"));
	if (clear)
		return hotline__strdup(clear);
	if (!mk)
		return NULL;
	ad_len = field_ad(ad, sizeof(ad), AD_MASK, case_id, field);
	return unseal(&m, &n, mk, ad, ad_len, json_string_value(json_object_get(v, "mask"))) == 0 ? (char *)m : NULL;
}

static void blind(const unsigned char index[32], const char *phone, char out[65])
{
	char norm[256];
	unsigned char h[32];
	hotline__pii_normalise_phone(phone, norm, sizeof(norm));
	crypto_generichash(h, sizeof(h), (const unsigned char *)norm, strlen(norm), index, 32);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* ---- settings ---- */

static int copy_cb(const char *value, void *payload)
{
	char **out = payload;
	return (*out = hotline__strdup(value)) ? 0 : HOTLINE_ENOMEM;
}

/* A setting's value (caller frees), NULL when absent; *rc set on a failure. */
static char *setting(hotline_storage *st, const char *name, int *rc)
{
	char *v = NULL;
	int r = st->setting_get(st, name, copy_cb, &v);
	if (r && r != HOTLINE_ENOT_FOUND)
		*rc = r;
	return v;
}

static void derive(hotline__keys *k, const unsigned char kek[32])
{
	crypto_kdf_derive_from_key(k->wrap, 32, 1, KDF_CONTEXT, kek);
	crypto_kdf_derive_from_key(k->check, 32, 2, KDF_CONTEXT, kek);
}

static void check_value(const hotline__keys *k, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), k->check, 32, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static int has_backend(hotline_storage *st)
{
	return st->version >= 6 && st->setting_get && st->setting_put && st->case_key_put && st->case_key_get &&
		st->case_keys_foreach && st->case_key_forget && st->phone_index_put && st->phone_index_find;
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
	w = wrap_key(db->keys.wrap, "index", index);
	check_value(&db->keys, check);
	if (!w)
		return HOTLINE_ENOMEM;
	rc = st->setting_put(st, SET_KEY_ID, db->keys.id);
	if (!rc)
		rc = st->setting_put(st, SET_CHECK, check);
	if (!rc)
		rc = st->setting_put(st, SET_INDEX, w);
	if (!rc && set_mode)
		rc = st->setting_put(st, SET_MODE, "encrypted");
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

static int valid_key_id(const char *id)
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
	mode = setting(st, SET_MODE, &rc);
	kid = setting(st, SET_KEY_ID, &rc);
	check = setting(st, SET_CHECK, &rc);
	index = setting(st, SET_INDEX, &rc);
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
		check_value(&db->keys, mine);
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
		if (!index || unwrap_key(db->keys.index, db->keys.wrap, "index", index) != 0) {
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
				if ((rc = st->setting_put(st, SET_MODE, "unencrypted")) != 0) {
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
	db->keys.backend = has_backend(db->st);
	if (!valid_key_id(kid))
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
			return hotline__last_error_set(HOTLINE_EINVALID, "the storage backend cannot keep data keys (it needs "
				"the callbacks of storage version 5)");
		}
		derive(&db->keys, key);
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

/* What a case's key record opens to on this handle. */
typedef struct case_keyset {
	int have_dk, have_mk;
	unsigned char dk[32];      /* the data key: with the KEK only */
	unsigned char mk[32];      /* the mask key: for every reader */
} case_keyset;

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

/*
 * Splits a key record in place: *wrapped is left pointing at the wrapped
 * data key (the record's text up to MASK_KEY_SEP), and the mask key after it,
 * if any, is decoded into mk (*have_mk). A record written before mask keys
 * existed is the wrapped data key alone.
 */
static void split_record(char *record, char **wrapped, unsigned char mk[32], int *have_mk)
{
	char *sep = strstr(record, MASK_KEY_SEP);
	size_t n = 0;
	*have_mk = 0;
	*wrapped = record;
	if (!sep)
		return;
	*sep = '\0';
	sep += strlen(MASK_KEY_SEP);
	if (sodium_base642bin(mk, 32, sep, strlen(sep), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 && n == 32)
		*have_mk = 1;
	sodium_memzero(sep, strlen(sep));
}

/* A key record: the wrapped data key, then the mask key (caller frees). */
static char *record_text(const char *wrapped, const unsigned char mk[32])
{
	char *tail = b64(mk, 32, MASK_KEY_SEP), *out = NULL;
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
	if (st->version < 2 || !st->data_version || st->data_version(st, &v) != 0 || v == NO_DATA_VERSION)
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

static int key_cache_get(hotline_db *db, const char *case_id, case_keyset *ks, int want_dk, uint64_t dv)
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

static void key_cache_put(hotline_db *db, const char *case_id, const case_keyset *ks, uint64_t dv)
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

/*
 * The case's keys: the mask key for any handle, the data key too when
 * want_dk (which needs the KEK). 0, HOTLINE_ENOT_FOUND (no record),
 * HOTLINE_EKEY (the data key does not open) or a storage failure.
 */
static int case_keys(hotline_db *db, const char *case_id, case_keyset *ks, int want_dk)
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
	rc = db->st->case_key_get(db->st, case_id, key_row_cb, &r);
	if (rc == 0) {
		split_record(r.wrapped, &wrapped, ks->mk, &ks->have_mk);
		if (want_dk && (rc = unwrap_key(ks->dk, db->keys.wrap, case_id, wrapped)) == 0)
			ks->have_dk = 1;
		if (rc == 0)
			key_cache_put(db, case_id, ks, dv);
	}
	if (r.wrapped)
		sodium_memzero(r.wrapped, strlen(r.wrapped));
	free(r.wrapped);
	return rc;
}

static void keyset_wipe(case_keyset *ks)
{
	sodium_memzero(ks, sizeof(*ks));
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
	for (p = personal; h && *p; p++)
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
	case_keyset ks;
	rnd_pool pool;
	char *wrapped = NULL, *record = NULL, ix[65];
	const char *const *p;
	json_t *h;
	int rc = 0, fresh = 0;

	if (c->kind == HOTLINE_CMD_FORGET) {
		key_cache_drop(db, c->case_id);
		if ((rc = st->case_key_forget(st, c->case_id)) != 0)
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
		rc = case_keys(db, c->case_id, &ks, 1);
	}
	if (rc == HOTLINE_ENOT_FOUND) {
		/* a new case, or one registered before encryption: its own data key from now on */
		memcpy(ks.dk, rnd_take(&pool, sizeof(ks.dk)), sizeof(ks.dk));
		ks.have_dk = 1;
		fresh = 1;
		rc = 0;
	}
	if (rc) {
		keyset_wipe(&ks);
		return rc == HOTLINE_EKEY ? hotline__cmd_fail(c, rc, "case '%s': its data key cannot be opened with key '%s'",
			c->case_id, db->keys.id) : hotline__db_storage_fail(db, rc, "reading the case's data key");
	}
	if (!ks.have_mk) {
		/* a new case, or a key record from before mask keys: the masks written from now on are erasable */
		memcpy(ks.mk, rnd_take(&pool, sizeof(ks.mk)), sizeof(ks.mk));
		ks.have_mk = 1;
		fresh = 1;
	}
	for (p = personal; *p && !rc; p++) {
		json_t *v = json_object_get(h, *p), *sealed;
		if (!json_is_string(v))
			continue;
		if (strcmp(*p, "phone") == 0 && db->keys.have_index) {
			blind(db->keys.index, json_string_value(v), ix);
			if ((rc = st->phone_index_put(st, c->case_id, ix)) != 0)
				rc = hotline__db_storage_fail(db, rc, "writing the phone index");
		}
		sealed = rc ? NULL : seal_value(ks.dk, ks.mk, c->case_id, *p, json_string_value(v), &pool);
		if (!rc && (!sealed || json_object_set_new(h, *p, sealed)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	}
	if (!rc && fresh) {
		if (!(wrapped = seal(db->keys.wrap, (const unsigned char *)c->case_id, strlen(c->case_id), ks.dk, 32, &pool)) ||
		    !(record = record_text(wrapped, ks.mk)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		else if ((rc = st->case_key_put(st, c->case_id, db->keys.id, record)) != 0)
			rc = hotline__db_storage_fail(db, rc, "storing the case's data key");
		/* a rollback of this write bumps the cache generation, which empties the slot */
		if (rc == 0)
			key_cache_put(db, c->case_id, &ks, key_cache_version(db));
	}
	free(wrapped);
	if (record)
		sodium_memzero(record, strlen(record));
	free(record);
	keyset_wipe(&ks);
	rnd_wipe(&pool);
	return rc;
}

/* ---- reads ---- */

/*
 * Personal values of `h` made readable in place: clear with the data key,
 * else the mask; a clear value stored before encryption is masked for a
 * handle without the key (unless the database is unencrypted by choice).
 */
static int reveal_holder(hotline_db *db, const char *case_id, json_t *h, int erased, const case_keyset *ks)
{
	const char *const *p;
	for (p = personal; *p; p++) {
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
static void read_keys(hotline_db *db, const char *case_id, const json_t *h, case_keyset *ks)
{
	const char *const *p;
	int sealed = 0;
	memset(ks, 0, sizeof(*ks));
	for (p = personal; *p && !sealed; p++)
		sealed = hotline__pii_is_sealed(json_object_get(h, *p));
	/* nothing sealed (an unencrypted database, a case from before encryption): no key to look up */
	if (sealed && case_keys(db, case_id, ks, db->keys.have) != 0)
		keyset_wipe(ks);
}

int hotline__pii_reveal_case(hotline_db *db, hotline_case *c)
{
	json_t *ledger = json_object_get(c->json, "ledger");
	case_keyset ks;
	int rc, erased;
	char *text;
	if (!json_is_object(ledger))
		return 0;
	erased = json_object_get(c->json, "erased_at") != NULL;
	memset(&ks, 0, sizeof(ks));
	if (!erased)
		read_keys(db, c->id, ledger, &ks);
	rc = reveal_holder(db, c->id, ledger, erased, &ks);
	keyset_wipe(&ks);
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
	case_keyset ks;
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
	keyset_wipe(&ks);
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
	case_keyset ks;
	int sealed = 0;
	char *out;
	if (!b)
		return NULL;
	h = json_object_get(b, "values");
	if (!json_is_object(h))
		h = b;
	for (p = personal; *p; p++)
		sealed |= hotline__pii_is_sealed(json_object_get(h, *p));
	memset(&ks, 0, sizeof(ks));
	if (sealed && stream && *stream && db->keys.have)
		read_keys(db, stream, h, &ks);
	for (p = personal; sealed && *p; p++) {
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
	keyset_wipe(&ks);
	out = hotline__json_canonical(b);
	json_decref(b);
	return out;
}

/* ---- public API ---- */

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
	rc = db->st->phone_index_find(db->st, ix, id_cb, &ids);
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

typedef struct rewrap {
	hotline_db *db;
	const hotline__keys *to;
	char **case_ids, **wrapped;
	size_t n, cap;
	int failed;
} rewrap;

static int rewrap_cb(const char *case_id, const char *kek_id, const char *record, void *payload)
{
	rewrap *r = payload;
	unsigned char dk[32], mk[32];
	char *copy = hotline__strdup(record), *wrapped, *w;
	int have_mk;
	(void)kek_id;
	if (!copy)
		return HOTLINE_ENOMEM;
	split_record(copy, &wrapped, mk, &have_mk);
	if (unwrap_key(dk, r->db->keys.wrap, case_id, wrapped) != 0) {
		free(copy);
		sodium_memzero(mk, sizeof(mk));
		hotline__db_fail(r->db, HOTLINE_EKEY, "case '%s': its data key does not open with key '%s'", case_id,
			r->db->keys.id);
		return HOTLINE_EKEY;
	}
	free(copy);
	w = wrap_key(r->to->wrap, case_id, dk);
	sodium_memzero(dk, sizeof(dk));
	/* the mask key stays as it is: it is not wrapped by the KEK */
	if (w && have_mk) {
		char *full = record_text(w, mk);
		free(w);
		w = full;
	}
	sodium_memzero(mk, sizeof(mk));
	if (!w)
		return HOTLINE_ENOMEM;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		char **a = realloc(r->case_ids, cap * sizeof(*a)), **b;
		if (a)
			r->case_ids = a;
		b = a ? realloc(r->wrapped, cap * sizeof(*b)) : NULL;
		if (!b) {
			free(w);
			return HOTLINE_ENOMEM;
		}
		r->wrapped = b;
		r->cap = cap;
	}
	if (!(r->case_ids[r->n] = hotline__strdup(case_id))) {
		free(w);
		return HOTLINE_ENOMEM;
	}
	r->wrapped[r->n++] = w;
	return 0;
}

int hotline_db_rotate_key(hotline_db *db, const unsigned char *new_key, const char *new_key_id)
{
	hotline_storage *st;
	hotline__keys to;
	rewrap r;
	char check[65], *wi = NULL;
	size_t i;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!new_key || !new_key_id || !valid_key_id(new_key_id))
		return hotline__db_fail(db, HOTLINE_EINVALID, "a new key and its id (1-64 printable ASCII characters) are required");
	pthread_mutex_lock(&db->mu);
	st = db->st;
	hotline__clearerr(&db->err);
	if (db->read_only || db->in_batch || !db->keys.have || db->keys.ephemeral || !db->keys.have_index) {
		rc = hotline__db_fail(db, db->keys.have ? HOTLINE_EINVALID : HOTLINE_EKEY, "%s",
			db->read_only ? "the database was opened read-only" : db->in_batch ? "a batch is open on this handle"
			: !db->keys.have ? "rotating the key needs the current key" : "this database has no key to rotate");
		pthread_mutex_unlock(&db->mu);
		return rc;
	}
	memset(&to, 0, sizeof(to));
	derive(&to, new_key);
	snprintf(to.id, sizeof(to.id), "%s", new_key_id);
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.to = &to;
	/* as a batch: no writer in flight may add a data key under the old key while every key is re-wrapped */
	if ((rc = hotline__db_begin_write(db, 1)) != 0) {
		rc = hotline__db_storage_fail(db, rc, "starting the rotation");
		goto out;
	}
	rc = st->case_keys_foreach(st, rewrap_cb, &r);
	for (i = 0; rc == 0 && i < r.n; i++)
		rc = st->case_key_put(st, r.case_ids[i], to.id, r.wrapped[i]);
	check_value(&to, check);
	if (rc == 0 && !(wi = wrap_key(to.wrap, "index", db->keys.index)))
		rc = HOTLINE_ENOMEM;
	if (rc == 0 && (rc = st->setting_put(st, SET_INDEX, wi)) == 0 && (rc = st->setting_put(st, SET_KEY_ID, to.id)) == 0)
		rc = st->setting_put(st, SET_CHECK, check);
	if (rc) {
		st->rollback(st);
		if (rc != HOTLINE_EKEY)
			hotline__db_storage_fail(db, rc, "rotating the key");
		goto out;
	}
	if ((rc = st->commit(st)) != 0) {
		hotline__db_storage_fail(db, rc, "committing the rotation");
		goto out;
	}
	memcpy(db->keys.wrap, to.wrap, 32);
	memcpy(db->keys.check, to.check, 32);
	snprintf(db->keys.id, sizeof(db->keys.id), "%s", to.id);
out:
	for (i = 0; i < r.n; i++) {
		free(r.case_ids[i]);
		free(r.wrapped[i]);
	}
	free(r.case_ids);
	free(r.wrapped);
	free(wi);
	sodium_memzero(&to, sizeof(to));
	pthread_mutex_unlock(&db->mu);
	return rc;
}

/* ---- migration and the report ---- */

typedef struct clear_case {
	char *id;
	hotline_time last_at;
	json_t *values;
} clear_case;

typedef struct clear_scan {
	clear_case *items;
	size_t n, cap;
	size_t events;
} clear_scan;

/* The clear personal values of a snapshot's ledger (NULL when none, or erased). */
static json_t *clear_values(const char *body)
{
	json_t *b = json_loads(body, 0, NULL), *ledger, *out = NULL;
	const char *const *p;
	if (!b)
		return NULL;
	ledger = json_object_get(b, "ledger");
	if (json_is_object(ledger) && !json_object_get(b, "erased_at"))
		for (p = personal; *p; p++) {
			json_t *v = json_object_get(ledger, *p);
			if (json_is_string(v) && strcmp(json_string_value(v), HOTLINE__ERASED) != 0) {
				if (!out)
					out = json_object();
				json_object_set(out, *p, v);
			}
		}
	json_decref(b);
	return out;
}

static int scan_case_cb(const hotline_storage_case *sc, void *payload)
{
	clear_scan *s = payload;
	json_t *v = clear_values(sc->body);
	clear_case *c;
	if (!v)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		clear_case *items = realloc(s->items, cap * sizeof(*items));
		if (!items) {
			json_decref(v);
			return HOTLINE_ENOMEM;
		}
		s->items = items;
		s->cap = cap;
	}
	c = &s->items[s->n];
	c->id = hotline__strdup(sc->id);
	c->last_at = sc->last_at;
	c->values = v;
	if (!c->id) {
		json_decref(v);
		return HOTLINE_ENOMEM;
	}
	s->n++;
	return 0;
}

static int scan_event_cb(const hotline_storage_event *e, void *payload)
{
	clear_scan *s = payload;
	json_t *b, *h;
	const char *const *p;
	if (!*e->stream || (strcmp(e->cmd, "register") != 0 && strcmp(e->cmd, "correct_record") != 0))
		return 0;
	if (!(b = json_loads(e->body, 0, NULL)))
		return 0;
	h = strcmp(e->cmd, "register") == 0 ? b : json_object_get(b, "values");
	for (p = personal; json_is_object(h) && *p; p++)
		if (json_is_string(json_object_get(h, *p))) {
			s->events++;
			break;
		}
	json_decref(b);
	return 0;
}

static void scan_free(clear_scan *s)
{
	size_t i;
	for (i = 0; i < s->n; i++) {
		free(s->items[i].id);
		json_decref(s->items[i].values);
	}
	free(s->items);
	memset(s, 0, sizeof(*s));
}

int hotline_db_encrypt_existing(hotline_db *db, size_t *cases_out)
{
	hotline_storage *st;
	hotline_storage_query all = HOTLINE_STORAGE_QUERY_INIT;
	clear_scan s;
	size_t i, done = 0;
	int rc, old_mode;
	if (cases_out)
		*cases_out = 0;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if ((rc = hotline_db_begin(db)) != 0)
		return rc;
	pthread_mutex_lock(&db->mu);
	st = db->st;
	memset(&s, 0, sizeof(s));
	old_mode = db->keys.mode;
	if (!db->keys.have || !db->keys.have_index) {
		rc = hotline__db_fail(db, HOTLINE_EKEY, "encrypting the personal data needs the database's key");
		goto out;
	}
	if (db->keys.mode != HOTLINE__PII_ENCRYPTED) {
		if ((rc = st->setting_put(st, SET_MODE, "encrypted")) != 0) {
			rc = hotline__db_storage_fail(db, rc, "recording the personal-data mode");
			goto out;
		}
		db->keys.mode = HOTLINE__PII_ENCRYPTED;
	}
	if ((rc = st->cases_foreach(st, &all, scan_case_cb, &s)) != 0) {
		rc = hotline__db_storage_fail(db, rc, "reading the cases");
		goto out;
	}
	for (i = 0; i < s.n && rc == 0; i++) {
		char at[32], *text;
		json_t *cmd;
		hotline__time_format(s.items[i].last_at, 0, at);
		cmd = json_pack("{s:s,s:s,s:s,s:O}", "cmd", "encrypt_record", "case", s.items[i].id, "at", at,
			"values", s.items[i].values);
		text = cmd ? hotline__json_canonical(cmd) : NULL;
		json_decref(cmd);
		db->internal_cmd = 1;
		rc = text ? hotline_db_exec_json(db, text, NULL) : hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		db->internal_cmd = 0;
		if (text)
			sodium_memzero(text, strlen(text));
		free(text);
		if (rc == 0)
			done++;
	}
out:
	scan_free(&s);
	if (rc) {
		char msg[sizeof(db->err.msg)];
		snprintf(msg, sizeof(msg), "%s", db->err.msg);
		if (db->in_batch)
			hotline_db_rollback(db);
		db->keys.mode = old_mode;
		hotline__db_fail(db, rc, "%s", msg);
	} else if ((rc = hotline_db_commit(db)) != 0) {
		db->keys.mode = old_mode;
	} else if (cases_out) {
		*cases_out = done;
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_encryption(char **out, hotline_db *db)
{
	hotline_storage_query all = HOTLINE_STORAGE_QUERY_INIT;
	clear_scan s;
	json_t *o;
	char *kid = NULL;
	int rc = 0;
	static const char *const modes[] = { "not_set", "encrypted", "unencrypted" };
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	memset(&s, 0, sizeof(s));
	pthread_mutex_lock(&db->mu);
	if ((rc = db->st->begin(db->st, 0)) != 0) {
		hotline__db_storage_fail(db, rc, "starting a read");
		pthread_mutex_unlock(&db->mu);
		return rc;
	}
	if (db->keys.backend)
		kid = setting(db->st, SET_KEY_ID, &rc);
	if (rc == 0)
		rc = db->st->cases_foreach(db->st, &all, scan_case_cb, &s);
	if (rc == 0)
		rc = db->st->events_foreach(db->st, NULL, scan_event_cb, &s);
	db->st->rollback(db->st);
	if (rc) {
		hotline__db_storage_fail(db, rc, "reading the database");
	} else {
		o = json_pack("{s:s,s:s?,s:b,s:I,s:I}", "mode", modes[db->keys.mode], "key_id", kid,
			"key_given", db->keys.have, "clear_events", (json_int_t)s.events, "clear_cases", (json_int_t)s.n);
		*out = o ? hotline__json_canonical(o) : NULL;
		json_decref(o);
		if (!*out)
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		else
			hotline__clearerr(&db->err);
	}
	free(kid);
	scan_free(&s);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

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
		if (!valid_key_id(p) || strlen(p) + 1 > id_size) {
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
