/*
 * Checkpoints: one SHA-256 over every event up to a seq, in seq order (the
 * event's seq, stream, position and its hash recomputed from its content,
 * so a rewritten body changes it even when the stored hash was kept), and
 * one over the directory records those events wrote, as the table holds
 * them now. Both go into the digest with the seq and the count.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/checkpoint.h"
#include "core/db.h"
#include "core/eventlog.h"
#include "core/rebuild.h"
#include "storage/caps.h"
#include "util/mem.h"
#include "util/sha256.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define STOP 1   /* an iteration that reached the end of what is covered */

/* One length-prefixed part, as the event hash has them: no two sequences of parts hash alike. */
static void part(hotline__sha256 *h, const void *p, size_t len)
{
	char num[24];
	int k = snprintf(num, sizeof(num), "%zu:", len);
	hotline__sha256_update(h, num, (size_t)k);
	hotline__sha256_update(h, p, len);
}

static void part_str(hotline__sha256 *h, const char *s)
{
	part(h, s, strlen(s));
}

static void part_int(hotline__sha256 *h, int64_t v)
{
	char num[24];
	int k = snprintf(num, sizeof(num), "%" PRId64, v);
	part(h, num, (size_t)k);
}

typedef struct fold {
	int64_t up_to, seq, count, next_seq;
	int ids, ids_seen;        /* the backend stores ids; one was read */
	int64_t id_differs_seq;
	hotline__sha256 events;
	hotline__dir_rebuild dir;
} fold;

static int fold_event(const hotline_storage_event *e, void *payload)
{
	fold *f = payload;
	char h[65];
	if (e->seq > f->up_to) {
		f->next_seq = e->seq;
		return STOP;
	}
	hotline__event_hash(e->stream, e->stream_seq, e->cmd, e->actor, e->at, e->body, e->prev_hash, h);
	part_int(&f->events, e->seq);
	part_str(&f->events, e->stream);
	part_int(&f->events, e->stream_seq);
	part_str(&f->events, h);
	/*
	 * The id column is outside the hash; the body holds the id. An event
	 * whose stored id is another one adds it: the digest changes, while
	 * that of every log as the library writes it stays what it was.
	 */
	if (f->ids && !hotline__event_id_agrees(e->id, e->body, NULL, &f->ids_seen)) {
		part_str(&f->events, "id");
		part_str(&f->events, e->id ? e->id : "");
		if (!f->id_differs_seq)
			f->id_differs_seq = e->seq;
	}
	f->seq = e->seq;
	f->count++;
	if (!*e->stream) {
		/* the directory records it wrote: where the table keeps them (a line that cannot be read wrote none) */
		hotline__err err;
		hotline__clearerr(&err);
		if (hotline__dir_rebuild_event(&f->dir, e, &err) == HOTLINE_ENOMEM)
			return HOTLINE_ENOMEM;
	}
	return 0;
}

typedef struct dir_fold {
	hotline__sha256 *h;
	int found;
} dir_fold;

static int dir_row_cb(const char *kind, const char *key, const char *body, void *payload)
{
	dir_fold *d = payload;
	(void)kind;
	(void)key;
	d->found = 1;
	part_str(d->h, "1");
	part_str(d->h, body);
	return 0;
}

