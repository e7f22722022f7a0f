/*
 * Changing the policy in the record (DESIGN §6.7): a `policy` line by an
 * administrator puts its policy in force from its `at` on. The lines are
 * directory records (kind "policy", beside the "created" one), so every
 * handle loads them with the directory, verify-log rebuilds them from the
 * events and checkpoints cover them.
 *
 * The handle computes with the history: a copy of the latest policy's
 * struct whose eras list every policy with the instant it took over. The
 * rules engine judges each clock under the policy in force when it
 * started, and periodic obligations, rates and the cap under the one in
 * force just before the period's end (rules/eval.c, rules/assess.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "hotline/errors.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/sha256.h"

int hotline__policy_line_load(const json_t *line, const hotline__policy *current, hotline__policy **out,
	hotline__err *err)
{
	const char *name = json_string_value(json_object_get(line, "name"));
	const char *text = json_string_value(json_object_get(line, "text"));
	const char *digest = json_string_value(json_object_get(line, "digest"));
	hotline__policy *p = NULL;
	hotline__err lerr;
	char hex[65];
	*out = NULL;
	if (!name || !text)
		return hotline__seterr(err, HOTLINE_EINVALID, "a policy line needs 'name' and 'text'");
	hotline__sha256_hex(text, strlen(text), hex);
	if (digest && strcmp(digest, hex) != 0)
		return hotline__seterr(err, HOTLINE_EINVALID, "field 'digest' is not the SHA-256 of 'text' (%.12s…)", hex);
	hotline__clearerr(&lerr);
	if (hotline__policy_load(&p, text, strlen(text), &lerr) != 0)
		return hotline__seterr(err, HOTLINE_EINVALID, "field 'text' is not a policy: %s", lerr.msg);
	if (strcmp(hotline__policy_name(p), name) != 0) {
		hotline__seterr(err, HOTLINE_EINVALID, "field 'name' is '%s' but the text is policy '%s'", name,
			hotline__policy_name(p));
		hotline__policy_free(p);
		return HOTLINE_EINVALID;
	}
	/* the calendar's local days and the assessment periods stay those of the database */
	if (current && (p->zone_offset != current->zone_offset || p->period_day != current->period_day)) {
		hotline__seterr(err, HOTLINE_EINVALID, "policy '%s' has another zone or assessment period day than the"
			" database's policy '%s': a database keeps its zone and periods", name, hotline__policy_name(current));
		hotline__policy_free(p);
		return HOTLINE_EINVALID;
	}
	*out = p;
	return 0;
}

void hotline__policy_history_free(hotline__policy_history *h)
{
	size_t i;
	if (!h)
		return;
	for (i = 0; i < h->n; i++)
		if (i > 0 && h->owned[i - 1])
			hotline__policy_free(h->owned[i - 1]);
	free(h->owned);
	free(h->eras);
	free(h->top);
	free(h->name);
	free(h);
}

/* The policy the database was created under, as the handle loaded it. */
static const hotline__policy *base_policy(const hotline_db *db)
{
	return db->rec_name && db->rec_policy ? db->rec_policy : db->given;
}

static int add_era(hotline__policy_history *h, const json_t *line, int64_t from, hotline__policy *p)
{
	const char *text = json_string_value(json_object_get(line, "text"));
	char *name;
	if (!text || !(name = hotline__strdup(json_string_value(json_object_get(line, "name"))))) {
		hotline__policy_free(p);
		return HOTLINE_ENOMEM;
	}
	h->eras[h->n].from = from;
	h->eras[h->n].policy = p;
	h->owned[h->n - 1] = p;
	h->n++;
	free(h->name);
	h->name = name;
	hotline__sha256_hex(text, strlen(text), h->digest);
	return 0;
}

