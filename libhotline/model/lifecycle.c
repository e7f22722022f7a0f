/*
 * The complaint lifecycle as ONE table (DESIGN §2). The command layer
 * consults only this table for where a command applies, from which
 * (state, approval) it is allowed, where it leads and who may give it; the
 * documentation's diagram and tables are generated from it
 * (hotline_lifecycle_json, tools/gen_docs.py).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/lifecycle.h"
#include "hotline/db.h"
#include "hotline/errors.h"
#include "util/err.h"
#include "util/json.h"

#define S(state) HOTLINE__SLOT(HOTLINE_STATE_##state, HOTLINE_APPROVAL_NONE)
#define PENDING(state) HOTLINE__SLOT(HOTLINE_STATE_##state, HOTLINE_APPROVAL_PENDING)
#define APPROVED(state) HOTLINE__SLOT(HOTLINE_STATE_##state, HOTLINE_APPROVAL_APPROVED)
/* ESCALATED without a qualifier in DESIGN: pending or approved. */
#define ANY(state) (PENDING(state) | APPROVED(state))
#define OPEN (S(RECEIVED) | S(DISPATCHED) | S(HANDLED) | S(REVISITED) | S(VERIFIED) | \
	ANY(ESCALATED) | ANY(STAGE_CLOSED) | PENDING(MALICIOUS_EXEMPT))
#define EVERY (OPEN | S(CLOSED) | APPROVED(MALICIOUS_EXEMPT))
#define ALL_PENDING (PENDING(ESCALATED) | PENDING(STAGE_CLOSED) | PENDING(MALICIOUS_EXEMPT))

#define R(role) HOTLINE_ROLE_##role
#define SAME HOTLINE__TO_SAME
#define TO(state) HOTLINE_STATE_##state
#define CMD(name) HOTLINE_CMD_##name

