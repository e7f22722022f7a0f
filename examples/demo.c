/*
 * hotline-demo — replays a scenario file into an SQLite database and prints
 * a readable summary: cases by state, refused commands, penalties per
 * person (raw and capped by the month's bonus), and the property rates.
 *
 *   hotline-demo SCENARIO.jsonl DATABASE.db
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <hotline.h>

static void yuan(char *buf, size_t size, json_int_t fen)
{
	snprintf(buf, size, "%s¥%lld.%02lld", fen < 0 ? "-" : "", (long long)(llabs(fen) / 100), (long long)(llabs(fen) % 100));
}

static void percent(char *buf, size_t size, const json_t *rate)
{
	json_int_t num = json_integer_value(json_object_get(rate, "num"));
	json_int_t den = json_integer_value(json_object_get(rate, "den"));
	if (den == 0)
		snprintf(buf, size, "  n/a (0 cases)");
	else
		snprintf(buf, size, "%3lld.%01lld%% (%lld/%lld)", (long long)(num * 100 / den),
			(long long)((num * 1000 / den) % 10), (long long)num, (long long)den);
}

int main(int argc, char **argv)
{
	hotline_replay_options ro = HOTLINE_REPLAY_OPTIONS_INIT;
	char uri[4096], *out = NULL;
	const char *files[1];
	json_t *doc, *v, *assessment;
	json_error_t jerr;
	size_t i;
	int counts[HOTLINE_STATE_COUNT] = { 0 }, s;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SCENARIO.jsonl DATABASE.db\n", argv[0]);
		return 2;
	}
	remove(argv[2]);
	snprintf(uri, sizeof(uri), "sqlite:%s", argv[2]);
	files[0] = argv[1];
	ro.db_uri = uri;
	if (hotline_replay(&out, files, 1, &ro) != 0) {
		fprintf(stderr, "hotline-demo: %s\n", hotline_last_error());
		return 1;
	}
	doc = json_loads(out, 0, &jerr);
	hotline_free(out);
	if (!doc) {
		fprintf(stderr, "hotline-demo: %s\n", jerr.text);
		return 1;
	}

	printf("libhotline %s — replayed %s into %s\n\n", hotline_version(NULL, NULL, NULL), argv[1], argv[2]);
	json_array_foreach(json_object_get(doc, "cases"), i, v) {
		int st;
		if (hotline_state_from_name(&st, json_string_value(json_object_get(v, "state"))) == 0)
			counts[st]++;
	}
	printf("Cases: %zu\n", json_array_size(json_object_get(doc, "cases")));
	for (s = 0; s < HOTLINE_STATE_COUNT; s++)
		if (counts[s])
			printf("  %-18s %4d\n", hotline_state_name(s), counts[s]);

	printf("\nRefused commands: %zu\n", json_array_size(json_object_get(doc, "refused")));
	json_array_foreach(json_object_get(doc, "refused"), i, v)
		printf("  line %-5lld %-19s %s\n", (long long)json_integer_value(json_object_get(v, "line")),
			json_string_value(json_object_get(v, "code")), json_string_value(json_object_get(v, "message")));

	assessment = json_object_get(doc, "assessment");
	printf("\nPenalties (all rules, up to %s): %zu\n", json_string_value(json_object_get(assessment, "as_of")),
		json_array_size(json_object_get(doc, "penalties")));
	{
		/* totals per rule */
		json_t *per_rule = json_object();
		const char *rule;
		json_array_foreach(json_object_get(doc, "penalties"), i, v) {
			const char *r = json_string_value(json_object_get(v, "rule"));
			json_int_t prev = json_integer_value(json_object_get(per_rule, r));
			json_object_set_new(per_rule, r, json_integer(prev + json_integer_value(json_object_get(v, "amount_fen"))));
		}
		/* print in rule order */
		{
			char *txt = json_dumps(per_rule, JSON_SORT_KEYS | JSON_COMPACT);
			json_t *sorted = txt ? json_loads(txt, 0, NULL) : NULL;
			free(txt);
			json_object_foreach(sorted ? sorted : per_rule, rule, v) {
				char a[32];
				yuan(a, sizeof(a), json_integer_value(v));
				printf("  %-6s %12s\n", rule, a);
			}
			json_decref(sorted);
		}
		json_decref(per_rule);
	}

	printf("\nAssessment period %s … %s (month %s)\n",
		json_string_value(json_object_get(json_object_get(assessment, "period"), "from")),
		json_string_value(json_object_get(json_object_get(assessment, "period"), "to")),
		json_string_value(json_object_get(assessment, "month")) ? json_string_value(json_object_get(assessment, "month")) : "?");
	printf("  %-12s %12s %12s %12s\n", "person", "raw", "capped", "bonus");
	json_array_foreach(json_object_get(assessment, "people"), i, v) {
		char raw[32], capped[32], bonus[32];
		json_t *b = json_object_get(v, "bonus_fen");
		yuan(raw, sizeof(raw), json_integer_value(json_object_get(v, "raw_fen")));
		yuan(capped, sizeof(capped), json_integer_value(json_object_get(v, "capped_fen")));
		if (json_is_integer(b))
			yuan(bonus, sizeof(bonus), json_integer_value(b));
		else
			snprintf(bonus, sizeof(bonus), "none");
		printf("  %-12s %12s %12s %12s\n", json_string_value(json_object_get(v, "person")), raw, capped, bonus);
	}
	printf("\n  %-8s %-22s %-22s\n", "property", "closure (Art. 20)", "satisfaction (Art. 20)");
	json_array_foreach(json_object_get(assessment, "properties"), i, v) {
		char c[48], sat[48];
		percent(c, sizeof(c), json_object_get(v, "closure"));
		percent(sat, sizeof(sat), json_object_get(v, "satisfaction"));
		printf("  %-8s %-22s %-22s\n", json_string_value(json_object_get(v, "id")), c, sat);
	}
	json_decref(doc);
	printf("\nTry: hotline show CASE --db sqlite:%s   |   hotline verify-log --db sqlite:%s\n", argv[2], argv[2]);
	return 0;
}
