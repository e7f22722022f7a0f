/*
 * Policy loader (DESIGN §3, docs/policy-format.md).
 *
 * Strict on purpose: a policy decides who pays what, so a typo must not
 * silently turn a rule off. Every failure names the JSON path of the
 * offending value ("rules[3].cost.amount_fen: negative amount -5").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotline/lifecycle.h"
#include "model/lifecycle.h"
#include "rules/policy.h"
#include "util/mem.h"

#define PATH_MAX_LEN 192

/* Upper bounds keep every later computation far from int64 overflow. */
#define MAX_AMOUNT_FEN INT64_C(100000000000)   /* ¥1e9 */
#define MAX_DUE_SECONDS INT64_C(315360000)     /* ten years */
#define MAX_WORKING_DAYS 2500
#define MAX_STAGE_CLOSE_DAYS 3650
#define DEFAULT_STAGE_CLOSE_DAYS 30            /* Art. 18 */

static const char *const clock_names[] = { "calendar", "duty_hours", "working_days" };
static const char *const per_names[] = { "none", "once", "day", "working_day", "each", "point" };
static const char *const case_role_names[] = { "call_taker", "property_manager",
	"quality_supervisor", "department_head" };
static const char *const op_names[] = { "eq", "ne", "gt", "ge", "lt", "le", "in", "present" };
static const char *const measure_names[] = { "closure", "satisfaction" };
static const char *const every_names[] = { "month", "quarter" };

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *hotline__policy_clock_name(int clock)
{
	return (clock >= 0 && (size_t)clock < N_OF(clock_names)) ? clock_names[clock] : "?";
}

const char *hotline__policy_per_name(int per)
{
	return (per >= 0 && (size_t)per < N_OF(per_names)) ? per_names[per] : "?";
}

/* ---- error helpers ---- */

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	}
	return "value";
}

static const char *where_of(const char *path)
{
	return path[0] ? path : "(top level)";
}

static int fail(hotline__err *err, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static int fail(hotline__err *err, const char *path, const char *fmt, ...)
{
	char msg[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hotline__seterr(err, HOTLINE_EPOLICY, "%s: %s", where_of(path), msg);
}

static int wrong_type(hotline__err *err, const char *path, const char *want, const json_t *v)
{
	return fail(err, path, "expected %s, got %s", want, type_name(v));
}

static void child(char *out, const char *path, const char *key)
{
	if (path[0])
		snprintf(out, PATH_MAX_LEN, "%s.%s", path, key);
	else
		snprintf(out, PATH_MAX_LEN, "%s", key);
}

static void item(char *out, const char *path, size_t i)
{
	snprintf(out, PATH_MAX_LEN, "%s[%zu]", path, i);
}

static int one_of_list(char *buf, size_t size, const char *const *names, size_t n)
{
	size_t i, used = 0;
	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
	return 0;
}

static int bad_enum(hotline__err *err, const char *path, const char *const *names, size_t n)
{
	char list[160];
	one_of_list(list, sizeof(list), names, n);
	return fail(err, path, "expected one of %s", list);
}

static int find(const char *const *names, size_t n, const char *s)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* ---- typed accessors ---- */

static int check_keys(const json_t *obj, const char *path, const char *const *allowed, size_t n,
	hotline__err *err)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		(void)v;
		if (find(allowed, n, key) < 0)
			return fail(err, path, "unknown key \"%s\"", key);
	}
	return 0;
}

static int need_object(const json_t *v, const char *path, hotline__err *err)
{
	return json_is_object(v) ? 0 : wrong_type(err, path, "object", v);
}

/* Looks up key; a missing required key is an error, a missing optional one gives NULL. */
static int get(const json_t *obj, const char *key, int required, const char *path,
	json_t **out, hotline__err *err)
{
	*out = json_object_get(obj, key);
	if (!*out && required)
		return fail(err, path, "missing key \"%s\"", key);
	return 0;
}

