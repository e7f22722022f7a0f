/*
 * libFuzzer target for the policy loader: any bytes must load or fail with
 * a message, never crash or leak. A policy that loads is then run over a
 * small fixed case and the organisation's events, so odd but valid rules
 * (one-minute chains, empty windows, joint liability on absent roles)
 * reach the evaluator too.
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DHOTLINE_BUILD_FUZZ=ON && cmake --build build-fuzz --target fuzz_policy
 *   build-fuzz/tests/fuzz_policy -max_total_time=60 tests/fuzz/corpus/policy/ policies/
 * The corpus lives in tests/fuzz/corpus/policy/ (inputs named by their hash);
 * policies/ holds only the shipped policies and is only read as seeds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "model/directory.h"
#include "model/event.h"
#include "rules/eval.h"
#include "rules/policy.h"
#include "util/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const lines[] = {
	("{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T17:50:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\","
	"\"call_taker\":\"zhang\",\"kind\":\"repair\",\"severity\":\"urgent\"}"),
	"{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-03T09:20:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-03T10:00:00+08:00\",\"actor\":\"zhang\",\"promised_at\":\"2026-11-05T12:00:00+08:00\"}",
	"{\"cmd\":\"record_finding\",\"case\":\"C1\",\"at\":\"2026-11-03T11:00:00+08:00\",\"actor\":\"qa\",\"kind\":\"falsified_form\",\"person\":[\"li\",\"li\"]}",
	"{\"cmd\":\"complete\",\"case\":\"C1\",\"at\":\"2026-11-04T17:00:00+08:00\",\"actor\":\"li\",\"agreed_followup_at\":\"bad\"}",
	"{\"cmd\":\"request_escalation\",\"case\":\"C1\",\"at\":\"2026-11-05T10:00:00+08:00\",\"actor\":\"li\"}",
	"{\"cmd\":\"approve\",\"case\":\"C1\",\"at\":\"2026-11-06T10:00:00+08:00\",\"actor\":\"gm\"}",
};
static const char *const org_lines[] = {
	"{\"cmd\":\"call\",\"at\":\"2026-11-02T09:00:00+08:00\",\"actor\":\"qa\",\"agent\":\"zhang\",\"rings\":5,\"connected\":false}",
	"{\"cmd\":\"quarterly_meeting\",\"at\":\"2026-12-26T10:00:00+08:00\",\"actor\":\"qa\",\"absent\":[\"li\"]}",
	"{\"cmd\":\"quarterly_report\",\"at\":\"2026-12-30T10:00:00+08:00\",\"actor\":\"qa\"}",
};

#define N_CASE (sizeof(lines) / sizeof(lines[0]))
#define N_ORG (sizeof(org_lines) / sizeof(org_lines[0]))

static hotline__event case_ev[N_CASE], org_ev[N_ORG];
static hotline__directory dir;
static hotline__calendar *cal;

static void decode(const char *line, hotline__event *e, int64_t seq, const char *stream)
{
	int kind = 0;
	e->body = json_loads(line, 0, NULL);
	hotline_command_from_name(&kind, json_string_value(json_object_get(e->body, "cmd")));
	e->cmd = kind;
	e->seq = seq;
	e->stream = stream;
	e->stream_seq = *stream ? seq : 0;
	e->actor = json_string_value(json_object_get(e->body, "actor"));
	hotline__time_parse(json_string_value(json_object_get(e->body, "at")), &e->at, NULL);
}

static void init(void)
{
	static const char *const people[] = {
		"{\"id\":\"zhang\",\"name\":\"z\",\"roles\":[\"hotline_specialist\"]}",
		"{\"id\":\"li\",\"name\":\"l\",\"roles\":[\"property_manager\"]}",
		"{\"id\":\"qa\",\"name\":\"q\",\"roles\":[\"qa_director\",\"sales_director\"]}",
	};
	size_t i;
	hotline__err err;
	hotline__directory_init(&dir);
	for (i = 0; i < 3; i++) {
		json_t *o = json_loads(people[i], 0, NULL);
		hotline__directory_add_json(&dir, HOTLINE_CMD_PERSON, o);
		json_decref(o);
	}
	{
		json_t *o = json_loads("{\"id\":\"P1\",\"name\":\"p\",\"manager\":\"li\",\"department_heads\":[]}", 0, NULL);
		hotline__directory_add_json(&dir, HOTLINE_CMD_PROPERTY, o);
		json_decref(o);
	}
	for (i = 0; i < N_CASE; i++)
		decode(lines[i], &case_ev[i], (int64_t)i + 1, "C1");
	for (i = 0; i < N_ORG; i++)
		decode(org_lines[i], &org_ev[i], (int64_t)(N_CASE + i) + 1, "");
	cal = hotline__calendar_new(480);
	hotline__calendar_load_builtin(cal, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	hotline__policy *p = NULL;
	hotline__err err;
	hotline__eval ev;
	int64_t as_of = 0;

	if (!ready) {
		init();
		ready = 1;
	}
	memset(&err, 0, sizeof(err));
	if (hotline__policy_load(&p, (const char *)data, size, &err) != 0) {
		if (err.msg[0] == '\0')
			__builtin_trap();   /* every failure says why */
		return 0;
	}
	hotline__time_parse("2026-12-31T00:00:00+08:00", &as_of, NULL);
	if (hotline__eval_case(p, cal, &dir, case_ev, N_CASE, as_of, &ev, &err) == 0)
		hotline__eval_free(&ev);
	if (hotline__eval_org(p, cal, &dir, org_ev, N_ORG, case_ev[0].at, as_of, &ev, &err) == 0)
		hotline__eval_free(&ev);
	hotline__policy_free(p);
	return 0;
}
