/*
 * hotline-demo — replays a scenario file into an SQLite database and prints
 * a readable summary: cases by state, refused commands, the directory and
 * its dated changes (read back with hotline_db_directory), penalties per
 * person (raw and capped by the month's bonus) and the property rates.
 *
 *   hotline-demo SCENARIO.jsonl DATABASE.db
 */
#define _POSIX_C_SOURCE 200809L /* fdopen */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Columns by display width: CJK characters take two columns, other characters one. */
static int display_width(const char *s)
{
	int w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp = *p;
		int n = cp < 0x80 ? 1 : cp < 0xe0 ? 2 : cp < 0xf0 ? 3 : 4, k;
		if (n > 1)
			cp &= 0x3fu >> (n - 1);
		for (k = 1; k < n && (p[k] & 0xc0) == 0x80; k++)
			cp = (cp << 6) | (p[k] & 0x3fu);
		p += k;
		w += cp >= 0x1100 ? 2 : 1;
	}
	return w;
}

static void print_padded(const char *s, int width)
{
	int w = display_width(s);
	fputs(s, stdout);
	while (w++ < width)
		putchar(' ');
}

/* "2026-11-15T00:00:00+08:00" → "2026-11-15 00:00" */
static void instant(char *buf, size_t size, const char *iso)
{
	snprintf(buf, size, "%.10s %.5s", iso, strlen(iso) >= 16 ? iso + 11 : "");
}

/* The directory, read back from the database. */
typedef struct {
	json_t *doc;
	json_t *names;   /* person id → name */
	json_t *notes;   /* person id → note for the per-person table */
	json_t *changes; /* [{"from", "n", "text"}] */
} directory;

static const char *name_of(const directory *d, const char *id)
{
	const char *n = json_string_value(json_object_get(d->names, id));
	return n ? n : "?";
}

static void who(char *buf, size_t size, const directory *d, const char *id)
{
	if (id)
		snprintf(buf, size, "%s %s", id, name_of(d, id));
	else
		snprintf(buf, size, "nobody");
}

