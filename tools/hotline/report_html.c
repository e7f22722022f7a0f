/*
 * hotline report — the monthly assessment as one HTML page.
 *
 * Everything on the page comes from two documents of the library
 * (docs/documents.md): the assessment (hotline_db_assess) and the directory
 * (hotline_db_directory), for names. The page is self-contained so that it
 * can be mailed or archived as it is: inline CSS, inline SVG charts, no
 * script, no fonts or images fetched from anywhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hotline.h>

#include "labels.h"
#include "report_html.h"

/* ---- the two languages ---- */

typedef struct texts {
	const char *code, *html_lang, *title, *month, *period, *as_of, *policy, *zone;
	const char *card_penalties, *card_raw, *card_capped, *card_open, *card_overdue, *card_breaches;
	const char *sec_rates, *rates_note, *no_threshold, *closure, *satisfaction, *threshold, *meets, *below, *no_cases;
	const char *sec_people, *people_note, *raw, *capped, *bonus, *no_bonus, *people_none;
	const char *sec_articles, *articles_note, *article_fmt, *penalties_n, *penalties_1;
	const char *sec_deadlines, *deadlines_note, *bucket[4], *deadlines_n, *deadlines_1, *overdue_title, *due, *late, *days_hours;
	const char *sec_penalties, *col_incurred, *col_rule, *col_article, *col_case, *col_person, *col_amount;
	const char *organisation, *nobody, *total, *none;
	const char *sec_refused, *refused_note, *footer;
	const char *col_property, *col_liable, *zoom_note;
	const char *sec_statements, *statements_note, *col_role, *col_bonus, *col_raw, *col_cut, *col_deducted;
	const char *col_what, *col_times, *col_last, *no_cap, *role_sep, *until_fmt;
} texts;

static const texts TEXTS[] = {
	{
		"en", "en", "Hotline monthly report", "Assessment month", "Period", "As of", "Policy",
		"Times are local (UTC%s).",
		"Penalties up to the as-of instant", "Charged this period (raw)",
		"Charged this period (capped by bonus)", "Open deadlines", "overdue", "Late deadlines (breaches)",
		"Rates per property (Art. 20)",
		"Closure rate: cases registered in the period and not exempt that are closed, over those cases. "
		"Completion-satisfaction rate: verifications of the period that the owner confirmed, over all "
		"verifications of the period. Each started percentage point below the threshold costs the "
		"property manager (Art. 20), charged at the period end.",
		"The policy sets no rate threshold; the rates are shown as they are.",
		"Closure", "Satisfaction", "threshold", "meets", "below", "no cases: the rate costs nothing",
		"Penalties per person against the bonus (Art. 22)",
		"The increments of the period up to the as-of instant (raw), and the same capped by the month's "
		"bonus: a month's penalties never take more than its bonus (Art. 22).",
		"raw", "capped", "bonus", "no bonus defined: not capped", "Nobody was charged in this period.",
		"Penalties per article",
		"Totals of the penalty list below: every penalty up to the as-of instant, over all periods.",
		"Art. %d", "%d penalties", "1 penalty",
		"Open deadlines by age",
		"Deadlines neither met nor stopped at the as-of instant, by how late they are.",
		{ "not yet due", "< 1 day late", "1–3 days late", "> 3 days late" }, "%d deadlines", "1 deadline",
		"Overdue deadlines", "Due", "Late by", "%dd %dh",
		"Penalties", "Incurred at", "Rule", "Article", "Case", "Person", "Amount",
		"organisation", "no holder", "Total", "No penalties.",
		"Refused commands",
		"The library does not store refused commands: they change nothing. The month's refused "
		"commands are listed by <code>hotline replay</code> when the commands are applied.",
		"Built from the library's assessment (hotline_db_assess) and directory (hotline_db_directory).",
		"Property", "Charged", "A rate's bar runs over the range written beside its name (its left end is not "
		"0 %), so that 96 % and 100 % look different; the dashed line is the threshold.",
		"Each person's month (statements)",
		"Every person charged in the period and every holder of a bonus of the month, with their role: the "
		"period's penalties (raw), what the cap by the month's bonus waived and what is deducted (Art. 22); "
		"then each person's penalty lines, the same as hotline statement --person ID --month YYYY-MM prints.",
		"Role", "Bonus of the month", "Penalties (raw)", "Cap applied", "Deducted", "What", "Times",
		"Last incurred", "none (no cap)", ", ", "(until %s)"
	},
	{
		"zh", "zh-CN", "热线月度考核报告", "考核月份", "考核期间", "截至", "考核制度",
		"时间均为当地时间(UTC%s)。",
		"截至评估时点的扣罚合计", "本期扣罚(未封顶)", "本期扣罚(按奖金封顶)", "未完成时限", "已逾期",
		"超时记录",
		"各楼盘考核比率(第二十条)",
		"结案率:本期受理且未免责的案件中已结案的比例。回访完成满意率:本期验证中业主确认满意的比例。"
		"每低于标准一个百分点(不足一个百分点按一个计)扣楼盘负责人(第二十条),于考核期末计扣。",
		"该制度未设比率标准,以下仅列比率。",
		"结案率", "满意率", "标准", "达标", "未达标", "无案件:不计扣罚",
		"个人扣罚与当月奖金(第二十二条)",
		"本期截至评估时点的扣罚合计(未封顶)及按当月奖金封顶后的金额:当月扣罚以当月奖金为限(第二十二条)。",
		"扣罚合计", "封顶后", "奖金", "未设奖金:不封顶", "本期无人被扣罚。",
		"按条款统计扣罚",
		"下方扣罚明细的合计:截至评估时点的全部扣罚(含各考核期)。",
		"第%d条", "%d项扣罚", "1项扣罚",
		"未完成时限(按逾期时长)",
		"截至评估时点既未完成也未停止的时限,按逾期时长分组。",
		{ "未到期", "逾期不足1天", "逾期1–3天", "逾期超过3天" }, "%d项", "1项",
		"已逾期的时限", "到期时间", "逾期", "%d天%d小时",
		"扣罚明细", "发生时间", "规则", "条款", "案件", "责任人", "金额",
		"组织层面", "无人担任", "合计", "无扣罚。",
		"被拒绝的指令",
		"程序库不保存被拒绝的指令(被拒绝的指令不改变任何数据)。本月被拒绝的指令在应用指令时由 "
		"<code>hotline replay</code> 列出。",
		"依据程序库的考核结果(hotline_db_assess)与人员名录(hotline_db_directory)生成。",
		"楼盘", "被扣罚人", "各比率条形图的范围注于其名称旁(左端不是 0 %),以便区分 96 % 与 100 %;虚线为标准。",
		"个人当月扣款(工资条)",
		"本期被扣罚的每个人和当月有奖金的每个人,及其岗位:本期扣罚合计(未封顶)、按当月奖金封顶减免的金额和实扣金额"
		"(第二十二条);其后为每人的扣罚明细,与 hotline statement --person ID --month YYYY-MM 所列相同。",
		"岗位", "当月奖金", "扣罚合计", "封顶减免", "实扣", "事项", "次数", "最后发生",
		"无(不封顶)", "、", "(至%s)"
	}
};