int hotline__checkpoint_compute(hotline_storage *st, int64_t up_to, hotline__checkpoint *c, int64_t *last_seq)
{
	static const char tag[] = "hotline-checkpoint-v1";
	hotline__sha256 dir, all;
	unsigned char ev_digest[32], dir_digest[32];
	fold f;
	size_t i;
	int rc;

	memset(&f, 0, sizeof(f));
	f.up_to = up_to;
	f.ids = 1;
	hotline__sha256_init(&f.events);
	hotline__dir_rebuild_init(&f.dir);
	rc = st->events_foreach(st, NULL, fold_event, &f);
	if (rc == STOP)
		rc = 0;
	hotline__sha256_init(&dir);
	/* the policy the database was created under, which no event wrote (core/policy_record.c) */
	if (rc == 0) {
		dir_fold d = { &dir, 0 };
		rc = st->dir_get(st, "policy", "created", dir_row_cb, &d);
		if (rc == HOTLINE_ENOT_FOUND)
			rc = 0;
	}
	/* in the order the events wrote them */
	for (i = 0; rc == 0 && i < f.dir.n_rows; i++) {
		const hotline__dir_row *row = &f.dir.rows[i];
		dir_fold d = { &dir, 0 };
		part_str(&dir, row->kind);
		part_str(&dir, row->key);
		rc = st->dir_get(st, row->kind, row->key, dir_row_cb, &d);
		if (rc == HOTLINE_ENOT_FOUND) {
			part_str(&dir, "0");
			rc = 0;
		}
	}
	hotline__dir_rebuild_free(&f.dir);
	if (rc)
		return rc;
	hotline__sha256_final(&f.events, ev_digest);
	hotline__sha256_final(&dir, dir_digest);
	memset(c, 0, sizeof(*c));
	c->seq = up_to == INT64_MAX ? f.seq : up_to;
	c->count = f.count;
	c->id_differs_seq = f.id_differs_seq;
	hotline__sha256_init(&all);
	part(&all, tag, sizeof(tag) - 1);
	part_int(&all, c->seq);
	part_int(&all, c->count);
	part(&all, ev_digest, sizeof(ev_digest));
	part(&all, dir_digest, sizeof(dir_digest));
	hotline__sha256_final(&all, c->digest);
	if (last_seq)
		*last_seq = f.next_seq ? f.next_seq : f.seq;
	return 0;
}

/* Digits only, no sign, no leading zero: one text per number. */
static const char *parse_num(const char *p, int64_t *out)
{
	int64_t v = 0;
	const char *s = p;
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return NULL;
		v = v * 10 + (*p - '0');
	}
	if (p - s > 19)
		return NULL;
	*out = v;
	return p;
}

/* Exactly `len` bytes of base64url without padding, up to ':' or the end. */
static const char *parse_b64(const char *p, unsigned char *out, size_t len)
{
	const char *end = strchr(p, ':');
	size_t n = end ? (size_t)(end - p) : strlen(p), got = 0;
	const char *stop = NULL;
	if (n != sodium_base64_ENCODED_LEN(len, B64) - 1 ||
	    sodium_base642bin(out, len, p, n, NULL, &got, &stop, B64) != 0 || got != len || stop != p + n)
		return NULL;
	return p + n;
}

int hotline__checkpoint_parse(const char *text, hotline__checkpoint *c, hotline__err *err)
{
	const char *p = text;
	memset(c, 0, sizeof(*c));
	if (sodium_init() < 0)
		return hotline__seterr(err, HOTLINE_ENOMEM, "libsodium could not start");
	if (!text || strlen(text) > HOTLINE_CHECKPOINT_MAX || strncmp(p, "hlc1:", 5) != 0)
		goto bad;
	p += 5;
	if (!(p = parse_num(p, &c->seq)) || *p++ != ':' || !(p = parse_num(p, &c->count)) || *p++ != ':' ||
	    !(p = parse_b64(p, c->digest, sizeof(c->digest))))
		goto bad;
	c->signed_len = (size_t)(p - text);
	if (*p == ':') {
		if (!(p = parse_b64(p + 1, c->sig, sizeof(c->sig))))
			goto bad;
		c->is_signed = 1;
	}
	if (*p == '\0')
		return 0;
bad:
	return hotline__seterr(err, HOTLINE_EINVALID,
		"not a checkpoint (hlc1:<seq>:<count>:<digest>[:<signature>], at most %d characters)", HOTLINE_CHECKPOINT_MAX);
}

