/*
 * hotline statement: one person's statement of a month (工资条) from
 * hotline_db_statement_json, as a table (zh/en), the JSON document, or CSV
 * for payroll. The amounts are the increments of the month's assessment
 * period, so they add up to the person's row of that month's assessment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hotline.h>

#include "labels.h"
#include "statement.h"

static void pad(const char *s, size_t w, int last)
{
	size_t n = label_width(s);
	fputs(s, stdout);
	if (!last)
		for (; n < w + 2; n++)
			putchar(' ');
}

static const char *title_of(const json_t *line, int zh)
{
	const char *t = json_string_value(json_object_get(json_object_get(line, "title"), zh ? "zh" : "en"));
	return t ? t : "";
}

enum { COLS = 7 };

static void print_table(const json_t *doc, int zh)
{
	static const char *const head_en[COLS] = { "rule", "art.", "case", "what", "times", "amount", "last incurred" };
	static const char *const head_zh[COLS] = { "规则", "条款", "案件", "事项", "次数", "金额", "最后发生" };
	const json_t *lines = json_object_get(doc, "lines"), *x;
	const char *name = json_string_value(json_object_get(doc, "name"));
	const char *person = json_string_value(json_object_get(doc, "person"));
	const json_t *period = json_object_get(doc, "period");
	char from[32], to[32], raw[32], bonus[32], capped[32], cut[32];
	size_t w[COLS], i, k, n = json_array_size(lines);
	char (*cells)[COLS][256] = calloc(n + 1, sizeof(*cells));

	if (!cells)
		return;
	for (k = 0; k < COLS; k++)
		snprintf(cells[0][k], sizeof(cells[0][k]), "%s", zh ? head_zh[k] : head_en[k]);
	json_array_foreach(lines, i, x) {
		const char *c = json_string_value(json_object_get(x, "case"));
		snprintf(cells[i + 1][0], 256, "%s", json_string_value(json_object_get(x, "rule")));
		snprintf(cells[i + 1][1], 256, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(x, "article")));
		snprintf(cells[i + 1][2], 256, "%s", c ? c : (zh ? "(机构)" : "(organisation)"));
		snprintf(cells[i + 1][3], 256, "%s", title_of(x, zh));
		snprintf(cells[i + 1][4], 256, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(x, "increments")));
		label_money(cells[i + 1][5], 256, json_integer_value(json_object_get(x, "amount_fen")));
		label_local_time(cells[i + 1][6], 256, json_string_value(json_object_get(x, "incurred_at")));
	}
	for (k = 0; k < COLS; k++) {
		w[k] = 0;
		for (i = 0; i <= n; i++)
			if (label_width(cells[i][k]) > w[k])
				w[k] = label_width(cells[i][k]);
	}
	label_local_time(from, sizeof(from), json_string_value(json_object_get(period, "from")));
	label_local_time(to, sizeof(to), json_string_value(json_object_get(period, "to")));
	if (zh)
		printf("工资条  %s（%s）  %s 月  考核期 %s 至 %s  制度 %s\n", name ? name : person, person,
			json_string_value(json_object_get(doc, "month")), from, to,
			json_string_value(json_object_get(doc, "policy")));
	else
		printf("Statement of %s (%s), month %s: assessment period %s to %s, policy %s\n", name ? name : person,
			person, json_string_value(json_object_get(doc, "month")), from, to,
			json_string_value(json_object_get(doc, "policy")));
	if (n == 0) {
		puts(zh ? "本月无扣款。" : "No penalty this month.");
	} else {
		for (i = 0; i <= n; i++) {
			for (k = 0; k < COLS; k++)
				pad(cells[i][k], w[k], k + 1 == COLS);
			putchar('\n');
		}
	}
	label_money(raw, sizeof(raw), json_integer_value(json_object_get(doc, "raw_fen")));
	label_money(capped, sizeof(capped), json_integer_value(json_object_get(doc, "capped_fen")));
	label_money(cut, sizeof(cut), json_integer_value(json_object_get(doc, "cap_applied_fen")));
	if (json_is_integer(json_object_get(doc, "bonus_fen")))
		label_money(bonus, sizeof(bonus), json_integer_value(json_object_get(doc, "bonus_fen")));
	else
		snprintf(bonus, sizeof(bonus), "%s", zh ? "无（不封顶）" : "none (no cap)");
	if (zh)
		printf("扣款合计 %s  当月奖金 %s  封顶减免 %s  实扣 %s（第二十二条：以当月奖金为限）\n", raw, bonus, cut, capped);
	else
		printf("total %s; bonus of the month %s; cap applied %s; deducted %s (Art. 22: up to the month's bonus)\n",
			raw, bonus, cut, capped);
	free(cells);
}

/* One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. */
static void csv_cell(const char *s, int first)
{
	if (!first)
		putchar(',');
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void csv_int(const json_t *v)
{
	putchar(',');
	if (json_is_integer(v))
		printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
}

/* A line per penalty and a total row, the same columns (docs/cli.md); CRLF line ends like the assessment's. */
static void print_csv(const json_t *doc, int zh)
{
	const json_t *x;
	const char *person = json_string_value(json_object_get(doc, "person"));
	const char *month = json_string_value(json_object_get(doc, "month"));
	size_t i;
	fputs("record,person,month,rule,article,case,title,increments,amount_fen,incurred_at,"
		"raw_fen,bonus_fen,capped_fen,cap_applied_fen\r\n", stdout);
	json_array_foreach(json_object_get(doc, "lines"), i, x) {
		csv_cell("line", 1);
		csv_cell(person, 0);
		csv_cell(month, 0);
		csv_cell(json_string_value(json_object_get(x, "rule")), 0);
		csv_int(json_object_get(x, "article"));
		csv_cell(json_string_value(json_object_get(x, "case")), 0);
		csv_cell(title_of(x, zh), 0);
		csv_int(json_object_get(x, "increments"));
		csv_int(json_object_get(x, "amount_fen"));
		csv_cell(json_string_value(json_object_get(x, "incurred_at")), 0);
		fputs(",,,,\r\n", stdout);
	}
	csv_cell("total", 1);
	csv_cell(person, 0);
	csv_cell(month, 0);
	fputs(",,,,,,,", stdout);
	csv_int(json_object_get(doc, "raw_fen"));
	csv_int(json_object_get(doc, "bonus_fen"));
	csv_int(json_object_get(doc, "capped_fen"));
	csv_int(json_object_get(doc, "cap_applied_fen"));
	fputs("\r\n", stdout);
}

int statement_print(const char *doc_text, int csv, int lang_zh)
{
	json_t *doc = json_loads(doc_text, 0, NULL);
	if (!doc) {
		fputs("hotline: out of memory\n", stderr);
		return 1;
	}
	if (csv)
		print_csv(doc, lang_zh);
	else
		print_table(doc, lang_zh);
	json_decref(doc);
	return fflush(stdout) == 0 ? 0 : 1;
}
