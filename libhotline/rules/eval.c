/*
 * Evaluation of deadlines, occurrences and periodic obligations
 * (DESIGN §3, §3.1). Rates and the monthly totals live in assess.c.
 *
 * The one formula every deadline follows: lateness L = end - due, where
 * end is the meeting instant, else the stop instant (closure or exemption),
 * else as_of; nothing is owed when L <= 0. A once-cost is incurred at the
 * due instant, a per-day cost once per started 24 h (the k-th at
 * due + (k-1) * 24 h), a per-working-day cost once per working day begun
 * after the due instant. Increments are therefore always strictly before
 * `end`, which is what makes "an increment falling exactly at the request
 * instant is not incurred" hold without a special case.
 */
#include <stdlib.h>
#include <string.h>

#include "model/lifecycle.h"
#include "rules/eval.h"
#include "rules/summary.h"
#include "util/mem.h"
#include "util/vec.h"
#include "util/time.h"

#define DAY INT64_C(86400)
#define NONE HOTLINE_TIME_NONE


/* ---- small helpers ---- */



static int same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int nomem(hotline__err *err)
{
	return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
}

/* ---- evaluation context ---- */

typedef struct ctx {
	const hotline__policy *policy;
	const hotline__calendar *cal;
	const hotline__directory *dir;
	const char *case_id;                /* NULL: organisation */
	const char *property_id;            /* the case's property, or NULL */
	int64_t liable_shift;               /* liability is looked up at the increment's instant plus this */
	const char *call_taker;
	int64_t as_of;
	hotline__eval *out;
	hotline__err *err;
	/* visible events: instant at or before as_of, timed */
	const hotline__event **ev;
	size_t n;
	uint64_t cmds;                      /* bit k: an event of command k is among them (all set past bit 63) */
	/* a case's stop: the earlier of the approved request and the closure */
	int64_t exempt_from, exempt_seq, approve_seq;
	int64_t closed_at, close_seq;
	int provisional;                    /* what charge() adds now rests on a year without data */
	/* the policy's era (DESIGN §6.7): only clocks started (occurrences, period ends) in [win_from, win_to) */
	int64_t win_from, win_to;
	/* settling a summary for its next due alone: deadlines not listed, nothing charged */
	int due_only;
	/* recording a summary (rules/summary.h): the steps are kept, not settled */
	hotline__summary *rec;
	const hotline__policy *rec_era;     /* the era whose rules are run */
	uint32_t rec_era_k;
} ctx;

static int in_window(const ctx *c, int64_t t)
{
	return t >= c->win_from && t < c->win_to;
}

/* ---- penalties ---- */

static hotline__penalty *penalty_for(ctx *c, const hotline__rule *r, const char *person)
{
	hotline__eval *o = c->out;
	hotline__penalty *p;
	size_t i;

	for (i = 0; i < o->n_pen; i++) {
		p = &o->pen[i];
		if (p->rule == r->id && same_str(p->person, person) && same_str(p->property, c->property_id))
			return p;
	}
	if (hotline__vec_grow((void **)&o->pen, &o->cap_pen, o->n_pen, sizeof(*o->pen)))
		return NULL;
	p = &o->pen[o->n_pen];
	memset(p, 0, sizeof(*p));
	p->rule = r->id;
	p->article = r->article;
	if ((c->case_id && !(p->case_id = o->ids_borrowed ? (char *)c->case_id : hotline__strdup(c->case_id))) ||
	    (c->property_id && !(p->property = hotline__strdup(c->property_id))) ||
	    (person && !(p->person = hotline__strdup(person)))) {
		if (!o->ids_borrowed)
			free(p->case_id);
		free(p->property);
		free(p->person);
		return NULL;
	}
	o->n_pen++;
	return p;
}

/* Arrays grow by doubling: a miss late by decades adds tens of thousands of increments. */
static int penalty_inc(hotline__penalty *p, int64_t at, int64_t amount)
{
	hotline__increment *inc;
	size_t i = p->n_inc;
	/* keep increments in time order whatever order the rules add them;
	 * they come in order almost always, so look from the end */
	while (i > 0 && p->inc[i - 1].at > at)
		i--;
	if (!(inc = hotline__vec_insert((void **)&p->inc, &p->n_inc, &p->cap_inc, sizeof(*inc), i)))
		return HOTLINE_ENOMEM;
	inc->at = at;
	inc->amount_fen = amount;
	p->amount_fen += amount;
	return 0;
}

static int cmp_seq(const void *key, const void *elem)
{
	int64_t a = *(const int64_t *)key, b = *(const int64_t *)elem;
	return a < b ? -1 : a > b;
}

static int penalty_evidence(hotline__penalty *p, int64_t seq)
{
	int64_t *e;
	int found;
	if (seq <= 0)
		return 0;
	e = hotline__vec_sorted_insert((void **)&p->evidence, &p->n_evidence, &p->cap_evidence,
		sizeof(*e), &seq, cmp_seq, &found);
	if (!e)
		return HOTLINE_ENOMEM;
	*e = seq;
	return 0;
}

/* ---- who pays ---- */

typedef struct who {
	const char **p;
	size_t n, cap;
} who;

static int who_add(who *w, const char *person)
{
	size_t i;
	for (i = 0; i < w->n; i++)
		if (same_str(w->p[i], person))
			return 0;   /* a person named twice pays once */
	if (hotline__vec_grow((void **)&w->p, &w->cap, w->n, sizeof(*w->p)))
		return HOTLINE_ENOMEM;
	w->p[w->n++] = person;
	return 0;
}

/* The case's role as of t: the property's manager / supervisor / department heads then (DESIGN §6.1). */
static int who_case_role(const ctx *c, int role, int64_t t, who *w)
{
	const hotline__property *prop = c->property_id ? hotline__directory_property_at(c->dir, c->property_id, t) : NULL;
	size_t i;
	int rc = 0;
	/* An organisation-level event has no case to take a role from: call_taker
	 * and the property are NULL there, so the role resolves to no one. */
	switch (role) {
	case HOTLINE__CASE_ROLE_CALL_TAKER:
		/* fixed by the case's ledger */
		if (c->call_taker)
			rc = who_add(w, c->call_taker);
		break;
	case HOTLINE__CASE_ROLE_PROPERTY_MANAGER:
		if (prop && prop->manager)
			rc = who_add(w, prop->manager);
		break;
	case HOTLINE__CASE_ROLE_QUALITY_SUPERVISOR:
		if (prop && prop->quality_supervisor)
			rc = who_add(w, prop->quality_supervisor);
		break;
	case HOTLINE__CASE_ROLE_DEPARTMENT_HEAD:
		for (i = 0; prop && i < prop->n_department_heads && !rc; i++)
			rc = who_add(w, prop->department_heads[i]);
		break;
	}
	return rc;
}

