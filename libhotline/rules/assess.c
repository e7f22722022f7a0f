/*
 * The monthly assessment (DESIGN §3.1, §3.3, §5).
 *
 * Cases are streamed one at a time from the source and reduced at once to
 * what the output needs: penalty totals per (rule, case, person), the
 * reported period's increments per person, breaches, open deadlines and
 * the rate counters per (property, period). Nothing here depends on the
 * order the source delivers cases in: every list is sorted before output.
 *
 * Assessment period of month M: [27th of M-1 00:00 local, 27th of M 00:00
 * local) (Art. 20, 21: the 27th is the monthly assessment day). A period is
 * identified by the index y * 12 + (M - 1) of its month.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/eval.h"
#include "util/mem.h"
#include "util/time.h"

#define DAY INT64_C(86400)
#define NONE HOTLINE_TIME_NONE

/* as_of outside years 1..9999 cannot be rendered and would only overflow */
#define MIN_INSTANT INT64_C(-62135596800)
#define MAX_INSTANT INT64_C(253402300799)

typedef struct entry {
	const hotline__rule *rule;
	char *case_id;            /* NULL: organisation */
	char *person;             /* NULL: no holder */
	int64_t amount, last_at;
	int64_t *ev;
	size_t n_ev;
} entry;

typedef struct rate_acc {
	char *property;
	int64_t period;
	int64_t cl_num, cl_den, sat_num, sat_den;
} rate_acc;

typedef struct person_acc {
	char *person;
	int64_t raw;
} person_acc;

typedef struct dl_row {
	const hotline__rule *rule;
	char *case_id;
	int state;
	int64_t started_at, due, met_at, stopped_at, late;
} dl_row;

typedef struct vec {
	void *a;
	size_t n, cap;
} vec;

typedef struct state {
	const hotline__policy *policy;
	const hotline__calendar *cal;
	const hotline__directory *dir;
	int64_t as_of;
	hotline__err *err;
	int64_t rep, rep_from, rep_to;   /* the reported period */
	char month[32];                  /* its month, "YYYY-MM": the bonus that caps it (Art. 22) */
	vec entries;                     /* entry */
	vec rates;                       /* rate_acc sorted by (property, period) */
	vec shown;                       /* rate_acc of the reported period as of as_of, by property */
	vec people;                      /* person_acc sorted by person */
	vec breaches, open;              /* dl_row */
} state;

/* ---- small helpers ---- */


static void *vec_push(vec *v, size_t size)
{
	char *p;
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 16;
		void *a = realloc(v->a, ncap * size);
		if (!a)
			return NULL;
		v->a = a;
		v->cap = ncap;
	}
	p = (char *)v->a + v->n * size;
	memset(p, 0, size);
	v->n++;
	return p;
}

/* Inserts a zeroed element at index i. */
static void *vec_insert(vec *v, size_t size, size_t i)
{
	char *p;
	if (!vec_push(v, size))
		return NULL;
	p = (char *)v->a + i * size;
	memmove(p + size, p, (v->n - 1 - i) * size);
	memset(p, 0, size);
	return p;
}