static void roles_text(char *buf, size_t size, const json_t *roles)
{
	size_t i, used = 0;
	json_t *r;
	buf[0] = '\0';
	if (json_array_size(roles) == 0) {
		snprintf(buf, size, "no roles");
		return;
	}
	json_array_foreach(roles, i, r) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", json_string_value(r));
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static void heads_text(char *buf, size_t size, const json_t *heads)
{
	roles_text(buf, size, heads);
	if (json_array_size(heads) == 0)
		snprintf(buf, size, "none");
}

static void add_change(directory *d, const char *from, const char *text)
{
	json_array_append_new(d->changes, json_pack("{s:s,s:I,s:s}", "from", from,
		"n", (json_int_t)json_array_size(d->changes), "text", text));
}

static void add_note(directory *d, const char *person, const char *note)
{
	const char *old = json_string_value(json_object_get(d->notes, person));
	char buf[512];
	snprintf(buf, sizeof(buf), "%s%s%s", old ? old : "", old ? "; " : "", note);
	json_object_set_new(d->notes, person, json_string(buf));
}

/* Two values of a record (either may be absent) are the same. */
static int same_value(const json_t *a, const json_t *b)
{
	return (!a && !b) || (a && b && json_equal((json_t *)a, (json_t *)b));
}

/* Every dated definition: what it changed against the one before it. */
static void person_changes(directory *d, const json_t *rec)
{
	const json_t *hist = json_object_get(rec, "history"), *prev = NULL, *h;
	size_t i;
	json_array_foreach(hist, i, h) {
		const char *from = json_string_value(json_object_get(h, "from"));
		const char *id = json_string_value(json_object_get(h, "id"));
		char text[512], a[256], b[256], day[32];
		if (from) {
			json_t *roles = json_object_get(h, "roles");
			roles_text(b, sizeof(b), roles);
			if (!prev) {
				snprintf(text, sizeof(text), "%s %s joins: %s", id, json_string_value(json_object_get(h, "name")), b);
			} else {
				roles_text(a, sizeof(a), json_object_get(prev, "roles"));
				if (json_array_size(roles) == 0) {
					snprintf(text, sizeof(text), "%s %s leaves: %s → no roles", id, name_of(d, id), a);
					instant(day, sizeof(day), from);
					snprintf(a, sizeof(a), "left %.10s", day);
					add_note(d, id, a);
				} else {
					snprintf(text, sizeof(text), "%s %s: %s → %s", id, name_of(d, id), a, b);
				}
			}
			add_change(d, from, text);
		}
		prev = h;
	}
}

static void property_changes(directory *d, const json_t *rec)
{
	const json_t *hist = json_object_get(rec, "history"), *prev = NULL, *h;
	size_t i;
	json_array_foreach(hist, i, h) {
		const char *from = json_string_value(json_object_get(h, "from"));
		const char *id = json_string_value(json_object_get(h, "id"));
		const char *name = json_string_value(json_object_get(h, "name"));
		char text[768], a[256], b[256], note[128];
		if (!from) {
			prev = h;
			continue;
		}
		if (!prev) {
			who(a, sizeof(a), d, json_string_value(json_object_get(h, "manager")));
			snprintf(text, sizeof(text), "%s %s opens, manager %s", id, name, a);
			add_change(d, from, text);
		}
		if (prev && !same_value(json_object_get(prev, "manager"), json_object_get(h, "manager"))) {
			const char *was = json_string_value(json_object_get(prev, "manager"));
			const char *now = json_string_value(json_object_get(h, "manager"));
			who(a, sizeof(a), d, was);
			who(b, sizeof(b), d, now);
			snprintf(text, sizeof(text), "%s %s manager: %s → %s", id, name, a, b);
			add_change(d, from, text);
			snprintf(note, sizeof(note), "%s manager until %.10s", id, from);
			add_note(d, was, note);
			snprintf(note, sizeof(note), "%s manager from %.10s", id, from);
			add_note(d, now, note);
		}
		if (prev && !same_value(json_object_get(prev, "quality_supervisor"), json_object_get(h, "quality_supervisor"))) {
			who(a, sizeof(a), d, json_string_value(json_object_get(prev, "quality_supervisor")));
			who(b, sizeof(b), d, json_string_value(json_object_get(h, "quality_supervisor")));
			snprintf(text, sizeof(text), "%s %s quality supervisor: %s → %s", id, name, a, b);
			add_change(d, from, text);
		}
		if (prev && !same_value(json_object_get(prev, "department_heads"), json_object_get(h, "department_heads"))) {
			heads_text(a, sizeof(a), json_object_get(prev, "department_heads"));
			heads_text(b, sizeof(b), json_object_get(h, "department_heads"));
			snprintf(text, sizeof(text), "%s %s department heads: %s → %s", id, name, a, b);
			add_change(d, from, text);
		}
		if (prev && !same_value(json_object_get(prev, "name"), json_object_get(h, "name"))) {
			snprintf(text, sizeof(text), "%s renamed: %s → %s", id, json_string_value(json_object_get(prev, "name")), name);
			add_change(d, from, text);
		}
		prev = h;
	}
}

static void bonus_changes(directory *d, const json_t *rec)
{
	const json_t *hist = json_object_get(rec, "history"), *prev = NULL, *h;
	size_t i;
	json_array_foreach(hist, i, h) {
		const char *from = json_string_value(json_object_get(h, "from"));
		const char *person = json_string_value(json_object_get(h, "person"));
		const char *month = json_string_value(json_object_get(h, "month"));
		char text[512], a[32], b[32], note[64];
		if (from) {
			yuan(b, sizeof(b), json_integer_value(json_object_get(h, "amount_fen")));
			if (!prev) {
				snprintf(text, sizeof(text), "bonus %s of %s %s: %s", month, person, name_of(d, person), b);
			} else {
				yuan(a, sizeof(a), json_integer_value(json_object_get(prev, "amount_fen")));
				snprintf(text, sizeof(text), "bonus %s of %s %s corrected: %s → %s", month, person,
					name_of(d, person), a, b);
				snprintf(note, sizeof(note), "bonus corrected %.10s", from);
				add_note(d, person, note);
			}
			add_change(d, from, text);
		}
		prev = h;
	}
}

static int by_instant(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "from")), json_string_value(json_object_get(y, "from")));
	if (c)
		return c;
	return json_integer_value(json_object_get(x, "n")) < json_integer_value(json_object_get(y, "n")) ? -1 : 1;
}