/* The persons liable under l for an increment incurred at t (the directory as of t). */
static int who_resolve(const ctx *c, const hotline__liable *l, const json_t *body, int64_t t, who *w)
{
	size_t i;
	int rc = 0;
	json_t *v;

	switch (l->kind) {
	case HOTLINE__LIABLE_ROLE:
		return who_case_role(c, l->role, t, w);
	case HOTLINE__LIABLE_EVERY:
		/* every holder then, in id order */
		for (i = 0; i < c->dir->n_persons && !rc; i++) {
			const hotline__person *p = hotline__directory_person_walk(c->dir, i, t);
			if (p && (p->roles & (unsigned)l->role))
				rc = who_add(w, p->id);
		}
		return rc;
	default:
		v = body ? json_object_get(body, l->field) : NULL;
		if (json_is_string(v) && json_string_length(v)) {
			rc = who_add(w, json_string_value(v));
		} else if (json_is_array(v)) {
			json_t *x;
			json_array_foreach(v, i, x)
				if (json_is_string(x) && json_string_length(x) && !rc)
					rc = who_add(w, json_string_value(x));
		}
		if (!rc && w->n == 0 && l->else_role != HOTLINE__CASE_ROLE_NONE)
			rc = who_case_role(c, l->else_role, t, w);
		return rc;
	}
}

/*
 * Charges every liable party of a rule: one increment of amount x mult at
 * each of `at`, with `seqs` as evidence. A party with no holder is still
 * charged, to person NULL (DESIGN §3.1: listed, counted in no one's total).
 */
static int charge(ctx *c, const hotline__rule *r, const hotline__liable *liable, size_t n_liable,
	const json_t *body, const int64_t *at, size_t n_at, int64_t mult, const int64_t *seqs,
	size_t n_seqs)
{
	size_t i, j, k;
	int rc = 0;

	if (n_at == 0 || r->per == HOTLINE__PER_NONE)
		return 0;
	for (i = 0; i < n_liable && !rc; i++) {
		who w;
		memset(&w, 0, sizeof(w));
		/* each increment goes to whoever held the liable role when it was incurred
		 * (a directory without dated definitions resolves once) */
		for (k = 0; k < n_at && !rc; k++) {
			int resolved = k == 0 || c->dir->dated;
			if (resolved) {
				w.n = 0;
				if ((rc = who_resolve(c, &liable[i], body, at[k] + c->liable_shift, &w)) == 0 && w.n == 0)
					rc = who_add(&w, NULL);
			}
			for (j = 0; j < w.n && !rc; j++) {
				hotline__penalty *p = penalty_for(c, r, w.p[j]);
				size_t e;
				if (!p) {
					rc = HOTLINE_ENOMEM;
					break;
				}
				if (c->provisional)
					p->provisional = 1;
				rc = penalty_inc(p, at[k], liable[i].amount_fen * mult);
				/* evidence is a set: adding it again for a person resolved again changes nothing */
				for (e = 0; resolved && e < n_seqs && !rc; e++)
					rc = penalty_evidence(p, seqs[e]);
			}
		}
		free(w.p);
	}
	return rc ? nomem(c->err) : 0;
}

int hotline__eval_liable(const hotline__policy *policy, const hotline__directory *dir, const hotline__rule *r,
	const char *property, const char *call_taker, const json_t *body, int64_t at, json_t *persons)
{
	ctx c;
	size_t i, j, k;
	int rc = 0;
	memset(&c, 0, sizeof(c));
	c.policy = policy;
	c.dir = dir;
	c.property_id = property;
	c.call_taker = call_taker;
	for (i = 0; i < r->n_liable && !rc; i++) {
		who w;
		memset(&w, 0, sizeof(w));
		if ((rc = who_resolve(&c, &r->liable[i], body, at, &w)) == 0 && w.n == 0)
			rc = who_add(&w, NULL);
		for (j = 0; j < w.n && !rc; j++) {
			int seen = 0;
			for (k = 0; k < json_array_size(persons) && !seen; k++) {
				const json_t *x = json_array_get(persons, k);
				seen = w.p[j] ? json_is_string(x) && strcmp(json_string_value(x), w.p[j]) == 0 : json_is_null(x);
			}
			if (!seen && json_array_append_new(persons, w.p[j] ? json_string(w.p[j]) : json_null()))
				rc = HOTLINE_ENOMEM;
		}
		free(w.p);
	}
	return rc;
}

/* ---- matching events ---- */

static int cond_holds(const hotline__cond *k, const json_t *body)
{
	const json_t *v = body ? json_object_get(body, k->field) : NULL;
	size_t i;
	json_t *x;

	if (k->op == HOTLINE__OP_PRESENT)
		return (v != NULL && !json_is_null(v)) == k->present;
	if (!v)
		v = k->dflt;
	if (!v)
		return 0;   /* a condition on an absent field without default does not hold */
	switch (k->op) {
	case HOTLINE__OP_EQ:
		return json_equal((json_t *)v, k->value);
	case HOTLINE__OP_NE:
		return !json_equal((json_t *)v, k->value);
	case HOTLINE__OP_IN:
		json_array_foreach(k->value, i, x)
			if (json_equal((json_t *)v, x))
				return 1;
		return 0;
	default:
		if (!json_is_integer(v))
			return 0;
		{
			json_int_t a = json_integer_value(v), b = json_integer_value(k->value);
			switch (k->op) {
			case HOTLINE__OP_GT: return a > b;
			case HOTLINE__OP_GE: return a >= b;
			case HOTLINE__OP_LT: return a < b;
			default: return a <= b;
			}
		}
	}
}