static int cmp_str(const char *a, const char *b)
{
	/* NULL (organisation, no person) sorts first */
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int nomem(hotline__err *err)
{
	return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
}

/* ---- periods ---- */

static int64_t offset_s(const state *s)
{
	return (int64_t)s->policy->zone_offset * 60;
}

static int64_t period_of(const state *s, int64_t t)
{
	int y, m, d;
	hotline__civil_from_days(hotline__floor_div(t + offset_s(s), DAY), &y, &m, &d);
	return (int64_t)y * 12 + (m - 1) + (d >= s->policy->period_day ? 1 : 0);
}

/* End of period p: the period day of its month, 00:00 local. */
static int64_t period_end(const state *s, int64_t p)
{
	int64_t y = hotline__floor_div(p, 12);
	int m = (int)(p - y * 12) + 1;
	return hotline__days_from_civil((int)y, m, s->policy->period_day) * DAY - offset_s(s);
}

static int64_t period_start(const state *s, int64_t p)
{
	return period_end(s, p - 1);
}

/* The period an increment belongs to: a rate's, to the period it assesses. */
static int64_t period_of_increment(const state *s, const hotline__rule *r, int64_t at)
{
	return r->kind == HOTLINE__RULE_RATE ? period_of(s, at - 1) : period_of(s, at);
}

/* ---- accumulators ---- */

static const hotline__rule *rule_of(const state *s, const char *id)
{
	size_t i;
	for (i = 0; i < s->policy->n_rules; i++)
		if (s->policy->rules[i].id == id)
			return &s->policy->rules[i];
	return hotline__policy_rule(s->policy, id);
}

static int people_add(state *s, const char *person, int64_t amount)
{
	person_acc *a = s->people.a, *p;
	size_t lo = 0, hi = s->people.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a[mid].person, person);
		if (c == 0) {
			a[mid].raw += amount;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!(p = vec_insert(&s->people, sizeof(*p), lo)))
		return HOTLINE_ENOMEM;
	if (!(p->person = hotline__strdup(person))) {
		memmove(p, p + 1, (s->people.n - 1 - lo) * sizeof(*p));
		s->people.n--;
		return HOTLINE_ENOMEM;
	}
	p->raw = amount;
	return 0;
}

static rate_acc *rate_get(vec *v, const char *property, int64_t period)
{
	rate_acc *a = v->a, *p;
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a[mid].property, property);
		if (c == 0)
			c = cmp_i64(a[mid].period, period);
		if (c == 0)
			return &a[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!(p = vec_insert(v, sizeof(*p), lo)))
		return NULL;
	if (!(p->property = hotline__strdup(property))) {
		memmove(p, p + 1, (v->n - 1 - lo) * sizeof(*p));
		v->n--;
		return NULL;
	}
	p->period = period;
	return p;
}

static int take_penalties(state *s, const hotline__eval *ev)
{
	size_t i, k;
	for (i = 0; i < ev->n_pen; i++) {
		const hotline__penalty *p = &ev->pen[i];
		const hotline__rule *r = rule_of(s, p->rule);
		int64_t in_period = 0;
		int any = 0;
		entry *e;

		if (!r || p->n_inc == 0)
			continue;
		if (!(e = vec_push(&s->entries, sizeof(*e))))
			return nomem(s->err);
		e->rule = r;
		e->amount = p->amount_fen;
		e->last_at = p->inc[p->n_inc - 1].at;
		if ((p->case_id && !(e->case_id = hotline__strdup(p->case_id))) ||
		    (p->person && !(e->person = hotline__strdup(p->person))))
			return nomem(s->err);
		if (p->n_evidence) {
			if (!(e->ev = malloc(p->n_evidence * sizeof(*e->ev))))
				return nomem(s->err);
			memcpy(e->ev, p->evidence, p->n_evidence * sizeof(*e->ev));
			e->n_ev = p->n_evidence;
		}
		/* people totals: the reported period's increments up to as_of */
		for (k = 0; k < p->n_inc; k++)
			if (p->inc[k].at <= s->as_of && period_of_increment(s, r, p->inc[k].at) == s->rep) {
				in_period += p->inc[k].amount_fen;
				any = 1;
			}
		if (any && p->person && people_add(s, p->person, in_period))
			return nomem(s->err);
	}
	return 0;
}

static int take_deadlines(state *s, const hotline__eval *ev)
{
	size_t i;
	for (i = 0; i < ev->n_dl; i++) {
		const hotline__deadline *d = &ev->dl[i];
		const hotline__rule *r = rule_of(s, d->rule);
		int open = (d->state == HOTLINE__DL_PENDING || d->state == HOTLINE__DL_MISSED) && d->current;
		dl_row *row;
		int k;

		if (!r)
			continue;
		for (k = 0; k < 2; k++) {
			if (k == 0 && d->late_seconds <= 0)
				continue;
			if (k == 1 && !open)
				continue;
			if (!(row = vec_push(k ? &s->open : &s->breaches, sizeof(*row))))
				return nomem(s->err);
			row->rule = r;
			row->state = d->state;
			row->started_at = d->started_at;
			row->due = d->due;
			row->met_at = d->met_at;
			row->stopped_at = d->stopped_at;
			row->late = d->late_seconds;
			if (d->case_id && !(row->case_id = hotline__strdup(d->case_id)))
				return nomem(s->err);
		}
	}
	return 0;
}