static int get_string(const json_t *obj, const char *key, int required, const char *path,
	const char **out, hotline__err *err)
{
	json_t *v;
	char p[PATH_MAX_LEN];
	int rc;
	*out = NULL;
	if ((rc = get(obj, key, required, path, &v, err)) != 0 || !v)
		return rc;
	child(p, path, key);
	if (!json_is_string(v))
		return wrong_type(err, p, "string", v);
	if (json_string_length(v) == 0)
		return fail(err, p, "empty string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return fail(err, p, "string contains a NUL character");
	*out = json_string_value(v);
	return 0;
}

static int get_int(const json_t *obj, const char *key, int required, const char *path,
	int64_t lo, int64_t hi, int64_t *out, hotline__err *err)
{
	json_t *v;
	char p[PATH_MAX_LEN];
	int rc;
	if ((rc = get(obj, key, required, path, &v, err)) != 0 || !v)
		return rc;
	child(p, path, key);
	if (!json_is_integer(v))
		return wrong_type(err, p, "integer", v);
	*out = (int64_t)json_integer_value(v);
	if (*out < lo || *out > hi)
		return fail(err, p, "%lld is out of range [%lld, %lld]", (long long)*out,
			(long long)lo, (long long)hi);
	return 0;
}

static int get_amount(const json_t *obj, const char *key, int required, const char *path,
	int64_t *out, hotline__err *err)
{
	json_t *v;
	char p[PATH_MAX_LEN];
	int rc;
	if ((rc = get(obj, key, required, path, &v, err)) != 0 || !v)
		return rc;
	child(p, path, key);
	if (!json_is_integer(v))
		return wrong_type(err, p, "integer (fen)", v);
	*out = (int64_t)json_integer_value(v);
	if (*out < 0)
		return fail(err, p, "negative amount %lld", (long long)*out);
	if (*out > MAX_AMOUNT_FEN)
		return fail(err, p, "amount %lld is too large", (long long)*out);
	return 0;
}

static int get_bool(const json_t *obj, const char *key, const char *path, int *out,
	hotline__err *err)
{
	json_t *v = json_object_get(obj, key);
	char p[PATH_MAX_LEN];
	if (!v)
		return 0;
	child(p, path, key);
	if (!json_is_boolean(v))
		return wrong_type(err, p, "boolean", v);
	*out = json_is_true(v);
	return 0;
}

static int get_enum(const json_t *obj, const char *key, int required, const char *path,
	const char *const *names, size_t n, int *out, hotline__err *err)
{
	const char *s;
	char p[PATH_MAX_LEN];
	int rc, i;
	if ((rc = get_string(obj, key, required, path, &s, err)) != 0 || !s)
		return rc;
	child(p, path, key);
	if ((i = find(names, n, s)) < 0)
		return bad_enum(err, p, names, n);
	*out = i;
	return 0;
}

/* ---- names of commands and roles (no side effects on the thread's last error) ---- */

static int command_of(const char *name)
{
	int i;
	for (i = 0; i < HOTLINE_CMD_COUNT; i++) {
		const char *n = hotline_command_name(i);
		if (n && strcmp(n, name) == 0)
			return i;
	}
	return -1;
}

static int role_bit_of(const char *name)
{
	int i;
	for (i = 0; i < HOTLINE_ROLE_COUNT; i++) {
		const char *n = hotline_role_name(1 << i);
		if (n && strcmp(n, name) == 0)
			return 1 << i;
	}
	return -1;
}

/* Where a command applies, from the lifecycle table (HOTLINE__ON_*); -1 if unknown. */
static int on_of(int cmd)
{
	const hotline__transition *t = hotline__transition_of(cmd);
	return t ? t->on : -1;
}


/* ---- freeing ---- */

static void free_liable(hotline__liable *l, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(l[i].field);
	free(l);
}

static void free_matcher(hotline__matcher *m)
{
	size_t i;
	for (i = 0; i < m->n_where; i++) {
		free(m->where[i].field);
		if (m->where[i].value)
			json_decref(m->where[i].value);
		if (m->where[i].dflt)
			json_decref(m->where[i].dflt);
	}
	free(m->where);
	free_liable(m->liable, m->n_liable);
}

static void free_matchers(hotline__matcher *m, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free_matcher(&m[i]);
	free(m);
}

static void free_rule(hotline__rule *r)
{
	free(r->id);
	free(r->title_zh);
	free(r->title_en);
	free(r->source);
	free_matcher(&r->starts_at);
	free_matchers(r->met_by, r->n_met_by);
	free_matchers(r->until, r->n_until);
	free_matchers(r->on, r->n_on);
	free(r->due_field);
	free_liable(r->liable, r->n_liable);
}

void hotline__policy_free(hotline__policy *p)
{
	size_t i;
	if (!p)
		return;
	for (i = 0; i < p->n_rules; i++)
		free_rule(&p->rules[i]);
	free(p->rules);
	for (i = 0; i < p->n_finding_kinds; i++)
		free(p->finding_kinds[i]);
	free(p->finding_kinds);
	free(p->finding_needs_person);
	free(p->name);
	free(p->title_zh);
	free(p->title_en);
	free(p->source);
	free(p);
}

/* ---- parts ---- */

static int parse_title(const json_t *obj, const char *path, char **zh, char **en, hotline__err *err)
{
	static const char *const keys[] = { "zh", "en" };
	json_t *t;
	char p[PATH_MAX_LEN];
	const char *a, *b;
	int rc;
	if ((rc = get(obj, "title", 1, path, &t, err)) != 0)
		return rc;
	child(p, path, "title");
	if ((rc = need_object(t, p, err)) != 0 || (rc = check_keys(t, p, keys, 2, err)) != 0)
		return rc;
	if ((rc = get_string(t, "zh", 1, p, &a, err)) != 0 || (rc = get_string(t, "en", 1, p, &b, err)) != 0)
		return rc;
	*zh = hotline__strdup(a);
	*en = hotline__strdup(b);
	return (*zh && *en) ? 0 : hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
}

static int is_scalar(const json_t *v)
{
	return json_is_string(v) || json_is_integer(v) || json_is_boolean(v) || json_is_null(v);
}

static int parse_cond(const json_t *c, const char *path, hotline__cond *out, hotline__err *err)
{
	static const char *const keys[] = { "field", "eq", "ne", "gt", "ge", "lt", "le", "in",
		"present", "default" };
	const char *field;
	char p[PATH_MAX_LEN];
	json_t *v, *d;
	size_t i, nops = 0;
	int rc, op = -1;

	if ((rc = need_object(c, path, err)) != 0 || (rc = check_keys(c, path, keys, N_OF(keys), err)) != 0)
		return rc;
	if ((rc = get_string(c, "field", 1, path, &field, err)) != 0)
		return rc;
	for (i = 0; i < N_OF(op_names); i++)
		if (json_object_get(c, op_names[i])) {
			nops++;
			op = (int)i;
		}
	if (nops != 1)
		return fail(err, path, "expected exactly one of eq, ne, gt, ge, lt, le, in, present");
	v = json_object_get(c, op_names[op]);
	child(p, path, op_names[op]);
	switch (op) {
	case HOTLINE__OP_EQ:
	case HOTLINE__OP_NE:
		if (!is_scalar(v))
			return wrong_type(err, p, "string, integer, boolean or null", v);
		break;
	case HOTLINE__OP_GT:
	case HOTLINE__OP_GE:
	case HOTLINE__OP_LT:
	case HOTLINE__OP_LE:
		if (!json_is_integer(v))
			return wrong_type(err, p, "integer", v);
		break;
	case HOTLINE__OP_IN: {
		json_t *x;
		size_t j;
		char q[PATH_MAX_LEN];
		if (!json_is_array(v))
			return wrong_type(err, p, "array", v);
		if (json_array_size(v) == 0)
			return fail(err, p, "empty list");
		json_array_foreach(v, j, x) {
			item(q, p, j);
			if (!is_scalar(x))
				return wrong_type(err, q, "string, integer, boolean or null", x);
		}
		break;
	}
	case HOTLINE__OP_PRESENT:
		if (!json_is_boolean(v))
			return wrong_type(err, p, "boolean", v);
		out->present = json_is_true(v);
		break;
	}
	d = json_object_get(c, "default");
	if (d) {
		child(p, path, "default");
		if (op == HOTLINE__OP_PRESENT)
			return fail(err, p, "a default makes no sense with present");
		if (!is_scalar(d))
			return wrong_type(err, p, "string, integer, boolean or null", d);
	}
	out->op = op;
	out->field = hotline__strdup(field);
	if (op != HOTLINE__OP_PRESENT)
		out->value = json_incref(v);
	if (d)
		out->dflt = json_incref(d);
	return out->field ? 0 : hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
}

static int parse_liable(const json_t *a, const char *path, int64_t dflt_amount,
	hotline__liable **out, size_t *n, hotline__err *err)
{
	static const char *const keys[] = { "role", "every", "field", "else", "amount_fen" };
	size_t i;
	json_t *l;

	if (!json_is_array(a))
		return wrong_type(err, path, "array", a);
	if (json_array_size(a) == 0)
		return fail(err, path, "empty list");
	*out = calloc(json_array_size(a), sizeof(**out));
	if (!*out)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	*n = 0;
	json_array_foreach(a, i, l) {
		hotline__liable *x = &(*out)[i];
		char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
		int rc, kinds = 0;
		const char *s;

		item(p, path, i);
		*n = i + 1;
		x->else_role = HOTLINE__CASE_ROLE_NONE;
		x->amount_fen = dflt_amount;
		if ((rc = need_object(l, p, err)) != 0 || (rc = check_keys(l, p, keys, N_OF(keys), err)) != 0)
			return rc;
		kinds = !!json_object_get(l, "role") + !!json_object_get(l, "every") + !!json_object_get(l, "field");
		if (kinds != 1)
			return fail(err, p, "expected exactly one of role, every, field");
		if (json_object_get(l, "role")) {
			x->kind = HOTLINE__LIABLE_ROLE;
			if ((rc = get_enum(l, "role", 1, p, case_role_names, N_OF(case_role_names), &x->role, err)) != 0)
				return rc;
		} else if (json_object_get(l, "every")) {
			x->kind = HOTLINE__LIABLE_EVERY;
			if ((rc = get_string(l, "every", 1, p, &s, err)) != 0)
				return rc;
			child(q, p, "every");
			if ((x->role = role_bit_of(s)) < 0)
				return fail(err, q, "unknown role \"%s\"", s);
		} else {
			x->kind = HOTLINE__LIABLE_FIELD;
			if ((rc = get_string(l, "field", 1, p, &s, err)) != 0)
				return rc;
			if (!(x->field = hotline__strdup(s)))
				return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
		}
		if (json_object_get(l, "else")) {
			child(q, p, "else");
			if (x->kind != HOTLINE__LIABLE_FIELD)
				return fail(err, q, "only a field liability has a fallback");
			if ((rc = get_enum(l, "else", 1, p, case_role_names, N_OF(case_role_names), &x->else_role, err)) != 0)
				return rc;
		}
		if (json_object_get(l, "amount_fen")) {
			if ((rc = get_amount(l, "amount_fen", 1, p, &x->amount_fen, err)) != 0)
				return rc;
		}
	}
	return 0;
}

/* Matcher flavours: what keys each may carry. */
enum { M_PLAIN, M_START, M_OCCURRENCE };

static int parse_matcher(const json_t *m, const char *path, int flavour, int64_t dflt_amount,
	hotline__matcher *out, hotline__err *err)
{
	static const char *const plain[] = { "cmd", "where", "in_duty_hours" };
	/* "once" is meaningful only where a clock starts. */
	static const char *const start[] = { "cmd", "where", "in_duty_hours", "once" };
	static const char *const occurrence[] = { "cmd", "where", "in_duty_hours", "liable" };
	const char *cmd;
	char p[PATH_MAX_LEN];
	json_t *w;
	int rc;

	out->in_duty_hours = -1;
	if ((rc = need_object(m, path, err)) != 0)
		return rc;
	if (flavour == M_START)
		rc = check_keys(m, path, start, N_OF(start), err);
	else if (flavour == M_OCCURRENCE)
		rc = check_keys(m, path, occurrence, N_OF(occurrence), err);
	else
		rc = check_keys(m, path, plain, N_OF(plain), err);
	if (rc)
		return rc;
	if ((rc = get_string(m, "cmd", 1, path, &cmd, err)) != 0)
		return rc;
	child(p, path, "cmd");
	out->cmd = command_of(cmd);
	/* directory records have no instant: no rule can see them */
	if (out->cmd < 0 || on_of(out->cmd) < 0 || on_of(out->cmd) == HOTLINE__ON_DIRECTORY) {
		out->cmd = 0;
		return fail(err, p, "unknown event \"%s\"", cmd);
	}
	if (json_object_get(m, "in_duty_hours")) {
		int b = 0;
		if ((rc = get_bool(m, "in_duty_hours", path, &b, err)) != 0)
			return rc;
		out->in_duty_hours = b;
	}
	if ((rc = get_bool(m, "once", path, &out->once, err)) != 0)
		return rc;
	w = json_object_get(m, "where");
	if (w) {
		size_t i;
		json_t *c;
		child(p, path, "where");
		if (!json_is_array(w))
			return wrong_type(err, p, "array", w);
		out->where = calloc(json_array_size(w) + 1, sizeof(*out->where));
		if (!out->where)
			return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
		json_array_foreach(w, i, c) {
			char q[PATH_MAX_LEN];
			item(q, p, i);
			out->n_where = i + 1;
			if ((rc = parse_cond(c, q, &out->where[i], err)) != 0)
				return rc;
		}
	}
	if (json_object_get(m, "liable")) {
		child(p, path, "liable");
		if ((rc = parse_liable(json_object_get(m, "liable"), p, dflt_amount, &out->liable,
				&out->n_liable, err)) != 0)
			return rc;
	}
	return 0;
}

static int parse_matchers(const json_t *obj, const char *key, const char *path, int flavour,
	int64_t dflt_amount, hotline__matcher **out, size_t *n, hotline__err *err)
{
	json_t *a;
	char p[PATH_MAX_LEN];
	size_t i;
	json_t *m;
	int rc;

	if ((rc = get(obj, key, 1, path, &a, err)) != 0)
		return rc;
	child(p, path, key);
	if (!json_is_array(a))
		return wrong_type(err, p, "array", a);
	if (json_array_size(a) == 0)
		return fail(err, p, "empty list");
	*out = calloc(json_array_size(a), sizeof(**out));
	if (!*out)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	json_array_foreach(a, i, m) {
		char q[PATH_MAX_LEN];
		item(q, p, i);
		*n = i + 1;
		if ((rc = parse_matcher(m, q, flavour, dflt_amount, &(*out)[i], err)) != 0)
			return rc;
	}
	return 0;
}

/* A clock runs within one stream: a case's events cannot meet an organisation's clock. */
static int check_scope(const hotline__matcher *m, size_t n, int org, const char *path,
	const char *key, hotline__err *err)
{
	size_t i;
	for (i = 0; i < n; i++) {
		int s = hotline__command_scope(m[i].cmd);
		if (s != 2 && s != org) {
			char p[PATH_MAX_LEN], q[PATH_MAX_LEN], r[PATH_MAX_LEN];
			child(p, path, key);
			item(q, p, i);
			child(r, q, "cmd");
			return fail(err, r, "\"%s\" is %s but the clock runs on %s", hotline_command_name(m[i].cmd),
				s ? "an organisation-level event" : "a case event",
				org ? "the organisation" : "a case");
		}
	}
	return 0;
}

static int parse_cost(const json_t *r, const char *path, int kind, hotline__rule *out, int required,
	hotline__err *err)
{
	static const char *const keys[] = { "per", "amount_fen" };
	json_t *c;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	int rc, per = 0, ok;

	if ((rc = get(r, "cost", required, path, &c, err)) != 0)
		return rc;
	if (!c) {
		out->per = HOTLINE__PER_NONE;
		return 0;
	}
	child(p, path, "cost");
	if ((rc = need_object(c, p, err)) != 0 || (rc = check_keys(c, p, keys, 2, err)) != 0)
		return rc;
	if ((rc = get_enum(c, "per", 1, p, per_names, N_OF(per_names), &per, err)) != 0)
		return rc;
	switch (kind) {
	case HOTLINE__RULE_DEADLINE:
		ok = per == HOTLINE__PER_NONE || per == HOTLINE__PER_ONCE || per == HOTLINE__PER_DAY || per == HOTLINE__PER_WORKING_DAY;
		break;
	case HOTLINE__RULE_PERIODIC:
		ok = per == HOTLINE__PER_NONE || per == HOTLINE__PER_ONCE || per == HOTLINE__PER_DAY;
		break;
	case HOTLINE__RULE_OCCURRENCE:
		ok = per == HOTLINE__PER_EACH;
		break;
	default:
		ok = per == HOTLINE__PER_POINT;
		break;
	}
	if (!ok) {
		child(q, p, "per");
		return fail(err, q, "\"%s\" does not apply to rules of kind %s", per_names[per], hotline__policy_kind_name(kind));
	}
	out->per = per;
	if (per == HOTLINE__PER_NONE) {
		/* breaches only: listed with their lateness, no money (seed 004 names none) */
		if (json_object_get(c, "amount_fen")) {
			child(q, p, "amount_fen");
			return fail(err, q, "a breach-only rule charges no amount");
		}
		return 0;
	}
	return get_amount(c, "amount_fen", 1, p, &out->amount_fen, err);
}

static int parse_due(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	static const char *const keys[] = { "minutes", "hours", "days", "working_days",
		"end_of_local_day", "at_field" };
	json_t *d;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	int64_t v = 0;
	int rc, bases = 0, eod = 0;
	const char *field;

	if ((rc = get(r, "due", 1, path, &d, err)) != 0)
		return rc;
	child(p, path, "due");
	if ((rc = need_object(d, p, err)) != 0 || (rc = check_keys(d, p, keys, N_OF(keys), err)) != 0)
		return rc;
	bases = !!json_object_get(d, "minutes") + !!json_object_get(d, "hours") +
		!!json_object_get(d, "days") + !!json_object_get(d, "working_days") +
		!!json_object_get(d, "end_of_local_day");
	if ((rc = get_string(d, "at_field", 0, p, &field, err)) != 0)
		return rc;
	if (bases > 1 || (bases == 0 && !field))
		return fail(err, p, "expected exactly one of minutes, hours, days, working_days, end_of_local_day (and optionally at_field)");
	if (json_object_get(d, "minutes")) {
		if ((rc = get_int(d, "minutes", 1, p, 1, MAX_DUE_SECONDS / 60, &v, err)) != 0)
			return rc;
		out->due_seconds = v * 60;
	} else if (json_object_get(d, "hours")) {
		if ((rc = get_int(d, "hours", 1, p, 1, MAX_DUE_SECONDS / 3600, &v, err)) != 0)
			return rc;
		out->due_seconds = v * 3600;
	} else if (json_object_get(d, "days")) {
		if ((rc = get_int(d, "days", 1, p, 1, MAX_DUE_SECONDS / 86400, &v, err)) != 0)
			return rc;
		out->due_seconds = v * 86400;
	} else if (json_object_get(d, "working_days")) {
		if ((rc = get_int(d, "working_days", 1, p, 1, MAX_WORKING_DAYS, &v, err)) != 0)
			return rc;
		out->due_working_days = v;
	} else if (json_object_get(d, "end_of_local_day")) {
		if ((rc = get_bool(d, "end_of_local_day", p, &eod, err)) != 0)
			return rc;
		child(q, p, "end_of_local_day");
		if (!eod)
			return fail(err, q, "only true is meaningful");
		out->due_end_of_day = 1;
	}
	if (field && !(out->due_field = hotline__strdup(field)))
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");

	/* The clock must be able to count the duration. */
	if (out->due_working_days && out->clock != HOTLINE__POLICY_CLOCK_WORKING_DAYS)
		return fail(err, p, "working_days needs clock working_days");
	if (out->due_seconds && out->clock == HOTLINE__POLICY_CLOCK_WORKING_DAYS)
		return fail(err, p, "clock working_days counts working_days, not time");
	if ((out->due_end_of_day || (bases == 0 && field)) && out->clock != HOTLINE__POLICY_CLOCK_CALENDAR)
		return fail(err, p, "a due instant of the calendar needs clock calendar");
	return 0;
}

static int parse_schedule(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	static const char *const keys[] = { "every", "day", "days", "last_days" };
	json_t *s;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	int64_t v;
	int rc;

	if ((rc = get(r, "schedule", 1, path, &s, err)) != 0)
		return rc;
	child(p, path, "schedule");
	if ((rc = need_object(s, p, err)) != 0 || (rc = check_keys(s, p, keys, N_OF(keys), err)) != 0)
		return rc;
	if ((rc = get_enum(s, "every", 1, p, every_names, N_OF(every_names), &out->every, err)) != 0)
		return rc;
	if (!!json_object_get(s, "day") + !!json_object_get(s, "last_days") != 1)
		return fail(err, p, "expected exactly one of day, last_days");
	if (json_object_get(s, "day")) {
		if (out->every == HOTLINE__EVERY_QUARTER) {
			child(q, p, "day");
			return fail(err, q, "a quarter's window is given by last_days");
		}
		v = 0;
		if ((rc = get_int(s, "day", 1, p, 1, 28, &v, err)) != 0)
			return rc;
		out->day = (int)v;
		v = 1;
		if ((rc = get_int(s, "days", 0, p, 1, 28, &v, err)) != 0)
			return rc;
		out->days = (int)v;
		if (out->day + out->days - 1 > 28) {
			child(q, p, "days");
			return fail(err, q, "the window must end by the 28th (every month has one)");
		}
	} else {
		if (json_object_get(s, "days")) {
			child(q, p, "days");
			return fail(err, q, "only with day");
		}
		v = 0;
		if ((rc = get_int(s, "last_days", 1, p, 1, 28, &v, err)) != 0)
			return rc;
		out->last_days = (int)v;
	}
	return 0;
}

/* ---- rule kinds: one row each, {name, keys, parser} ---- */

/*
 * When to remind whoever must act (DESIGN §6.6): {"before_hours": N} before
 * the due instant, or {"fraction": F} of the way from the start to the due
 * (0 < F < 1, kept in per-mille: the rules use no floating point).
 */
static int parse_remind(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	static const char *const keys[] = { "before_hours", "fraction" };
	json_t *m = json_object_get(r, "remind"), *f;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	int64_t v = 0;
	int rc;
	if (!m)
		return 0;
	child(p, path, "remind");
	if ((rc = need_object(m, p, err)) != 0 || (rc = check_keys(m, p, keys, N_OF(keys), err)) != 0)
		return rc;
	if (!!json_object_get(m, "before_hours") + !!json_object_get(m, "fraction") != 1)
		return fail(err, p, "expected exactly one of before_hours, fraction");
	if (json_object_get(m, "before_hours")) {
		if ((rc = get_int(m, "before_hours", 1, p, 1, MAX_DUE_SECONDS / 3600, &v, err)) != 0)
			return rc;
		out->remind_before_seconds = v * 3600;
		return 0;
	}
	f = json_object_get(m, "fraction");
	child(q, p, "fraction");
	if (!json_is_number(f) || json_number_value(f) <= 0 || json_number_value(f) >= 1)
		return fail(err, q, "expected a number between 0 and 1 (exclusive)");
	/* the one real number of a policy, turned into an integer at once */
	out->remind_permille = (int)(json_number_value(f) * 1000 + 0.5);
	if (out->remind_permille < 1 || out->remind_permille > 999)
		return fail(err, q, "expected a number between 0.001 and 0.999");
	return 0;
}

static int parse_deadline(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	char p[PATH_MAX_LEN];
	json_t *x;
	int rc, org;

	if ((rc = get(r, "starts_at", 1, path, &x, err)) != 0)
		return rc;
	child(p, path, "starts_at");
	if ((rc = parse_matcher(x, p, M_START, 0, &out->starts_at, err)) != 0)
		return rc;
	org = hotline__command_scope(out->starts_at.cmd) == 1;
	if ((rc = parse_matchers(r, "met_by", path, M_PLAIN, 0, &out->met_by, &out->n_met_by, err)) != 0 ||
	    (rc = check_scope(out->met_by, out->n_met_by, org, path, "met_by", err)) != 0)
		return rc;
	if ((rc = get_enum(r, "clock", 1, path, clock_names, N_OF(clock_names), &out->clock, err)) != 0)
		return rc;
	if ((rc = parse_due(r, path, out, err)) != 0 || (rc = parse_remind(r, path, out, err)) != 0)
		return rc;
	if ((x = json_object_get(r, "repeat")) != NULL) {
		static const char *const rkeys[] = { "until" };
		child(p, path, "repeat");
		if ((rc = need_object(x, p, err)) != 0 || (rc = check_keys(x, p, rkeys, 1, err)) != 0)
			return rc;
		if ((rc = parse_matchers(x, "until", p, M_PLAIN, 0, &out->until, &out->n_until, err)) != 0 ||
		    (rc = check_scope(out->until, out->n_until, org, p, "until", err)) != 0)
			return rc;
		if (!out->due_seconds && !out->due_working_days)
			return fail(err, p, "a repeating deadline needs a duration due");
		if (out->due_field)
			return fail(err, p, "a repeating deadline cannot take its due from a field");
		out->repeat = 1;
	}
	if (json_object_get(r, "pairing")) {
		static const char *const pairings[] = { "all", "earliest_unmet" };
		int pr = 0;
		if ((rc = get_enum(r, "pairing", 1, path, pairings, 2, &pr, err)) != 0)
			return rc;
		out->earliest_unmet = pr == 1;
		if (out->earliest_unmet && out->repeat) {
			child(p, path, "pairing");
			return fail(err, p, "a repeating deadline has one pending due at a time");
		}
	}
	if ((rc = parse_cost(r, path, out->kind, out, 0, err)) != 0)
		return rc;
	if (out->repeat && out->per != HOTLINE__PER_ONCE && out->per != HOTLINE__PER_NONE) {
		child(p, path, "cost.per");
		return fail(err, p, "a repeating deadline costs once per missed due instant");
	}
	return 0;
}

static int parse_occurrence(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	int rc;
	/* cost first: the matchers' own liabilities default to its amount */
	if ((rc = parse_cost(r, path, out->kind, out, 1, err)) != 0)
		return rc;
	return parse_matchers(r, "on", path, M_OCCURRENCE, out->amount_fen, &out->on, &out->n_on, err);
}

static int parse_periodic(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	int rc;
	if ((rc = parse_schedule(r, path, out, err)) != 0)
		return rc;
	if ((rc = parse_matchers(r, "met_by", path, M_PLAIN, 0, &out->met_by, &out->n_met_by, err)) != 0 ||
	    (rc = check_scope(out->met_by, out->n_met_by, 1, path, "met_by", err)) != 0)
		return rc;
	return parse_cost(r, path, out->kind, out, 0, err);
}

static int parse_rate(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	int64_t v = 0;
	int rc;
	if ((rc = get_enum(r, "measure", 1, path, measure_names, N_OF(measure_names), &out->measure, err)) != 0)
		return rc;
	if ((rc = get_int(r, "threshold_percent", 1, path, 1, 100, &v, err)) != 0)
		return rc;
	out->threshold_percent = (int)v;
	return parse_cost(r, path, out->kind, out, 1, err);
}

static int parse_cap(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	static const char *const bys[] = { "monthly_bonus" };
	int b = 0;
	(void)out;
	return get_enum(r, "by", 1, path, bys, 1, &b, err);
}

typedef struct rule_kind {
	const char *name;
	const char *const *keys;   /* besides common_keys; NULL-terminated */
	int (*parse)(const json_t *r, const char *path, hotline__rule *out, hotline__err *err);
	int charges;               /* has cost and liability */
} rule_kind;

static const char *const common_keys[] = { "id", "article", "title", "source", "note", "kind", NULL };
static const char *const deadline_keys[] = { "starts_at", "met_by", "clock", "due", "cost", "liable",
	"repeat", "pairing", "remind", NULL };
static const char *const occurrence_keys[] = { "on", "cost", "liable", NULL };
static const char *const periodic_keys[] = { "schedule", "met_by", "cost", "liable", NULL };
static const char *const rate_keys[] = { "measure", "threshold_percent", "cost", "liable", NULL };
static const char *const cap_keys[] = { "by", NULL };

/* Indexed by HOTLINE__RULE_*. */
static const rule_kind rule_kinds[] = {
	{ "deadline", deadline_keys, parse_deadline, 1 },
	{ "occurrence", occurrence_keys, parse_occurrence, 1 },
	{ "periodic", periodic_keys, parse_periodic, 1 },
	{ "rate", rate_keys, parse_rate, 1 },
	{ "cap", cap_keys, parse_cap, 0 },
};

const char *hotline__policy_kind_name(int kind)
{
	return (kind >= 0 && (size_t)kind < N_OF(rule_kinds)) ? rule_kinds[kind].name : "?";
}

static int in_list(const char *const *names, const char *s)
{
	for (; *names; names++)
		if (strcmp(*names, s) == 0)
			return 1;
	return 0;
}

static int parse_rule(const json_t *r, const char *path, hotline__rule *out, hotline__err *err)
{
	const rule_kind *k;
	const char *s, *key;
	char p[PATH_MAX_LEN];
	int64_t v = 0;
	int rc;
	size_t i;
	json_t *x;

	if ((rc = need_object(r, path, err)) != 0)
		return rc;
	if ((rc = get_string(r, "kind", 1, path, &s, err)) != 0)
		return rc;
	for (i = 0; i < N_OF(rule_kinds) && strcmp(rule_kinds[i].name, s) != 0; i++)
		;
	if (i == N_OF(rule_kinds)) {
		const char *names[N_OF(rule_kinds)];
		for (i = 0; i < N_OF(rule_kinds); i++)
			names[i] = rule_kinds[i].name;
		child(p, path, "kind");
		return bad_enum(err, p, names, N_OF(rule_kinds));
	}
	out->kind = (int)i;
	k = &rule_kinds[i];
	json_object_foreach((json_t *)r, key, x) {
		if (!in_list(common_keys, key) && !in_list(k->keys, key))
			return fail(err, path, "unknown key \"%s\"", key);
	}
	if ((rc = get_string(r, "id", 1, path, &s, err)) != 0)
		return rc;
	for (i = 0; s[i]; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.')) {
			child(p, path, "id");
			return fail(err, p, "\"%s\": only letters, digits, '-', '_' and '.'", s);
		}
	}
	if (!(out->id = hotline__strdup(s)))
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if ((rc = get_int(r, "article", 1, path, 0, 9999, &v, err)) != 0)
		return rc;
	out->article = (int)v;
	if ((rc = parse_title(r, path, &out->title_zh, &out->title_en, err)) != 0)
		return rc;
	if ((rc = get_string(r, "source", 0, path, &s, err)) != 0)
		return rc;
	if (s && !(out->source = hotline__strdup(s)))
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if ((rc = get_string(r, "note", 0, path, &s, err)) != 0)
		return rc;
	if ((rc = k->parse(r, path, out, err)) != 0 || !k->charges)
		return rc;

	/* liability */
	x = json_object_get(r, "liable");
	child(p, path, "liable");
	if (out->per == HOTLINE__PER_NONE) {
		if (x)
			return fail(err, p, "a rule without cost charges no one");
		return 0;
	}
	if (!x) {
		if (out->kind == HOTLINE__RULE_OCCURRENCE) {
			for (i = 0; i < out->n_on; i++)
				if (!out->on[i].liable) {
					char q[PATH_MAX_LEN], o[PATH_MAX_LEN];
					child(o, path, "on");
					item(q, o, i);
					return fail(err, q, "missing key \"liable\" (the rule has none)");
				}
			return 0;
		}
		return fail(err, path, "missing key \"liable\"");
	}
	rc = parse_liable(x, p, out->amount_fen, &out->liable, &out->n_liable, err);
	if (rc)
		return rc;
	/* Case roles and event fields name no one for an organisation's clock or a rate. */
	for (i = 0; i < out->n_liable; i++) {
		const hotline__liable *l = &out->liable[i];
		char q[PATH_MAX_LEN];
		item(q, p, i);
		if (out->kind == HOTLINE__RULE_PERIODIC && l->kind != HOTLINE__LIABLE_EVERY)
			return fail(err, q, "a periodic obligation is charged to every holder of a role");
		if (out->kind == HOTLINE__RULE_RATE && !(l->kind == HOTLINE__LIABLE_EVERY ||
		    (l->kind == HOTLINE__LIABLE_ROLE && l->role != HOTLINE__CASE_ROLE_CALL_TAKER)))
			return fail(err, q, "a rate is charged to a role of the property or every holder of a role");
	}
	return 0;
}