static int matches(const ctx *c, const hotline__matcher *m, const hotline__event *e)
{
	size_t i;
	if (e->cmd != m->cmd)
		return 0;
	if (m->in_duty_hours >= 0 && (hotline__calendar_in_duty(c->cal, e->at) ? 1 : 0) != m->in_duty_hours)
		return 0;
	for (i = 0; i < m->n_where; i++)
		if (!cond_holds(&m->where[i], e->body))
			return 0;
	return 1;
}

/* Whether an event of the matcher's command is among the visible ones: a rule without one has nothing to do. */
static int may_match(const ctx *c, const hotline__matcher *m)
{
	return m->cmd < 0 || m->cmd > 63 || ((c->cmds >> m->cmd) & 1);
}

static int matches_any(const ctx *c, const hotline__matcher *m, size_t n, const hotline__event *e)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (matches(c, &m[i], e))
			return 1;
	return 0;
}

/* Where a command applies, from the lifecycle table (HOTLINE__ON_*); -1 if unknown. */
static int on_of(int cmd)
{
	const hotline__transition *t = hotline__transition_of(cmd);
	return t ? t->on : -1;
}


/* ---- clocks ---- */

static int clock_of(int policy_clock)
{
	switch (policy_clock) {
	case HOTLINE__POLICY_CLOCK_DUTY_HOURS: return HOTLINE__CLOCK_DUTY_HOURS;
	case HOTLINE__POLICY_CLOCK_WORKING_DAYS: return HOTLINE__CLOCK_WORKING_DAYS;
	default: return HOTLINE__CLOCK_CALENDAR;
	}
}

static int64_t local_day_end(const ctx *c, int64_t t)
{
	int64_t off = (int64_t)c->policy->zone_offset * 60;
	return (hotline__floor_div(t + off, DAY) + 1) * DAY - off;
}

/* Due of a deadline started at t; *have = 0 when it has none (a due field it lacks). */
static int due_from(ctx *c, const hotline__rule *r, int64_t t, const json_t *body, int64_t *due, int *have,
	int *provisional)
{
	*have = 1;
	if (r->due_field) {
		json_t *v = body ? json_object_get(body, r->due_field) : NULL;
		int64_t x;
		if (json_is_string(v) && hotline__time_parse(json_string_value(v), &x, NULL) == 0) {
			*due = x;
			return 0;
		}
	}
	if (r->due_end_of_day) {
		*due = local_day_end(c, t);
		return 0;
	}
	if (r->due_seconds)
		return hotline__calendar_add(c->cal, clock_of(r->clock), t, r->due_seconds, due, provisional, c->err);
	if (r->due_working_days)
		return hotline__calendar_add(c->cal, HOTLINE__CLOCK_WORKING_DAYS, t, r->due_working_days, due, provisional,
			c->err);
	*have = 0;
	return 0;
}

/* Instants of the increments of a miss: due < end. *at is malloc'd. */
static int increments(ctx *c, const hotline__rule *r, int64_t due, int64_t end, int64_t **at, size_t *n,
	int *provisional)
{
	int64_t late = end - due, k, i;
	*at = NULL;
	*n = 0;
	if (late <= 0 || r->per == HOTLINE__PER_NONE)
		return 0;
	switch (r->per) {
	case HOTLINE__PER_DAY:
		k = (late + DAY - 1) / DAY;
		if (!(*at = malloc((size_t)k * sizeof(**at))))
			return nomem(c->err);
		for (i = 0; i < k; i++)
			(*at)[i] = due + i * DAY;
		*n = (size_t)k;
		return 0;
	case HOTLINE__PER_WORKING_DAY: {
		int64_t count = 0;
		int rc = hotline__calendar_working_days_begun(c->cal, due, end, &count, NULL, 0, provisional, c->err);
		if (rc)
			return rc;
		if (count <= 0)
			return 0;
		if (!(*at = malloc((size_t)count * sizeof(**at))))
			return nomem(c->err);
		rc = hotline__calendar_working_days_begun(c->cal, due, end, &count, *at, (size_t)count, NULL, c->err);
		if (rc) {
			free(*at);
			*at = NULL;
			return rc;
		}
		*n = (size_t)count;
		return 0;
	}
	default:
		if (!(*at = malloc(sizeof(**at))))
			return nomem(c->err);
		(*at)[0] = due;
		*n = 1;
		return 0;
	}
}

/* ---- deadlines ---- */

typedef struct instance {
	int64_t started_at, start_seq, due;
	int64_t met_at, met_seq;       /* NONE / 0 */
	int64_t stop_at, stop_seq;     /* NONE / 0 */
	const json_t *body;            /* of the starting event: names liable fields */
	int current;
	int missed;                    /* a chain's missed due, superseded by the next one */
	int64_t missed_until;          /* what ended its wait */
	int provisional;               /* its due rests on a year without holiday data */
} instance;

/* A chain of dues longer than this before as_of is a runaway input. */
#define MAX_CHAIN 100000

/* The fields of a starting event that settling reads later: who is liable, when it is due. */
static int body_fields(const hotline__rule *r, const hotline__liable *liable, size_t n_liable, const json_t *body,
	json_t **out)
{
	size_t i;
	json_t *v;
	*out = NULL;
	for (i = 0; i <= n_liable; i++) {
		const char *f = i < n_liable ? (liable[i].kind == HOTLINE__LIABLE_FIELD ? liable[i].field : NULL) : r->due_field;
		if (!f || !body || !(v = json_object_get(body, f)))
			continue;
		if ((!*out && !(*out = json_object())) || json_object_set(*out, f, v))
			return HOTLINE_ENOMEM;
	}
	return 0;
}

/* One step of a case's evaluation kept in its summary (rules/summary.h), in the order it was taken. */
static int record(ctx *c, const hotline__rule *r, int kind, const instance *in, uint32_t matcher,
	const hotline__liable *liable, size_t n_liable)
{
	hotline__summary *s = c->rec;
	hotline__sum_item *it;
	/* a first array of 8 steps stays among the allocator's small blocks (vec_grow starts at 16) */
	if (!s->cap_items) {
		if (!(s->items = malloc(8 * sizeof(*s->items))))
			return nomem(c->err);
		s->cap_items = 8;
	}
	if (hotline__vec_grow((void **)&s->items, &s->cap_items, s->n_items, sizeof(*s->items)))
		return nomem(c->err);
	it = &s->items[s->n_items];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->era = c->rec_era_k;
	it->rule = (uint32_t)(r - c->rec_era->rules);
	it->matcher = matcher;
	it->started_at = in->started_at;
	it->start_seq = in->start_seq;
	it->due = in->due;
	it->met_at = in->met_at;
	it->met_seq = in->met_seq;
	it->stop_at = in->stop_at;
	it->stop_seq = in->stop_seq;
	it->missed_until = in->missed_until;
	it->current = in->current;
	it->missed = in->missed;
	it->provisional = in->provisional;
	if (body_fields(r, liable, n_liable, in->body, &it->body))
		return nomem(c->err);
	s->n_items++;
	return 0;
}

