/*
 * The monthly assessment (DESIGN §3.1, §3.3, §5).
 *
 * Cases are streamed one at a time from the source and reduced at once to
 * what the output needs. Memory does not grow with the number of cases:
 * a case's breaches and open deadlines are written out as JSON text as
 * soon as the case is done (into a temporary file, in the source's case
 * order, each case's rows by due instant); what stays in memory is small
 * per row: the penalty totals per (rule, case, person) with their evidence
 * (DESIGN §5 sorts them by incurred_at over all cases), the reported
 * period's totals per person and the rate counters per (property, period).
 * The document is written through a sink, so a caller can stream it too.
 *
 * Assessment period of month M: [27th of M-1 00:00 local, 27th of M 00:00
 * local) (Art. 20, 21: the 27th is the monthly assessment day). A period is
 * identified by the index y * 12 + (M - 1) of its month.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/eval.h"
#include "rules/summary.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/vec.h"
#include "util/time.h"

#define DAY INT64_C(86400)
#define NONE HOTLINE_TIME_NONE


typedef struct entry {
	const hotline__rule *rule;
	char *case_id;            /* NULL: organisation */
	char *person;             /* NULL: no holder */
	int64_t amount, last_at;
	int64_t *ev;
	size_t n_ev;
	int provisional;          /* rests on a year without holiday data */
	int64_t period_amount;    /* the reported period's increments up to as_of (the people totals) */
	int64_t period_last_at;   /* the last of them (NONE: none) */
	int64_t period_n;         /* how many */
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
	int provisional;
} dl_row;

typedef struct vec {
	void *a;
	size_t n, cap;
} vec;

/* Many small allocations freed at once. */
typedef struct arena {
	char **blocks;
	size_t n, cap;
	char *cur;
	size_t used, size;
} arena;

typedef struct state {
	const hotline__policy *policy;
	const char *what_if_digest;   /* a what-if's policy digest (DESIGN §6.7), else NULL */
	const hotline__calendar *cal;
	const hotline__directory *dir;
	int64_t as_of;
	hotline__err *err;
	int64_t rep, rep_from, rep_to;   /* the reported period */
	char month[32];                  /* its month, "YYYY-MM": the bonus that caps it (Art. 22) */
	int month_ok;                    /* month is one a bonus can have (hotline__month_valid) */
	vec entries;                     /* entry */
	vec rates;                       /* rate_acc sorted by (property, period) */
	vec shown;                       /* rate_acc of the reported period as of as_of, by property */
	vec people;                      /* person_acc sorted by person */
	vec breaches, open;              /* dl_row of the organisation */
	vec case_b, case_o;              /* dl_row of the case being reduced */
	hotline__sbuf spill_b, spill_o;  /* the cases' rows as JSON text */
	hotline__jw spill_wb, spill_wo;  /* their writers: each one array fragment, open the whole run */
	FILE *file_b, *file_o;           /* where the spills go (NULL: memory) */
	size_t n_spill_b, n_spill_o;
	int no_rows;                     /* CSV: breaches and open deadlines are not written at all */
	hotline__sbuf rows;              /* a case's rows as text, spliced into their array at once */
	arena mem;                       /* strings and evidence of the rows kept */
} state;

/* ---- small helpers ---- */


static void *vec_push(vec *v, size_t size)
{
	return hotline__vec_push(&v->a, &v->n, &v->cap, size);
}

static void *arena_alloc(arena *a, size_t n)
{
	void *p;
	n = (n + 7) & ~(size_t)7;
	if (!a->cur || a->used + n > a->size) {
		size_t size = n > 65536 ? n : 65536;
		char *b = malloc(size);
		if (!b || hotline__vec_grow((void **)&a->blocks, &a->cap, a->n, sizeof(*a->blocks))) {
			free(b);
			return NULL;
		}
		a->blocks[a->n++] = b;
		a->cur = b;
		a->used = 0;
		a->size = size;
	}
	p = a->cur + a->used;
	a->used += n;
	return p;
}

/* A copy of s in the arena; *ok is cleared when memory is short (s == NULL gives NULL). */
static char *arena_str(arena *a, const char *s, int *ok)
{
	size_t n;
	char *p;
	if (!s)
		return NULL;
	n = strlen(s) + 1;
	if (!(p = arena_alloc(a, n))) {
		*ok = 0;
		return NULL;
	}
	memcpy(p, s, n);
	return p;
}

static void arena_free(arena *a)
{
	size_t i;
	for (i = 0; i < a->n; i++)
		free(a->blocks[i]);
	free(a->blocks);
	memset(a, 0, sizeof(*a));
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

static int cmp_person(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const person_acc *)elem)->person);
}

static int people_add(state *s, const char *person, int64_t amount)
{
	person_acc *p;
	char *copy;
	int found;
	size_t i = hotline__vec_lower_bound(s->people.a, s->people.n, sizeof(*p), person, cmp_person, &found);
	if (found) {
		((person_acc *)s->people.a)[i].raw += amount;
		return 0;
	}
	if (!(copy = hotline__strdup(person)) ||
	    !(p = hotline__vec_insert(&s->people.a, &s->people.n, &s->people.cap, sizeof(*p), i))) {
		free(copy);
		return HOTLINE_ENOMEM;
	}
	p->person = copy;
	p->raw = amount;
	return 0;
}

typedef struct rate_key {
	const char *property;
	int64_t period;
} rate_key;

/* Rate counters are sorted by (property, period). */
static int cmp_rate(const void *key, const void *elem)
{
	const rate_key *k = key;
	const rate_acc *a = elem;
	int c = strcmp(k->property, a->property);
	return c ? c : cmp_i64(k->period, a->period);
}