/* Art. 20: what one case adds to its property's rates. */
static int take_rates(state *s, const hotline__event *events, size_t n)
{
	hotline__case_facts f;
	rate_acc *a;
	size_t i;

	hotline__case_facts_read(events, n, s->as_of, &f);
	if (!f.property || f.registered_at == NONE)
		return 0;
	/* closure: cases registered in the period, not exempt, CLOSED at the assessment instant */
	{
		int64_t p = period_of(s, f.registered_at), e = period_end(s, p);
		if (e <= s->as_of) {
			int exempt = f.approved_at != NONE && f.approved_at <= e;
			if (!(a = rate_get(&s->rates, f.property, p)))
				return nomem(s->err);
			if (!exempt) {
				a->cl_den++;
				a->cl_num += f.closed_at != NONE && f.closed_at <= e;
			}
		}
		if (p == s->rep) {
			if (!(a = rate_get(&s->shown, f.property, p)))
				return nomem(s->err);
			if (f.approved_at == NONE) {
				a->cl_den++;
				a->cl_num += f.closed_at != NONE;
			}
		}
	}
	/* satisfaction: verify commands given in the period; exempt cases' verifies excluded */
	for (i = 0; i < n; i++) {
		const hotline__event *v = &events[i];
		int64_t p, e;
		int confirmed;
		if (v->cmd != HOTLINE_CMD_VERIFY || v->at == NONE || v->at > s->as_of)
			continue;
		p = period_of(s, v->at);
		e = period_end(s, p);
		confirmed = json_is_string(json_object_get(v->body, "outcome")) &&
			strcmp(json_string_value(json_object_get(v->body, "outcome")), "confirmed") == 0;
		if (e <= s->as_of && !(f.approved_at != NONE && f.approved_at <= e)) {
			if (!(a = rate_get(&s->rates, f.property, p)))
				return nomem(s->err);
			a->sat_den++;
			a->sat_num += confirmed;
		}
		if (p == s->rep && f.approved_at == NONE) {
			if (!(a = rate_get(&s->shown, f.property, p)))
				return nomem(s->err);
			a->sat_den++;
			a->sat_num += confirmed;
		}
	}
	return 0;
}

static int case_cb(const hotline__event *events, size_t n, void *payload)
{
	state *s = payload;
	hotline__eval ev;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = hotline__eval_case(s->policy, s->cal, s->dir, events, n, s->as_of, &ev, s->err)) != 0)
		return rc;
	if ((rc = take_penalties(s, &ev)) == 0 && (rc = take_deadlines(s, &ev)) == 0)
		rc = take_rates(s, events, n);
	hotline__eval_free(&ev);
	return rc;
}

/*
 * Started points below a threshold, in integers only (DESIGN §3.1):
 * ceil(T - 100 num / den) = ceil((T den - 100 num) / den) when positive.
 */
int64_t hotline__rate_points(int threshold, int64_t num, int64_t den)
{
	int64_t gap;
	if (den <= 0)
		return 0;   /* a rate with denominator 0 costs nothing */
	gap = (int64_t)threshold * den - 100 * num;
	return gap > 0 ? (gap + den - 1) / den : 0;
}