const hotline__transition hotline__transitions[] = {
	/* cmd, on, from, to, branch, branch_value, to_else, approval, roles, scoped, zh, note, effect, actor */
	{ CMD(REGISTER), HOTLINE__ON_NEW_CASE, 0, TO(RECEIVED), NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(HOTLINE_SPECIALIST), 0, "受理登记", "Art. 12: every ledger field", HOTLINE__EFFECT_OPEN_LEDGER, HOTLINE__ACTOR_REQUIRED },
	{ CMD(CORRECT_RECORD), HOTLINE__ON_CASE, OPEN, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(HOTLINE_SPECIALIST), 0, "更正台帐", "Art. 12", HOTLINE__EFFECT_MERGE_LEDGER, HOTLINE__ACTOR_REQUIRED },
	{ CMD(DISPATCH), HOTLINE__ON_CASE, S(RECEIVED), TO(DISPATCHED), NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(HOTLINE_SPECIALIST), 0, "派单", "Art. 13", HOTLINE__EFFECT_DISPATCHED_AT, HOTLINE__ACTOR_REQUIRED },
	{ CMD(DECIDE_MEASURES), HOTLINE__ON_CASE, S(DISPATCHED) | APPROVED(ESCALATED), SAME, NULL, NULL, 0,
	  HOTLINE__APPROVAL_KEEP, R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "确定处理措施", "Art. 14", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(ONSITE_VISIT), HOTLINE__ON_CASE, S(DISPATCHED) | ANY(ESCALATED) | S(HANDLED), SAME, NULL, NULL, 0,
	  HOTLINE__APPROVAL_KEEP, R(DEPARTMENT_HEAD), R(DEPARTMENT_HEAD), "部门负责人亲临现场", "Art. 14: in person", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(SUBMIT_VISIT_FORM), HOTLINE__ON_CASE, S(DISPATCHED) | ANY(ESCALATED) | S(HANDLED), SAME, NULL, NULL, 0,
	  HOTLINE__APPROVAL_KEEP, R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "提交回访表", "Art. 14", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(REPORT_PROGRESS), HOTLINE__ON_CASE, S(DISPATCHED) | ANY(ESCALATED) | ANY(STAGE_CLOSED), SAME, NULL, NULL, 0,
	  HOTLINE__APPROVAL_KEEP, R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "跟进情况表", "Art. 16", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(COMPLETE), HOTLINE__ON_CASE, S(DISPATCHED) | APPROVED(ESCALATED) | APPROVED(STAGE_CLOSED), TO(HANDLED),
	  NULL, NULL, 0, HOTLINE__APPROVAL_KEEP, R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "处理完成", "Art. 14", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(FOLLOWUP), HOTLINE__ON_CASE, S(HANDLED), TO(REVISITED), "satisfied", "true", TO(DISPATCHED),
	  HOTLINE__APPROVAL_KEEP, R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "回访", "Art. 14: not satisfied goes back to handling", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(SUPERVISOR_CHECK), HOTLINE__ON_CASE, S(REVISITED) | S(VERIFIED), SAME, NULL, NULL, 0,
	  HOTLINE__APPROVAL_KEEP, R(QUALITY_SUPERVISOR), 0, "品质督导核实", "Art. 15", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(VERIFY), HOTLINE__ON_CASE, S(REVISITED), TO(VERIFIED), "outcome", "confirmed", TO(DISPATCHED),
	  HOTLINE__APPROVAL_KEEP, R(HOTLINE_SPECIALIST), 0, "热线专员验证", "Art. 15: not_done / false_report go back", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(CLOSE), HOTLINE__ON_CASE, S(VERIFIED), TO(CLOSED), NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(GROUP_HEAD), 0, "结案", "Art. 15", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(REQUEST_ESCALATION), HOTLINE__ON_CASE, S(DISPATCHED), TO(ESCALATED), NULL, NULL, 0,
	  HOTLINE__APPROVAL_REQUEST, R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "书面上报", "Art. 17", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(REQUEST_STAGE_CLOSE), HOTLINE__ON_CASE, S(DISPATCHED) | APPROVED(ESCALATED), TO(STAGE_CLOSED), NULL, NULL, 0,
	  HOTLINE__APPROVAL_REQUEST, R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "申请阶段性结案", "Art. 18: > 30 days of work", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(REPORT_MALICIOUS), HOTLINE__ON_CASE, S(RECEIVED) | S(DISPATCHED) | ANY(ESCALATED), TO(MALICIOUS_EXEMPT),
	  NULL, NULL, 0, HOTLINE__APPROVAL_REQUEST, R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "恶意投诉书面说明", "Art. 19", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(APPROVE), HOTLINE__ON_CASE, ALL_PENDING, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_APPROVE,
	  R(GROUP_HEAD), 0, "批准 (不纳入考核)", "Art. 17-19", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(REJECT), HOTLINE__ON_CASE, ALL_PENDING, HOTLINE__TO_PREVIOUS, NULL, NULL, 0, HOTLINE__APPROVAL_REJECT,
	  R(GROUP_HEAD), 0, "驳回", "Art. 17-19", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(REPEAT_COMPLAINT), HOTLINE__ON_CASE, S(DISPATCHED) | S(HANDLED) | S(REVISITED) | ANY(ESCALATED), SAME,
	  NULL, NULL, 0, HOTLINE__APPROVAL_KEEP, R(HOTLINE_SPECIALIST), 0, "二次投诉", "Art. 14", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(REPLY), HOTLINE__ON_CASE, OPEN, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(HOTLINE_SPECIALIST) | R(PROPERTY_MANAGER), R(PROPERTY_MANAGER), "答复业主", "seed 002/004", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(RECORD_FINDING), HOTLINE__ON_CASE_OR_ORG, EVERY, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(HOTLINE_SPECIALIST) | R(QUALITY_SUPERVISOR) | R(QA_DIRECTOR) | R(GROUP_HEAD), 0, "记录违规", "Art. 4, 7, 9, 14, 15", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	/* Art. 8: calls come from the telephone system or whoever logs them */
	{ CMD(CALL), HOTLINE__ON_ORG, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  0, 0, "来电记录", "Art. 8", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_OPTIONAL },
	{ CMD(MONTHLY_SUMMARY), HOTLINE__ON_ORG, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(QA_DIRECTOR), 0, "月度汇总", "Art. 21", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(QUARTERLY_MEETING), HOTLINE__ON_ORG, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(QA_DIRECTOR), 0, "季度例会", "Art. 10", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(QUARTERLY_REPORT), HOTLINE__ON_ORG, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(QA_DIRECTOR), 0, "季度报告", "Art. 11", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_REQUIRED },
	{ CMD(PERSON), HOTLINE__ON_DIRECTORY, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP, R(ADMINISTRATOR), 0, "人员", "directory", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_OPTIONAL },
	{ CMD(PROPERTY), HOTLINE__ON_DIRECTORY, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP, R(ADMINISTRATOR), 0, "楼盘", "directory", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_OPTIONAL },
	{ CMD(BONUS), HOTLINE__ON_DIRECTORY, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP, R(ADMINISTRATOR), 0, "月度奖金", "Art. 22", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_OPTIONAL },
	/* DESIGN §6.4, PIPL Art. 47: the case's data key is destroyed; events stay and verify */
	{ CMD(FORGET), HOTLINE__ON_CASE, EVERY, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  R(ADMINISTRATOR), 0, "删除业主个人信息", "PIPL Art. 47: erasure", HOTLINE__EFFECT_ERASE, HOTLINE__ACTOR_REQUIRED },
	/* recorded by the library when it encrypts a database made before encryption (never given by a client) */
	{ CMD(ENCRYPT_RECORD), HOTLINE__ON_CASE, EVERY, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP,
	  0, 0, "台帐加密", "seed 003: 回访数据应加密存储", HOTLINE__EFFECT_MERGE_LEDGER, HOTLINE__ACTOR_OPTIONAL },
	/* DESIGN §6.7: the working-day calendar is part of the record; the authority of directory lines */
	{ CMD(CALENDAR), HOTLINE__ON_DIRECTORY, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP, R(ADMINISTRATOR), 0,
	  "节假日安排", "working-day calendar of a year", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_OPTIONAL },
	/* DESIGN §6.7: the policy is part of the record; changed from `at` on, with the authority of directory lines */
	{ CMD(POLICY), HOTLINE__ON_DIRECTORY, 0, SAME, NULL, NULL, 0, HOTLINE__APPROVAL_KEEP, R(ADMINISTRATOR), 0,
	  "考核办法变更", "the policy in force from `at` on", HOTLINE__EFFECT_NONE, HOTLINE__ACTOR_OPTIONAL },
};
const size_t hotline__n_transitions = sizeof(hotline__transitions) / sizeof(hotline__transitions[0]);

static const char *const kinds[] = { "complaint", "repair", NULL };
static const char *const severities[] = { "general", "serious", "urgent", NULL };
static const char *const outcomes[] = { "confirmed", "not_done", "false_report", NULL };
/* Art. 12: the ledger (热线台帐) fields besides the call time. */
const char *const hotline__ledger_fields[] = { "property", "room", "owner", "phone", "matter",
	"call_taker", "order_taker", "kind", "severity", NULL };

#define F(cmd, name, type, req) { CMD(cmd), name, HOTLINE__F_##type, req, NULL, 0 }
#define FE(cmd, name, req, values) { CMD(cmd), name, HOTLINE__F_ENUM, req, values, 0 }
#define FMAX(cmd, name, req, max) { CMD(cmd), name, HOTLINE__F_COUNT, req, NULL, max }

/* Payload fields of every command, besides cmd, case, actor, at and expect_version. */
const hotline__field hotline__fields[] = {
	F(REGISTER, "property", PROPERTY, 1),
	F(REGISTER, "room", STRING, 1),
	F(REGISTER, "owner", STRING, 1),
	F(REGISTER, "phone", STRING, 1),
	F(REGISTER, "matter", STRING, 1),
	F(REGISTER, "call_taker", PERSON, 1),
	F(REGISTER, "order_taker", STRING, 1),
	FE(REGISTER, "kind", 0, kinds),
	FE(REGISTER, "severity", 0, severities),
	F(CORRECT_RECORD, "fields", STRINGS, 1),
	F(CORRECT_RECORD, "values", OBJECT, 0),
	F(FORGET, "reason", STRING, 0),
	F(ENCRYPT_RECORD, "values", OBJECT, 1),
	F(DECIDE_MEASURES, "measures", STRING, 1),
	F(DECIDE_MEASURES, "department_head", PERSON, 0),
	F(REPORT_PROGRESS, "text", STRING, 0),
	F(COMPLETE, "agreed_followup_at", TIME, 0),
	F(FOLLOWUP, "satisfied", BOOL, 1),
	FE(VERIFY, "outcome", 1, outcomes),
	F(REQUEST_ESCALATION, "report", STRING, 1),
	F(REQUEST_STAGE_CLOSE, "measures", STRING, 1),
	F(REQUEST_STAGE_CLOSE, "agreed_repair_at", TIME, 1),
	F(REQUEST_STAGE_CLOSE, "expected_completion_at", TIME, 1),
	F(REPORT_MALICIOUS, "explanation", STRING, 1),
	F(APPROVE, "note", STRING, 0),
	F(REJECT, "note", STRING, 0),
	F(REPEAT_COMPLAINT, "matter", STRING, 0),
	F(REPLY, "text", STRING, 1),
	F(REPLY, "promised_at", TIME, 0),
	F(RECORD_FINDING, "kind", FINDING_KIND, 1),
	F(RECORD_FINDING, "person", PERSON, 0),
	F(RECORD_FINDING, "note", STRING, 0),
	F(CALL, "agent", PERSON, 1),
	FMAX(CALL, "rings", 1, 1000),
	F(CALL, "answered", BOOL, 1),
	F(CALL, "connected", BOOL, 0),
	F(QUARTERLY_MEETING, "absent", PERSONS, 0),
	F(PERSON, "id", ID, 1),
	F(PERSON, "name", STRING, 1),
	F(PERSON, "roles", ROLES, 1),
	F(PROPERTY, "id", ID, 1),
	F(PROPERTY, "name", STRING, 1),
	F(PROPERTY, "manager", PERSON, 1),
	F(PROPERTY, "department_heads", PERSONS, 0),
	F(PROPERTY, "quality_supervisor", PERSON, 0),
	F(BONUS, "person", PERSON, 1),
	F(BONUS, "month", MONTH, 1),
	FMAX(BONUS, "amount_fen", 1, INT64_C(10000000000)),
	FMAX(CALENDAR, "year", 1, 2099),
	F(CALENDAR, "holidays", DATES, 1),
	F(CALENDAR, "workdays", DATES, 0),
	F(CALENDAR, "source", STRING, 0),
	F(POLICY, "name", STRING, 1),
	F(POLICY, "text", STRING, 1),
	F(POLICY, "digest", STRING, 0),
};
const size_t hotline__n_fields = sizeof(hotline__fields) / sizeof(hotline__fields[0]);

const hotline__transition *hotline__transition_of(int cmd)
{
	size_t i;
	for (i = 0; i < hotline__n_transitions; i++)
		if (hotline__transitions[i].cmd == cmd)
			return &hotline__transitions[i];
	return NULL;
}

int hotline__command_scope(int cmd)
{
	const hotline__transition *t = hotline__transition_of(cmd);
	if (!t)
		return -1;
	switch (t->on) {
	case HOTLINE__ON_ORG:
		return 1;
	case HOTLINE__ON_CASE_OR_ORG:
		return 2;
	default:
		return 0;
	}
}

int hotline__state_is_request(int state)
{
	size_t i;
	for (i = 0; i < hotline__n_transitions; i++)
		if (hotline__transitions[i].approval == HOTLINE__APPROVAL_REQUEST && hotline__transitions[i].to == state)
			return 1;
	return 0;
}

const hotline__field *hotline__field_of(int cmd, const char *name)
{
	size_t i;
	for (i = 0; i < hotline__n_fields; i++)
		if (hotline__fields[i].cmd == cmd && strcmp(hotline__fields[i].name, name) == 0)
			return &hotline__fields[i];
	return NULL;
}

int hotline__state_open(int state, int approval)
{
	if (state < 0 || state >= HOTLINE_STATE_COUNT || approval < 0 || approval > 2)
		return 0;
	return (OPEN & HOTLINE__SLOT(state, approval)) != 0;
}

/* ---- names ---- */

static const char *const state_names[HOTLINE_STATE_COUNT] = {
	"received", "dispatched", "handled", "revisited", "verified", "closed",
	"escalated", "stage_closed", "malicious_exempt"
};
static const char *const approval_names[] = { "none", "pending", "approved" };
static const char *const command_names[HOTLINE_CMD_COUNT] = {
	"register", "correct_record", "dispatch", "decide_measures", "onsite_visit",
	"submit_visit_form", "report_progress", "complete", "followup", "supervisor_check",
	"verify", "close", "request_escalation", "request_stage_close", "report_malicious",
	"approve", "reject", "repeat_complaint", "reply", "record_finding",
	"call", "monthly_summary", "quarterly_meeting", "quarterly_report",
	"person", "property", "bonus", "forget", "encrypt_record", "calendar",
	"policy"
};
static const char *const role_names[HOTLINE_ROLE_COUNT] = {
	"hotline_specialist", "property_manager", "department_head", "quality_supervisor",
	"group_head", "qa_director", "sales_director", "director_assistant", "administrator"
};

static int bad_name(const char *what, const char *name)
{
	return hotline__last_error_set(HOTLINE_EINVALID, "%s '%s'", what, name ? name : "(null)");
}

static int find_name(const char *const *names, int n, const char *name)
{
	int i;
	if (!name)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *hotline_state_name(int state)
{
	return (state >= 0 && state < HOTLINE_STATE_COUNT) ? state_names[state] : NULL;
}

int hotline_state_from_name(int *out, const char *name)
{
	int i = find_name(state_names, HOTLINE_STATE_COUNT, name);
	if (!out || i < 0)
		return bad_name("unknown state", name);
	*out = i;
	return 0;
}

const char *hotline_approval_name(int approval)
{
	return (approval >= 0 && approval <= 2) ? approval_names[approval] : NULL;
}

int hotline_approval_from_name(int *out, const char *name)
{
	int i = find_name(approval_names, 3, name);
	if (!out || i < 0)
		return bad_name("unknown approval", name);
	*out = i;
	return 0;
}

const char *hotline_command_name(int kind)
{
	return (kind >= 0 && kind < HOTLINE_CMD_COUNT) ? command_names[kind] : NULL;
}

int hotline_command_from_name(int *out, const char *name)
{
	int i = find_name(command_names, HOTLINE_CMD_COUNT, name);
	if (!out || i < 0)
		return bad_name("unknown command", name);
	*out = i;
	return 0;
}

const char *hotline_role_name(int role)
{
	int i;
	for (i = 0; i < HOTLINE_ROLE_COUNT; i++)
		if (role == (1 << i))
			return role_names[i];
	return NULL;
}

int hotline_role_from_name(int *out, const char *name)
{
	int i = find_name(role_names, HOTLINE_ROLE_COUNT, name);
	if (!out || i < 0)
		return bad_name("unknown role", name);
	*out = 1 << i;
	return 0;
}

static json_t *slots_json(uint32_t from)
{
	json_t *a = json_array();
	int s, ap;
	for (s = 0; s < HOTLINE_STATE_COUNT; s++)
		for (ap = 0; ap < 3; ap++)
			if (from & HOTLINE__SLOT(s, ap)) {
				json_t *o = json_pack("{s:s,s:s}", "state", state_names[s],
					"approval", approval_names[ap]);
				json_array_append_new(a, o);
			}
	return a;
}

static json_t *roles_json(unsigned roles)
{
	json_t *a = json_array();
	int i;
	for (i = 0; i < HOTLINE_ROLE_COUNT; i++)
		if (roles & (1u << i))
			json_array_append_new(a, json_string(role_names[i]));
	return a;
}

static const char *to_name(int to)
{
	if (to == HOTLINE__TO_SAME)
		return "same";
	if (to == HOTLINE__TO_PREVIOUS)
		return "previous";
	return state_names[to];
}

static const char *const on_names[] = { "new_case", "case", "case_or_organisation", "organisation", "directory" };
static const char *const approval_effects[] = { "keep", "request", "approve", "reject" };
static const char *const effect_names[] = { "none", "open_ledger", "dispatched_at", "merge_ledger", "erase" };
static const char *const type_names[] = { "string", "bool", "count", "time", "enum", "strings",
	"object", "person", "persons", "property", "roles", "month", "id", "finding_kind", "dates" };

int hotline_lifecycle_json(char **out)
{
	json_t *rows;
	size_t i, j;
	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	rows = json_array();
	for (i = 0; i < hotline__n_transitions; i++) {
		const hotline__transition *t = &hotline__transitions[i];
		json_t *fields = json_array();
		json_t *row = json_pack("{s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:s,s:s}",
			"cmd", command_names[t->cmd], "on", on_names[t->on],
			"from", slots_json(t->from), "to", to_name(t->to),
			"approval", approval_effects[t->approval],
			"roles", roles_json(t->roles), "scoped_roles", roles_json(t->scoped),
			"zh", t->zh, "note", t->note);
		json_object_set_new(row, "actor", json_string(t->actor == HOTLINE__ACTOR_OPTIONAL ? "optional" : "required"));
		if (t->effect != HOTLINE__EFFECT_NONE)
			json_object_set_new(row, "effect", json_string(effect_names[t->effect]));
		if (t->branch) {
			json_object_set_new(row, "branch", json_pack("{s:s,s:s,s:s}", "field", t->branch,
				"value", t->branch_value, "else", to_name(t->to_else)));
		}
		for (j = 0; j < hotline__n_fields; j++) {
			const hotline__field *f = &hotline__fields[j];
			json_t *fo;
			if (f->cmd != t->cmd)
				continue;
			fo = json_pack("{s:s,s:s,s:b}", "name", f->name, "type", type_names[f->type],
				"required", f->required);
			if (f->max)
				json_object_set_new(fo, "max", json_integer((json_int_t)f->max));
			if (f->values) {
				json_t *v = json_array();
				const char *const *p;
				for (p = f->values; *p; p++)
					json_array_append_new(v, json_string(*p));
				json_object_set_new(fo, "values", v);
			}
			json_array_append_new(fields, fo);
		}
		json_object_set_new(row, "fields", fields);
		json_array_append_new(rows, row);
	}
	*out = hotline__json_pretty(rows, 1);
	json_decref(rows);
	if (!*out)
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	return 0;
}