/*
 * settle() for the next due alone: the state and the increments as there
 * (their count can fail, and marks the due provisional), nothing kept.
 */
static int settle_due(ctx *c, const hotline__rule *r, const instance *in)
{
	hotline__eval *o = c->out;
	int64_t end, *at = NULL;
	size_t n_at = 0;
	int provisional = in->provisional, open, rc;
	if (in->missed) {
		open = 1;
		end = in->missed_until;
	} else if (in->met_at != NONE && (in->stop_at == NONE || in->met_at <= in->stop_at)) {
		open = 0;
		end = in->met_at;
	} else if (in->stop_at != NONE) {
		open = 0;
		end = in->stop_at;
	} else {
		open = 1;
		end = c->as_of;
	}
	rc = increments(c, r, in->due, end, &at, &n_at, &provisional);
	free(at);
	if (rc)
		return rc;
	if (open && in->current) {
		if (in->due < o->next_due) {
			o->next_due = in->due;
			o->next_due_provisional = provisional;
		} else if (in->due == o->next_due && provisional) {
			o->next_due_provisional = 1;
		}
	}
	return 0;
}

/*
 * Records one deadline and charges its miss. State and lateness follow the
 * one formula above: met (when met no later than the stop) wins over the
 * stop, the stop over as_of.
 */
static int settle(ctx *c, const hotline__rule *r, const instance *in)
{
	hotline__eval *o = c->out;
	hotline__deadline *d;
	int64_t end, *at = NULL;
	size_t n_at = 0;
	int rc;

	if (c->rec)
		return record(c, r, HOTLINE__SUM_DEADLINE, in, 0, r->liable, r->n_liable);
	if (c->due_only)
		return settle_due(c, r, in);
	if (hotline__vec_grow((void **)&o->dl, &o->cap_dl, o->n_dl, sizeof(*o->dl)))
		return nomem(c->err);
	d = &o->dl[o->n_dl];
	memset(d, 0, sizeof(*d));
	d->rule = r->id;
	d->article = r->article;
	if (c->case_id && !(d->case_id = o->ids_borrowed ? (char *)c->case_id : hotline__strdup(c->case_id)))
		return nomem(c->err);
	o->n_dl++;
	d->started_at = in->started_at;
	d->start_seq = in->start_seq;
	d->due = in->due;
	d->met_at = NONE;
	d->stopped_at = NONE;
	d->current = in->current;
	d->provisional = in->provisional;
	if (in->missed) {
		/* superseded by the next due of its chain: costs once, at its due */
		d->state = HOTLINE__DL_MISSED;
		end = in->missed_until;
	} else if (in->met_at != NONE && (in->stop_at == NONE || in->met_at <= in->stop_at)) {
		d->state = HOTLINE__DL_MET;
		d->met_at = in->met_at;
		d->met_seq = in->met_seq;
		end = in->met_at;
	} else if (in->stop_at != NONE) {
		d->state = HOTLINE__DL_STOPPED;
		d->stopped_at = in->stop_at;
		end = in->stop_at;
	} else {
		d->state = c->as_of > in->due ? HOTLINE__DL_MISSED : HOTLINE__DL_PENDING;
		end = c->as_of;
	}
	d->late_seconds = end > in->due ? end - in->due : 0;
	if ((rc = increments(c, r, in->due, end, &at, &n_at, &d->provisional)) != 0) {
		free(at);
		return rc;
	}
	if (d->state == HOTLINE__DL_PENDING || d->state == HOTLINE__DL_MISSED) {
		if (d->current && in->due < o->next_due) {
			o->next_due = in->due;
			o->next_due_provisional = d->provisional;
		} else if (d->current && in->due == o->next_due && d->provisional) {
			o->next_due_provisional = 1;
		}
	}
	if (n_at) {
		int64_t seqs[4];
		size_t ns = 0;
		seqs[ns++] = in->start_seq;
		if (d->state == HOTLINE__DL_MET)
			seqs[ns++] = in->met_seq;
		if (d->state == HOTLINE__DL_STOPPED) {
			seqs[ns++] = in->stop_seq;
			if (in->stop_at == c->exempt_from)
				seqs[ns++] = c->approve_seq;
		}
		c->provisional = d->provisional;
		rc = charge(c, r, r->liable, r->n_liable, in->body, at, n_at, 1, seqs, ns);
		c->provisional = 0;
	}
	free(at);
	return rc;
}

/* A case's clocks stop at the earlier of the approved request and the closure. */
static void stop_for(const ctx *c, instance *in)
{
	in->stop_at = min64(c->exempt_from, c->closed_at);
	if (in->stop_at == NONE)
		in->stop_seq = 0;
	else
		in->stop_seq = in->stop_at == c->exempt_from ? c->exempt_seq : c->close_seq;
}

/*
 * Art. 16: a chain of dues. The next report is due a duration after the
 * later of the last report and the last missed due instant; each missed
 * due instant costs once; the chain ends at the first `until` event
 * (complete) and never restarts.
 */