/* R20 for every period whose end is at or before as_of, at that end. */
static int price_rates(state *s, hotline__eval *org)
{
	const rate_acc *a = s->rates.a;
	size_t i, j;
	int rc = 0;
	for (i = 0; i < s->rates.n && !rc; i++) {
		int64_t e = period_end(s, a[i].period);
		if (e > s->as_of)
			continue;
		for (j = 0; j < s->policy->n_rules && !rc; j++) {
			const hotline__rule *r = &s->policy->rules[j];
			int64_t pts;
			if (r->kind != HOTLINE__RULE_RATE)
				continue;
			if (r->measure == HOTLINE__MEASURE_CLOSURE)
				pts = hotline__rate_points(r->threshold_percent, a[i].cl_num, a[i].cl_den);
			else
				pts = hotline__rate_points(r->threshold_percent, a[i].sat_num, a[i].sat_den);
			rc = hotline__eval_rate(s->policy, s->cal, s->dir, r, a[i].property, e, pts, org, s->err);
		}
	}
	return rc;
}

/* ---- output ---- */

static int cmp_entry_key(const void *x, const void *y)
{
	const entry *a = x, *b = y;
	int c = strcmp(a->rule->id, b->rule->id);
	if (!c)
		c = cmp_str(a->case_id, b->case_id);
	if (!c)
		c = cmp_str(a->person, b->person);
	return c;
}

static int cmp_entry_out(const void *x, const void *y)
{
	const entry *a = x, *b = y;
	int c = cmp_i64(a->last_at, b->last_at);
	return c ? c : cmp_entry_key(x, y);
}

static int cmp_row(const void *x, const void *y)
{
	const dl_row *a = x, *b = y;
	int c = cmp_i64(a->due, b->due);
	if (!c)
		c = strcmp(a->rule->id, b->rule->id);
	if (!c)
		c = cmp_str(a->case_id, b->case_id);
	if (!c)
		c = cmp_i64(a->started_at, b->started_at);
	return c;
}

static int merge_ev(entry *dst, const entry *src)
{
	size_t i = 0, j = 0, n = 0;
	int64_t *m;
	if (!src->n_ev)
		return 0;
	if (!(m = malloc((dst->n_ev + src->n_ev) * sizeof(*m))))
		return HOTLINE_ENOMEM;
	while (i < dst->n_ev || j < src->n_ev) {
		int64_t v;
		if (j >= src->n_ev || (i < dst->n_ev && dst->ev[i] <= src->ev[j]))
			v = dst->ev[i++];
		else
			v = src->ev[j++];
		if (!n || m[n - 1] != v)
			m[n++] = v;
	}
	free(dst->ev);
	dst->ev = m;
	dst->n_ev = n;
	return 0;
}

/* Merges entries of the same (rule, case, person): several properties' rates, say. */
static int merge_entries(state *s)
{
	entry *e = s->entries.a;
	size_t i, w = 0;
	if (s->entries.n == 0)
		return 0;
	if (s->entries.n > 1)
		qsort(e, s->entries.n, sizeof(*e), cmp_entry_key);
	for (i = 1; i < s->entries.n; i++) {
		if (cmp_entry_key(&e[w], &e[i]) == 0) {
			e[w].amount += e[i].amount;
			if (e[i].last_at > e[w].last_at)
				e[w].last_at = e[i].last_at;
			if (merge_ev(&e[w], &e[i]))
				return nomem(s->err);
			free(e[i].case_id);
			free(e[i].person);
			free(e[i].ev);
		} else {
			e[++w] = e[i];
		}
	}
	s->entries.n = w + 1;
	if (s->entries.n > 1)
		qsort(e, s->entries.n, sizeof(*e), cmp_entry_out);
	return 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *t_json(const state *s, int64_t t)
{
	return hotline__time_json(s->policy, t);
}

static const char *const dl_state_names[] = { "pending", "met", "missed", "stopped" };

static json_t *row_json(const state *s, const dl_row *r, int open)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "rule", json_string(r->rule->id));
	json_object_set_new(o, "article", json_integer(r->rule->article));
	json_object_set_new(o, "case", str_or_null(r->case_id));
	json_object_set_new(o, "started_at", t_json(s, r->started_at));
	json_object_set_new(o, "due", t_json(s, r->due));
	json_object_set_new(o, "state", json_string(dl_state_names[r->state]));
	json_object_set_new(o, "late_seconds", json_integer(r->late));
	if (open) {
		json_object_set_new(o, "overdue", json_boolean(r->late > 0));
	} else {
		json_object_set_new(o, "met_at", t_json(s, r->met_at));
		json_object_set_new(o, "stopped_at", t_json(s, r->stopped_at));
	}
	return o;
}

