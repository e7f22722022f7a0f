/*
 * `hotline explain` as a page people read: a manager asking "why was I
 * charged ¥153" finds each deadline with its article and outcome, and each
 * penalty with the events it rests on (DESIGN §3.3: every penalty explains
 * itself).
 */
#include "explain_text.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "labels.h"

#define L(zh_text, en_text) (lang_zh ? (zh_text) : (en_text))

typedef struct page {
	FILE *out;
	int lang_zh;
	const char *case_id;
	label_names names;
	hotline_event_list *events;
	json_t *open;        /* the open deadlines' rows (hotline_db_deadlines), for who must act */
	int zone;            /* minutes east of UTC: the zone the document's instants are written in */
} page;

/* The offset of an instant's text ("…+08:00"), in minutes; 480 when it has none. */
static int zone_of(const char *iso)
{
	size_t n = iso ? strlen(iso) : 0;
	if (n < 6 || (iso[n - 6] != '+' && iso[n - 6] != '-') || iso[n - 3] != ':')
		return 480;
	return (iso[n - 6] == '-' ? -1 : 1) * (atoi(iso + n - 5) * 60 + atoi(iso + n - 2));
}

static const hotline_event *event_of(const page *p, json_int_t seq)
{
	size_t i;
	for (i = 0; p->events && i < hotline_event_list_count(p->events); i++)
		if (hotline_event_seq(hotline_event_list_get(p->events, i)) == seq)
			return hotline_event_list_get(p->events, i);
	return NULL;
}

/* "#1391 2026-11-14 15:25 派单 — 张敏 (zhangmin)" */
static void event_text(char *buf, size_t size, const page *p, json_int_t seq)
{
	const hotline_event *e = event_of(p, seq);
	char at[40], iso[HOTLINE_TIME_TEXT_SIZE], who[256];
	if (!e) {
		snprintf(buf, size, "#%" JSON_INTEGER_FORMAT, seq);
		return;
	}
	iso[0] = '\0';
	if (hotline_event_at(e) != HOTLINE_TIME_NONE)
		hotline_time_format(iso, sizeof(iso), hotline_event_at(e), p->zone);
	label_local_time(at, sizeof(at), iso);
	label_person(who, sizeof(who), &p->names, hotline_event_actor(e));
	snprintf(buf, size, "#%" JSON_INTEGER_FORMAT " %s %s — %s", seq, at,
		label_of(hotline_command_name((int)hotline_event_command(e)), p->lang_zh), who);
}

static const char *clock_text(const char *clock, int lang_zh)
{
	if (clock && strcmp(clock, "duty_hours") == 0)
		return L("（按值班时间计）", " (duty hours)");
	if (clock && strcmp(clock, "working_days") == 0)
		return L("（按工作日计）", " (working days)");
	return "";
}

static void cost_text(char *buf, size_t size, const json_t *cost, int lang_zh)
{
	const char *per = json_string_value(json_object_get(cost, "per"));
	char money[32];
	label_money(money, sizeof(money), json_integer_value(json_object_get(cost, "amount_fen")));
	if (!per || strcmp(per, "none") == 0)
		snprintf(buf, size, "%s", L("不扣罚", "no charge"));
	else if (strcmp(per, "once") == 0)
		snprintf(buf, size, L("一次 %s", "%s once"), money);
	else if (strcmp(per, "day") == 0)
		snprintf(buf, size, L("每延迟一天 %s", "%s per started day late"), money);
	else
		snprintf(buf, size, L("每延迟一个工作日 %s", "%s per working day late"), money);
}

/*
 * The increments this deadline cost, and whose they are: a once-cost is
 * incurred at the due instant, a per-day cost's increments from it up to
 * the lateness (DESIGN §3.1), so a chain's dues never share one.
 */