/* Reads the directory with every definition so far; 0 on success. */
static int directory_load(directory *d, const char *uri)
{
	hotline_db *db;
	char *text = NULL;
	json_t *v;
	size_t i;
	memset(d, 0, sizeof(*d));
	if (hotline_db_open(&db, uri, NULL) != 0) {
		fprintf(stderr, "hotline-demo: %s\n", hotline_last_error());
		return -1;
	}
	if (hotline_db_directory(&text, db, HOTLINE_TIME_NONE) != 0) {
		fprintf(stderr, "hotline-demo: %s\n", hotline_db_errmsg(db));
		hotline_db_close(db);
		return -1;
	}
	hotline_db_close(db);
	d->doc = json_loads(text, 0, NULL);
	hotline_free(text);
	d->names = json_object();
	d->notes = json_object();
	d->changes = json_array();
	if (!d->doc || !d->names || !d->notes || !d->changes) {
		fprintf(stderr, "hotline-demo: cannot read the directory\n");
		return -1;
	}
	json_array_foreach(json_object_get(d->doc, "persons"), i, v)
		json_object_set(d->names, json_string_value(json_object_get(v, "id")), json_object_get(v, "name"));
	json_array_foreach(json_object_get(d->doc, "persons"), i, v)
		person_changes(d, v);
	json_array_foreach(json_object_get(d->doc, "properties"), i, v)
		property_changes(d, v);
	json_array_foreach(json_object_get(d->doc, "bonuses"), i, v)
		bonus_changes(d, v);
	return 0;
}

static void directory_free(directory *d)
{
	json_decref(d->doc);
	json_decref(d->names);
	json_decref(d->notes);
	json_decref(d->changes);
}

static void directory_print(const directory *d)
{
	size_t i, n = json_array_size(d->changes), admins = 0;
	json_t *v, **sorted = n ? malloc(n * sizeof(*sorted)) : NULL;
	char when[32];

	printf("\nDirectory: %zu people, %zu properties; administrator",
		json_array_size(json_object_get(d->doc, "persons")), json_array_size(json_object_get(d->doc, "properties")));
	json_array_foreach(json_object_get(d->doc, "persons"), i, v) {
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(v, "roles"), k, r)
			if (strcmp(json_string_value(r), "administrator") == 0)
				printf("%s %s %s", admins++ ? "," : "", json_string_value(json_object_get(v, "id")),
					json_string_value(json_object_get(v, "name")));
	}
	printf("%s\n", admins ? "" : " none");
	printf("Directory changes: %zu\n", n);
	if (n && !sorted)
		return;
	for (i = 0; i < n; i++)
		sorted[i] = json_array_get(d->changes, i);
	if (n)
		qsort(sorted, n, sizeof(*sorted), by_instant);
	for (i = 0; i < n; i++) {
		instant(when, sizeof(when), json_string_value(json_object_get(sorted[i], "from")));
		printf("  %s  %s\n", when, json_string_value(json_object_get(sorted[i], "text")));
	}
	free(sorted);
}

/*
 * The demo encrypts owners' personal data like a real installation: its
 * key-encryption key lives in a file beside the database (DATABASE.db.key,
 * readable by its owner only), made from the system's random source when
 * missing.
 */