static int parse_zone(const char *s, int *out)
{
	int h, m;
	char sign, tail;
	if (strlen(s) != 6 || sscanf(s, "%c%2d:%2d%c", &sign, &h, &m, &tail) != 3)
		return -1;
	if ((sign != '+' && sign != '-') || s[3] != ':' || h > 14 || m > 59 || h < 0 || m < 0 ||
	    s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9' || s[4] < '0' || s[4] > '9' ||
	    s[5] < '0' || s[5] > '9')
		return -1;
	*out = (sign == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

/* Art. 4, 7, 9, 14, 15: what a record_finding may name when a policy does not say (DESIGN §2). */
static const char *const default_finding_kinds[] = { "falsified_form", "supervisor_false_report",
	"archive_lost_original", "archive_lost_copy", "line_private_use", "assessment_misreport", NULL };

/*
 * Art. 7, 9: the findings whose only liable person is the one named, when a
 * policy does not say ("finding_kinds_needing_person"): those of these that
 * the policy's finding_kinds hold, as before the key existed.
 */
static const char *const default_finding_needs_person[] = { "archive_lost_original", "line_private_use", NULL };

static int kind_index(const hotline__policy *p, const char *kind)
{
	size_t i;
	for (i = 0; i < p->n_finding_kinds; i++)
		if (strcmp(p->finding_kinds[i], kind) == 0)
			return (int)i;
	return -1;
}

static int parse_finding_needs_person(const json_t *root, hotline__policy *p, hotline__err *err)
{
	const json_t *a = json_object_get(root, "finding_kinds_needing_person"), *x;
	size_t i;

	if (!(p->finding_needs_person = calloc(p->n_finding_kinds + 1, 1)))
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if (!a) {
		const char *const *k;
		int j;
		for (k = default_finding_needs_person; *k; k++)
			if ((j = kind_index(p, *k)) >= 0)
				p->finding_needs_person[j] = 1;
		return 0;
	}
	if (!json_is_array(a))
		return wrong_type(err, "finding_kinds_needing_person", "array", a);
	json_array_foreach(a, i, x) {
		char q[PATH_MAX_LEN];
		int j;
		item(q, "finding_kinds_needing_person", i);
		if (!json_is_string(x))
			return wrong_type(err, q, "string", x);
		if ((j = kind_index(p, json_string_value(x))) < 0)
			return fail(err, q, "\"%s\" is not one of finding_kinds", json_string_value(x));
		if (p->finding_needs_person[j])
			return fail(err, q, "duplicate finding kind \"%s\"", json_string_value(x));
		p->finding_needs_person[j] = 1;
	}
	return 0;
}

static int parse_finding_kinds(const json_t *root, hotline__policy *p, hotline__err *err)
{
	const json_t *a = json_object_get(root, "finding_kinds"), *x;
	const char *const *dflt = default_finding_kinds;
	size_t i, j, n;

	if (a) {
		if (!json_is_array(a))
			return wrong_type(err, "finding_kinds", "array", a);
		if (json_array_size(a) == 0)
			return fail(err, "finding_kinds", "empty list");
		n = json_array_size(a);
	} else {
		for (n = 0; dflt[n]; n++)
			;
	}
	if (!(p->finding_kinds = calloc(n + 1, sizeof(*p->finding_kinds))))
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const char *s = a ? NULL : dflt[i];
		char q[PATH_MAX_LEN];
		item(q, "finding_kinds", i);
		if (a) {
			x = json_array_get(a, i);
			if (!json_is_string(x))
				return wrong_type(err, q, "string", x);
			s = json_string_value(x);
			if (json_string_length(x) == 0)
				return fail(err, q, "empty string");
			for (j = 0; s[j]; j++)
				if (!((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= '0' && s[j] <= '9') || s[j] == '_'))
					return fail(err, q, "\"%s\": only lower-case letters, digits and '_'", s);
			if (j != json_string_length(x))
				return fail(err, q, "string contains a NUL character");
			for (j = 0; j < i; j++)
				if (strcmp(p->finding_kinds[j], s) == 0)
					return fail(err, q, "duplicate finding kind \"%s\" (also finding_kinds[%zu])", s, j);
		}
		if (!(p->finding_kinds[i] = hotline__strdup(s)))
			return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
		p->n_finding_kinds = i + 1;
	}
	return 0;
}

/* A condition on a finding's kind names a kind of the policy: a typo would turn the rule off. */
static int check_finding_matcher(const hotline__policy *p, const hotline__matcher *m, const char *path,
	hotline__err *err)
{
	size_t i, j;
	if (m->cmd != HOTLINE_CMD_RECORD_FINDING)
		return 0;
	for (i = 0; i < m->n_where; i++) {
		const hotline__cond *c = &m->where[i];
		char w[PATH_MAX_LEN], q[PATH_MAX_LEN], o[PATH_MAX_LEN];
		if (strcmp(c->field, "kind") != 0 || !c->value)
			continue;
		child(w, path, "where");
		item(q, w, i);
		child(o, q, op_names[c->op]);
		if (json_is_string(c->value) && !hotline__policy_is_finding_kind(p, json_string_value(c->value)))
			return fail(err, o, "\"%s\" is not one of finding_kinds", json_string_value(c->value));
		if (json_is_array(c->value)) {
			for (j = 0; j < json_array_size(c->value); j++) {
				const json_t *x = json_array_get(c->value, j);
				char e[PATH_MAX_LEN];
				item(e, o, j);
				if (json_is_string(x) && !hotline__policy_is_finding_kind(p, json_string_value(x)))
					return fail(err, e, "\"%s\" is not one of finding_kinds", json_string_value(x));
			}
		}
	}
	return 0;
}

static int check_findings_in(const hotline__policy *p, const hotline__matcher *m, size_t n, const char *path,
	const char *key, hotline__err *err)
{
	size_t i;
	int rc;
	for (i = 0; i < n; i++) {
		char k[PATH_MAX_LEN], q[PATH_MAX_LEN];
		child(k, path, key);
		item(q, k, i);
		if ((rc = check_finding_matcher(p, &m[i], q, err)) != 0)
			return rc;
	}
	return 0;
}

static int check_rule_findings(const hotline__policy *p, const hotline__rule *r, const char *path,
	hotline__err *err)
{
	char q[PATH_MAX_LEN];
	int rc;
	if (r->kind == HOTLINE__RULE_DEADLINE) {
		child(q, path, "starts_at");
		if ((rc = check_finding_matcher(p, &r->starts_at, q, err)) != 0)
			return rc;
		child(q, path, "repeat");
		if ((rc = check_findings_in(p, r->until, r->n_until, q, "until", err)) != 0)
			return rc;
	}
	if ((rc = check_findings_in(p, r->met_by, r->n_met_by, path, "met_by", err)) != 0)
		return rc;
	return check_findings_in(p, r->on, r->n_on, path, "on", err);
}

static int parse_policy(const json_t *root, hotline__policy *p, hotline__err *err)
{
	static const char *const keys[] = { "format", "name", "title", "source", "zone", "period_day",
		"finding_kinds", "finding_kinds_needing_person", "stage_close_min_days", "rules" };
	const char *s;
	json_t *rules, *r;
	int64_t v = 0;
	size_t i, j;
	int rc;

	if ((rc = need_object(root, "", err)) != 0 || (rc = check_keys(root, "", keys, N_OF(keys), err)) != 0)
		return rc;
	if ((rc = get_int(root, "format", 1, "", 1, 1, &v, err)) != 0)
		return rc;
	if ((rc = get_string(root, "name", 1, "", &s, err)) != 0)
		return rc;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return fail(err, "name", "\"%s\": only lower-case letters, digits, '-' and '_'", s);
	if (!(p->name = hotline__strdup(s)))
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if ((rc = parse_title(root, "", &p->title_zh, &p->title_en, err)) != 0)
		return rc;
	if ((rc = get_string(root, "source", 0, "", &s, err)) != 0)
		return rc;
	if (s && !(p->source = hotline__strdup(s)))
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	p->zone_offset = 480;
	if ((rc = get_string(root, "zone", 0, "", &s, err)) != 0)
		return rc;
	if (s && parse_zone(s, &p->zone_offset) != 0)
		return fail(err, "zone", "expected an offset like \"+08:00\", got \"%s\"", s);
	v = 27;
	if ((rc = get_int(root, "period_day", 0, "", 1, 28, &v, err)) != 0)
		return rc;
	p->period_day = (int)v;
	if ((rc = parse_finding_kinds(root, p, err)) != 0 || (rc = parse_finding_needs_person(root, p, err)) != 0)
		return rc;
	v = DEFAULT_STAGE_CLOSE_DAYS;
	if ((rc = get_int(root, "stage_close_min_days", 0, "", 1, MAX_STAGE_CLOSE_DAYS, &v, err)) != 0)
		return rc;
	p->stage_close_min_seconds = v * 86400;
	if ((rc = get(root, "rules", 1, "", &rules, err)) != 0)
		return rc;
	if (!json_is_array(rules))
		return wrong_type(err, "rules", "array", rules);
	if (json_array_size(rules) == 0)
		return fail(err, "rules", "empty list");
	p->rules = calloc(json_array_size(rules), sizeof(*p->rules));
	if (!p->rules)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	json_array_foreach(rules, i, r) {
		char path[PATH_MAX_LEN];
		item(path, "rules", i);
		p->n_rules = i + 1;
		p->rules[i].starts_at.in_duty_hours = -1;
		if ((rc = parse_rule(r, path, &p->rules[i], err)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(p->rules[j].id, p->rules[i].id) == 0) {
				char q[PATH_MAX_LEN];
				child(q, path, "id");
				return fail(err, q, "duplicate rule id \"%s\" (also rules[%zu])", p->rules[i].id, j);
			}
		if (p->rules[i].kind == HOTLINE__RULE_CAP) {
			if (p->cap_rule)
				return fail(err, path, "a policy has at most one cap rule");
			p->cap_rule = &p->rules[i];
			p->cap_by_bonus = 1;
		}
		if ((rc = check_rule_findings(p, &p->rules[i], path, err)) != 0)
			return rc;
	}
	return 0;
}

int hotline__policy_load(hotline__policy **out, const char *text, size_t len, hotline__err *err)
{
	json_error_t jerr;
	json_t *root;
	hotline__policy *p;
	int rc;

	*out = NULL;
	if (!text)
		return hotline__seterr(err, HOTLINE_EPOLICY, "no policy text");
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return hotline__seterr(err, HOTLINE_EPOLICY, "%d:%d: syntax error: %s", jerr.line, jerr.column, jerr.text);
	p = calloc(1, sizeof(*p));
	if (!p) {
		json_decref(root);
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	}
	rc = parse_policy(root, p, err);
	json_decref(root);
	if (rc) {
		hotline__policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* ---- built-ins ---- */

char *hotline__policy_builtin_text(const char *name, size_t *len)
{
	size_t i, j, n;
	char *buf;
	for (i = 0; i < hotline__n_builtin_policies; i++) {
		const hotline__builtin_policy *b = &hotline__builtin_policies[i];
		if (!name || strcmp(b->name, name) != 0)
			continue;
		for (n = 0, j = 0; b->parts[j]; j++)
			n += strlen(b->parts[j]);
		if (!(buf = malloc(n + 1)))
			return NULL;
		for (n = 0, j = 0; b->parts[j]; j++) {
			size_t k = strlen(b->parts[j]);
			memcpy(buf + n, b->parts[j], k);
			n += k;
		}
		buf[n] = '\0';
		if (len)
			*len = n;
		return buf;
	}
	return NULL;
}

int hotline__policy_builtin(hotline__policy **out, const char *name, hotline__err *err)
{
	size_t i, len = 0;
	char *text;
	int rc;

	*out = NULL;
	for (i = 0; i < hotline__n_builtin_policies; i++)
		if (name && strcmp(hotline__builtin_policies[i].name, name) == 0)
			break;
	if (i == hotline__n_builtin_policies)
		return hotline__seterr(err, HOTLINE_EPOLICY, "unknown policy '%s'", name ? name : "(null)");
	if (!(text = hotline__policy_builtin_text(name, &len)))
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	rc = hotline__policy_load(out, text, len, err);
	free(text);
	return rc;
}

const char *const *hotline__policy_builtin_names(size_t *n)
{
	if (n)
		*n = hotline__n_builtin_policies;
	return hotline__builtin_policy_names;
}

const char *hotline__policy_name(const hotline__policy *p)
{
	return p ? p->name : NULL;
}

int hotline__policy_zone_offset(const hotline__policy *p)
{
	return p ? p->zone_offset : 480;
}

static const hotline__rule *rule_by_name(const hotline__policy *p, const char *id)
{
	size_t i;
	for (i = 0; p && id && i < p->n_rules; i++)
		if (strcmp(p->rules[i].id, id) == 0)
			return &p->rules[i];
	return NULL;
}

const hotline__rule *hotline__policy_rule(const hotline__policy *p, const char *id)
{
	const hotline__rule *r;
	size_t i, k;
	if (!p || !id)
		return NULL;
	if (!p->n_eras)
		return rule_by_name(p, id);
	/* an evaluation's rule ids are borrowed from the policy that ran them */
	for (k = p->n_eras; k-- > 0;)
		for (i = 0; i < p->eras[k].policy->n_rules; i++)
			if (p->eras[k].policy->rules[i].id == id)
				return &p->eras[k].policy->rules[i];
	if ((r = rule_by_name(p, id)) != NULL)
		return r;
	for (k = p->n_eras; k-- > 0;)
		if ((r = rule_by_name(p->eras[k].policy, id)) != NULL)
			return r;
	return NULL;
}

const hotline__policy *hotline__policy_at(const hotline__policy *p, int64_t t)
{
	size_t k;
	if (!p || !p->n_eras)
		return p;
	for (k = p->n_eras; k-- > 1;)
		if (p->eras[k].from <= t)
			return p->eras[k].policy;
	return p->eras[0].policy;
}

int hotline__policy_is_finding_kind(const hotline__policy *p, const char *kind)
{
	const char *const *k;
	if (!kind)
		return 0;
	for (k = hotline__policy_finding_kinds(p); *k; k++)
		if (strcmp(*k, kind) == 0)
			return 1;
	return 0;
}

const char *const *hotline__policy_finding_kinds(const hotline__policy *p)
{
	return (p && p->finding_kinds) ? (const char *const *)p->finding_kinds : default_finding_kinds;
}

int hotline__policy_finding_needs_person(const hotline__policy *p, const char *kind)
{
	const char *const *k;
	int j;
	if (!kind)
		return 0;
	if (!p || !p->finding_kinds) {
		for (k = default_finding_needs_person; *k; k++)
			if (strcmp(*k, kind) == 0)
				return 1;
		return 0;
	}
	j = kind_index(p, kind);
	return j >= 0 && p->finding_needs_person && p->finding_needs_person[j];
}

int64_t hotline__policy_stage_close_min_seconds(const hotline__policy *p)
{
	return p ? p->stage_close_min_seconds : (int64_t)DEFAULT_STAGE_CLOSE_DAYS * 86400;
}