int hotline__checkpoint_check(hotline_storage *st, const char *text, const hotline__checkpoint *c,
	const unsigned char *public_key, const char **code, hotline__err *err)
{
	hotline__checkpoint now;
	int64_t last = 0;
	int rc;

	*code = NULL;
	if (public_key && !c->is_signed) {
		*code = "checkpoint_unsigned";
		return hotline__seterr(err, HOTLINE_ECORRUPT, "checkpoint at seq %" PRId64 " is not signed", c->seq);
	}
	if (public_key && crypto_sign_verify_detached(c->sig, (const unsigned char *)text, c->signed_len, public_key) != 0) {
		*code = "checkpoint_signature_invalid";
		return hotline__seterr(err, HOTLINE_ECORRUPT,
			"checkpoint at seq %" PRId64 ": the signature is not the given key's (forged, or another key)", c->seq);
	}
	if ((rc = hotline__checkpoint_compute(st, c->seq, &now, &last)) != 0)
		return rc;
	if (last < c->seq && c->count > now.count) {
		*code = "checkpoint_ahead";
		return hotline__seterr(err, HOTLINE_ECORRUPT, "the log ends at seq %" PRId64 " with %" PRId64
			" events, before the checkpoint's seq %" PRId64 " and %" PRId64 " events: events were deleted",
			last, now.count, c->seq, c->count);
	}
	if (now.count != c->count || sodium_memcmp(now.digest, c->digest, sizeof(now.digest)) != 0) {
		*code = "checkpoint_mismatch";
		if (now.count != c->count)
			return hotline__seterr(err, HOTLINE_ECORRUPT, "the log up to seq %" PRId64 " has %" PRId64
				" events, the checkpoint %" PRId64 ": events were %s", c->seq, now.count, c->count,
				now.count < c->count ? "deleted" : "inserted");
		if (now.id_differs_seq)
			return hotline__seterr(err, HOTLINE_ECORRUPT, "the log up to seq %" PRId64 " differs from the checkpoint:"
				" the event of seq %" PRId64 " is stored under an id that is not the one its hashed body holds",
				c->seq, now.id_differs_seq);
		return hotline__seterr(err, HOTLINE_ECORRUPT, "the log up to seq %" PRId64
			" differs from the checkpoint: events or directory records it covers were changed", c->seq);
	}
	return 0;
}

/* ---- the public calls ---- */

