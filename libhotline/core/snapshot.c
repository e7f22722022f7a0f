#include "core/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"

/* ---- the table's effect column ---- */

/* Art. 12: the ledger (热线台帐) from the registering command, with its defaults. */
static int open_ledger(json_t *body, json_t *cmd)
{
	json_t *ledger = json_object();
	const char *const *f;
	if (!ledger)
		return -1;
	for (f = hotline__ledger_fields; *f; f++) {
		json_t *v = json_object_get(cmd, *f);
		if (v)
			json_object_set(ledger, *f, v);
	}
	if (!json_object_get(ledger, "kind"))
		json_object_set_new(ledger, "kind", json_string("complaint"));
	if (!json_object_get(ledger, "severity"))
		json_object_set_new(ledger, "severity", json_string("general"));
	json_object_set(body, "registered_at", json_object_get(cmd, "at"));
	return json_object_set_new(body, "ledger", ledger);
}

static int dispatched_at(json_t *body, json_t *cmd)
{
	return json_object_set(body, "dispatched_at", json_object_get(cmd, "at"));
}

static int merge_ledger(json_t *body, json_t *cmd)
{
	json_t *ledger = json_object_get(body, "ledger"), *v;
	const char *key;
	json_object_foreach(json_object_get(cmd, "values"), key, v)
		if (json_object_set(ledger, key, v))
			return -1;
	return 0;
}

/* DESIGN §6.4: after forget nobody reads the owner's data again, not even from the snapshot. */
static int erase(json_t *body, json_t *cmd)
{
	static const char *const personal[] = { "owner", "phone", "room", NULL };
	json_t *ledger = json_object_get(body, "ledger");
	const char *const *p;
	for (p = personal; json_is_object(ledger) && *p; p++)
		if (json_object_get(ledger, *p) && json_object_set_new(ledger, *p, json_string("[erased]")))
			return -1;
	if (!json_object_get(body, "erased_at"))
		return json_object_set(body, "erased_at", json_object_get(cmd, "at"));
	return 0;
}

static int (*const effects[])(json_t *body, json_t *cmd) = {
	[HOTLINE__EFFECT_NONE] = NULL,
	[HOTLINE__EFFECT_OPEN_LEDGER] = open_ledger,
	[HOTLINE__EFFECT_DISPATCHED_AT] = dispatched_at,
	[HOTLINE__EFFECT_MERGE_LEDGER] = merge_ledger,
	[HOTLINE__EFFECT_ERASE] = erase,
};

/* ---- state and approval ---- */

/* The row's target; a branching row looks at the payload ("satisfied": true, "outcome": "confirmed"). */
static int target_state(const hotline__transition *t, json_t *cmd, int current)
{
	json_t *bv;
	int match;
	if (t->to == HOTLINE__TO_SAME || t->to == HOTLINE__TO_PREVIOUS)
		return current;
	if (!t->branch)
		return t->to;
	bv = json_object_get(cmd, t->branch);
	if (json_is_string(bv)) {
		match = strcmp(json_string_value(bv), t->branch_value) == 0;
	} else {
		char *txt = hotline__json_canonical(bv);
		match = txt && strcmp(txt, t->branch_value) == 0;
		free(txt);
	}
	return match ? t->to : t->to_else;
}

/*
 * Requests nest (DESIGN §2): each request pushes what the case was before
 * it (state, approval, exemption) onto the snapshot's "requests"; approve
 * and reject answer the top one, and reject restores exactly what it held.
 * A snapshot written before requests nested has previous_state /
 * previous_approval / requested_at instead: read as a stack of one.
 */
static json_t *request_stack(json_t *body, const hotline_case *old)
{
	json_t *stack = json_object_get(body, "requests");
	if (json_is_array(stack))
		return stack;
	stack = json_array();
	if (json_object_get(body, "previous_state")) {
		json_t *e = json_object();
		json_object_set(e, "state", json_object_get(body, "previous_state"));
		json_object_set(e, "approval", json_object_get(body, "previous_approval"));
		json_object_set_new(e, "exempt", json_boolean(old->exempt));
		if (json_object_get(body, "exempt_from"))
			json_object_set(e, "exempt_from", json_object_get(body, "exempt_from"));
		json_object_set(e, "at", json_object_get(body, "requested_at"));
		json_array_append_new(stack, e);
	}
	json_object_del(body, "previous_state");
	json_object_del(body, "previous_approval");
	json_object_set_new(body, "requests", stack);
	return stack;
}