/* Art. 20 thresholds of the shipped policies that have rate rules
 * (policies/gm-hotline.json, R20a and R20b). The assessment document gives
 * the rates but not the thresholds; a policy not named here gets none drawn. */
static const struct { const char *policy; int closure, satisfaction; } THRESHOLDS[] = {
	{ "gm-hotline", 80, 98 },
};

/* ---- a growing string ---- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;
		while (b->len + n + 1 > cap)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		sb_add(b, small, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);
		if (!big) {
			b->oom = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb_add(b, big, (size_t)n);
		free(big);
	}
}

/* Text into HTML (element content, attribute values, SVG text alike). */
static void sb_esc(sbuf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		sb_add(b, run, (size_t)(s - run));
		sb_puts(b, rep);
		run = s + 1;
	}
	sb_add(b, run, (size_t)(s - run));
}

/* ---- reading the documents ---- */

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long jint(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* "2026-11-02T09:05:00+08:00" → "2026-11-02 09:05" (the zone is said once, in the header). */
static void short_time(char out[20], const char *iso)
{
	size_t n;
	if (!iso) {
		strcpy(out, "—");
		return;
	}
	n = strlen(iso);
	if (n > 16)
		n = 16;
	memcpy(out, iso, n);
	out[n] = '\0';
	if (n > 10 && out[10] == 'T')
		out[10] = ' ';
}

/* Integer fen as yuan: 1234567 → "¥12,345.67" (no floating point, as everywhere in the library). */
static void money(char out[40], long long fen)
{
	char digits[24], grouped[40];
	unsigned long long yuan, abs_fen = fen < 0 ? (unsigned long long)-(fen + 1) + 1 : (unsigned long long)fen;
	size_t n, i, j = 0;
	yuan = abs_fen / 100;
	n = (size_t)snprintf(digits, sizeof(digits), "%llu", yuan);
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(out, 40, "%s¥%s.%02llu", fen < 0 ? "-" : "", grouped, abs_fen % 100);
}

/* num/den as a percentage with one decimal, rounded down, so that a rate just
 * below its threshold never reads as reaching it. */
static void percent(char out[16], long long num, long long den)
{
	long long pm = den > 0 ? num * 1000 / den : 0;
	snprintf(out, 16, "%lld.%lld %%", pm / 10, pm % 10);
}

static const char *person_name(const json_t *dir, const char *id)
{
	size_t i;
	json_t *p;
	if (!id)
		return NULL;
	json_array_foreach(json_object_get(dir, "persons"), i, p) {
		const char *pid = jstr(p, "id");
		if (pid && strcmp(pid, id) == 0)
			return jstr(p, "name");
	}
	return NULL;
}

static const char *property_name(const json_t *dir, const char *id)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(dir, "properties"), i, p) {
		const char *pid = jstr(p, "id");
		if (pid && id && strcmp(pid, id) == 0)
			return jstr(p, "name");
	}
	return NULL;
}

/* "李强 (liqiang)", or the id alone when the directory has no name for it. */
static void sb_who(sbuf *b, const char *name, const char *id)
{
	if (name && *name) {
		sb_esc(b, name);
		sb_puts(b, " (");
		sb_esc(b, id);
		sb_puts(b, ")");
	} else {
		sb_esc(b, id);
	}
}

/* ---- charts: horizontal bars in inline SVG ---- */

enum { CHART_W = 1100, LABEL_W = 250, BAR_X = 260, BAR_W = 560, VALUE_X = 832 };

static void svg_open(sbuf *b, int height, const char *label)
{
	sb_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
		CHART_W, height, CHART_W, height);
	sb_esc(b, label);
	sb_puts(b, "\">\n");
}

/* Vertical grid at 0, 25, 50, 75, 100 % of the bar area, labelled with label_fn(i). */
static void svg_grid(sbuf *b, int top, int bottom, const char *const labels[5])
{
	int i;
	for (i = 0; i <= 4; i++) {
		int x = BAR_X + BAR_W * i / 4;
		sb_printf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x, top, x, bottom);
		if (labels) {
			sb_printf(b, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", x, top - 6);
			sb_esc(b, labels[i]);
			sb_puts(b, "</text>");
		}
	}
	sb_puts(b, "\n");
}

static int scale(long long v, long long max)
{
	if (max <= 0 || v <= 0)
		return 0;
	if (v >= max)
		return BAR_W;
	return (int)(v * BAR_W / max);
}

/* ---- the sections ---- */

static int threshold_of(const char *policy, int which)
{
	size_t i;
	for (i = 0; policy && i < sizeof(THRESHOLDS) / sizeof(THRESHOLDS[0]); i++)
		if (strcmp(THRESHOLDS[i].policy, policy) == 0)
			return which == 0 ? THRESHOLDS[i].closure : THRESHOLDS[i].satisfaction;
	return -1;
}