static int chain(ctx *c, const hotline__rule *r, int64_t s, int64_t start_seq, const json_t *body, size_t pos,
	int links)
{
	instance in;
	size_t j;
	int64_t end;
	int rc;

	for (;;) {
		const hotline__event *m = NULL;
		int have = 0;
		memset(&in, 0, sizeof(in));
		in.started_at = s;
		in.start_seq = start_seq;
		in.body = body;
		in.met_at = NONE;
		in.current = 1;
		stop_for(c, &in);
		if ((rc = due_from(c, r, s, body, &in.due, &have, &in.provisional)) != 0 || !have)
			return rc;
		for (j = pos; j < c->n; j++)
			if (matches_any(c, r->met_by, r->n_met_by, c->ev[j])) {
				m = c->ev[j];
				break;
			}
		if (c->rec && !m && in.stop_at == NONE) {
			/* nothing more meets or stops it: how far it runs is as_of's to say */
			if ((rc = record(c, r, HOTLINE__SUM_CHAIN_END, &in, 0, r->liable, r->n_liable)) == 0)
				c->rec->items[c->rec->n_items - 1].links = links;
			return rc;
		}
		if (m && m->at <= in.due && (in.stop_at == NONE || m->at <= in.stop_at)) {
			in.met_at = m->at;
			in.met_seq = m->seq;
			if ((rc = settle(c, r, &in)) != 0)
				return rc;
			if (matches_any(c, r->until, r->n_until, m))
				return 0;
			s = m->at;
			pos = j + 1;
			continue;
		}
		/* missed at the due instant when it passed before anything ended the wait */
		end = min64(min64(m ? m->at : NONE, in.stop_at), c->as_of);
		if (in.due < end) {
			instance miss = in;
			miss.missed = 1;
			miss.missed_until = end;
			miss.current = 0;
			if ((rc = settle(c, r, &miss)) != 0)
				return rc;
			if (++links > MAX_CHAIN)
				return hotline__seterr(c->err, HOTLINE_ERANGE, "rule %s: more than %d dues before as_of",
					r->id, MAX_CHAIN);
			s = in.due;
			continue;
		}
		/* pending at as_of, or stopped before anything met it */
		return settle(c, r, &in);
	}
}

static int run_chain(ctx *c, const hotline__rule *r, size_t i0)
{
	const hotline__event *s0 = c->ev[i0];
	return chain(c, r, s0->at, s0->seq, s0->body, i0 + 1, 0);
}

static int run_deadline(ctx *c, const hotline__rule *r)
{
	size_t i, j;
	int rc = 0;
	int started = 0;
	/* earliest_unmet pairing: which met-by events are already used */
	unsigned char *used = NULL;

	if (!may_match(c, &r->starts_at))
		return 0;
	if (r->earliest_unmet && c->n && !(used = calloc(c->n, 1)))
		return nomem(c->err);
	for (i = 0; i < c->n && !rc; i++) {
		const hotline__event *e = c->ev[i];
		instance in;
		int have = 0;

		if (!matches(c, &r->starts_at, e))
			continue;
		if (r->starts_at.once && started)
			break;
		/* no new deadline starts once the case is out of assessment or closed */
		if (e->at >= min64(c->exempt_from, c->closed_at))
			break;
		started = 1;
		if (r->repeat) {
			if (in_window(c, e->at))
				rc = run_chain(c, r, i);
			continue;
		}
		memset(&in, 0, sizeof(in));
		in.started_at = e->at;
		in.start_seq = e->seq;
		in.body = e->body;
		in.met_at = NONE;
		in.current = 1;
		stop_for(c, &in);
		/* a clock started under another policy is judged by that one (its era's run);
		 * it still takes its met-by event from the later ones */
		have = !in_window(c, e->at);
		if (!have && ((rc = due_from(c, r, e->at, e->body, &in.due, &have, &in.provisional)) != 0 || !have))
			continue;
		for (j = i + 1; j < c->n; j++) {
			if (used && used[j])
				continue;
			if (matches_any(c, r->met_by, r->n_met_by, c->ev[j])) {
				in.met_at = c->ev[j]->at;
				in.met_seq = c->ev[j]->seq;
				if (used)
					used[j] = 1;
				break;
			}
		}
		if (in_window(c, e->at))
			rc = settle(c, r, &in);
	}
	free(used);
	return rc;
}

/* ---- occurrences ---- */

static int run_occurrence(ctx *c, const hotline__rule *r)
{
	size_t i, k;
	int rc = 0;
	for (k = 0; k < r->n_on && !may_match(c, &r->on[k]); k++)
		;
	if (k == r->n_on)
		return 0;
	for (i = 0; i < c->n && !rc; i++) {
		const hotline__event *e = c->ev[i];
		/* Exemption: nothing that happens from the request instant on costs. */
		if (e->at >= c->exempt_from)
			break;
		if (!in_window(c, e->at))
			continue;
		for (k = 0; k < r->n_on; k++) {
			const hotline__matcher *m = &r->on[k];
			if (!matches(c, m, e))
				continue;
			if (c->case_id ? hotline__command_scope(m->cmd) == 1 : hotline__command_scope(m->cmd) == 0)
				continue;
			if (c->rec) {
				instance in;
				memset(&in, 0, sizeof(in));
				in.started_at = e->at;
				in.start_seq = e->seq;
				in.body = e->body;
				rc = record(c, r, HOTLINE__SUM_OCCURRENCE, &in, (uint32_t)k,
					m->liable ? m->liable : r->liable, m->liable ? m->n_liable : r->n_liable);
			} else {
				rc = charge(c, r, m->liable ? m->liable : r->liable, m->liable ? m->n_liable : r->n_liable,
					e->body, &e->at, 1, 1, &e->seq, 1);
			}
			break;   /* one event pays a rule once, whichever of its matchers fits */
		}
	}
	return rc;
}

/* ---- periodic obligations (organisation) ---- */

static int64_t local_midnight(const ctx *c, int y, int m, int d)
{
	return hotline__days_from_civil(y, m, d) * DAY - (int64_t)c->policy->zone_offset * 60;
}

static void next_month(int *y, int *m)
{
	if (++*m > 12) {
		*m = 1;
		++*y;
	}
}