static json_t *rows_json(const state *s, vec *v, int open)
{
	json_t *a = json_array();
	size_t i;
	if (v->n > 1)
		qsort(v->a, v->n, sizeof(dl_row), cmp_row);
	for (i = 0; a && i < v->n; i++)
		if (json_array_append_new(a, row_json(s, &((dl_row *)v->a)[i], open))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *ratio(int64_t num, int64_t den)
{
	return json_pack("{s:I,s:I}", "num", (json_int_t)num, "den", (json_int_t)den);
}

static json_t *properties_json(state *s)
{
	json_t *a = json_array();
	const rate_acc *sh;
	size_t i;

	/* every property of the directory is listed, with 0/0 when it had nothing */
	for (i = 0; i < s->dir->n_properties; i++)
		if (!rate_get(&s->shown, s->dir->properties[i].id, s->rep)) {
			json_decref(a);
			return NULL;
		}
	sh = s->shown.a;
	for (i = 0; a && i < s->shown.n; i++) {
		json_t *o = json_pack("{s:s,s:o,s:o}", "id", sh[i].property,
			"closure", ratio(sh[i].cl_num, sh[i].cl_den),
			"satisfaction", ratio(sh[i].sat_num, sh[i].sat_den));
		if (json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *people_json(const state *s)
{
	json_t *a = json_array();
	const person_acc *p = s->people.a;
	const char *month = s->month;
	size_t i;

	for (i = 0; a && i < s->people.n; i++) {
		int64_t bonus = 0, capped = p[i].raw;
		json_t *o;
		/* Art. 22: deducted from that month's bonus, until the bonus is used up */
		int has = s->policy->cap_by_bonus && hotline__directory_bonus(s->dir, p[i].person, month, &bonus);
		if (has && bonus < capped)
			capped = bonus < 0 ? 0 : bonus;
		o = json_pack("{s:s,s:I,s:I,s:o}", "person", p[i].person, "raw_fen", (json_int_t)p[i].raw,
			"capped_fen", (json_int_t)capped, "bonus_fen", has ? json_integer(bonus) : json_null());
		if (json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *penalties_json(const state *s)
{
	json_t *a = json_array();
	const entry *e = s->entries.a;
	size_t i;
	for (i = 0; a && i < s->entries.n; i++) {
		json_t *o = json_object();
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
		json_object_set_new(o, "rule", json_string(e[i].rule->id));
		json_object_set_new(o, "article", json_integer(e[i].rule->article));
		json_object_set_new(o, "case", str_or_null(e[i].case_id));
		json_object_set_new(o, "person", str_or_null(e[i].person));
		json_object_set_new(o, "amount_fen", json_integer(e[i].amount));
		json_object_set_new(o, "incurred_at", t_json(s, e[i].last_at));
	}
	return a;
}

/* §3.3: the events that prove each penalty, in the penalties' order. */
static json_t *evidence_json(const state *s)
{
	json_t *a = json_array();
	const entry *e = s->entries.a;
	size_t i, k;
	for (i = 0; a && i < s->entries.n; i++) {
		json_t *ev = json_array();
		json_t *o = json_pack("{s:s,s:o,s:o,s:o}", "rule", e[i].rule->id, "case", str_or_null(e[i].case_id),
			"person", str_or_null(e[i].person), "events", ev);
		for (k = 0; ev && k < e[i].n_ev; k++)
			json_array_append_new(ev, json_integer(e[i].ev[k]));
		if (json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *assessment_json(state *s)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "policy", json_string(s->policy->name));
	json_object_set_new(o, "as_of", t_json(s, s->as_of));
	json_object_set_new(o, "period", json_pack("{s:o,s:o}", "from", t_json(s, s->rep_from), "to",
		t_json(s, s->rep_to)));
	json_object_set_new(o, "month", json_string(s->month));
	json_object_set_new(o, "properties", properties_json(s));
	json_object_set_new(o, "people", people_json(s));
	json_object_set_new(o, "open_deadlines", rows_json(s, &s->open, 1));
	json_object_set_new(o, "breaches", rows_json(s, &s->breaches, 0));
	json_object_set_new(o, "evidence", evidence_json(s));
	/* any member that failed to build is missing: report it as out of memory */
	if (json_object_size(o) != 9) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void state_free(state *s)
{
	size_t i;
	entry *e = s->entries.a;
	rate_acc *r;
	person_acc *p = s->people.a;
	dl_row *d;
	for (i = 0; i < s->entries.n; i++) {
		free(e[i].case_id);
		free(e[i].person);
		free(e[i].ev);
	}
	r = s->rates.a;
	for (i = 0; i < s->rates.n; i++)
		free(r[i].property);
	r = s->shown.a;
	for (i = 0; i < s->shown.n; i++)
		free(r[i].property);
	for (i = 0; i < s->people.n; i++)
		free(p[i].person);
	d = s->breaches.a;
	for (i = 0; i < s->breaches.n; i++)
		free(d[i].case_id);
	d = s->open.a;
	for (i = 0; i < s->open.n; i++)
		free(d[i].case_id);
	free(s->entries.a);
	free(s->rates.a);
	free(s->shown.a);
	free(s->people.a);
	free(s->breaches.a);
	free(s->open.a);
}

int hotline__assess(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t as_of,
	json_t **penalties_out, json_t **assessment_out, hotline__err *err)
{
	state s;
	hotline__eval org;
	const hotline__event *oev = NULL;
	size_t on = 0;
	int rc;

	if (penalties_out)
		*penalties_out = NULL;
	if (assessment_out)
		*assessment_out = NULL;
	if (!policy || !cal || !dir || !src || !src->foreach_case || !src->org_events ||
	    !penalties_out || !assessment_out)
		return hotline__seterr(err, HOTLINE_EINVALID, "assessment: missing argument");
	if (as_of < MIN_INSTANT || as_of > MAX_INSTANT)
		return hotline__seterr(err, HOTLINE_EINVALID, "assessment: as_of out of range");
	memset(&s, 0, sizeof(s));
	s.policy = policy;
	s.cal = cal;
	s.dir = dir;
	s.as_of = as_of;
	s.err = err;
	/* the period whose end is the first period day 00:00 at or after as_of */
	s.rep = period_of(&s, as_of - 1);
	s.rep_from = period_start(&s, s.rep);
	s.rep_to = period_end(&s, s.rep);
	{
		int64_t y = hotline__floor_div(s.rep, 12);
		snprintf(s.month, sizeof(s.month), "%04d-%02d", (int)y, (int)(s.rep - y * 12) + 1);
	}

	rc = src->foreach_case(src->ctx, case_cb, &s);
	if (rc == 0 && (rc = src->org_events(src->ctx, &oev, &on)) != 0 && !(err && err->code))
		hotline__seterr(err, rc, "assessment: reading organisation events");
	if (rc == 0 && (rc = hotline__eval_org(policy, cal, dir, oev, on, src->first_event_at, as_of, &org, err)) == 0) {
		if ((rc = price_rates(&s, &org)) == 0 && (rc = take_penalties(&s, &org)) == 0)
			rc = take_deadlines(&s, &org);
		hotline__eval_free(&org);
	}
	if (rc && err && !err->code)
		hotline__seterr(err, rc, "assessment failed");
	if (rc == 0 && (rc = merge_entries(&s)) == 0) {
		*penalties_out = penalties_json(&s);
		*assessment_out = assessment_json(&s);
		if (!*penalties_out || !*assessment_out) {
			json_decref(*penalties_out);
			json_decref(*assessment_out);
			*penalties_out = *assessment_out = NULL;
			rc = nomem(err);
		}
	}
	state_free(&s);
	return rc;
}