static rate_acc *rate_get(vec *v, const char *property, int64_t period)
{
	rate_acc *p;
	rate_key k;
	char *copy;
	int found;
	size_t i;
	k.property = property;
	k.period = period;
	i = hotline__vec_lower_bound(v->a, v->n, sizeof(*p), &k, cmp_rate, &found);
	if (found)
		return (rate_acc *)v->a + i;
	if (!(copy = hotline__strdup(property)) || !(p = hotline__vec_insert(&v->a, &v->n, &v->cap, sizeof(*p), i))) {
		free(copy);
		return NULL;
	}
	p->property = copy;
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
		e->provisional = p->provisional;
		{
			int ok = 1;
			e->case_id = arena_str(&s->mem, p->case_id, &ok);
			e->person = arena_str(&s->mem, p->person, &ok);
			if (!ok)
				return nomem(s->err);
		}
		if (p->n_evidence) {
			if (!(e->ev = arena_alloc(&s->mem, p->n_evidence * sizeof(*e->ev))))
				return nomem(s->err);
			memcpy(e->ev, p->evidence, p->n_evidence * sizeof(*e->ev));
			e->n_ev = p->n_evidence;
		}
		/* people totals: the reported period's increments up to as_of */
		e->period_last_at = NONE;
		e->period_n = 0;
		for (k = 0; k < p->n_inc; k++)
			if (p->inc[k].at <= s->as_of && period_of_increment(s, r, p->inc[k].at) == s->rep) {
				in_period += p->inc[k].amount_fen;
				any = 1;
				e->period_last_at = p->inc[k].at;
				e->period_n++;
			}
		e->period_amount = in_period;
		if (any && p->person && people_add(s, p->person, in_period))
			return nomem(s->err);
	}
	return 0;
}