static int run_periodic(ctx *c, const hotline__rule *r, int64_t first_event_at)
{
	int64_t off = (int64_t)c->policy->zone_offset * 60;
	int y, m, d, ye, me, de;
	int rc = 0;

	if (first_event_at == NONE || first_event_at > c->as_of)
		return 0;
	hotline__civil_from_days(hotline__floor_div(first_event_at + off, DAY), &y, &m, &d);
	hotline__civil_from_days(hotline__floor_div(c->as_of + off, DAY), &ye, &me, &de);
	/* start a month early: a window may begin in the month before the first event */
	if (--m < 1) {
		m = 12;
		y--;
	}
	for (; (y < ye || (y == ye && m <= me)) && !rc; next_month(&y, &m)) {
		instance in;
		int ny = y, nm = m;
		size_t j;

		memset(&in, 0, sizeof(in));
		next_month(&ny, &nm);
		if (r->every == HOTLINE__EVERY_QUARTER && m % 3 != 0)
			continue;
		if (r->day) {
			in.started_at = local_midnight(c, y, m, r->day);
			in.due = in.started_at + (int64_t)r->days * DAY;
		} else {
			in.due = local_midnight(c, ny, nm, 1);
			in.started_at = in.due - (int64_t)r->last_days * DAY;
		}
		/* an obligation counts only when due after the log began */
		if (in.due <= first_event_at || in.started_at > c->as_of)
			continue;
		/* judged under the policy in force just before the period's end */
		if (!in_window(c, in.due - 1))
			continue;
		in.met_at = NONE;
		in.stop_at = NONE;
		in.current = 1;
		for (j = 0; j < c->n; j++) {
			const hotline__event *e = c->ev[j];
			if (e->at >= in.started_at && e->at < in.due && matches_any(c, r->met_by, r->n_met_by, e)) {
				in.met_at = e->at;
				in.met_seq = e->seq;
				break;
			}
		}
		rc = settle(c, r, &in);
	}
	return rc;
}

/* ---- facts of a case ---- */

/* Deepest nesting of requests kept (the table allows two: a request on an escalation). */
#define REQUEST_DEPTH 8

void hotline__case_facts_read(const hotline__event *events, size_t n, int64_t as_of,
	hotline__case_facts *f)
{
	/* the open requests, latest last: approve and reject answer the top one (DESIGN §2) */
	struct { int64_t at, seq; } open[REQUEST_DEPTH];
	size_t depth = 0;
	const hotline__transition *t;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->registered_at = NONE;
	f->closed_at = NONE;
	f->approved_at = NONE;
	f->exempt_from = NONE;
	for (i = 0; i < n; i++) {
		const hotline__event *e = &events[i];
		if (e->at == NONE || e->at > as_of)
			continue;
		t = hotline__transition_of(e->cmd);
		if (!t)
			continue;
		if (e->cmd == HOTLINE_CMD_REGISTER) {
			if (f->registered_at == NONE) {
				f->registered_at = e->at;
				f->property = json_string_value(json_object_get(e->body, "property"));
				f->call_taker = json_string_value(json_object_get(e->body, "call_taker"));
			}
		} else if (t->to == HOTLINE_STATE_CLOSED) {
			if (f->closed_at == NONE) {
				f->closed_at = e->at;
				f->close_seq = e->seq;
			}
		} else if (t->approval == HOTLINE__APPROVAL_REQUEST) {
			if (depth == REQUEST_DEPTH) {
				memmove(&open[0], &open[1], (REQUEST_DEPTH - 1) * sizeof(open[0]));
				depth--;
			}
			open[depth].at = e->at;
			open[depth].seq = e->seq;
			depth++;
		} else if (t->approval == HOTLINE__APPROVAL_APPROVE) {
			/* Art. 17-19: approved, the case is out of assessment from the request on */
			if (depth && f->approved_at == NONE) {
				f->approved_at = e->at;
				f->approve_seq = e->seq;
				f->exempt_from = open[depth - 1].at;
				f->request_seq = open[depth - 1].seq;
			}
		} else if (t->approval == HOTLINE__APPROVAL_REJECT) {
			/* a rejected request pauses nothing; the one below it (if any) is open again */
			if (depth)
				depth--;
		} else if (t->to >= 0 && !hotline__state_is_request(t->to)) {
			/* leaving the request states ends every request */
			depth = 0;
		}
	}
}

/* ---- entry points ---- */

static int collect_visible(ctx *c, const hotline__event *events, size_t n)
{
	size_t i;
	c->n = 0;
	c->ev = NULL;
	c->cmds = 0;
	if (n == 0)
		return 0;
	if (!(c->ev = malloc(n * sizeof(*c->ev))))
		return nomem(c->err);
	for (i = 0; i < n; i++) {
		const hotline__event *e = &events[i];
		/* rules see only events at or before as_of; directory records have no instant */
		if (e->at == NONE || e->at > c->as_of || on_of(e->cmd) == HOTLINE__ON_DIRECTORY)
			continue;
		c->ev[c->n++] = e;
		c->cmds |= e->cmd >= 0 && e->cmd < 64 ? (uint64_t)1 << e->cmd : ~(uint64_t)0;
	}
	return 0;
}

static void eval_init(hotline__eval *out)
{
	memset(out, 0, sizeof(*out));
	out->next_due = NONE;
	out->exempt_from = NONE;
}

/* Checks the arguments of an evaluation and sets up its context. */
static int ctx_start(ctx *c, const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n, int64_t as_of,
	hotline__eval *out, hotline__err *err)
{
	eval_init(out);
	if (!policy || !cal || !dir || (n && !events))
		return hotline__seterr(err, HOTLINE_EINVALID, "rules: missing policy, calendar, directory or events");
	if (as_of < HOTLINE__MIN_INSTANT || as_of > HOTLINE__MAX_INSTANT)
		return hotline__seterr(err, HOTLINE_EINVALID, "rules: as_of out of range");
	memset(c, 0, sizeof(*c));
	c->policy = policy;
	c->cal = cal;
	c->dir = dir;
	c->as_of = as_of;
	c->out = out;
	c->err = err;
	c->win_from = INT64_MIN;
	c->win_to = INT64_MAX;
	return 0;
}

/* The k-th era of a policy with a history (k < n_eras_of(policy)): its policy and window. */
static size_t n_eras_of(const hotline__policy *policy)
{
	return policy->n_eras ? policy->n_eras : 1;
}

static const hotline__policy *era(ctx *c, const hotline__policy *policy, size_t k)
{
	if (!policy->n_eras)
		return c->rec_era = policy;
	c->win_from = k == 0 ? INT64_MIN : policy->eras[k].from;
	c->win_to = k + 1 < policy->n_eras ? policy->eras[k + 1].from : INT64_MAX;
	c->rec_era_k = (uint32_t)k;
	return c->rec_era = c->policy = policy->eras[k].policy;
}