int hotline__db_policy_history(hotline_db *db, const json_t *line, int64_t from, hotline__policy *p,
	hotline__policy_history **out, hotline__err *err)
{
	const hotline__directory *d = &db->dir;
	size_t n = d->n_policies + (line ? 1 : 0), i;
	hotline__policy_history *h;
	int rc = 0;
	*out = NULL;
	if (n == 0)
		return 0;
	if (!(h = calloc(1, sizeof(*h))) || !(h->eras = calloc(n + 1, sizeof(*h->eras))) ||
	    !(h->owned = calloc(n, sizeof(*h->owned))) || !(h->top = malloc(sizeof(*h->top)))) {
		hotline__policy_history_free(h);
		hotline__policy_free(p);
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	}
	h->eras[0].from = INT64_MIN;
	h->eras[0].policy = base_policy(db);
	h->n = 1;
	for (i = 0; i < d->n_policies && rc == 0; i++) {
		const json_t *l = d->policies[i].line;
		hotline__policy *q = NULL;
		hotline__err lerr;
		hotline__clearerr(&lerr);
		/* checked when it was recorded; one that no longer loads is the record's damage */
		if ((rc = hotline__policy_line_load(l, NULL, &q, &lerr)) != 0) {
			hotline__policy_free(p);
			hotline__policy_history_free(h);
			return hotline__seterr(err, HOTLINE_ECORRUPT, "the recorded policy line of seq %lld does not load: %s",
				(long long)d->policies[i].seq, lerr.msg);
		}
		rc = add_era(h, l, d->policies[i].from, q);
	}
	if (rc == 0 && line)
		rc = add_era(h, line, from, p);
	else if (line)
		hotline__policy_free(p);
	if (rc) {
		hotline__policy_history_free(h);
		return hotline__seterr(err, rc, "out of memory");
	}
	*h->top = *h->eras[h->n - 1].policy;
	h->top->eras = h->eras;
	h->top->n_eras = h->n;
	*out = h;
	return 0;
}

int hotline__db_load_policy_spec(hotline__policy **out, char **text_out, const char *spec, hotline__err *err)
{
	FILE *f;
	char *buf;
	long len;
	int rc;
	*text_out = NULL;
	if (!spec || !*spec)
		spec = "gm-hotline";
	if (!strchr(spec, '/') && !strstr(spec, ".json")) {
		size_t n = 0;
		if ((rc = hotline__policy_builtin(out, spec, err)) != 0)
			return rc;
		if (!(*text_out = hotline__policy_builtin_text(spec, &n))) {
			hotline__policy_free(*out);
			*out = NULL;
			return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
		}
		return 0;
	}
	f = fopen(spec, "rb");
	if (!f)
		return hotline__seterr(err, HOTLINE_EIO, "cannot read policy file '%s'", spec);
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return hotline__seterr(err, HOTLINE_EIO, "cannot read policy file '%s'", spec);
	}
	buf = malloc((size_t)len + 1);
	if (!buf) {
		fclose(f);
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	}
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		fclose(f);
		return hotline__seterr(err, HOTLINE_EIO, "cannot read policy file '%s'", spec);
	}
	fclose(f);
	buf[len] = '\0';
	rc = hotline__policy_load(out, buf, (size_t)len, err);
	if (rc) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		hotline__seterr(err, rc, "%s: %s", spec, msg);
		free(buf);
		return rc;
	}
	*text_out = buf;
	return 0;
}

int hotline_policy_line(char **out, const char *policy)
{
	hotline__policy *p = NULL;
	hotline__err err;
	char *text = NULL, hex[65];
	json_t *o;
	int rc;
	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!policy || !*policy)
		return hotline__last_error_set(HOTLINE_EINVALID, "policy is empty (a built-in name or a policy file)");
	hotline__clearerr(&err);
	if ((rc = hotline__db_load_policy_spec(&p, &text, policy, &err)) != 0)
		return hotline__last_error_set(rc, "%s", err.msg);
	hotline__sha256_hex(text, strlen(text), hex);
	o = json_pack("{s:s, s:s, s:s, s:s}", "cmd", "policy", "name", hotline__policy_name(p), "text", text,
		"digest", hex);
	hotline__policy_free(p);
	free(text);
	*out = o ? hotline__json_canonical(o) : NULL;
	json_decref(o);
	return *out ? 0 : hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
}