static void apply_approval(const hotline__transition *t, json_t *body, json_t *cmd, const hotline_case *old,
	int *state, int *approval, int *exempt)
{
	json_t *stack, *top, *e;
	if (t->approval == HOTLINE__APPROVAL_KEEP)
		return;
	stack = request_stack(body, old);
	top = json_array_get(stack, json_array_size(stack) - 1);
	switch (t->approval) {
	case HOTLINE__APPROVAL_REQUEST:
		e = json_object();
		json_object_set_new(e, "state", json_string(hotline_state_name(old->state)));
		json_object_set_new(e, "approval", json_string(hotline_approval_name(old->approval)));
		json_object_set_new(e, "exempt", json_boolean(old->exempt));
		if (json_object_get(body, "exempt_from"))
			json_object_set(e, "exempt_from", json_object_get(body, "exempt_from"));
		json_object_set(e, "at", json_object_get(cmd, "at"));
		json_array_append_new(stack, e);
		json_object_set(body, "requested_at", json_object_get(cmd, "at"));
		*approval = HOTLINE_APPROVAL_PENDING;
		break;
	case HOTLINE__APPROVAL_APPROVE:
		/* Art. 17-19: approved requests are not assessed (不纳入考核), from the request on. */
		*approval = HOTLINE_APPROVAL_APPROVED;
		if (!*exempt && top) {
			*exempt = 1;
			json_object_set(body, "exempt_from", json_object_get(top, "at"));
		}
		break;
	case HOTLINE__APPROVAL_REJECT: {
		int prev = HOTLINE_STATE_DISPATCHED, prev_ap = HOTLINE_APPROVAL_NONE;
		if (!top)
			break;
		hotline_state_from_name(&prev, json_string_value(json_object_get(top, "state")));
		hotline_approval_from_name(&prev_ap, json_string_value(json_object_get(top, "approval")));
		*state = prev;
		*approval = prev_ap;
		*exempt = json_is_true(json_object_get(top, "exempt"));
		if (json_object_get(top, "exempt_from"))
			json_object_set(body, "exempt_from", json_object_get(top, "exempt_from"));
		else
			json_object_del(body, "exempt_from");
		json_array_remove(stack, json_array_size(stack) - 1);
		top = json_array_get(stack, json_array_size(stack) - 1);
		if (top)
			json_object_set(body, "requested_at", json_object_get(top, "at"));
		else
			json_object_del(body, "requested_at");
		break;
	}
	default:
		break;
	}
}

/* Sets a string member; one already holding that text is left as it is (most commands keep these). */
static int set_string(json_t *body, const char *key, const char *value)
{
	json_t *v = json_object_get(body, key);
	size_t n;
	if (!value)
		return -1;   /* as json_string(NULL) failed before */
	n = strlen(value);
	if (json_is_string(v) && json_string_length(v) == n && memcmp(json_string_value(v), value, n) == 0)
		return 0;
	/* a value the snapshot alone holds takes the new text in place: one allocation instead of two */
	if (json_is_string(v) && v->refcount == 1)
		return json_string_setn(v, value, n);
	return json_object_set_new(body, key, json_string(value));
}

json_t *hotline__snapshot_next(const hotline__transition *t, json_t *cmd, const char *case_id,
	const char *property_id, const hotline_case *old, int *state, int *approval, int *exempt)
{
	json_t *body;

	if (!old) {
		if (!(body = json_pack("{s:s}", "id", case_id)))
			return NULL;
		*state = t->to;
		*approval = HOTLINE_APPROVAL_NONE;
		*exempt = 0;
	} else {
		body = json_incref(old->json);
		*state = target_state(t, cmd, old->state);
		*approval = old->approval;
		*exempt = old->exempt;
		apply_approval(t, body, cmd, old, state, approval, exempt);
		/* Leaving the request states ends every request; an approved one keeps the case exempt. */
		if (!hotline__state_is_request(*state))
			*approval = HOTLINE_APPROVAL_NONE;
		if (*approval == HOTLINE_APPROVAL_NONE) {
			json_object_del(body, "requests");
			json_object_del(body, "requested_at");
			json_object_del(body, "previous_state");
			json_object_del(body, "previous_approval");
		}
	}
	if (effects[t->effect] && effects[t->effect](body, cmd) != 0) {
		json_decref(body);
		return NULL;
	}
	if (set_string(body, "property", property_id) ||
	    set_string(body, "state", hotline_state_name(*state)) ||
	    set_string(body, "approval", hotline_approval_name(*approval)) ||
	    json_object_set_new(body, "exempt", json_boolean(*exempt))) {
		json_decref(body);
		return NULL;
	}
	return body;
}