/* One rule's clock that cannot be computed (a runaway chain) never drops the other rules' deadlines. */
static int rule_failed(ctx *c, int rc)
{
	if (rc != HOTLINE_ERANGE)
		return rc;
	hotline__clearerr(c->err);
	c->out->incomplete = 1;
	return 0;
}

/*
 * A case's deadline and occurrence rules, each era's over its own window.
 * tolerate_range: an instant out of range marks the evaluation incomplete
 * (a reader's); otherwise it fails (a summary is all or nothing).
 */
static int run_case_rules(ctx *c, const hotline__policy *policy, int tolerate_range)
{
	size_t i, k;
	int rc = 0;
	for (k = 0; k < n_eras_of(policy) && !rc; k++) {
		const hotline__policy *p = era(c, policy, k);
		for (i = 0; i < p->n_rules && !rc; i++) {
			const hotline__rule *r = &p->rules[i];
			/* (a deadline whose starting command the case lacks is passed over before its scope is looked up) */
			if (r->kind == HOTLINE__RULE_DEADLINE) {
				if (may_match(c, &r->starts_at) && hotline__command_scope(r->starts_at.cmd) != 1)
					rc = run_deadline(c, r);
			} else if (r->kind == HOTLINE__RULE_OCCURRENCE) {
				rc = run_occurrence(c, r);
			}
			if (tolerate_range)
				rc = rule_failed(c, rc);
		}
	}
	return rc;
}

int hotline__eval_case(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n, int64_t as_of,
	hotline__eval *out, hotline__err *err)
{
	hotline__case_facts f;
	ctx c;
	int rc = 0;

	if ((rc = ctx_start(&c, policy, cal, dir, events, n, as_of, out, err)) != 0)
		return rc;
	c.case_id = n ? events[0].stream : NULL;
	if (!c.case_id || !*c.case_id)
		return n ? hotline__seterr(err, HOTLINE_EINVALID, "rules: events are not a case's") : 0;
	hotline__case_facts_read(events, n, as_of, &f);
	c.property_id = f.property;
	c.call_taker = f.call_taker;
	c.exempt_from = f.exempt_from;
	c.exempt_seq = f.request_seq;
	c.approve_seq = f.approve_seq;
	c.closed_at = f.closed_at;
	c.close_seq = f.close_seq;
	out->exempt = f.exempt_from != NONE;
	out->exempt_from = f.exempt_from;
	if ((rc = collect_visible(&c, events, n)) != 0)
		return rc;
	rc = run_case_rules(&c, policy, 1);
	free(c.ev);
	if (rc)
		hotline__eval_free(out);
	return rc;
}

int hotline__eval_org(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n,
	int64_t first_event_at, int64_t as_of, hotline__eval *out, hotline__err *err)
{
	ctx c;
	size_t i, k;
	int rc = 0;

	if ((rc = ctx_start(&c, policy, cal, dir, events, n, as_of, out, err)) != 0)
		return rc;
	c.exempt_from = NONE;
	c.closed_at = NONE;
	if ((rc = collect_visible(&c, events, n)) != 0)
		return rc;
	for (k = 0; k < n_eras_of(policy) && !rc; k++) {
		const hotline__policy *p = era(&c, policy, k);
		for (i = 0; i < p->n_rules && !rc; i++) {
			const hotline__rule *r = &p->rules[i];
			if (r->kind == HOTLINE__RULE_DEADLINE && hotline__command_scope(r->starts_at.cmd) != 0)
				rc = run_deadline(&c, r);
			else if (r->kind == HOTLINE__RULE_OCCURRENCE)
				rc = run_occurrence(&c, r);
			else if (r->kind == HOTLINE__RULE_PERIODIC)
				rc = run_periodic(&c, r, first_event_at);
			rc = rule_failed(&c, rc);
		}
	}
	free(c.ev);
	if (rc)
		hotline__eval_free(out);
	return rc;
}

void hotline__eval_free(hotline__eval *ev)
{
	size_t i;
	if (!ev)
		return;
	for (i = 0; i < ev->n_pen; i++) {
		if (!ev->ids_borrowed)
			free(ev->pen[i].case_id);
		free(ev->pen[i].property);
		free(ev->pen[i].person);
		free(ev->pen[i].inc);
		free(ev->pen[i].evidence);
	}
	for (i = 0; i < ev->n_dl && !ev->ids_borrowed; i++)
		free(ev->dl[i].case_id);
	free(ev->pen);
	free(ev->dl);
	eval_init(ev);
}

int hotline__eval_rate(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__rule *r, const char *property, int64_t at,
	int64_t points, hotline__eval *out, hotline__err *err)
{
	ctx c;
	memset(&c, 0, sizeof(c));
	c.policy = hotline__policy_at(policy, at - 1);
	c.cal = cal;
	c.dir = dir;
	c.as_of = at;
	c.win_from = INT64_MIN;
	c.win_to = INT64_MAX;
	c.out = out;
	c.err = err;
	c.property_id = property;
	/* R20's liable manager is the one in force just before the period end: a change dated
	 * exactly at the end belongs to the next period (DESIGN §6.1) */
	c.liable_shift = -1;
	c.exempt_from = NONE;
	c.closed_at = NONE;
	if (points <= 0)
		return 0;
	return charge(&c, r, r->liable, r->n_liable, NULL, &at, 1, points, NULL, 0);
}

json_t *hotline__time_json(const hotline__policy *policy, int64_t t)
{
	char buf[32];
	if (t == NONE)
		return json_null();
	hotline__time_format(t, hotline__policy_zone_offset(policy), buf);
	return json_string(buf);
}

/* ---- summaries (rules/summary.h) ---- */