static void section_rates(sbuf *b, const texts *t, const json_t *asmt, const json_t *dir)
{
	const json_t *props = json_object_get(asmt, "properties");
	const char *policy = jstr(asmt, "policy");
	size_t i, n = json_array_size(props);
	json_t *p;
	int top = 28, block = 86, height = top + (int)n * block + 8, y, lo[2] = { 0, 0 };

	sb_puts(b, "<section id=\"rates\">\n<h2>");
	sb_esc(b, t->sec_rates);
	sb_puts(b, "</h2>\n<p class=\"note\">");
	sb_esc(b, t->rates_note);
	if (threshold_of(policy, 0) < 0) {
		sb_puts(b, " ");
		sb_esc(b, t->no_threshold);
	}
	sb_puts(b, " ");
	sb_esc(b, t->zoom_note);
	sb_puts(b, "</p>\n");
	if (n == 0) {
		sb_puts(b, "</section>\n");
		return;
	}
	/* each metric's axis starts 5 points below its lowest rate or threshold (a multiple of 5): on a
	 * 0-100 % axis 96 % and 100 % cannot be told apart */
	{
		int m;
		for (m = 0; m < 2; m++) {
			int low = threshold_of(policy, m) >= 0 ? threshold_of(policy, m) : 100;
			json_array_foreach(props, i, p) {
				const json_t *r = json_object_get(p, m == 0 ? "closure" : "satisfaction");
				long long num = jint(r, "num"), den = jint(r, "den");
				if (den > 0 && (int)(num * 100 / den) < low)
					low = (int)(num * 100 / den);
			}
			lo[m] = low >= 100 ? 90 : low - 5 - (low - 5) % 5;
			if (lo[m] < 0)
				lo[m] = 0;
		}
	}
	/* no grid: each metric has an axis of its own */
	svg_open(b, height, t->sec_rates);
	y = top;
	json_array_foreach(props, i, p) {
		const char *id = jstr(p, "id");
		int m;
		sb_printf(b, "<text class=\"group\" x=\"0\" y=\"%d\">", y + 18);
		sb_who(b, property_name(dir, id), id ? id : "?");
		sb_puts(b, "</text>\n");
		for (m = 0; m < 2; m++) {
			const json_t *r = json_object_get(p, m == 0 ? "closure" : "satisfaction");
			long long num = jint(r, "num"), den = jint(r, "den");
			int thr = threshold_of(policy, m), by = y + 26 + m * 28;
			int ok = den > 0 && (thr < 0 || num * 100 >= (long long)thr * den);
			char pc[16];
			sb_printf(b, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W, by + 15);
			sb_esc(b, m == 0 ? t->closure : t->satisfaction);
			/* the axis of this metric: lo[m] % at the bar's left end, 100 % at its right */
			sb_printf(b, " <tspan class=\"sub\">%d–100 %%</tspan></text>", lo[m]);
			sb_printf(b, "<rect class=\"track\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\"/>", BAR_X, by, BAR_W);
			if (den > 0)
				sb_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\"/>",
					thr < 0 ? "neutral" : ok ? "good" : "bad", BAR_X, by,
					scale(num * 1000 - (long long)lo[m] * den * 10, (long long)(100 - lo[m]) * den * 10));
			if (thr >= 0) {
				int tx = BAR_X + BAR_W * (thr - lo[m]) / (100 - lo[m]);
				sb_printf(b, "<line class=\"threshold\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
					tx, by - 3, tx, by + 23);
			}
			sb_printf(b, "<text class=\"value\" x=\"%d\" y=\"%d\">", VALUE_X, by + 15);
			if (den > 0) {
				percent(pc, num, den);
				sb_printf(b, "%lld/%lld = %s", num, den, pc);
				if (thr >= 0) {
					sb_printf(b, " (%s %d %%: ", t->threshold, thr);
					sb_esc(b, ok ? t->meets : t->below);
					sb_puts(b, ")");
				}
			} else {
				sb_esc(b, t->no_cases);
			}
			sb_puts(b, "</text>\n");
		}
		y += block;
	}
	sb_puts(b, "</svg>\n</section>\n");
}

static void section_people(sbuf *b, const texts *t, const json_t *asmt, const json_t *dir)
{
	const json_t *people = json_object_get(asmt, "people");
	size_t i, n = json_array_size(people);
	json_t *p;
	long long max = 0;
	int top = 34, row = 46, height = top + (int)n * row + 4, y;

	sb_puts(b, "<section id=\"people\">\n<h2>");
	sb_esc(b, t->sec_people);
	sb_puts(b, "</h2>\n<p class=\"note\">");
	sb_esc(b, t->people_note);
	sb_puts(b, "</p>\n");
	if (n == 0) {
		sb_puts(b, "<p>");
		sb_esc(b, t->people_none);
		sb_puts(b, "</p>\n</section>\n");
		return;
	}
	json_array_foreach(people, i, p) {
		long long raw = jint(p, "raw_fen"), bonus = jint(p, "bonus_fen");
		if (raw > max)
			max = raw;
		if (bonus > max)
			max = bonus;
	}
	svg_open(b, height, t->sec_people);
	/* legend */
	sb_printf(b, "<rect class=\"raw\" x=\"%d\" y=\"4\" width=\"14\" height=\"10\"/>"
		"<text class=\"axis\" x=\"%d\" y=\"13\">", BAR_X, BAR_X + 20);
	sb_esc(b, t->raw);
	sb_printf(b, "</text><rect class=\"capped\" x=\"%d\" y=\"4\" width=\"14\" height=\"10\"/>"
		"<text class=\"axis\" x=\"%d\" y=\"13\">", BAR_X + 150, BAR_X + 170);
	sb_esc(b, t->capped);
	sb_printf(b, "</text><line class=\"bonus\" x1=\"%d\" y1=\"2\" x2=\"%d\" y2=\"16\"/>"
		"<text class=\"axis\" x=\"%d\" y=\"13\">", BAR_X + 300, BAR_X + 300, BAR_X + 308);
	sb_esc(b, t->bonus);
	sb_puts(b, "</text>\n");
	svg_grid(b, top - 6, height - 4, NULL);
	y = top;
	json_array_foreach(people, i, p) {
		const char *id = jstr(p, "person");
		const json_t *bj = json_object_get(p, "bonus_fen");
		long long raw = jint(p, "raw_fen"), capped = jint(p, "capped_fen"), bonus = jint(p, "bonus_fen");
		char m1[40], m2[40], m3[40];
		sb_printf(b, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W, y + 20);
		sb_who(b, person_name(dir, id), id ? id : "?");
		sb_puts(b, "</text>");
		sb_printf(b, "<rect class=\"raw\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\"/>",
			BAR_X, y + 2, scale(raw, max));
		sb_printf(b, "<rect class=\"capped\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\"/>",
			BAR_X, y + 18, scale(capped, max));
		if (json_is_integer(bj)) {
			int bx = BAR_X + scale(bonus, max);
			sb_printf(b, "<line class=\"bonus\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", bx, y - 1, bx, y + 35);
		}
		money(m1, raw);
		money(m2, capped);
		sb_printf(b, "<text class=\"value\" x=\"%d\" y=\"%d\">", VALUE_X, y + 13);
		sb_esc(b, t->raw);
		sb_printf(b, " %s · ", m1);
		sb_esc(b, t->capped);
		sb_printf(b, " %s</text>", m2);
		sb_printf(b, "<text class=\"value sub\" x=\"%d\" y=\"%d\">", VALUE_X, y + 30);
		if (json_is_integer(bj)) {
			money(m3, bonus);
			sb_esc(b, t->bonus);
			sb_printf(b, " %s", m3);
		} else {
			sb_esc(b, t->no_bonus);
		}
		sb_puts(b, "</text>\n");
		y += row;
	}
	sb_puts(b, "</svg>\n</section>\n");
}

static void sb_role_list(sbuf *b, const texts *t, const json_t *roles)
{
	size_t k;
	json_t *r;
	json_array_foreach(roles, k, r) {
		if (k)
			sb_esc(b, t->role_sep);
		sb_esc(b, label_of(json_string_value(r), strcmp(t->code, "zh") == 0));
	}
}

/*
 * The person's roles in the directory, as labels; for someone who holds none
 * any more (left during the month), the last ones held and until when; "—"
 * when none ever.
 */