static long long charged(const json_t *doc, const json_t *d, char *who, size_t size, const page *p)
{
	const char *rule = json_string_value(json_object_get(d, "rule"));
	const char *per = json_string_value(json_object_get(json_object_get(d, "cost"), "per"));
	hotline_time due, at;
	long long late = (long long)json_integer_value(json_object_get(d, "late_seconds")), sum = 0;
	size_t i, k, used = 0;
	const json_t *pen, *inc;
	who[0] = '\0';
	if (late <= 0 || hotline_time_parse(&due, json_string_value(json_object_get(d, "due"))) != 0)
		return 0;
	json_array_foreach(json_object_get(doc, "penalties"), i, pen) {
		long long mine = 0;
		if (!rule || strcmp(rule, json_string_value(json_object_get(pen, "rule")) ? json_string_value(json_object_get(pen, "rule")) : "") != 0)
			continue;
		json_array_foreach(json_object_get(pen, "increments"), k, inc) {
			if (hotline_time_parse(&at, json_string_value(json_object_get(inc, "at"))) != 0)
				continue;
			if (per && strcmp(per, "once") == 0 ? at == due : (at >= due && at < due + late))
				mine += (long long)json_integer_value(json_object_get(inc, "amount_fen"));
		}
		if (mine) {
			char name[256];
			label_person(name, sizeof(name), &p->names, json_string_value(json_object_get(pen, "person")));
			if (used + 1 < size)
				used += (size_t)snprintf(who + used, size - used, "%s%s", used ? ", " : "", name);
			sum += mine;
		}
	}
	return sum;
}

/* Who must act on an open deadline: the persons the policy would charge (hotline_db_deadlines' "liable"). */
static void open_liable(char *buf, size_t size, const page *p, const json_t *d)
{
	const json_t *r, *who;
	size_t i, k, used = 0;
	buf[0] = '\0';
	json_array_foreach(p->open, i, r) {
		const char *c = json_string_value(json_object_get(r, "case"));
		if (!c || strcmp(c, p->case_id) != 0 || !json_equal(json_object_get(r, "rule"), json_object_get(d, "rule")) ||
		    !json_equal(json_object_get(r, "due"), json_object_get(d, "due")))
			continue;
		json_array_foreach(json_object_get(r, "liable"), k, who) {
			char name[256];
			label_person(name, sizeof(name), &p->names, json_string_value(who));
			if (used + 1 < size)
				used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
		}
	}
	if (!buf[0])
		snprintf(buf, size, "—");
}

static void print_deadline(const page *p, const json_t *doc, const json_t *d, size_t n)
{
	int lang_zh = p->lang_zh;
	const char *state = json_string_value(json_object_get(d, "state"));
	long long late = (long long)json_integer_value(json_object_get(d, "late_seconds"));
	char due[40], when[40], dur[64], cost[96], who[512], act[512], money[32], ev[512];
	long long fen;
	label_local_time(due, sizeof(due), json_string_value(json_object_get(d, "due")));
	label_duration(dur, sizeof(dur), late, lang_zh);
	cost_text(cost, sizeof(cost), json_object_get(d, "cost"), lang_zh);
	fprintf(p->out, "%2zu. %s %s%" JSON_INTEGER_FORMAT "%s %s\n", n, json_string_value(json_object_get(d, "rule")),
		L("第", "Art. "), json_integer_value(json_object_get(d, "article")), L("条", ""),
		json_string_value(json_object_get(json_object_get(d, "title"), lang_zh ? "zh" : "en")));
	fprintf(p->out, "    %s %s%s%s\n", L("期限", "due"), due, clock_text(json_string_value(json_object_get(d, "clock")), lang_zh),
		json_is_true(json_object_get(d, "provisional")) ? L("（暂定）", " (provisional)") : "");
	fen = charged(doc, d, who, sizeof(who), p);
	if (state && strcmp(state, "met") == 0) {
		event_text(ev, sizeof(ev), p, json_integer_value(json_object_get(d, "met_event")));
		label_local_time(when, sizeof(when), json_string_value(json_object_get(d, "met_at")));
		if (late > 0)
			fprintf(p->out, L("    逾期完成：晚了 %s，%s\n", "    met late, by %s: %s\n"), dur, ev);
		else
			fprintf(p->out, L("    按时完成：%s\n", "    met on time: %s\n"), ev);
	} else if (state && strcmp(state, "stopped") == 0) {
		label_local_time(when, sizeof(when), json_string_value(json_object_get(d, "stopped_at")));
		if (late > 0)
			fprintf(p->out, L("    逾期 %s 后于 %s 停止（结案或不纳入考核）\n", "    late by %s, stopped at %s (closed or exempt)\n"),
				dur, when);
		else
			fprintf(p->out, L("    于 %s 停止（结案或不纳入考核），未逾期\n", "    stopped at %s (closed or exempt), not late\n"), when);
	} else if (state && strcmp(state, "missed") == 0) {
		if (!json_is_true(json_object_get(d, "current")))
			fprintf(p->out, L("    逾期未办（下一期限接续）\n", "    late: missed (the next due follows)\n"));
		else {
			open_liable(act, sizeof(act), p, d);
			fprintf(p->out, L("    逾期未办：已超时 %s；须办理：%s\n", "    late and still open: overdue by %s; must act: %s\n"),
				dur, act);
		}
	} else {
		open_liable(act, sizeof(act), p, d);
		fprintf(p->out, L("    未到期；须办理：%s\n", "    open, not yet due; must act: %s\n"), act);
	}
	if (fen) {
		label_money(money, sizeof(money), fen);
		fprintf(p->out, L("    扣罚 %s（%s）：%s\n", "    charged %s (%s): %s\n"), money, cost, who);
	} else if (late > 0 && state && strcmp(state, "met") != 0 && json_is_true(json_object_get(d, "current")))
		fprintf(p->out, L("    扣罚标准：%s\n", "    cost: %s\n"), cost);
}