static int demo_key(const char *db_path, unsigned char key[HOTLINE_KEY_BYTES], char id[65], char *path, size_t size)
{
	unsigned char raw[HOTLINE_KEY_BYTES];
	FILE *f;
	int fd;
	size_t i;
	snprintf(path, size, "%s.key", db_path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		FILE *r = fopen("/dev/urandom", "rb");
		int ok = r && fread(raw, 1, sizeof(raw), r) == sizeof(raw);
		if (r)
			fclose(r);
		f = fdopen(fd, "w");
		if (!ok || !f) {
			if (f)
				fclose(f);
			else
				close(fd);
			remove(path);
			fprintf(stderr, "hotline-demo: cannot make a key in %s\n", path);
			return -1;
		}
		fputs("demo:", f);
		for (i = 0; i < sizeof(raw); i++)
			fprintf(f, "%02x", raw[i]);
		fputc('\n', f);
		memset(raw, 0, sizeof(raw));
		if (fclose(f) != 0) {
			fprintf(stderr, "hotline-demo: cannot write %s\n", path);
			return -1;
		}
	}
	if (hotline_key_file_read(path, key, id, 65) != 0) {
		fprintf(stderr, "hotline-demo: %s\n", hotline_last_error());
		return -1;
	}
	return 0;
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
	directory dir;
	unsigned char key[HOTLINE_KEY_BYTES];
	char key_id[65], key_path[4200];
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SCENARIO.jsonl DATABASE.db|postgres:CONNINFO\n", argv[0]);
		return 2;
	}
	files[0] = argv[1];
	if (strncmp(argv[2], "postgres:", 9) == 0 || strncmp(argv[2], "postgresql:", 11) == 0) {
		/* a shared server: the month is replayed into it (a second run repeats every line: command ids) */
		snprintf(uri, sizeof(uri), "%s", argv[2]);
		if (demo_key("demo-postgres", key, key_id, key_path, sizeof(key_path)) != 0)
			return 1;
	} else {
		remove(argv[2]);
		snprintf(uri, sizeof(uri), "sqlite:%s", argv[2]);
		if (demo_key(argv[2], key, key_id, key_path, sizeof(key_path)) != 0)
			return 1;
	}
	ro.db_uri = uri;
	ro.key = key;
	ro.key_id = key_id;
	rc = hotline_replay(&out, files, 1, &ro);
	memset(key, 0, sizeof(key));
	if (rc != 0) {
		fprintf(stderr, "hotline-demo: %s\n", hotline_last_error());
		return 1;
	}
	doc = json_loads(out, 0, &jerr);
	hotline_free(out);
	if (!doc) {
		fprintf(stderr, "hotline-demo: %s\n", jerr.text);
		return 1;
	}
	if (directory_load(&dir, uri) != 0) {
		directory_free(&dir);
		json_decref(doc);
		return 1;
	}

	printf("libhotline %s — replayed %s into %s\n", hotline_version(NULL, NULL, NULL), argv[1], argv[2]);
	printf("owners' names, phones and rooms are stored encrypted; the key is in %s (key id '%s')\n\n", key_path, key_id);
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

	directory_print(&dir);

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
	printf("  %-12s %-8s %12s %12s %12s\n", "person", "name", "raw", "capped", "bonus");
	json_array_foreach(json_object_get(assessment, "people"), i, v) {
		char raw[32], capped[32], bonus[32];
		json_t *b = json_object_get(v, "bonus_fen");
		const char *person = json_string_value(json_object_get(v, "person"));
		const char *note = json_string_value(json_object_get(dir.notes, person));
		yuan(raw, sizeof(raw), json_integer_value(json_object_get(v, "raw_fen")));
		yuan(capped, sizeof(capped), json_integer_value(json_object_get(v, "capped_fen")));
		if (json_is_integer(b))
			yuan(bonus, sizeof(bonus), json_integer_value(b));
		else
			snprintf(bonus, sizeof(bonus), "none");
		printf("  %-12s ", person);
		print_padded(name_of(&dir, person), 8);
		printf(" %12s %12s %12s%s%s\n", raw, capped, bonus, note ? "   " : "", note ? note : "");
	}
	printf("\n  %-8s %-22s %-22s\n", "property", "closure (Art. 20)", "satisfaction (Art. 20)");
	json_array_foreach(json_object_get(assessment, "properties"), i, v) {
		char c[48], sat[48];
		percent(c, sizeof(c), json_object_get(v, "closure"));
		percent(sat, sizeof(sat), json_object_get(v, "satisfaction"));
		printf("  %-8s %-22s %-22s\n", json_string_value(json_object_get(v, "id")), c, sat);
	}
	json_decref(doc);
	directory_free(&dir);
	printf("\nTry: hotline show CASE --db %s --key-file %s   |   hotline verify-log --db %s (no key needed)\n",
		uri, key_path, uri);
	return 0;
}