static void sb_roles(sbuf *b, const texts *t, const json_t *dir, const char *id)
{
	size_t i, k;
	json_t *p, *h;
	json_array_foreach(json_object_get(dir, "persons"), i, p) {
		const json_t *hist = json_object_get(p, "history"), *last = NULL;
		const char *pid = jstr(p, "id"), *until = NULL;
		if (!pid || !id || strcmp(pid, id) != 0)
			continue;
		if (json_array_size(json_object_get(p, "roles"))) {
			sb_role_list(b, t, json_object_get(p, "roles"));
			return;
		}
		json_array_foreach(hist, k, h)
			if (json_array_size(json_object_get(h, "roles")) && k + 1 < json_array_size(hist)) {
				last = h;
				until = jstr(json_array_get(hist, k + 1), "from");
			}
		if (last) {
			char at[20], text[64];
			short_time(at, until);
			sb_role_list(b, t, json_object_get(last, "roles"));
			snprintf(text, sizeof(text), t->until_fmt, at);
			sb_puts(b, " <span class=\"muted\">");
			sb_esc(b, text);
			sb_puts(b, "</span>");
			return;
		}
	}
	sb_puts(b, "—");
}

static void sb_money_cell(sbuf *b, long long fen)
{
	char m[40];
	money(m, fen);
	sb_printf(b, "<td class=\"num\">%s</td>", m);
}

/*
 * Each person of the assessment's people (everyone charged in the period and
 * every bonus holder of the month) with their statement of the month
 * (hotline_db_statement_json): statements is {"PERSON": document, …}.
 */
static void section_statements(sbuf *b, const texts *t, const json_t *asmt, const json_t *dir,
	const json_t *statements)
{
	const json_t *people = json_object_get(asmt, "people"), *p, *x;
	const char *lang = strcmp(t->code, "zh") == 0 ? "zh" : "en";
	size_t i, k;
	long long sum[4] = { 0, 0, 0, 0 };

	sb_puts(b, "<section id=\"statements\">\n<h2>");
	sb_esc(b, t->sec_statements);
	sb_puts(b, "</h2>\n<p class=\"note\">");
	sb_esc(b, t->statements_note);
	sb_puts(b, "</p>\n");
	if (json_array_size(people) == 0) {
		sb_puts(b, "<p>");
		sb_esc(b, t->people_none);
		sb_puts(b, "</p>\n</section>\n");
		return;
	}
	/* one row per person: what payroll needs at a glance */
	sb_puts(b, "<table class=\"data people\"><thead><tr><th>");
	sb_esc(b, t->col_person);
	sb_puts(b, "</th><th>");
	sb_esc(b, t->col_role);
	sb_puts(b, "</th><th class=\"num\">");
	sb_esc(b, t->col_bonus);
	sb_puts(b, "</th><th class=\"num\">");
	sb_esc(b, t->col_raw);
	sb_puts(b, "</th><th class=\"num\">");
	sb_esc(b, t->col_cut);
	sb_puts(b, "</th><th class=\"num\">");
	sb_esc(b, t->col_deducted);
	sb_puts(b, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(people, i, p) {
		const char *id = jstr(p, "person");
		long long raw = jint(p, "raw_fen"), capped = jint(p, "capped_fen");
		sb_puts(b, "<tr><td>");
		sb_who(b, person_name(dir, id), id ? id : "?");
		sb_puts(b, "</td><td>");
		sb_roles(b, t, dir, id);
		sb_puts(b, "</td>");
		if (json_is_integer(json_object_get(p, "bonus_fen"))) {
			sb_money_cell(b, jint(p, "bonus_fen"));
			sum[0] += jint(p, "bonus_fen");
		} else {
			sb_puts(b, "<td class=\"num muted\">");
			sb_esc(b, t->no_cap);
			sb_puts(b, "</td>");
		}
		sb_money_cell(b, raw);
		sb_money_cell(b, raw - capped);
		sb_money_cell(b, capped);
		sb_puts(b, "</tr>\n");
		sum[1] += raw;
		sum[2] += raw - capped;
		sum[3] += capped;
	}
	sb_puts(b, "</tbody><tfoot><tr><td colspan=\"2\">");
	sb_esc(b, t->total);
	sb_puts(b, "</td>");
	for (k = 0; k < 4; k++)
		sb_money_cell(b, sum[k]);
	sb_puts(b, "</tr></tfoot></table>\n");

	/* then each person charged, with the lines of the statement */
	json_array_foreach(people, i, p) {
		const char *id = jstr(p, "person");
		const json_t *doc = id ? json_object_get(statements, id) : NULL, *lines = json_object_get(doc, "lines");
		if (json_array_size(lines) == 0)
			continue;
		sb_puts(b, "<div class=\"statement\">\n<h3>");
		sb_who(b, person_name(dir, id), id);
		sb_puts(b, " <small>");
		sb_roles(b, t, dir, id);
		sb_puts(b, "</small></h3>\n<table class=\"data lines\"><thead><tr><th>");
		sb_esc(b, t->col_rule);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->col_article);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->col_case);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->col_what);
		sb_puts(b, "</th><th class=\"num\">");
		sb_esc(b, t->col_times);
		sb_puts(b, "</th><th class=\"num\">");
		sb_esc(b, t->col_amount);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->col_last);
		sb_puts(b, "</th></tr></thead>\n<tbody>\n");
		json_array_foreach(lines, k, x) {
			const char *c = jstr(x, "case"), *rule = jstr(x, "rule");
			const char *what = jstr(json_object_get(x, "title"), lang);
			char at[20], art[64];
			short_time(at, jstr(x, "incurred_at"));
			snprintf(art, sizeof(art), t->article_fmt, (int)jint(x, "article"));
			sb_puts(b, "<tr><td>");
			sb_esc(b, rule ? rule : "");
			sb_puts(b, "</td><td>");
			sb_esc(b, art);
			sb_puts(b, c ? "</td><td>" : "</td><td class=\"muted\">");
			sb_esc(b, c ? c : t->organisation);
			sb_puts(b, "</td><td>");
			sb_esc(b, what ? what : "");
			sb_printf(b, "</td><td class=\"num\">%lld</td>", jint(x, "increments"));
			sb_money_cell(b, jint(x, "amount_fen"));
			sb_puts(b, "<td>");
			sb_esc(b, at);
			sb_puts(b, "</td></tr>\n");
		}
		sb_puts(b, "</tbody><tfoot>");
		{
			/* raw, then the cap and what is deducted when the cap took something off */
			const char *label[3] = { t->col_raw, t->col_cut, t->col_deducted };
			long long v[3] = { jint(doc, "raw_fen"), jint(doc, "cap_applied_fen"), jint(doc, "capped_fen") };
			for (k = 0; k < 3; k++) {
				if (k > 0 && v[1] == 0)
					break;
				sb_puts(b, "<tr><td colspan=\"5\">");
				sb_esc(b, label[k]);
				sb_puts(b, "</td>");
				sb_money_cell(b, v[k]);
				sb_puts(b, "<td></td></tr>");
			}
		}
		sb_puts(b, "</tfoot></table>\n</div>\n");
	}
	sb_puts(b, "</section>\n");
}