static void print_penalty(const page *p, const json_t *pen, size_t n)
{
	int lang_zh = p->lang_zh;
	const json_t *incs = json_object_get(pen, "increments"), *e;
	char who[256], money[32], each[32], first[40], last[40], ev[512];
	size_t i, k = json_array_size(incs);
	label_person(who, sizeof(who), &p->names, json_string_value(json_object_get(pen, "person")));
	label_money(money, sizeof(money), json_integer_value(json_object_get(pen, "amount_fen")));
	fprintf(p->out, "%2zu. %s %s%" JSON_INTEGER_FORMAT "%s %s\n", n, json_string_value(json_object_get(pen, "rule")),
		L("第", "Art. "), json_integer_value(json_object_get(pen, "article")), L("条", ""),
		json_string_value(json_object_get(json_object_get(pen, "title"), lang_zh ? "zh" : "en")));
	label_local_time(first, sizeof(first), json_string_value(json_object_get(json_array_get(incs, 0), "at")));
	label_local_time(last, sizeof(last), json_string_value(json_object_get(pen, "incurred_at")));
	if (k > 1) {
		label_money(each, sizeof(each), json_integer_value(json_object_get(json_array_get(incs, 0), "amount_fen")));
		fprintf(p->out, L("    %s %s：%zu 次，%s 至 %s\n", "    %s %s: %zu increments, %s to %s\n"), who, money, k, first, last);
	} else
		fprintf(p->out, L("    %s %s：%s\n", "    %s %s: incurred %s\n"), who, money, last);
	if (!json_object_get(pen, "person") || json_is_null(json_object_get(pen, "person")))
		fprintf(p->out, L("    （该职责无人担任：不计入任何人的合计）\n", "    (nobody holds the liable role: it counts in no one's total)\n"));
	json_array_foreach(json_object_get(pen, "evidence"), i, e) {
		event_text(ev, sizeof(ev), p, json_integer_value(e));
		fprintf(p->out, "    %s%s\n", i ? L("      ", "          ") : L("依据：", "evidence: "), ev);
	}
	if (json_string_value(json_object_get(pen, "source")))
		fprintf(p->out, L("    条文：%s\n", "    wording: %s\n"), json_string_value(json_object_get(pen, "source")));
}

static void append_rows(json_t *rows, hotline_db *db, hotline_time from, hotline_time to, const hotline_deadline_filter *f)
{
	char *text = NULL;
	json_t *parsed;
	if (from < to && hotline_db_deadlines(&text, db, from, to, f) == 0 && (parsed = json_loads(text, 0, NULL))) {
		json_array_extend(rows, json_object_get(parsed, "deadlines"));
		json_decref(parsed);
	}
	hotline_free(text);
}

/*
 * The open deadlines of the case's property around the due instants listed,
 * for who must act. A listing evaluates the log as it stands at its window's
 * start, so the dues still ahead (a chain's current one) are read from as_of.
 */