/* Breaches and open deadlines into b and o; copy: keep the case ids (else they point into ev). */
static int take_deadlines(state *s, const hotline__eval *ev, vec *b, vec *o, int copy)
{
	size_t i;
	for (i = 0; i < ev->n_dl; i++) {
		const hotline__deadline *d = &ev->dl[i];
		const hotline__rule *r = rule_of(s, d->rule);
		int open = (d->state == HOTLINE__DL_PENDING || d->state == HOTLINE__DL_MISSED) && d->current;
		dl_row *row;
		int k, ok = 1;

		if (!r)
			continue;
		for (k = 0; k < 2; k++) {
			if (k == 0 && d->late_seconds <= 0)
				continue;
			if (k == 1 && !open)
				continue;
			if (!(row = vec_push(k ? o : b, sizeof(*row))))
				return nomem(s->err);
			row->rule = r;
			row->state = d->state;
			row->started_at = d->started_at;
			row->due = d->due;
			row->met_at = d->met_at;
			row->stopped_at = d->stopped_at;
			row->late = d->late_seconds;
			row->provisional = d->provisional;
			row->case_id = copy ? arena_str(&s->mem, d->case_id, &ok) : (char *)d->case_id;
			if (!ok)
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

static int cmp_row(const void *x, const void *y);
static int put_rows(hotline__jw *w, hotline__sbuf *b, const state *s, vec *v, int open);

/* Writes (and forgets) the rows of the case just reduced. */
static int spill_rows(state *s, vec *v, hotline__jw *w, size_t *count, int open)
{
	int rc;
	if (s->no_rows) {
		v->n = 0;
		return 0;
	}
	rc = put_rows(w, &s->rows, s, v, open);
	*count += v->n;
	v->n = 0;
	if (rc)
		return hotline__seterr(s->err, rc, rc == HOTLINE_ENOMEM ? "out of memory" :
			"assessment: writing a temporary file");
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
	if ((rc = take_penalties(s, &ev)) == 0 && (rc = take_deadlines(s, &ev, &s->case_b, &s->case_o, 0)) == 0 &&
	    (rc = spill_rows(s, &s->case_b, &s->spill_wb, &s->n_spill_b, 0)) == 0 &&
	    (rc = spill_rows(s, &s->case_o, &s->spill_wo, &s->n_spill_o, 1)) == 0)
		rc = take_rates(s, events, n);
	hotline__eval_free(&ev);
	return rc;
}

/* ---- a case from its rules summary (rules/summary.h) ---- */

/* Art. 20: what one case adds to its property's rates, as take_rates reads it from the events. */
static int take_rates_summary(state *s, const hotline__summary *sum)
{
	rate_acc *a;
	size_t i;

	if (!sum->property || sum->registered_at == NONE)
		return 0;
	{
		int64_t p = period_of(s, sum->registered_at), e = period_end(s, p);
		if (e <= s->as_of) {
			int exempt = sum->approved_at != NONE && sum->approved_at <= e;
			if (!(a = rate_get(&s->rates, sum->property, p)))
				return nomem(s->err);
			if (!exempt) {
				a->cl_den++;
				a->cl_num += sum->closed_at != NONE && sum->closed_at <= e;
			}
		}
		if (p == s->rep) {
			if (!(a = rate_get(&s->shown, sum->property, p)))
				return nomem(s->err);
			if (sum->approved_at == NONE) {
				a->cl_den++;
				a->cl_num += sum->closed_at != NONE;
			}
		}
	}
	for (i = 0; i < sum->n_verify; i++) {
		const hotline__sum_verify *v = &sum->verify[i];
		int64_t p, e;
		if (v->at == NONE || v->at > s->as_of)
			continue;
		p = period_of(s, v->at);
		e = period_end(s, p);
		if (e <= s->as_of && !(sum->approved_at != NONE && sum->approved_at <= e)) {
			if (!(a = rate_get(&s->rates, sum->property, p)))
				return nomem(s->err);
			a->sat_den++;
			a->sat_num += v->confirmed;
		}
		if (p == s->rep && sum->approved_at == NONE) {
			if (!(a = rate_get(&s->shown, sum->property, p)))
				return nomem(s->err);
			a->sat_den++;
			a->sat_num += v->confirmed;
		}
	}
	return 0;
}

static int case_summary_cb(const char *case_id, const hotline__event *events, size_t n, const hotline__summary *sum,
	void *payload)
{
	state *s = payload;
	hotline__eval ev;
	int rc;

	if (!sum)
		return case_cb(events, n, payload);
	if ((rc = hotline__eval_summary(s->policy, s->cal, s->dir, case_id, sum, s->as_of, &ev, s->err)) != 0)
		return rc == HOTLINE_ECORRUPT && !(s->err && s->err->code) ? HOTLINE__SUMMARY_UNUSABLE : rc;
	if ((rc = take_penalties(s, &ev)) == 0 && (rc = take_deadlines(s, &ev, &s->case_b, &s->case_o, 0)) == 0 &&
	    (rc = spill_rows(s, &s->case_b, &s->spill_wb, &s->n_spill_b, 0)) == 0 &&
	    (rc = spill_rows(s, &s->case_o, &s->spill_wo, &s->n_spill_o, 1)) == 0)
		rc = take_rates_summary(s, sum);
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
		/* the rates of a period under the policy in force just before its end (DESIGN §6.7) */
		const hotline__policy *pe = hotline__policy_at(s->policy, e - 1);
		for (j = 0; j < pe->n_rules && !rc; j++) {
			const hotline__rule *r = &pe->rules[j];
			int64_t pts;
			if (r->kind != HOTLINE__RULE_RATE)
				continue;
			if (r->measure == HOTLINE__MEASURE_CLOSURE)
				pts = hotline__rate_points(r->threshold_percent, a[i].cl_num, a[i].cl_den);
			else
				pts = hotline__rate_points(r->threshold_percent, a[i].sat_num, a[i].sat_den);
			rc = hotline__eval_rate(pe, s->cal, s->dir, r, a[i].property, e, pts, org, s->err);
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

static int merge_ev(arena *mem, entry *dst, const entry *src)
{
	size_t i = 0, j = 0, n = 0;
	int64_t *m;
	if (!src->n_ev)
		return 0;
	if (!(m = arena_alloc(mem, (dst->n_ev + src->n_ev) * sizeof(*m))))
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
			e[w].period_amount += e[i].period_amount;
			e[w].period_n += e[i].period_n;
			if (e[i].period_last_at != NONE && (e[w].period_last_at == NONE || e[i].period_last_at > e[w].period_last_at))
				e[w].period_last_at = e[i].period_last_at;
			if (merge_ev(&s->mem, &e[w], &e[i]))
				return nomem(s->err);
		} else {
			e[++w] = e[i];
		}
	}
	s->entries.n = w + 1;
	if (s->entries.n > 1)
		qsort(e, s->entries.n, sizeof(*e), cmp_entry_out);
	return 0;
}

/*
 * ---- output ----
 *
 * Through the one writer (util/json.h): rows are collected objects, whose
 * members the writer sorts; the document and its big arrays stream, and
 * the writer refuses a streamed member out of canonical order. Every array
 * of rows has one row per line.
 */

static const char *const dl_state_names[] = { "pending", "met", "missed", "stopped" };

#define ROWS HOTLINE__JW_LINES

static void jw_time(hotline__jw *w, const state *s, int64_t t)
{
	char buf[32];
	if (t == NONE) {
		hotline__jw_null(w);
		return;
	}
	hotline__time_format(t, hotline__policy_zone_offset(s->policy), buf);
	hotline__jw_str(w, buf);
}

/* A string member's value as hotline__jw_str writes it (NULL: null). */
static void put_str(hotline__sbuf *b, const char *v)
{
	if (v)
		hotline__sbuf_str(b, v, strlen(v));
	else
		hotline__sbuf_put(b, "null", 4);
}

static void put_time(hotline__sbuf *b, const state *s, int64_t t)
{
	char buf[32];
	size_t n;
	if (t == NONE) {
		hotline__sbuf_put(b, "null", 4);
		return;
	}
	hotline__time_format(t, hotline__policy_zone_offset(s->policy), buf);
	n = strlen(buf);
	buf[n] = '"';
	hotline__sbuf_putc(b, '"');
	hotline__sbuf_put(b, buf, n + 1);
}

#define PUT_KEY(b, k) hotline__sbuf_put((b), (k), sizeof(k) - 1)

/*
 * A breach or open deadline as the text the writer makes of a collected
 * object with these members: compact, members in canonical (bytewise) key
 * order. A case's rows are many in a month's document, and writing them
 * here costs a fraction of collecting and sorting each row's members.
 */
static void row_text(hotline__sbuf *b, const state *s, const dl_row *r, int open)
{
	PUT_KEY(b, "{\"article\":");
	hotline__sbuf_int(b, r->rule->article);
	PUT_KEY(b, ",\"case\":");
	put_str(b, r->case_id);
	PUT_KEY(b, ",\"due\":");
	put_time(b, s, r->due);
	PUT_KEY(b, ",\"late_seconds\":");
	hotline__sbuf_int(b, r->late);
	if (open) {
		if (r->late > 0)
			PUT_KEY(b, ",\"overdue\":true");
		else
			PUT_KEY(b, ",\"overdue\":false");
	} else {
		PUT_KEY(b, ",\"met_at\":");
		put_time(b, s, r->met_at);
	}
	if (r->provisional)
		PUT_KEY(b, ",\"provisional\":true");
	PUT_KEY(b, ",\"rule\":");
	put_str(b, r->rule->id);
	PUT_KEY(b, ",\"started_at\":");
	put_time(b, s, r->started_at);
	PUT_KEY(b, ",\"state\":\"");
	hotline__sbuf_puts(b, dl_state_names[r->state]);
	hotline__sbuf_putc(b, '"');
	if (!open) {
		PUT_KEY(b, ",\"stopped_at\":");
		put_time(b, s, r->stopped_at);
	}
	hotline__sbuf_putc(b, '}');
}

/*
 * Rows v, sorted, appended to w's open array (a ROWS one) through b: each
 * on its own line, as the writer puts an element of such an array.
 */
static int put_rows(hotline__jw *w, hotline__sbuf *b, const state *s, vec *v, int open)
{
	hotline__sbuf *d;
	size_t i;
	if (!v->n)
		return 0;
	if (v->n > 1)
		qsort(v->a, v->n, sizeof(dl_row), cmp_row);
	b->n = 0;
	for (i = 0; i < v->n; i++) {
		if (i)
			hotline__sbuf_putc(b, ',');
		hotline__sbuf_putc(b, '\n');
		row_text(b, s, &((dl_row *)v->a)[i], open);
	}
	if (b->err)
		return b->err;
	if ((d = hotline__jw_splice(w, v->n)) != NULL)
		hotline__sbuf_put(d, b->p, b->n);
	return hotline__jw_error(w);
}

/* Moves a spill's text (file or memory) to the end of out. */
static int copy_spill(hotline__sbuf *out, hotline__sbuf *spill, FILE *f)
{
	char chunk[65536];
	size_t n;
	if (hotline__sbuf_flush(spill))
		return spill->err;
	if (!f) {
		hotline__sbuf_put(out, spill->p, spill->n);
		return out->err;
	}
	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0)
		return HOTLINE_EIO;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		hotline__sbuf_put(out, chunk, n);
	if (ferror(f))
		return HOTLINE_EIO;
	return out->err;
}

/* Organisation rows (sorted, in memory) then the cases' rows (spilled). */
static int write_rows(hotline__jw *w, const state *s, vec *org, hotline__jw *spill_w, hotline__sbuf *spill,
	FILE *f, size_t n_spill, int open)
{
	hotline__sbuf b;
	int rc;
	hotline__jw_array(w, ROWS);
	hotline__sbuf_init(&b, NULL, NULL);
	rc = put_rows(w, &b, s, org, open);
	hotline__sbuf_free(&b);
	if (rc)
		return rc;
	if (n_spill) {
		hotline__sbuf *d;
		hotline__jw_end(spill_w);   /* the fragment */
		if ((rc = hotline__jw_finish(spill_w)) != 0)
			return rc;
		if (!(d = hotline__jw_splice(w, n_spill)))
			return hotline__jw_error(w);
		if ((rc = copy_spill(d, spill, f)) != 0)
			return rc;
	}
	hotline__jw_end(w);
	return hotline__jw_error(w);
}

static void write_ratio(hotline__jw *w, int64_t num, int64_t den)
{
	hotline__jw_object(w);
	hotline__jw_key(w, "num");
	hotline__jw_int(w, num);
	hotline__jw_key(w, "den");
	hotline__jw_int(w, den);
	hotline__jw_end(w);
}

static int write_properties(hotline__jw *w, state *s)
{
	const rate_acc *sh;
	size_t i;
	/* every property of the directory as of as_of is listed, with 0/0 when it had nothing */
	for (i = 0; i < s->dir->n_properties; i++)
		if (hotline__directory_property_walk(s->dir, i, s->as_of) &&
		    !rate_get(&s->shown, s->dir->properties[i].id, s->rep))
			return HOTLINE_ENOMEM;
	sh = s->shown.a;
	hotline__jw_array(w, ROWS);
	for (i = 0; i < s->shown.n; i++) {
		hotline__jw_object(w);
		hotline__jw_key(w, "id");
		hotline__jw_str(w, sh[i].property);
		hotline__jw_key(w, "closure");
		write_ratio(w, sh[i].cl_num, sh[i].cl_den);
		hotline__jw_key(w, "satisfaction");
		write_ratio(w, sh[i].sat_num, sh[i].sat_den);
		hotline__jw_end(w);
	}
	hotline__jw_end(w);
	return hotline__jw_error(w);
}

/*
 * Art. 22: deducted from that month's bonus, until the bonus is used up; the
 * bonus is the month's latest definition as of as_of (a correction counts
 * from its instant). Returns 1 when a bonus caps the person (*bonus set).
 */
static int person_cap(const state *s, const person_acc *p, int64_t *bonus, int64_t *capped)
{
	int has;
	*bonus = 0;
	*capped = p->raw;
	/* Art. 22: deducted from that month's bonus, until the bonus is used up, under the policy in
	 * force at the period's end; the bonus is the month's latest definition as of as_of */
	has = hotline__policy_at(s->policy, s->rep_to - 1)->cap_by_bonus && s->month_ok &&
		hotline__directory_bonus_at(s->dir, p->person, s->month, s->as_of, bonus);
	if (has && *bonus < *capped)
		*capped = *bonus < 0 ? 0 : *bonus;
	return has;
}

static void write_people(hotline__jw *w, const state *s)
{
	const person_acc *p = s->people.a;
	size_t i;
	hotline__jw_array(w, ROWS);
	for (i = 0; i < s->people.n; i++) {
		int64_t bonus, capped;
		int has = person_cap(s, &p[i], &bonus, &capped);
		hotline__jw_object(w);
		hotline__jw_key(w, "person");
		hotline__jw_str(w, p[i].person);
		hotline__jw_key(w, "raw_fen");
		hotline__jw_int(w, p[i].raw);
		hotline__jw_key(w, "bonus_fen");
		if (has)
			hotline__jw_int(w, bonus);
		else
			hotline__jw_null(w);
		hotline__jw_key(w, "capped_fen");
		hotline__jw_int(w, capped);
		hotline__jw_end(w);
	}
	hotline__jw_end(w);
}

/*
 * A penalty and its evidence, each row written as the writer writes a
 * collected object (members in canonical order) and appended to the open
 * array: there is a row per penalty of the month.
 */
static void write_penalties(hotline__jw *w, const state *s)
{
	const entry *e = s->entries.a;
	hotline__sbuf *b;
	size_t i;
	hotline__jw_array(w, ROWS);
	for (i = 0; i < s->entries.n; i++) {
		if (!(b = hotline__jw_splice(w, 1)))
			return;
		PUT_KEY(b, "\n{\"amount_fen\":");
		hotline__sbuf_int(b, e[i].amount);
		PUT_KEY(b, ",\"article\":");
		hotline__sbuf_int(b, e[i].rule->article);
		PUT_KEY(b, ",\"case\":");
		put_str(b, e[i].case_id);
		PUT_KEY(b, ",\"incurred_at\":");
		put_time(b, s, e[i].last_at);
		PUT_KEY(b, ",\"person\":");
		put_str(b, e[i].person);
		if (e[i].provisional)
			PUT_KEY(b, ",\"provisional\":true");
		PUT_KEY(b, ",\"rule\":");
		put_str(b, e[i].rule->id);
		hotline__sbuf_putc(b, '}');
	}
	hotline__jw_end(w);
}

/* §3.3: the events that prove each penalty, in the penalties' order. */
static void write_evidence(hotline__jw *w, const state *s)
{
	const entry *e = s->entries.a;
	hotline__sbuf *b;
	size_t i, k;
	hotline__jw_array(w, ROWS);
	for (i = 0; i < s->entries.n; i++) {
		if (!(b = hotline__jw_splice(w, 1)))
			return;
		PUT_KEY(b, "\n{\"case\":");
		put_str(b, e[i].case_id);
		PUT_KEY(b, ",\"events\":[");
		for (k = 0; k < e[i].n_ev; k++) {
			if (k)
				hotline__sbuf_putc(b, ',');
			hotline__sbuf_int(b, e[i].ev[k]);
		}
		PUT_KEY(b, "],\"person\":");
		put_str(b, e[i].person);
		PUT_KEY(b, ",\"rule\":");
		put_str(b, e[i].rule->id);
		hotline__sbuf_putc(b, '}');
	}
	hotline__jw_end(w);
}

/*
 * The assessment object. It streams (its arrays may hold a row per case), so
 * its members are written in canonical order; the writer checks that.
 */
static int write_assessment(hotline__jw *w, state *s)
{
	int rc;
	hotline__jw_object_streamed(w);
	hotline__jw_key(w, "as_of");
	jw_time(w, s, s->as_of);
	hotline__jw_key(w, "breaches");
	if ((rc = write_rows(w, s, &s->breaches, &s->spill_wb, &s->spill_b, s->file_b, s->n_spill_b, 0)) != 0)
		return rc;
	hotline__jw_key(w, "evidence");
	write_evidence(w, s);
	hotline__jw_key(w, "month");
	hotline__jw_str(w, s->month);
	hotline__jw_key(w, "open_deadlines");
	if ((rc = write_rows(w, s, &s->open, &s->spill_wo, &s->spill_o, s->file_o, s->n_spill_o, 1)) != 0)
		return rc;
	hotline__jw_key(w, "people");
	write_people(w, s);
	hotline__jw_key(w, "period");
	hotline__jw_object(w);
	hotline__jw_key(w, "from");
	jw_time(w, s, s->rep_from);
	hotline__jw_key(w, "to");
	jw_time(w, s, s->rep_to);
	hotline__jw_end(w);
	hotline__jw_key(w, "policy");
	hotline__jw_str(w, s->policy->name);
	if (s->what_if_digest) {
		/* read under a policy other than the database's: which text it was */
		hotline__jw_key(w, "policy_digest");
		hotline__jw_str(w, s->what_if_digest);
	}
	hotline__jw_key(w, "properties");
	if ((rc = write_properties(w, s)) != 0)
		return rc;
	hotline__jw_end(w);
	return hotline__jw_error(w);
}

static void state_free(state *s)
{
	size_t i;
	rate_acc *r;
	person_acc *p = s->people.a;
	r = s->rates.a;
	for (i = 0; i < s->rates.n; i++)
		free(r[i].property);
	r = s->shown.a;
	for (i = 0; i < s->shown.n; i++)
		free(r[i].property);
	for (i = 0; i < s->people.n; i++)
		free(p[i].person);
	free(s->entries.a);
	free(s->rates.a);
	free(s->shown.a);
	free(s->people.a);
	free(s->breaches.a);
	free(s->open.a);
	free(s->case_b.a);
	free(s->case_o.a);
	hotline__jw_free(&s->spill_wb);
	hotline__jw_free(&s->spill_wo);
	hotline__sbuf_free(&s->spill_b);
	hotline__sbuf_free(&s->spill_o);
	hotline__sbuf_free(&s->rows);
	if (s->file_b)
		fclose(s->file_b);
	if (s->file_o)
		fclose(s->file_o);
	arena_free(&s->mem);
}

static int file_sink(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

/*
 * Payroll joins the people rows to the month's bonuses: every person holding
 * a bonus of the reported month as of as_of is listed, with 0 when nothing
 * was charged (DESIGN §3.1, Art. 22).
 */
static int add_bonus_holders(state *s)
{
	const hotline__bonus *b = s->dir->bonuses;
	size_t i;
	if (!s->month_ok)
		return 0;
	for (i = 0; i < s->dir->n_bonuses; i++)
		if (strcmp(b[i].month, s->month) == 0 && b[i].from <= s->as_of && people_add(s, b[i].person, 0) != 0)
			return HOTLINE_ENOMEM;
	return 0;
}

/* Reduces every case and the organisation's events; the rows are ready to write. */
static int run(state *s, const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t as_of, int rows, hotline__err *err)
{
	hotline__eval org;
	const hotline__event *oev = NULL;
	size_t on = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!policy || !cal || !dir || !src || !src->foreach_case || !src->org_events)
		return hotline__seterr(err, HOTLINE_EINVALID, "assessment: missing argument");
	if (as_of < HOTLINE__MIN_INSTANT || as_of > HOTLINE__MAX_INSTANT)
		return hotline__seterr(err, HOTLINE_EINVALID, "assessment: as_of out of range");
	s->policy = policy;
	s->cal = cal;
	s->dir = dir;
	s->as_of = as_of;
	s->err = err;
	/* the period whose end is the first period day 00:00 at or after as_of */
	s->rep = period_of(s, as_of - 1);
	s->rep_from = period_start(s, s->rep);
	s->rep_to = period_end(s, s->rep);
	{
		int64_t y = hotline__floor_div(s->rep, 12);
		snprintf(s->month, sizeof(s->month), "%04d-%02d", (int)y, (int)(s->rep - y * 12) + 1);
		/* a period past year 9999 has no month a bonus can name: nothing caps it */
		s->month_ok = hotline__month_valid(s->month);
	}
	/* the cases' rows go to temporary files; in memory when none can be made */
	s->no_rows = !rows;
	s->file_b = rows ? tmpfile() : NULL;
	s->file_o = rows ? tmpfile() : NULL;
	hotline__sbuf_init(&s->spill_b, s->file_b ? file_sink : NULL, s->file_b);
	hotline__sbuf_init(&s->spill_o, s->file_o ? file_sink : NULL, s->file_o);
	hotline__sbuf_init(&s->rows, NULL, NULL);
	hotline__jw_init(&s->spill_wb, &s->spill_b);
	hotline__jw_init(&s->spill_wo, &s->spill_o);
	hotline__jw_array(&s->spill_wb, ROWS | HOTLINE__JW_FRAGMENT);
	hotline__jw_array(&s->spill_wo, ROWS | HOTLINE__JW_FRAGMENT);

	if (src->foreach_case_summary)
		rc = src->foreach_case_summary(src->ctx, as_of, case_summary_cb, s);
	else
		rc = src->foreach_case(src->ctx, case_cb, s);
	if (rc == 0 && (rc = src->org_events(src->ctx, &oev, &on)) != 0 && !(err && err->code))
		hotline__seterr(err, rc, "assessment: reading organisation events");
	if (rc == 0 && (rc = hotline__eval_org(policy, cal, dir, oev, on, src->first_event_at, as_of, &org, err)) == 0) {
		if ((rc = price_rates(s, &org)) == 0 && (rc = take_penalties(s, &org)) == 0)
			rc = take_deadlines(s, &org, &s->breaches, &s->open, 1);
		hotline__eval_free(&org);
	}
	if (rc && err && !err->code)
		hotline__seterr(err, rc, "assessment failed");
	if (rc == 0)
		rc = merge_entries(s);
	if (rc == 0 && (rc = add_bonus_holders(s)) != 0)
		nomem(err);
	return rc;
}

int hotline__assess_write(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t as_of, const char *what_if_digest,
	hotline__sbuf *out, hotline__sbuf *penalties, hotline__err *err)
{
	state s;
	hotline__jw w, pw;
	int rc = run(&s, policy, cal, dir, src, as_of, 1, err);
	s.what_if_digest = what_if_digest;
	if (rc == 0 && !out)
		rc = hotline__seterr(err, HOTLINE_EINVALID, "assessment: missing argument");
	if (rc == 0) {
		hotline__jw_init(&w, out);
		hotline__jw_init(&pw, penalties);
		if (penalties) {
			/* the assessment object to out, the penalties array apart */
			if ((rc = write_assessment(&w, &s)) == 0 && (rc = hotline__jw_finish(&w)) == 0) {
				write_penalties(&pw, &s);
				rc = hotline__jw_finish(&pw);
			}
		} else {
			/* one document: {"assessment":{...},"penalties":[...]} and a newline */
			hotline__jw_object_streamed(&w);
			hotline__jw_key(&w, "assessment");
			if ((rc = write_assessment(&w, &s)) == 0) {
				hotline__jw_key(&w, "penalties");
				write_penalties(&w, &s);
				hotline__jw_end(&w);
				if ((rc = hotline__jw_finish(&w)) == 0)
					hotline__sbuf_putc(out, '\n');
			}
		}
		if (rc == 0)
			rc = out->err;
		if (rc)
			hotline__seterr(err, rc, rc == HOTLINE_ENOMEM ? "out of memory" : "assessment: writing the document");
		hotline__jw_free(&w);
		hotline__jw_free(&pw);
	}
	state_free(&s);
	return rc;
}

int hotline__assess(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t as_of, const char *what_if_digest,
	json_t **penalties_out, json_t **assessment_out, hotline__err *err)
{
	hotline__sbuf a, p;
	int rc;
	if (penalties_out)
		*penalties_out = NULL;
	if (assessment_out)
		*assessment_out = NULL;
	if (!penalties_out || !assessment_out)
		return hotline__seterr(err, HOTLINE_EINVALID, "assessment: missing argument");
	hotline__sbuf_init(&a, NULL, NULL);
	hotline__sbuf_init(&p, NULL, NULL);
	rc = hotline__assess_write(policy, cal, dir, src, as_of, what_if_digest, &a, &p, err);
	if (rc == 0) {
		char *at = hotline__sbuf_take(&a), *pt = hotline__sbuf_take(&p);
		*assessment_out = at ? json_loads(at, 0, NULL) : NULL;
		*penalties_out = pt ? json_loads(pt, 0, NULL) : NULL;
		free(at);
		free(pt);
		if (!*assessment_out || !*penalties_out) {
			json_decref(*assessment_out);
			json_decref(*penalties_out);
			*assessment_out = *penalties_out = NULL;
			rc = nomem(err);
		}
	}
	hotline__sbuf_free(&a);
	hotline__sbuf_free(&p);
	return rc;
}

/* ---- the rate penalties alone (the notifications, core/feed.c) ---- */

static int rates_case_cb(const hotline__event *events, size_t n, void *payload)
{
	return n ? take_rates(payload, events, n) : 0;
}

int hotline__assess_rates(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t from, int64_t to, int64_t as_of,
	hotline__eval *out, hotline__err *err)
{
	state s;
	rate_acc *a;
	size_t i, j;
	int rc;
	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	out->next_due = NONE;
	out->exempt_from = NONE;
	if (!policy || !cal || !dir || !src || !src->foreach_case)
		return hotline__seterr(err, HOTLINE_EINVALID, "rates: missing argument");
	if (as_of < HOTLINE__MIN_INSTANT || as_of > HOTLINE__MAX_INSTANT)
		return hotline__seterr(err, HOTLINE_EINVALID, "rates: instants out of range");
	if (from < HOTLINE__MIN_INSTANT)
		from = HOTLINE__MIN_INSTANT;
	s.policy = policy;
	s.cal = cal;
	s.dir = dir;
	s.as_of = as_of;
	s.err = err;
	s.no_rows = 1;
	s.rep = period_of(&s, as_of - 1);
	if (to > as_of)
		to = as_of;
	/* no period ends in [from, to]: no case needs reading */
	if (period_end(&s, period_of(&s, from - 1)) > to)
		return 0;
	rc = src->foreach_case(src->ctx, rates_case_cb, &s);
	if (rc == 0) {
		/* the periods that end outside [from, to] are not asked for */
		a = s.rates.a;
		for (i = j = 0; i < s.rates.n; i++) {
			if (period_end(&s, a[i].period) < from || period_end(&s, a[i].period) > to)
				free(a[i].property);
			else
				a[j++] = a[i];
		}
		s.rates.n = j;
		rc = price_rates(&s, out);
	}
	if (rc && err && !err->code)
		hotline__seterr(err, rc, "rates failed");
	if (rc)
		hotline__eval_free(out);
	state_free(&s);
	return rc;
}

/* ---- CSV (RFC 4180), streamed like the JSON ---- */

static const char *const csv_cols[] = {
	"record", "rule", "article", "case", "person", "property", "amount_fen", "incurred_at",
	"raw_fen", "capped_fen", "bonus_fen", "closure_num", "closure_den",
	"satisfaction_num", "satisfaction_den", "month"
};
#define N_COLS (sizeof(csv_cols) / sizeof(csv_cols[0]))

/* A CSV cell: text (NULL: empty) or an integer; text quoted when it holds a comma, quote or line break. */
typedef struct cell {
	const char *s;
	int64_t i;
	int is_int;
} cell;

static void csv_row(hotline__sbuf *b, const cell *c)
{
	size_t k, j;
	for (k = 0; k < N_COLS; k++) {
		const char *t = c[k].s;
		if (k)
			hotline__sbuf_putc(b, ',');
		if (c[k].is_int) {
			hotline__sbuf_int(b, c[k].i);
			continue;
		}
		if (!t)
			continue;
		if (!strpbrk(t, ",\"\r\n")) {
			hotline__sbuf_puts(b, t);
			continue;
		}
		hotline__sbuf_putc(b, '"');
		for (j = 0; t[j]; j++) {
			if (t[j] == '"')
				hotline__sbuf_putc(b, '"');
			hotline__sbuf_putc(b, t[j]);
		}
		hotline__sbuf_putc(b, '"');
	}
	hotline__sbuf_put(b, "\r\n", 2);
}

static void set_int(cell *c, int64_t v)
{
	c->is_int = 1;
	c->i = v;
}

/*
 * One table with a `record` column (penalty, person, property) so a
 * spreadsheet can filter it; the assessment's month is on every row. The
 * rows and their order are the JSON document's ("penalties",
 * "assessment.people", "assessment.properties").
 */
static int write_csv(hotline__sbuf *b, state *s)
{
	const entry *e = s->entries.a;
	const person_acc *p = s->people.a;
	const rate_acc *sh;
	cell c[N_COLS];
	char at[32];
	size_t i;

	for (i = 0; i < N_COLS; i++) {
		if (i)
			hotline__sbuf_putc(b, ',');
		hotline__sbuf_puts(b, csv_cols[i]);
	}
	hotline__sbuf_put(b, "\r\n", 2);
	for (i = 0; i < s->entries.n; i++) {
		memset(c, 0, sizeof(c));
		c[0].s = "penalty";
		c[1].s = e[i].rule->id;
		set_int(&c[2], e[i].rule->article);
		c[3].s = e[i].case_id;
		c[4].s = e[i].person;
		set_int(&c[6], e[i].amount);
		if (e[i].last_at != NONE) {
			hotline__time_format(e[i].last_at, hotline__policy_zone_offset(s->policy), at);
			c[7].s = at;
		}
		c[15].s = s->month;
		csv_row(b, c);
	}
	for (i = 0; i < s->people.n; i++) {
		int64_t bonus, capped;
		int has = person_cap(s, &p[i], &bonus, &capped);
		memset(c, 0, sizeof(c));
		c[0].s = "person";
		c[4].s = p[i].person;
		set_int(&c[8], p[i].raw);
		set_int(&c[9], capped);
		if (has)
			set_int(&c[10], bonus);
		c[15].s = s->month;
		csv_row(b, c);
	}
	/* every property of the directory as of as_of, with 0/0 when it had nothing (as write_properties) */
	for (i = 0; i < s->dir->n_properties; i++)
		if (hotline__directory_property_walk(s->dir, i, s->as_of) &&
		    !rate_get(&s->shown, s->dir->properties[i].id, s->rep))
			return HOTLINE_ENOMEM;
	sh = s->shown.a;
	for (i = 0; i < s->shown.n; i++) {
		memset(c, 0, sizeof(c));
		c[0].s = "property";
		c[5].s = sh[i].property;
		set_int(&c[11], sh[i].cl_num);
		set_int(&c[12], sh[i].cl_den);
		set_int(&c[13], sh[i].sat_num);
		set_int(&c[14], sh[i].sat_den);
		c[15].s = s->month;
		csv_row(b, c);
	}
	return b->err;
}

int hotline__assess_write_csv(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t as_of,
	hotline__sbuf *out, hotline__err *err)
{
	state s;
	int rc = run(&s, policy, cal, dir, src, as_of, 0, err);
	if (rc == 0 && !out)
		rc = hotline__seterr(err, HOTLINE_EINVALID, "assessment: missing argument");
	if (rc == 0 && (rc = write_csv(out, &s)) != 0)
		hotline__seterr(err, rc, rc == HOTLINE_ENOMEM ? "out of memory" : "assessment: writing the document");
	state_free(&s);
	return rc;
}

/* ---- one person's statement of a month (工资条) ---- */

static json_t *time_json(const state *s, int64_t t)
{
	char buf[32];
	if (t == NONE)
		return json_null();
	hotline__time_format(t, hotline__policy_zone_offset(s->policy), buf);
	return json_string(buf);
}

static int cmp_line(const void *x, const void *y)
{
	const entry *a = *(const entry *const *)x, *b = *(const entry *const *)y;
	int c = cmp_i64(a->period_last_at, b->period_last_at);
	return c ? c : cmp_entry_key(a, b);
}

static json_t *statement_doc(state *s, const char *person)
{
	const entry *e = s->entries.a;
	const entry **mine = NULL;
	const hotline__person *who = hotline__directory_person_at(s->dir, person, s->as_of);
	person_acc none = { (char *)person, 0 };
	const person_acc *acc = NULL;
	json_t *doc = json_object(), *lines = json_array(), *x;
	int64_t bonus, capped;
	size_t i, n = 0;
	int has, found, ok = doc && lines;

	if (s->entries.n && !(mine = calloc(s->entries.n, sizeof(*mine))))
		ok = 0;
	for (i = 0; ok && i < s->entries.n; i++)
		if (e[i].person && strcmp(e[i].person, person) == 0 && e[i].period_n > 0)
			mine[n++] = &e[i];
	if (n > 1)
		qsort(mine, n, sizeof(*mine), cmp_line);
	for (i = 0; ok && i < n; i++) {
		const hotline__rule *r = mine[i]->rule;
		ok = (x = json_object()) && json_array_append_new(lines, x) == 0 &&
			json_object_set_new(x, "rule", json_string(r->id)) == 0 &&
			json_object_set_new(x, "article", json_integer(r->article)) == 0 &&
			json_object_set_new(x, "title", json_pack("{s:s?,s:s?}", "zh", r->title_zh, "en", r->title_en)) == 0 &&
			json_object_set_new(x, "case", mine[i]->case_id ? json_string(mine[i]->case_id) : json_null()) == 0 &&
			json_object_set_new(x, "amount_fen", json_integer(mine[i]->period_amount)) == 0 &&
			json_object_set_new(x, "increments", json_integer(mine[i]->period_n)) == 0 &&
			json_object_set_new(x, "incurred_at", time_json(s, mine[i]->period_last_at)) == 0;
	}
	free(mine);
	{
		size_t k = hotline__vec_lower_bound(s->people.a, s->people.n, sizeof(person_acc), person, cmp_person, &found);
		acc = found ? &((const person_acc *)s->people.a)[k] : &none;
	}
	has = person_cap(s, acc, &bonus, &capped);
	ok = ok && json_object_set_new(doc, "person", json_string(person)) == 0 &&
		json_object_set_new(doc, "name", who && who->name ? json_string(who->name) : json_null()) == 0 &&
		json_object_set_new(doc, "month", json_string(s->month)) == 0 &&
		json_object_set_new(doc, "as_of", time_json(s, s->as_of)) == 0 &&
		json_object_set_new(doc, "period", json_pack("{s:o,s:o}", "from", time_json(s, s->rep_from),
			"to", time_json(s, s->rep_to))) == 0 &&
		json_object_set_new(doc, "policy", json_string(s->policy->name)) == 0 &&
		json_object_set_new(doc, "lines", lines) == 0 &&
		json_object_set_new(doc, "raw_fen", json_integer(acc->raw)) == 0 &&
		json_object_set_new(doc, "bonus_fen", has ? json_integer(bonus) : json_null()) == 0 &&
		json_object_set_new(doc, "capped_fen", json_integer(capped)) == 0 &&
		json_object_set_new(doc, "cap_applied_fen", json_integer(acc->raw - capped)) == 0;
	if (!ok) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int hotline__assess_statement(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, const char *person, const char *month,
	int64_t as_of, const char *what_if_digest, json_t **out, hotline__err *err)
{
	state s;
	int64_t p, end;
	int y, m, rc;

	*out = NULL;
	if (!policy || !person || !month)
		return hotline__seterr(err, HOTLINE_EINVALID, "statement: missing argument");
	if (!hotline__month_valid(month) || sscanf(month, "%4d-%2d", &y, &m) != 2)
		return hotline__seterr(err, HOTLINE_EINVALID, "statement: month \"%s\" is not YYYY-MM", month);
	/* the month's assessment period ends on its period day, 00:00 local (Art. 20, 21) */
	memset(&s, 0, sizeof(s));
	s.policy = policy;
	p = (int64_t)y * 12 + (m - 1);
	end = period_end(&s, p);
	if (as_of == NONE)
		as_of = end;
	else if (as_of <= period_start(&s, p) || as_of > end)
		return hotline__seterr(err, HOTLINE_EINVALID,
			"statement: as_of is outside month %s's assessment period", month);
	if ((rc = run(&s, policy, cal, dir, src, as_of, 0, err)) == 0) {
		s.what_if_digest = what_if_digest;
		if (!(*out = statement_doc(&s, person)))
			rc = nomem(err);
		else if (what_if_digest && json_object_set_new(*out, "policy_digest", json_string(what_if_digest)) != 0)
			rc = nomem(err);
	}
	state_free(&s);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