/* Sum of the penalty list per article, with the rules that make it up. */
enum { ART_RULES = 16 };
typedef struct art_sum {
	long long article, fen, count;
	const char *rules[ART_RULES];   /* the rule ids that make it up, sorted (borrowed from the document) */
	size_t nrules;
} art_sum;

/* Add rule to the sorted set of s (a label only: past ART_RULES ids the rest are left out). */
static void art_add_rule(art_sum *s, const char *rule)
{
	size_t i, k;
	for (i = 0; i < s->nrules; i++) {
		int c = strcmp(rule, s->rules[i]);
		if (c == 0)
			return;
		if (c < 0)
			break;
	}
	if (s->nrules == ART_RULES)
		return;
	for (k = s->nrules; k > i; k--)
		s->rules[k] = s->rules[k - 1];
	s->rules[i] = rule;
	s->nrules++;
}

static int art_cmp(const void *a, const void *b)
{
	const art_sum *x = a, *y = b;
	return (x->article > y->article) - (x->article < y->article);
}

static void section_articles(sbuf *b, const texts *t, const json_t *pens)
{
	size_t i, j, n = 0, cap = json_array_size(pens);
	art_sum *s = calloc(cap ? cap : 1, sizeof(*s));
	json_t *p;
	long long max = 0;
	int top = 8, row = 34, height, y;

	sb_puts(b, "<section id=\"articles\">\n<h2>");
	sb_esc(b, t->sec_articles);
	sb_puts(b, "</h2>\n<p class=\"note\">");
	sb_esc(b, t->articles_note);
	sb_puts(b, "</p>\n");
	if (!s) {
		b->oom = 1;
		return;
	}
	json_array_foreach(pens, i, p) {
		long long art = jint(p, "article");
		const char *rule = jstr(p, "rule");
		for (j = 0; j < n && s[j].article != art; j++)
			;
		if (j == n) {
			s[n].article = art;
			n++;
		}
		s[j].fen += jint(p, "amount_fen");
		s[j].count++;
		if (rule)
			art_add_rule(&s[j], rule);
	}
	if (n == 0) {
		sb_puts(b, "<p>");
		sb_esc(b, t->none);
		sb_puts(b, "</p>\n</section>\n");
		free(s);
		return;
	}
	qsort(s, n, sizeof(*s), art_cmp);
	for (j = 0; j < n; j++)
		if (s[j].fen > max)
			max = s[j].fen;
	height = top + (int)n * row;
	svg_open(b, height, t->sec_articles);
	svg_grid(b, top - 4, height, NULL);
	y = top;
	for (j = 0; j < n; j++) {
		char m[40], label[64];
		size_t k;
		snprintf(label, sizeof(label), t->article_fmt, (int)s[j].article);
		sb_printf(b, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W, y + 12);
		sb_esc(b, label);
		sb_printf(b, "</text><text class=\"label sub\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W, y + 26);
		for (k = 0; k < s[j].nrules; k++) {
			if (k)
				sb_puts(b, ", ");
			sb_esc(b, s[j].rules[k]);
		}
		sb_puts(b, "</text>");
		sb_printf(b, "<rect class=\"penalty\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\"/>",
			BAR_X, y + 2, scale(s[j].fen, max));
		money(m, s[j].fen);
		sb_printf(b, "<text class=\"value\" x=\"%d\" y=\"%d\">%s · ", VALUE_X, y + 18, m);
		if (s[j].count == 1)
			sb_puts(b, t->penalties_1);
		else
			sb_printf(b, t->penalties_n, (int)s[j].count);
		sb_puts(b, "</text>\n");
		y += row;
	}
	sb_puts(b, "</svg>\n</section>\n");
	free(s);
}

static int age_bucket(const json_t *d)
{
	long long late = jint(d, "late_seconds");
	if (late <= 0)
		return 0;
	if (late < 24 * 3600)
		return 1;
	if (late <= 3 * 24 * 3600)
		return 2;
	return 3;
}

static void sb_late(sbuf *b, const texts *t, long long late)
{
	sb_printf(b, t->days_hours, (int)(late / 86400), (int)(late % 86400 / 3600));
}

static int late_cmp(const void *a, const void *b)
{
	long long x = jint(*(json_t *const *)a, "late_seconds"), y = jint(*(json_t *const *)b, "late_seconds");
	return (x < y) - (x > y);
}

/* Who is charged for an overdue deadline: the persons of the case's penalties under its rule. */
static void sb_charged(sbuf *b, const texts *t, const json_t *pens, const json_t *dir, const char *kase,
	const char *rule)
{
	size_t i, shown = 0;
	const json_t *p;
	json_t *seen = json_object();
	json_array_foreach(pens, i, p) {
		const char *c = jstr(p, "case"), *r = jstr(p, "rule"), *who = jstr(p, "person");
		if (!r || !rule || strcmp(r, rule) != 0 || (c == NULL) != (kase == NULL) || (c && strcmp(c, kase) != 0))
			continue;
		if (seen && json_object_get(seen, who ? who : ""))
			continue;
		if (seen)
			json_object_set_new(seen, who ? who : "", json_true());
		if (shown++)
			sb_esc(b, t->role_sep);
		if (who)
			sb_who(b, person_name(dir, who), who);
		else
			sb_esc(b, t->nobody);
	}
	if (!shown)
		sb_puts(b, "—");
	json_decref(seen);
}

static void section_deadlines(sbuf *b, const texts *t, const json_t *asmt, const json_t *pens, const json_t *dir,
	const json_t *case_props)
{
	const json_t *open = json_object_get(asmt, "open_deadlines");
	size_t i, n = json_array_size(open), nover = 0;
	json_t *d, **over = calloc(n ? n : 1, sizeof(*over));
	long long count[4] = { 0, 0, 0, 0 }, max = 0;
	int k, top = 8, row = 32, height = top + 4 * row, y;
	static const char *const cls[4] = { "pending", "late1", "late2", "late3" };

	if (!over) {
		b->oom = 1;
		return;
	}
	json_array_foreach(open, i, d) {
		count[age_bucket(d)]++;
		if (jint(d, "late_seconds") > 0)
			over[nover++] = d;
	}
	for (k = 0; k < 4; k++)
		if (count[k] > max)
			max = count[k];
	sb_puts(b, "<section id=\"deadlines\">\n<h2>");
	sb_esc(b, t->sec_deadlines);
	sb_puts(b, "</h2>\n<p class=\"note\">");
	sb_esc(b, t->deadlines_note);
	sb_puts(b, "</p>\n");
	svg_open(b, height, t->sec_deadlines);
	svg_grid(b, top - 4, height, NULL);
	y = top;
	for (k = 0; k < 4; k++) {
		sb_printf(b, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W, y + 17);
		sb_esc(b, t->bucket[k]);
		sb_printf(b, "</text><rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\"/>",
			cls[k], BAR_X, y + 2, scale(count[k], max));
		sb_printf(b, "<text class=\"value\" x=\"%d\" y=\"%d\">", VALUE_X, y + 18);
		if (count[k] == 1)
			sb_puts(b, t->deadlines_1);
		else
			sb_printf(b, t->deadlines_n, (int)count[k]);
		sb_puts(b, "</text>\n");
		y += row;
	}
	sb_puts(b, "</svg>\n");
	if (nover) {
		qsort(over, nover, sizeof(*over), late_cmp);
		sb_puts(b, "<h3>");
		sb_esc(b, t->overdue_title);
		sb_puts(b, "</h3>\n<table class=\"data\"><thead><tr><th>");
		sb_esc(b, t->col_rule);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->col_article);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->col_case);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->col_property);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->col_liable);
		sb_puts(b, "</th><th>");
		sb_esc(b, t->due);
		sb_puts(b, "</th><th class=\"num\">");
		sb_esc(b, t->late);
		sb_puts(b, "</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < nover; i++) {
			const char *c = jstr(over[i], "case"), *rule = jstr(over[i], "rule");
			char due[20], art[64];
			short_time(due, jstr(over[i], "due"));
			snprintf(art, sizeof(art), t->article_fmt, (int)jint(over[i], "article"));
			sb_puts(b, "<tr><td>");
			sb_esc(b, rule ? rule : "");
			sb_puts(b, "</td><td>");
			sb_esc(b, art);
			sb_puts(b, "</td><td>");
			sb_esc(b, c ? c : t->organisation);
			sb_puts(b, "</td><td>");
			{
				const char *prop = c ? jstr(case_props, c) : NULL;
				if (prop)
					sb_who(b, property_name(dir, prop), prop);
				else
					sb_puts(b, "—");
			}
			sb_puts(b, "</td><td>");
			sb_charged(b, t, pens, dir, c, rule);
			sb_puts(b, "</td><td>");
			sb_esc(b, due);
			sb_puts(b, "</td><td class=\"num\">");
			sb_late(b, t, jint(over[i], "late_seconds"));
			sb_puts(b, "</td></tr>\n");
		}
		sb_puts(b, "</tbody></table>\n");
	}
	sb_puts(b, "</section>\n");
	free(over);
}

