/*
 * Explanations (DESIGN §3: "every penalty can explain itself") and the CSV
 * rendering of an assessment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/eval.h"

#define NONE HOTLINE_TIME_NONE

static const char *const dl_state_names[] = { "pending", "met", "missed", "stopped" };

static json_t *title_json(const hotline__rule *r)
{
	return json_pack("{s:s,s:s}", "zh", r->title_zh, "en", r->title_en);
}

static json_t *seq_or_null(int64_t seq)
{
	return seq > 0 ? json_integer(seq) : json_null();
}

static json_t *deadline_json(const hotline__policy *p, const hotline__deadline *d)
{
	const hotline__rule *r = hotline__policy_rule(p, d->rule);
	json_t *o = json_object();
	if (!o || !r) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "rule", json_string(r->id));
	json_object_set_new(o, "article", json_integer(r->article));
	json_object_set_new(o, "title", title_json(r));
	if (r->source)
		json_object_set_new(o, "source", json_string(r->source));
	json_object_set_new(o, "kind", json_string(hotline__policy_kind_name(r->kind)));
	if (r->kind == HOTLINE__RULE_DEADLINE)
		json_object_set_new(o, "clock", json_string(hotline__policy_clock_name(r->clock)));
	json_object_set_new(o, "cost", json_pack("{s:s,s:I}", "per", hotline__policy_per_name(r->per),
		"amount_fen", (json_int_t)r->amount_fen));
	json_object_set_new(o, "started_at", hotline__time_json(p, d->started_at));
	json_object_set_new(o, "start_event", seq_or_null(d->start_seq));
	json_object_set_new(o, "due", hotline__time_json(p, d->due));
	json_object_set_new(o, "state", json_string(dl_state_names[d->state]));
	json_object_set_new(o, "met_at", hotline__time_json(p, d->met_at));
	json_object_set_new(o, "met_event", seq_or_null(d->met_seq));
	json_object_set_new(o, "stopped_at", hotline__time_json(p, d->stopped_at));
	json_object_set_new(o, "late_seconds", json_integer(d->late_seconds));
	json_object_set_new(o, "current", json_boolean(d->current));
	if (d->provisional)
		json_object_set_new(o, "provisional", json_true());
	return o;
}

static json_t *penalty_json(const hotline__policy *p, const hotline__penalty *x)
{
	const hotline__rule *r = hotline__policy_rule(p, x->rule);
	json_t *o = json_object(), *inc = json_array(), *ev = json_array();
	size_t i;
	if (!o || !inc || !ev || !r) {
		json_decref(o);
		json_decref(inc);
		json_decref(ev);
		return NULL;
	}
	for (i = 0; i < x->n_inc; i++)
		json_array_append_new(inc, json_pack("{s:o,s:I}", "at", hotline__time_json(p, x->inc[i].at),
			"amount_fen", (json_int_t)x->inc[i].amount_fen));
	for (i = 0; i < x->n_evidence; i++)
		json_array_append_new(ev, json_integer(x->evidence[i]));
	json_object_set_new(o, "rule", json_string(r->id));
	json_object_set_new(o, "article", json_integer(r->article));
	json_object_set_new(o, "title", title_json(r));
	if (r->source)
		json_object_set_new(o, "source", json_string(r->source));
	json_object_set_new(o, "person", x->person ? json_string(x->person) : json_null());
	json_object_set_new(o, "property", x->property ? json_string(x->property) : json_null());
	json_object_set_new(o, "amount_fen", json_integer(x->amount_fen));
	json_object_set_new(o, "incurred_at", x->n_inc ? hotline__time_json(p, x->inc[x->n_inc - 1].at) : json_null());
	json_object_set_new(o, "increments", inc);
	json_object_set_new(o, "evidence", ev);
	if (x->provisional)
		json_object_set_new(o, "provisional", json_true());
	return o;
}

int hotline__explain_case(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n, int64_t as_of,
	json_t **out, hotline__err *err)
{
	hotline__eval ev;
	json_t *doc, *dls, *pens;
	size_t i;
	int rc;

	*out = NULL;
	if (n == 0 || !events)
		return hotline__seterr(err, HOTLINE_EINVALID, "explain: no events");
	if ((rc = hotline__eval_case(policy, cal, dir, events, n, as_of, &ev, err)) != 0)
		return rc;
	doc = json_object();
	dls = json_array();
	pens = json_array();
	if (doc && dls && pens) {
		json_object_set_new(doc, "case", json_string(events[0].stream));
		json_object_set_new(doc, "policy", json_string(policy->name));
		json_object_set_new(doc, "as_of", hotline__time_json(policy, as_of));
		json_object_set_new(doc, "exempt", json_boolean(ev.exempt));
		json_object_set_new(doc, "exempt_from", hotline__time_json(policy, ev.exempt_from));
		json_object_set_new(doc, "next_due", hotline__time_json(policy, ev.next_due));
		if (ev.next_due != HOTLINE_TIME_NONE && ev.next_due_provisional)
			json_object_set_new(doc, "provisional", json_true());
		for (i = 0; i < ev.n_dl; i++)
			if (json_array_append_new(dls, deadline_json(policy, &ev.dl[i])))
				break;
		for (i = 0; i < ev.n_pen; i++)
			if (json_array_append_new(pens, penalty_json(policy, &ev.pen[i])))
				break;
		{
			int64_t total = 0;
			for (i = 0; i < ev.n_pen; i++)
				total += ev.pen[i].amount_fen;
			json_object_set_new(doc, "total_fen", json_integer(total));
		}
		if (json_array_size(dls) == ev.n_dl && json_array_size(pens) == ev.n_pen &&
		    json_object_set(doc, "deadlines", dls) == 0 && json_object_set(doc, "penalties", pens) == 0) {
			*out = doc;
			doc = NULL;
		}
	}
	json_decref(doc);
	json_decref(dls);
	json_decref(pens);
	hotline__eval_free(&ev);
	return *out ? 0 : hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
}