static json_t *open_rows(hotline_db *db, const json_t *doc, const char *property)
{
	hotline_deadline_filter f = HOTLINE_DEADLINE_FILTER_INIT;
	hotline_time lo = HOTLINE_TIME_NONE, hi = 0, t;
	const json_t *d;
	json_t *rows = json_array();
	size_t i;
	json_array_foreach(json_object_get(doc, "deadlines"), i, d) {
		const char *s = json_string_value(json_object_get(d, "state"));
		if (!s || (strcmp(s, "pending") != 0 && strcmp(s, "missed") != 0) ||
		    hotline_time_parse(&t, json_string_value(json_object_get(d, "due"))) != 0)
			continue;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	if (!rows || lo == HOTLINE_TIME_NONE)
		return rows;
	f.property = property;
	if (hotline_time_parse(&f.as_of, json_string_value(json_object_get(doc, "as_of"))) != 0)
		f.as_of = lo;
	append_rows(rows, db, lo, f.as_of < hi + 1 ? f.as_of : hi + 1, &f);
	append_rows(rows, db, f.as_of > lo ? f.as_of : lo, hi + 1, &f);
	return rows;
}

int explain_text_print(FILE *out, hotline_db *db, const char *text, const char *case_id, int lang_zh)
{
	json_t *doc = json_loads(text, 0, NULL);
	const json_t *d;
	hotline_case *c = NULL;
	hotline_time as_of;
	char *dir = NULL, asof[40], prop[256], money[32], from[40];
	const char *state = "";
	page p;
	size_t i, n;
	if (!doc) {
		fprintf(stderr, "hotline: unreadable explanation\n");
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.out = out;
	p.lang_zh = lang_zh;
	p.case_id = case_id;
	p.zone = zone_of(json_string_value(json_object_get(doc, "as_of")));
	if (hotline_time_parse(&as_of, json_string_value(json_object_get(doc, "as_of"))) != 0)
		as_of = HOTLINE_TIME_NONE;
	/* names are best effort: without them the page shows ids */
	if (hotline_db_directory(&dir, db, as_of) == 0)
		label_names_load(&p.names, dir);
	else
		label_names_load(&p.names, NULL);
	hotline_free(dir);
	if (hotline_db_history(&p.events, db, case_id) != 0)
		p.events = NULL;
	if (hotline_db_case(&c, db, case_id) == 0)
		state = hotline_state_name(hotline_case_state(c));
	p.open = open_rows(db, doc, c ? hotline_case_property(c) : NULL);
	label_property(prop, sizeof(prop), &p.names, c ? hotline_case_property(c) : NULL);
	label_local_time(asof, sizeof(asof), json_string_value(json_object_get(doc, "as_of")));
	fprintf(out, L("案件 %s · 楼盘 %s · 状态 %s · 截至 %s · 制度 %s\n", "Case %s · property %s · state %s · as of %s · policy %s\n"),
		case_id, prop, label_of(state, lang_zh), asof, json_string_value(json_object_get(doc, "policy")));
	if (json_is_true(json_object_get(doc, "exempt"))) {
		label_local_time(from, sizeof(from), json_string_value(json_object_get(doc, "exempt_from")));
		fprintf(out, L("不纳入考核，自 %s 起\n", "Out of assessment (exempt) from %s\n"), from);
	}
	label_money(money, sizeof(money), json_integer_value(json_object_get(doc, "total_fen")));
	fprintf(out, L("扣罚合计 %s\n", "Penalties in total: %s\n"), money);
	n = json_array_size(json_object_get(doc, "deadlines"));
	fprintf(out, L("\n期限（%zu 项）\n", "\nDeadlines (%zu)\n"), n);
	json_array_foreach(json_object_get(doc, "deadlines"), i, d)
		print_deadline(&p, doc, d, i + 1);
	n = json_array_size(json_object_get(doc, "penalties"));
	fprintf(out, L("\n扣罚（%zu 项）\n", "\nPenalties (%zu)\n"), n);
	if (!n)
		fprintf(out, L("（无）\n", "(none)\n"));
	json_array_foreach(json_object_get(doc, "penalties"), i, d)
		print_penalty(&p, d, i + 1);
	if (c)
		hotline_case_free(c);
	hotline_event_list_free(p.events);
	json_decref(p.open);
	label_names_free(&p.names);
	json_decref(doc);
	return 0;
}
