/*
 * Words of the tool's tables in Chinese (DESIGN §2 gives the Chinese of
 * each state; the others follow the regulation's own words).
 */
#include "labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name, *zh; } WORDS[] = {
	/* states and approvals (DESIGN §2) */
	{ "received", "受理" }, { "dispatched", "已派单" }, { "handled", "处理完成" }, { "revisited", "已回访" },
	{ "verified", "已验证" }, { "closed", "结案" }, { "escalated", "上报" }, { "stage_closed", "阶段性结案" },
	{ "malicious_exempt", "恶意投诉免责" }, { "none", "无" }, { "pending", "待审批" }, { "approved", "已批准" },
	{ "rejected", "已驳回" },
	/* roles */
	{ "hotline_specialist", "热线专员" }, { "property_manager", "楼盘负责人" }, { "department_head", "责任部门负责人" },
	{ "quality_supervisor", "品质督导" }, { "group_head", "集团负责人" }, { "qa_director", "全质办主任" },
	{ "sales_director", "销售总监" }, { "director_assistant", "总监助理" }, { "administrator", "管理员" },
	/* kinds and severities of a case */
	{ "complaint", "投诉" }, { "repair", "报修" }, { "general", "一般" }, { "serious", "严重" }, { "urgent", "紧急" },
	/* commands */
	{ "register", "登记" }, { "correct_record", "更正台帐" }, { "dispatch", "派单" }, { "decide_measures", "确定处理措施" },
	{ "onsite_visit", "上门处理" }, { "submit_visit_form", "反馈回访表" }, { "report_progress", "填报跟进情况表" },
	{ "complete", "处理完成" }, { "followup", "回访业主" }, { "supervisor_check", "品质督导核查" },
	{ "verify", "热线验证" }, { "close", "结案" }, { "request_escalation", "申请上报" },
	{ "request_stage_close", "申请阶段性结案" }, { "report_malicious", "报告恶意投诉" }, { "approve", "批准" },
	{ "reject", "驳回" }, { "repeat_complaint", "二次投诉" }, { "reply", "答复业主" }, { "record_finding", "记录问题" },
	{ "call", "来电" }, { "monthly_summary", "月度总结" }, { "quarterly_meeting", "季度会议" },
	{ "quarterly_report", "季度报告" }, { "person", "人员" }, { "property", "楼盘" }, { "bonus", "奖金" },
	{ "forget", "删除个人信息" }, { "encrypt_record", "加密记录" }, { "calendar", "日历" }, { "policy", "制度" },
	/* deadline states and costs */
	{ "met", "按时完成" }, { "missed", "逾期未办" }, { "stopped", "已停止" }, { "once", "每次" }, { "day", "每延迟一天" },
	{ "working_day", "每延迟一个工作日" },
	/* finding kinds */
	{ "falsified_form", "回访表弄虚作假" }, { "supervisor_false_report", "品质督导虚报" },
	{ "archive_lost_original", "档案原件遗失" }, { "archive_lost_copy", "档案复印件遗失" },
	{ "line_private_use", "热线私用" }, { "assessment_misreport", "考核虚报" },
};

const char *label_of(const char *name, int lang_zh)
{
	size_t i;
	if (!name || !lang_zh)
		return name ? name : "";
	for (i = 0; i < sizeof(WORDS) / sizeof(WORDS[0]); i++)
		if (strcmp(WORDS[i].name, name) == 0)
			return WORDS[i].zh;
	return name;
}

void label_local_time(char *buf, size_t size, const char *iso)
{
	/* the documents write instants in the database's zone already: keep the local date and time */
	buf[0] = '\0';
	if (!iso || strlen(iso) < 19 || iso[10] != 'T') {
		if (iso)
			snprintf(buf, size, "%s", iso);
		return;
	}
	if (strncmp(iso + 16, ":00", 3) == 0)
		snprintf(buf, size, "%.10s %.5s", iso, iso + 11);
	else
		snprintf(buf, size, "%.10s %.8s", iso, iso + 11);
}

size_t label_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	while (*p) {
		unsigned long c;
		int n;
		if (*p < 0x80) {
			c = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p & 0x1f;
			n = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p & 0x0f;
			n = 3;
		} else {
			c = *p & 0x07;
			n = 4;
		}
		p++;
		while (--n > 0 && (*p & 0xc0) == 0x80)
			c = (c << 6) | (*p++ & 0x3f);
		w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
			(c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
			(c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
	}
	return w;
}

int label_locale_zh(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	size_t i;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "zh", 2) == 0;
	}
	return 0;
}

void label_money(char *buf, size_t size, long long fen)
{
	snprintf(buf, size, "%s¥%lld.%02lld", fen < 0 ? "-" : "", (fen < 0 ? -fen : fen) / 100, (fen < 0 ? -fen : fen) % 100);
}

static json_t *names_of(const json_t *records)
{
	json_t *m = json_object(), *r;
	size_t i;
	json_array_foreach(records, i, r) {
		const char *id = json_string_value(json_object_get(r, "id"));
		const char *name = json_string_value(json_object_get(r, "name"));
		if (m && id && name && *name)
			json_object_set_new(m, id, json_string(name));
	}
	return m;
}

void label_names_load(label_names *n, const char *directory_json)
{
	json_t *doc = directory_json ? json_loads(directory_json, 0, NULL) : NULL;
	n->persons = names_of(json_object_get(doc, "persons"));
	n->properties = names_of(json_object_get(doc, "properties"));
	json_decref(doc);
}

void label_names_free(label_names *n)
{
	json_decref(n->persons);
	json_decref(n->properties);
	n->persons = n->properties = NULL;
}

static void beside(char *buf, size_t size, const json_t *names, const char *id)
{
	const char *name = id ? json_string_value(json_object_get(names, id)) : NULL;
	if (!id)
		snprintf(buf, size, "—");
	else if (name && strcmp(name, id) != 0)
		snprintf(buf, size, "%s (%s)", name, id);
	else
		snprintf(buf, size, "%s", id);
}

void label_person(char *buf, size_t size, const label_names *n, const char *id)
{
	beside(buf, size, n->persons, id);
}

void label_property(char *buf, size_t size, const label_names *n, const char *id)
{
	beside(buf, size, n->properties, id);
}

void label_duration(char *buf, size_t size, long long s, int lang_zh)
{
	long long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
	if (d)
		snprintf(buf, size, lang_zh ? "%lld天%lld小时%lld分" : "%lldd %lldh %lldm", d, h, m);
	else if (h)
		snprintf(buf, size, lang_zh ? "%lld小时%lld分" : "%lldh %lldm", h, m);
	else
		snprintf(buf, size, lang_zh ? "%lld分" : "%lldm", m);
}