int hotline_checkpoint_options_init(hotline_checkpoint_options *opts, unsigned int version)
{
	if (!opts)
		return hotline__last_error_set(HOTLINE_EINVALID, "options pointer is NULL");
	if (version == 0 || version > HOTLINE_CHECKPOINT_OPTIONS_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_checkpoint_options version %u", version);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return 0;
}

/* libsodium's 64-byte secret key from a seed or a secret key; 0 or HOTLINE_EINVALID. */
static int secret_key_of(unsigned char sk[64], unsigned char pk[32], const unsigned char *key, size_t len)
{
	if (sodium_init() < 0)
		return HOTLINE_ENOMEM;
	if (len == HOTLINE_CHECKPOINT_SEED_BYTES)
		return crypto_sign_seed_keypair(pk, sk, key) == 0 ? 0 : HOTLINE_EINVALID;
	if (len == HOTLINE_CHECKPOINT_SECRET_KEY_BYTES) {
		memcpy(sk, key, 64);
		return crypto_sign_ed25519_sk_to_pk(pk, sk) == 0 ? 0 : HOTLINE_EINVALID;
	}
	return HOTLINE_EINVALID;
}

int hotline_checkpoint_public_key(unsigned char *public_key_out, const unsigned char *secret_key, size_t secret_key_len)
{
	unsigned char sk[64];
	int rc;
	if (!public_key_out || !secret_key)
		return hotline__last_error_set(HOTLINE_EINVALID, "public_key_out and secret_key are required");
	rc = secret_key_of(sk, public_key_out, secret_key, secret_key_len);
	sodium_memzero(sk, sizeof(sk));
	if (rc)
		return hotline__last_error_set(rc, "a signing key is a 32-byte seed or a 64-byte secret key, not %zu bytes",
			secret_key_len);
	return 0;
}

int hotline_db_checkpoint(char **out, hotline_db *db, const hotline_checkpoint_options *opts)
{
	hotline_checkpoint_options o = HOTLINE_CHECKPOINT_OPTIONS_INIT;
	hotline__checkpoint c;
	char text[HOTLINE_CHECKPOINT_MAX + 1], b64[sodium_base64_ENCODED_LEN(64, B64)];
	unsigned char sk[64], pk[32];
	int64_t last = 0, up_to;
	int rc;

	if (out)
		*out = NULL;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	if (opts) {
		if (opts->version == 0 || opts->version > HOTLINE_CHECKPOINT_OPTIONS_VERSION)
			return hotline__db_fail(db, HOTLINE_EINVALID, "unsupported hotline_checkpoint_options version %u", opts->version);
		o = *opts;
	}
	if (o.up_to_seq < 0)
		return hotline__db_fail(db, HOTLINE_EINVALID, "up_to_seq must be 0 (now) or a seq of the log");
	up_to = o.up_to_seq ? o.up_to_seq : INT64_MAX;
	if (o.secret_key && (rc = secret_key_of(sk, pk, o.secret_key, o.secret_key_len)) != 0)
		return hotline__db_fail(db, rc, "a signing key is a 32-byte seed or a 64-byte secret key, not %zu bytes",
			o.secret_key_len);
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	if (hotline__storage_overlapping(db->st)) {
		/*
		 * Writers that overlap may commit out of seq order: cover only seqs no
		 * transaction in flight can still add to (sys/storage.h, HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS).
		 * Beyond that head the log has nothing yet that a checkpoint may
		 * cover: refused, as a seq beyond the log's end is.
		 */
		int64_t stable = 0;
		if ((rc = db->st->stable_seq(db->st, &stable)) != 0) {
			hotline__db_storage_fail(db, rc, "waiting for the writers in flight");
			goto out;
		}
		if (o.up_to_seq > stable) {
			rc = hotline__db_fail(db, HOTLINE_EINVALID, "the log's committed events end at seq %" PRId64 ": no "
				"checkpoint up to %" PRId64 " (it would cover events not written yet, or still being written)",
				stable, o.up_to_seq);
			goto out;
		}
		if (!o.up_to_seq)
			up_to = stable;
	}
	rc = db->in_batch ? 0 : db->st->begin(db->st, 0);
	if (rc) {
		hotline__db_storage_fail(db, rc, "starting a read transaction");
		goto out;
	}
	rc = hotline__checkpoint_compute(db->st, up_to, &c, &last);
	if (!db->in_batch)
		db->st->rollback(db->st);
	if (rc) {
		hotline__db_storage_fail(db, rc, "reading the log");
		goto out;
	}
	if (o.up_to_seq && last < o.up_to_seq) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "the log ends at seq %" PRId64 ": no checkpoint up to %" PRId64
			" (it would cover events not written yet)", last, o.up_to_seq);
		goto out;
	}
	sodium_bin2base64(b64, sizeof(b64), c.digest, sizeof(c.digest), B64);
	snprintf(text, sizeof(text), "hlc1:%" PRId64 ":%" PRId64 ":%s", c.seq, c.count, b64);
	if (o.secret_key) {
		unsigned char sig[64];
		size_t n = strlen(text);
		crypto_sign_detached(sig, NULL, (const unsigned char *)text, n, sk);
		sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), B64);
		snprintf(text + n, sizeof(text) - n, ":%s", b64);
	}
	if (!(*out = hotline__strdup(text)))
		rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
out:
	sodium_memzero(sk, sizeof(sk));
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_verify_checkpoint(hotline_db *db, const char *checkpoint, const unsigned char *public_key)
{
	hotline__checkpoint c;
	hotline__err err;
	const char *code;
	int rc;

	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	hotline__clearerr(&err);
	if ((rc = hotline__checkpoint_parse(checkpoint, &c, &err)) != 0)
		return hotline__db_fail_err(db, &err);
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	rc = db->in_batch ? 0 : db->st->begin(db->st, 0);
	if (rc) {
		hotline__db_storage_fail(db, rc, "starting a read transaction");
	} else {
		rc = hotline__checkpoint_check(db->st, checkpoint, &c, public_key, &code, &err);
		if (!db->in_batch)
			db->st->rollback(db->st);
		if (rc == HOTLINE_ECORRUPT)
			hotline__db_fail_err(db, &err);
		else if (rc)
			hotline__db_storage_fail(db, rc, "reading the log");
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}