int hotline__summary_record(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n, hotline__summary *out,
	hotline__err *err)
{
	hotline__case_facts f;
	hotline__eval scratch;
	ctx c;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	/* every event seen: what is left to as_of is only settling */
	if ((rc = ctx_start(&c, policy, cal, dir, events, n, HOTLINE__MAX_INSTANT, &scratch, err)) != 0)
		return rc;
	c.case_id = n ? events[0].stream : NULL;
	if (!c.case_id || !*c.case_id)
		return hotline__seterr(err, HOTLINE_EINVALID, "rules: events are not a case's");
	hotline__case_facts_read(events, n, HOTLINE__MAX_INSTANT, &f);
	out->max_at = INT64_MIN;
	out->registered_at = f.registered_at;
	out->closed_at = c.closed_at = f.closed_at;
	out->close_seq = c.close_seq = f.close_seq;
	out->approved_at = f.approved_at;
	out->approve_seq = c.approve_seq = f.approve_seq;
	out->exempt_from = c.exempt_from = f.exempt_from;
	out->request_seq = c.exempt_seq = f.request_seq;
	c.property_id = f.property;
	c.call_taker = f.call_taker;
	if ((f.property && !(out->property = hotline__strdup(f.property))) ||
	    (f.call_taker && !(out->call_taker = hotline__strdup(f.call_taker)))) {
		hotline__summary_free(out);
		return nomem(err);
	}
	for (i = 0; i < n; i++) {
		const hotline__event *e = &events[i];
		const json_t *o;
		if (e->at == NONE)
			continue;
		if (e->at > out->max_at)
			out->max_at = e->at;
		if (e->cmd != HOTLINE_CMD_VERIFY)
			continue;
		if (hotline__vec_grow((void **)&out->verify, &out->cap_verify, out->n_verify, sizeof(*out->verify))) {
			hotline__summary_free(out);
			return nomem(err);
		}
		o = json_object_get(e->body, "outcome");
		out->verify[out->n_verify].at = e->at;
		out->verify[out->n_verify++].confirmed = json_is_string(o) && strcmp(json_string_value(o), "confirmed") == 0;
	}
	c.rec = out;
	if ((rc = collect_visible(&c, events, n)) != 0) {
		hotline__summary_free(out);
		return rc;
	}
	rc = run_case_rules(&c, policy, 0);
	free(c.ev);
	hotline__eval_free(&scratch);
	if (rc)
		hotline__summary_free(out);
	return rc;
}

static int eval_summary(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const char *case_id, const hotline__summary *s, int64_t as_of,
	hotline__eval *out, hotline__err *err, int due_only)
{
	uint32_t fail_era = UINT32_MAX, fail_rule = UINT32_MAX;
	ctx c;
	size_t i;
	int rc;

	if ((rc = ctx_start(&c, policy, cal, dir, NULL, 0, as_of, out, err)) != 0)
		return rc;
	c.due_only = due_only;
	if (!case_id || !*case_id || !s)
		return hotline__seterr(err, HOTLINE_EINVALID, "rules: a summary needs its case");
	c.case_id = case_id;
	/* the case's id outlives its evaluation: its rows point at it instead of a copy each */
	out->ids_borrowed = 1;
	c.property_id = s->property;
	c.call_taker = s->call_taker;
	c.exempt_from = s->exempt_from;
	c.exempt_seq = s->request_seq;
	c.approve_seq = s->approve_seq;
	c.closed_at = s->closed_at;
	c.close_seq = s->close_seq;
	out->exempt = s->exempt_from != NONE;
	out->exempt_from = s->exempt_from;
	/* the steps in the order the evaluation took them, settled at as_of */
	for (i = 0; i < s->n_items && !rc; i++) {
		const hotline__sum_item *it = &s->items[i];
		const hotline__policy *p;
		const hotline__rule *r;
		instance in;
		if (it->era >= n_eras_of(policy)) {
			rc = HOTLINE_ECORRUPT;
			break;
		}
		p = era(&c, policy, it->era);
		if (it->rule >= p->n_rules) {
			rc = HOTLINE_ECORRUPT;
			break;
		}
		r = &p->rules[it->rule];
		/* a rule whose clock failed took no further step (rule_failed) */
		if (it->era == fail_era && it->rule == fail_rule)
			continue;
		switch (it->kind) {
		case HOTLINE__SUM_DEADLINE:
			if (r->kind != HOTLINE__RULE_DEADLINE) {
				rc = HOTLINE_ECORRUPT;
				break;
			}
			memset(&in, 0, sizeof(in));
			in.started_at = it->started_at;
			in.start_seq = it->start_seq;
			in.due = it->due;
			in.met_at = it->met_at;
			in.met_seq = it->met_seq;
			in.stop_at = it->stop_at;
			in.stop_seq = it->stop_seq;
			in.missed_until = it->missed_until;
			in.body = it->body;
			in.current = it->current;
			in.missed = it->missed;
			in.provisional = it->provisional;
			rc = settle(&c, r, &in);
			break;
		case HOTLINE__SUM_CHAIN_END:
			if (r->kind != HOTLINE__RULE_DEADLINE || it->links < 0 || it->links > MAX_CHAIN) {
				rc = HOTLINE_ECORRUPT;
				break;
			}
			rc = chain(&c, r, it->started_at, it->start_seq, it->body, 0, (int)it->links);
			break;
		case HOTLINE__SUM_OCCURRENCE: {
			const hotline__matcher *m;
			if (r->kind != HOTLINE__RULE_OCCURRENCE || it->matcher >= r->n_on) {
				rc = HOTLINE_ECORRUPT;
				break;
			}
			m = &r->on[it->matcher];
			if (!due_only)
				rc = charge(&c, r, m->liable ? m->liable : r->liable, m->liable ? m->n_liable : r->n_liable,
					it->body, &it->started_at, 1, 1, &it->start_seq, 1);
			break;
		}
		default:
			rc = HOTLINE_ECORRUPT;
		}
		if (rc == HOTLINE_ERANGE) {
			fail_era = it->era;
			fail_rule = it->rule;
		}
		rc = rule_failed(&c, rc);
	}
	if (rc)
		hotline__eval_free(out);
	return rc;
}

int hotline__eval_summary(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const char *case_id, const hotline__summary *s, int64_t as_of,
	hotline__eval *out, hotline__err *err)
{
	return eval_summary(policy, cal, dir, case_id, s, as_of, out, err, 0);
}

int hotline__summary_next_due(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const char *case_id, const hotline__summary *s, int64_t as_of,
	int64_t *next_due, int *provisional, hotline__err *err)
{
	hotline__eval e;
	int rc = eval_summary(policy, cal, dir, case_id, s, as_of, &e, err, 1);
	if (rc == 0) {
		*next_due = e.next_due;
		*provisional = e.next_due_provisional;
	}
	hotline__eval_free(&e);
	return rc;
}