static void section_penalties(sbuf *b, const texts *t, const json_t *pens, const json_t *dir)
{
	size_t i;
	json_t *p;
	long long total = 0;
	char m[40];

	sb_puts(b, "<section id=\"penalties\">\n<h2>");
	sb_esc(b, t->sec_penalties);
	sb_puts(b, "</h2>\n");
	if (json_array_size(pens) == 0) {
		sb_puts(b, "<p>");
		sb_esc(b, t->none);
		sb_puts(b, "</p>\n</section>\n");
		return;
	}
	sb_puts(b, "<table class=\"data\"><thead><tr><th>");
	sb_esc(b, t->col_incurred);
	sb_puts(b, "</th><th>");
	sb_esc(b, t->col_rule);
	sb_puts(b, "</th><th>");
	sb_esc(b, t->col_article);
	sb_puts(b, "</th><th>");
	sb_esc(b, t->col_case);
	sb_puts(b, "</th><th>");
	sb_esc(b, t->col_person);
	sb_puts(b, "</th><th class=\"num\">");
	sb_esc(b, t->col_amount);
	sb_puts(b, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(pens, i, p) {
		const char *c = jstr(p, "case"), *who = jstr(p, "person"), *rule = jstr(p, "rule");
		char at[20], art[64];
		long long fen = jint(p, "amount_fen");
		total += fen;
		short_time(at, jstr(p, "incurred_at"));
		snprintf(art, sizeof(art), t->article_fmt, (int)jint(p, "article"));
		money(m, fen);
		sb_puts(b, "<tr><td>");
		sb_esc(b, at);
		sb_puts(b, "</td><td>");
		sb_esc(b, rule ? rule : "");
		sb_puts(b, "</td><td>");
		sb_esc(b, art);
		sb_puts(b, c ? "</td><td>" : "</td><td class=\"muted\">");
		sb_esc(b, c ? c : t->organisation);
		sb_puts(b, who ? "</td><td>" : "</td><td class=\"muted\">");
		if (who)
			sb_who(b, person_name(dir, who), who);
		else
			sb_esc(b, t->nobody);
		sb_printf(b, "</td><td class=\"num\">%s</td></tr>\n", m);
	}
	money(m, total);
	sb_puts(b, "</tbody><tfoot><tr><td colspan=\"5\">");
	sb_esc(b, t->total);
	sb_printf(b, "</td><td class=\"num\">%s</td></tr></tfoot></table>\n</section>\n", m);
}

static const char CSS[] =
	"body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",\"Source Han Sans SC\",\"PingFang SC\","
	"\"Microsoft YaHei\",\"DejaVu Sans\",Arial,sans-serif;color:#1d2330;background:#fff;margin:0}\n"
	"main{max-width:1140px;margin:0 auto;padding:24px 20px 40px}\n"
	"h1{font-size:26px;margin:0 0 6px}h2{font-size:19px;margin:30px 0 6px;padding-bottom:4px;"
	"border-bottom:2px solid #d7dce5}h3{font-size:15px;margin:18px 0 6px}\n"
	".meta{color:#4a5363;font-size:14px;margin:0}.meta b{color:#1d2330}\n"
	".note{color:#4a5363;font-size:13px;margin:4px 0 10px;max-width:1000px}\n"
	".cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0 0}\n"
	".card{border:1px solid #d7dce5;border-radius:6px;padding:8px 14px;min-width:150px;background:#f7f8fb}\n"
	".card .v{font-size:20px;font-weight:bold}.card .k{font-size:12px;color:#4a5363}\n"
	"svg.chart{display:block;max-width:100%;height:auto;font-size:13px}\n"
	"svg text{fill:#1d2330}svg .axis{fill:#4a5363;font-size:11px}svg .group{font-weight:bold;font-size:14px}\n"
	"svg .sub{fill:#4a5363;font-size:11px}svg .value{font-size:12.5px}\n"
	"svg .grid{stroke:#e3e7ee;stroke-width:1}svg .track{fill:#f0f2f6}\n"
	"svg .good{fill:#2e7d32}svg .bad{fill:#c62828}svg .neutral{fill:#546e8a}\n"
	"svg .threshold{stroke:#1d2330;stroke-width:2;stroke-dasharray:4 2}\n"
	"svg .raw{fill:#f4a259}svg .capped{fill:#8c3b0f}svg .bonus{stroke:#1565c0;stroke-width:3}\n"
	"svg .penalty{fill:#6a4c93}svg .pending{fill:#90a4ae}svg .late1{fill:#fbc02d}"
	"svg .late2{fill:#f57c00}svg .late3{fill:#c62828}\n"
	"table.data{border-collapse:collapse;font-size:13px;width:100%}\n"
	"table.data th,table.data td{border-bottom:1px solid #e3e7ee;padding:3px 8px;text-align:left}\n"
	"table.data th{background:#f0f2f6}table.data tfoot td{font-weight:bold;border-top:2px solid #d7dce5}\n"
	".num{text-align:right!important;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".muted{color:#6b7485}code{background:#f0f2f6;padding:0 3px}\n"
	".statement h3 small{font-weight:normal;color:#4a5363;margin-left:6px}table.people{margin-bottom:6px}\n"
	"footer{margin-top:30px;color:#6b7485;font-size:12px}\n"
	"@media print{h2,h3{break-after:avoid}svg.chart{break-inside:avoid}}\n";

static void header(sbuf *b, const texts *t, const json_t *pens, const json_t *asmt)
{
	const json_t *period = json_object_get(asmt, "period"), *open = json_object_get(asmt, "open_deadlines");
	const char *as_of = jstr(asmt, "as_of"), *month = jstr(asmt, "month"), *policy = jstr(asmt, "policy");
	char from[20], to[20], at[20], m[40], zone[16] = "";
	long long total = 0, raw = 0, capped = 0, overdue = 0;
	size_t i;
	json_t *x;

	json_array_foreach(pens, i, x)
		total += jint(x, "amount_fen");
	json_array_foreach(json_object_get(asmt, "people"), i, x) {
		raw += jint(x, "raw_fen");
		capped += jint(x, "capped_fen");
	}
	json_array_foreach(open, i, x)
		if (jint(x, "late_seconds") > 0)
			overdue++;
	short_time(from, jstr(period, "from"));
	short_time(to, jstr(period, "to"));
	short_time(at, as_of);
	if (as_of && strlen(as_of) > 19 && strlen(as_of) - 19 < sizeof(zone))
		strcpy(zone, as_of + 19);

	sb_puts(b, "<header>\n<h1>");
	sb_esc(b, t->title);
	sb_puts(b, " · ");
	sb_esc(b, month ? month : "");
	sb_puts(b, "</h1>\n<p class=\"meta\"><b>");
	sb_esc(b, t->period);
	sb_puts(b, "</b> ");
	sb_esc(b, from);
	sb_puts(b, " – ");
	sb_esc(b, to);
	sb_puts(b, " · <b>");
	sb_esc(b, t->as_of);
	sb_puts(b, "</b> ");
	sb_esc(b, at);
	sb_puts(b, " · <b>");
	sb_esc(b, t->policy);
	sb_puts(b, "</b> ");
	sb_esc(b, policy ? policy : "");
	sb_puts(b, " · ");
	{
		char z[128];
		snprintf(z, sizeof(z), t->zone, zone);
		sb_esc(b, z);
	}
	sb_puts(b, "</p>\n<div class=\"cards\">\n");
	money(m, total);
	sb_printf(b, "<div class=\"card\"><div class=\"v\">%s</div><div class=\"k\">", m);
	sb_esc(b, t->card_penalties);
	money(m, raw);
	sb_printf(b, "</div></div>\n<div class=\"card\"><div class=\"v\">%s</div><div class=\"k\">", m);
	sb_esc(b, t->card_raw);
	money(m, capped);
	sb_printf(b, "</div></div>\n<div class=\"card\"><div class=\"v\">%s</div><div class=\"k\">", m);
	sb_esc(b, t->card_capped);
	sb_printf(b, "</div></div>\n<div class=\"card\"><div class=\"v\">%zu <small>(%lld ",
		json_array_size(open), overdue);
	sb_esc(b, t->card_overdue);
	sb_puts(b, ")</small></div><div class=\"k\">");
	sb_esc(b, t->card_open);
	sb_printf(b, "</div></div>\n<div class=\"card\"><div class=\"v\">%zu</div><div class=\"k\">",
		json_array_size(json_object_get(asmt, "breaches")));
	sb_esc(b, t->card_breaches);
	sb_puts(b, "</div></div>\n</div>\n</header>\n");
}

int report_html_render(char **out, const char *assessment_json, const char *directory_json,
	const char *lang, char *err, size_t errsize)
{
	return report_html_render_with(out, assessment_json, directory_json, NULL, lang, err, errsize);
}

int report_html_render_with(char **out, const char *assessment_json, const char *directory_json,
	const char *case_properties_json, const char *lang, char *err, size_t errsize)
{
	report_html_docs d = { assessment_json, directory_json, case_properties_json, NULL };
	return report_html_render_docs(out, &d, lang, err, errsize);
}

int report_html_render_docs(char **out, const report_html_docs *d, const char *lang, char *err, size_t errsize)
{
	const texts *t = &TEXTS[lang && strcmp(lang, "zh") == 0 ? 1 : 0];
	json_error_t je;
	json_t *doc = NULL, *dir = NULL, *pens, *asmt, *props = NULL, *stmts = NULL;
	sbuf b = { NULL, 0, 0, 0 };
	int rc = -1;

	*out = NULL;
	if (d->case_properties && !(props = json_loads(d->case_properties, 0, &je))) {
		snprintf(err, errsize, "case properties: %s", je.text);
		goto done;
	}
	if (d->statements && !(stmts = json_loads(d->statements, 0, &je))) {
		snprintf(err, errsize, "statements: %s", je.text);
		goto done;
	}
	if (!(doc = json_loads(d->assessment, 0, &je))) {
		snprintf(err, errsize, "assessment: %s", je.text);
		goto done;
	}
	if (!(dir = json_loads(d->directory, 0, &je))) {
		snprintf(err, errsize, "directory: %s", je.text);
		goto done;
	}
	pens = json_object_get(doc, "penalties");
	asmt = json_object_get(doc, "assessment");
	if (!json_is_array(pens) || !json_is_object(asmt) || !json_is_object(dir)) {
		snprintf(err, errsize, "not an assessment and a directory document");
		goto done;
	}

	sb_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", t->html_lang);
	sb_esc(&b, t->title);
	sb_puts(&b, " ");
	sb_esc(&b, jstr(asmt, "month") ? jstr(asmt, "month") : "");
	sb_puts(&b, "</title>\n<style>\n");
	sb_puts(&b, CSS);
	sb_puts(&b, "</style>\n</head>\n<body>\n<main>\n");
	header(&b, t, pens, asmt);
	section_rates(&b, t, asmt, dir);
	section_people(&b, t, asmt, dir);
	section_statements(&b, t, asmt, dir, stmts);
	section_articles(&b, t, pens);
	section_deadlines(&b, t, asmt, pens, dir, props);
	section_penalties(&b, t, pens, dir);
	sb_puts(&b, "<section id=\"refused\">\n<h2>");
	sb_esc(&b, t->sec_refused);
	/* the note holds markup of its own (<code>), written by us, not data */
	sb_printf(&b, "</h2>\n<p class=\"note\">%s</p>\n</section>\n<footer>", t->refused_note);
	sb_esc(&b, t->footer);
	sb_puts(&b, "</footer>\n</main>\n</body>\n</html>\n");
	if (b.oom) {
		snprintf(err, errsize, "out of memory");
		goto done;
	}
	*out = b.p;
	b.p = NULL;
	rc = 0;
done:
	free(b.p);
	json_decref(doc);
	json_decref(dir);
	json_decref(props);
	json_decref(stmts);
	return rc;
}

/* ---- the subcommand ---- */

/*
 * The statement of the month (as `hotline statement` prints it) of each person
 * of the assessment's people, at the page's instant: {"PERSON": document, …}.
 * NULL with the library's message printed when one cannot be read.
 */
static char *collect_statements(hotline_db *db, const char *assessment, hotline_time as_of)
{
	json_t *a = json_loads(assessment, 0, NULL), *all = json_object(), *p;
	const json_t *asmt = json_object_get(a, "assessment");
	const char *month = jstr(asmt, "month");
	char *text = NULL;
	size_t i;
	int ok = a && all && month;
	json_array_foreach(json_object_get(asmt, "people"), i, p) {
		const char *id = jstr(p, "person");
		char *doc = NULL;
		json_t *d;
		if (!ok || !id)
			break;
		if (hotline_db_statement_json(&doc, db, id, month, as_of) != 0) {
			fprintf(stderr, "hotline: statement of %s: %s\n", id, hotline_db_errmsg(db));
			ok = 0;
			break;
		}
		d = json_loads(doc, 0, NULL);
		hotline_free(doc);
		if (!d || json_object_set_new(all, id, d) != 0)
			ok = 0;
	}
	if (ok && !(text = json_dumps(all, JSON_COMPACT)))
		fputs("hotline: out of memory\n", stderr);
	json_decref(all);
	json_decref(a);
	return text;
}

static void report_usage(void)
{
	fputs("usage: hotline report --db URI --as-of INSTANT [--lang zh|en] [--policy NAME|FILE] -o FILE\n", stderr);
}

int report_html_main(int argc, char **argv)
{
	const char *db_uri = NULL, *as_of_text = NULL, *lang = NULL, *policy = NULL, *output = NULL;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	hotline_time as_of;
	char *assessment = NULL, *directory = NULL, *html = NULL, *case_props = NULL, *statements = NULL;
	char err[256], when[64];
	int date_only;
	int i, rc = 1;

	for (i = 2; i < argc; i++) {
		const char **slot;
		if (strcmp(argv[i], "--db") == 0)
			slot = &db_uri;
		else if (strcmp(argv[i], "--as-of") == 0)
			slot = &as_of_text;
		else if (strcmp(argv[i], "--lang") == 0)
			slot = &lang;
		else if (strcmp(argv[i], "--policy") == 0)
			slot = &policy;
		else if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0)
			slot = &output;
		else {
			fprintf(stderr, "hotline: unknown argument %s\n", argv[i]);
			report_usage();
			return 2;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hotline: %s needs a value\n", argv[i]);
			return 2;
		}
		*slot = argv[++i];
	}
	if (!db_uri || !as_of_text || !output) {
		report_usage();
		return 2;
	}
	if (!lang)
		lang = (label_locale_zh() ? "zh" : "en");
	if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) {
		fputs("hotline: --lang is zh or en\n", stderr);
		return 2;
	}
	/* a date alone is the start of that day in the database's zone, as for the other subcommands */
	date_only = strlen(as_of_text) == 10 && strspn(as_of_text, "0123456789") == 4 && as_of_text[4] == '-' &&
		strspn(as_of_text + 5, "0123456789") == 2 && as_of_text[7] == '-' && strspn(as_of_text + 8, "0123456789") == 2;
	snprintf(when, sizeof(when), date_only ? "%sT00:00:00+00:00" : "%s", as_of_text);
	if (hotline_time_parse(&as_of, when) != 0) {
		fprintf(stderr, "hotline: %s\n", hotline_last_error());
		return 2;
	}
	/* a reading command: read-only, as every subcommand but replay */
	o.policy = policy;
	o.mode = HOTLINE_OPEN_READ_ONLY;
	if (hotline_db_open(&db, db_uri, &o) != 0) {
		fprintf(stderr, "hotline: %s\n", hotline_last_error());
		return 1;
	}
	if (date_only) {
		int zone = 480;
		if (hotline_db_zone_offset(db, &zone) != 0)
			zone = 480;
		as_of -= (hotline_time)zone * 60;
	}
	if (hotline_db_assess(&assessment, db, as_of, HOTLINE_FORMAT_JSON) != 0
	    || hotline_db_directory(&directory, db, as_of) != 0) {
		fprintf(stderr, "hotline: %s\n", hotline_db_errmsg(db));
		goto done;
	}
	/* the overdue deadlines' properties, from their cases' snapshots */
	{
		json_t *a = json_loads(assessment, 0, NULL), *d, *props = json_object();
		size_t k;
		json_array_foreach(json_object_get(json_object_get(a, "assessment"), "open_deadlines"), k, d) {
			const char *c = jstr(d, "case");
			hotline_case *hc;
			if (!c || jint(d, "late_seconds") <= 0 || !props || json_object_get(props, c))
				continue;
			if (hotline_db_case(&hc, db, c) == 0) {
				if (hotline_case_property(hc))
					json_object_set_new(props, c, json_string(hotline_case_property(hc)));
				hotline_case_free(hc);
			}
		}
		case_props = props ? json_dumps(props, JSON_COMPACT) : NULL;
		json_decref(props);
		json_decref(a);
	}
	if (!(statements = collect_statements(db, assessment, as_of)))
		goto done;
	{
		report_html_docs docs = { assessment, directory, case_props, statements };
		if (report_html_render_docs(&html, &docs, lang, err, sizeof(err)) != 0) {
			fprintf(stderr, "hotline: report: %s\n", err);
			goto done;
		}
	}
	if (strcmp(output, "-") == 0) {
		if (fputs(html, stdout) == EOF || fflush(stdout) != 0) {
			fputs("hotline: cannot write the report\n", stderr);
			goto done;
		}
	} else {
		FILE *f = fopen(output, "wb");
		size_t len = strlen(html);
		if (!f) {
			fprintf(stderr, "hotline: cannot write '%s'\n", output);
			goto done;
		}
		if (fwrite(html, 1, len, f) != len) {
			fclose(f);
			fprintf(stderr, "hotline: cannot write '%s'\n", output);
			goto done;
		}
		if (fclose(f) != 0) {
			fprintf(stderr, "hotline: cannot write '%s'\n", output);
			goto done;
		}
	}
	rc = 0;
done:
	free(statements);
	free(case_props);
	free(html);
	hotline_free(assessment);
	hotline_free(directory);
	hotline_db_close(db);
	return rc;
}
