/*
 * hotline — command-line tool over libhotline.
 *
 * `hotline help` lists the subcommands; `hotline help CMD` or `hotline CMD
 * --help` shows one with its options and an example (docs/cli.md).
 *
 * --db URI defaults to $HOTLINE_DB. Owners' personal data: the
 * key-encryption key comes from --key-file FILE or the file named by
 * HOTLINE_KEY_FILE (64 hex digits, optionally after "KEY_ID:"); never from
 * the command line itself. Without it personal fields read masked.
 * replay --unencrypted creates a database that keeps them in clear, on
 * purpose.
 *
 * show, history, cases, sweep, due and directory print tables for people
 * (in Chinese or English: --lang zh|en, else the locale) and the library's
 * JSON documents with --json; replay, assess, explain and lifecycle print
 * their JSON documents.
 *
 * Exit status: 0 on success (replay also when some lines were refused),
 * 1 when the command failed or replay --expect found differences, 2 on a
 * usage error.
 */
/* mkstemp, fdopen (replay --holidays) */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include <hotline.h>

#include "errmsg.h"
#include "explain_text.h"
#include "follow.h"
#include "labels.h"
#include "messages.h"
#include "policy_set.h"
#include "report_html.h"
#include "statement.h"

#define ZONE_MIN 480

/* ---------------------------------------------------------------- help */

typedef struct command_help {
	const char *name, *synopsis, *summary, *options, *example;
} command_help;

#define DB_OPT "  --db URI            the database (sqlite:FILE, postgres:CONNINFO); default $HOTLINE_DB\n"
#define KEY_OPT "  --key-file FILE     the key of owners' personal data; default the file $HOTLINE_KEY_FILE names\n"
#define LANG_OPT "  --lang zh|en        the table's language; default the locale (LC_ALL, LC_MESSAGES, LANG)\n"
#define JSON_OPT "  --json              the library's JSON document instead of a table\n"
#define POLICY_OPT "  --policy NAME|FILE  a built-in policy or a policy file; default the database's\n"

static const command_help COMMANDS[] = {
	{ "replay", "hotline replay [--db URI] [--policy NAME|FILE] [--as-of INSTANT] [--expect FILE [--json]] "
	  "[--strict] [--holidays FILE] FILE...",
	  "apply scenario files (JSON Lines) and print the replay document",
	  "  --db URI            store into this database (default: memory:, a dry run; HOTLINE_DB is not used)\n"
	  POLICY_OPT
	  "  --as-of INSTANT     assess at this instant; default the latest `at` in the files\n"
	  "  --expect FILE       compare the document with the expectations in FILE: print each\n"
	  "                      difference and exit 1 on any; print nothing when all match\n"
	  "  --json              with --expect: print the document too\n"
	  "  --strict            exit 1 when any line was refused\n"
	  "  --holidays FILE     first record the years of this holiday file (cn-holidays JSON, or .ics)\n"
	  KEY_OPT
	  "  --unencrypted       create the database keeping personal data in clear, on purpose\n",
	  "hotline replay --db sqlite:hotline.db --key-file hotline.key month.jsonl" },
	{ "show", "hotline show CASE [--db URI] [--json] [--lang zh|en]",
	  "a case's state and ledger",
	  DB_OPT KEY_OPT JSON_OPT LANG_OPT,
	  "hotline show 2026-11-0002 --db sqlite:hotline.db" },
	{ "history", "hotline history (CASE | --org) [--db URI] [--json] [--lang zh|en]",
	  "a case's events (or the organisation's) with their hashes",
	  "  --org               the organisation's events (directory lines and organisation deadlines)\n"
	  DB_OPT KEY_OPT JSON_OPT LANG_OPT,
	  "hotline history 2026-11-0002 --db sqlite:hotline.db" },
	{ "cases", "hotline cases [--property P] [--state S] [--registered-from INSTANT] [--registered-to INSTANT] "
	  "[--overdue [--as-of INSTANT]] [--phone NUMBER] [--db URI] [--json] [--lang zh|en]",
	  "the cases that match every filter given, by id",
	  "  --property P        of this property\n"
	  "  --state S           in this state (received, dispatched, handled, revisited, verified, closed,\n"
	  "                      escalated, stage_closed, malicious_exempt)\n"
	  "  --registered-from INSTANT  registered at or after INSTANT\n"
	  "  --registered-to INSTANT    registered before INSTANT\n"
	  "  --overdue           whose next due instant is before now (or --as-of)\n"
	  "  --as-of INSTANT     the instant --overdue compares with; default now\n"
	  "  --phone NUMBER      the owner's earlier cases, by phone (needs the key)\n"
	  DB_OPT KEY_OPT JSON_OPT LANG_OPT,
	  "hotline cases --property P01 --overdue --db sqlite:hotline.db" },
	{ "due", "hotline due [--from INSTANT] [--to INSTANT | --hours N] [--as-of INSTANT] [--person ID] [--property ID] "
	  "[--reminders] [--db URI] [--json] [--lang zh|en]",
	  "the open deadlines (or reminders) due in a window, with who must act",
	  "  --as-of INSTANT     now: what is due before it is overdue; default the clock\n"
	  "  --from INSTANT      the window's start; default now\n"
	  "  --to INSTANT        the window's end (excluded)\n"
	  "  --hours N           or its length in hours; default 24\n"
	  "  --person ID         only deadlines this person would be charged for\n"
	  "  --property ID       only this property's cases\n"
	  "  --reminders         the reminders due in the window instead of the deadlines\n"
	  POLICY_OPT DB_OPT KEY_OPT JSON_OPT LANG_OPT,
	  "hotline due --hours 8 --person wangwei --db sqlite:hotline.db" },
	{ "sweep", "hotline sweep --before INSTANT [--limit N] [--db URI] [--json] [--lang zh|en]",
	  "the cases due before an instant, earliest first",
	  "  --before INSTANT    due before this instant\n"
	  "  --limit N           at most N cases; 0 (default): all\n"
	  DB_OPT KEY_OPT
	  "  --json              one case snapshot (JSON) a line instead of a table\n"
	  LANG_OPT,
	  "hotline sweep --before 2026-11-26T20:00:00+08:00 --limit 20 --db sqlite:hotline.db" },
	{ "explain", "hotline explain CASE [--as-of INSTANT] [--policy NAME|FILE] [--db URI] [--json] [--lang zh|en]",
	  "each deadline and penalty of a case with its article, who and why",
	  "  --as-of INSTANT     explain at this instant; default now\n"
	  POLICY_OPT DB_OPT KEY_OPT
	  "  --json              the library's explanation document instead of the page\n"
	  LANG_OPT,
	  "hotline explain 2026-11-0002 --as-of 2026-11-26T20:00:00+08:00 --db sqlite:hotline.db" },
	{ "assess", "hotline assess --as-of INSTANT [--format json|csv] [--policy NAME|FILE] [--db URI]",
	  "the monthly assessment: penalties, open deadlines, rates (JSON or CSV)",
	  "  --as-of INSTANT     assess at this instant (required)\n"
	  "  --format json|csv   the document's format; default json\n"
	  POLICY_OPT DB_OPT KEY_OPT,
	  "hotline assess --as-of 2026-11-27T00:00:00+08:00 --format csv --db sqlite:hotline.db" },
	{ "report", "hotline report --as-of INSTANT -o FILE [--lang zh|en] [--policy NAME|FILE] [--db URI]",
	  "the monthly report as a self-contained HTML page",
	  "  --as-of INSTANT     the report's instant (required)\n"
	  "  -o FILE             the page to write; - for standard output\n"
	  "  --lang zh|en        the page's language; default the locale\n"
	  POLICY_OPT DB_OPT,
	  "hotline report --as-of 2026-11-27T00:00:00+08:00 --lang zh -o report.html --db sqlite:hotline.db" },
	{ "statement", "hotline statement --person ID --month YYYY-MM [--as-of INSTANT] [--json | --format csv] "
	  "[--lang zh|en] [--policy NAME|FILE] [--db URI]",
	  "one person's penalties of a month with the bonus cap (工资条), for payroll",
	  "  --person ID         the person (required)\n"
	  "  --month YYYY-MM     the month: its assessment period, ending on the 27th (required)\n"
	  "  --as-of INSTANT     an instant inside the period; default its end\n"
	  "  --json              the library's JSON document instead of a table\n"
	  "  --format csv        a line per penalty and a total row, for payroll\n"
	  LANG_OPT POLICY_OPT DB_OPT,
	  "hotline statement --person liqiang --month 2026-11 --lang zh --db sqlite:hotline.db" },
	{ "directory", "hotline directory [--as-of INSTANT] [--db URI] [--json] [--lang zh|en]",
	  "the people, properties and bonuses in force",
	  "  --as-of INSTANT     as in force at this instant; default every definition so far\n"
	  DB_OPT JSON_OPT LANG_OPT,
	  "hotline directory --as-of 2026-11-15T00:00:00+08:00 --db sqlite:hotline.db" },
	{ "lifecycle", "hotline lifecycle",
	  "the case lifecycle table: states, commands, who may act (JSON)",
	  "  (no options)\n",
	  "hotline lifecycle" },
	{ "verify-log", "hotline verify-log [CASE] [--checkpoint FILE [--public-key FILE]] [--json] [--db URI]",
	  "check every hash chain and rebuild the snapshots from the events",
	  "  CASE                only this case's stream\n"
	  "  --checkpoint FILE   also check that the log holds what this checkpoint covers\n"
	  "  --public-key FILE   and that the checkpoint is signed by this key\n"
	  "  --json              every finding as a JSON report\n"
	  DB_OPT,
	  "hotline verify-log --db sqlite:hotline.db --checkpoint ckpt.txt --public-key signer.pub" },
	{ "checkpoint", "hotline checkpoint [--key FILE] [--up-to SEQ] [--print-public-key] [--db URI]",
	  "a checkpoint line of the log, signed with --key",
	  "  --key FILE          the signing key (hex or raw; never on the command line)\n"
	  "  --up-to SEQ         cover the log up to this seq; default all of it\n"
	  "  --print-public-key  print the public key of --key and stop\n"
	  DB_OPT,
	  "hotline checkpoint --key signer.key --db sqlite:hotline.db > ckpt.txt" },
	{ "encryption", "hotline encryption [--json] [--db URI]",
	  "how the database keeps owners' personal data",
	  "  --json              only the JSON document\n"
	  DB_OPT KEY_OPT,
	  "hotline encryption --db sqlite:hotline.db" },
	{ "encrypt", "hotline encrypt [--key-file FILE] [--db URI]",
	  "encrypt the personal data of a database made before encryption",
	  DB_OPT KEY_OPT,
	  "hotline encrypt --key-file hotline.key --db sqlite:hotline.db" },
	{ "rotate-key", "hotline rotate-key --new-key-file FILE [--key-file FILE] [--db URI]",
	  "wrap every data key with a new key-encryption key",
	  "  --new-key-file FILE the new key\n"
	  DB_OPT KEY_OPT,
	  "hotline rotate-key --key-file old.key --new-key-file new.key --db sqlite:hotline.db" },
	{ "calendar", "hotline calendar [--db URI] [--json] [--lang zh|en]  |  hotline calendar adopt YEAR "
	  "(--file FILE [--format json|ical] | --builtin) [--actor ID] [--at INSTANT] [--policy NAME|FILE] [--db URI]",
	  "the working-day calendar the database records; adopt a year's holidays",
	  "  adopt YEAR          record YEAR's holidays and make-up working days (a `calendar` line)\n"
	  "  --file FILE         from this file: cn-holidays JSON, or iCalendar (.ics)\n"
	  "  --format json|ical  the file's format; default from its name (.ics: ical), else json\n"
	  "  --builtin           from the library's own data for YEAR\n"
	  "  --actor ID          the administrator who adopts it (none while the directory has none)\n"
	  "  --at INSTANT        when it was adopted; default now\n"
	  POLICY_OPT DB_OPT JSON_OPT LANG_OPT,
	  "hotline calendar adopt 2027 --file cn-holidays-2027.json --actor admin --db sqlite:hotline.db" },
	{ "policy", "hotline policy [--policy NAME|FILE] [--db URI] [--json] [--lang zh|en]  |  hotline policy set "
	  "NAME|FILE --at INSTANT [--actor ID] [--db URI]",
	  "the policy the database records, and the one a reading call would use; change it from an instant on",
	  "  --policy NAME|FILE  a what-if: the policy a reading call would use instead\n"
	  "  set NAME|FILE       record a `policy` line: this policy in force from --at on\n"
	  "  --at INSTANT        from when it is in force (required with set)\n"
	  "  --actor ID          the administrator who changes it (none while the directory has none)\n"
	  DB_OPT JSON_OPT LANG_OPT,
	  "hotline policy --db sqlite:hotline.db" },
	{ "follow", "hotline follow [--notifications] [--from CURSOR] [--until INSTANT] [--once] [--limit N] [--pages] [--db URI]",
	  "the events (or notifications) after a cursor as JSON lines, waiting for more",
	  "  --notifications     reminders, breaches and penalties instead of the events\n"
	  "  --from CURSOR       start after this cursor (every line carries the cursor after it)\n"
	  "  --until INSTANT     stop once the clock passes INSTANT (notifications: those up to it)\n"
	  "  --once              print what there is and stop\n"
	  "  --limit N           the page size; default 100\n"
	  "  --pages             each page's whole JSON document on a line instead of one line per item\n"
	  DB_OPT KEY_OPT,
	  "hotline follow --notifications --until 2026-11-27T00:00:00+08:00 --db sqlite:hotline.db" },
	{ "help", "hotline help [CMD]", "this list, or one subcommand's options and example", "", "hotline help due" },
};
#define NCOMMANDS (sizeof(COMMANDS) / sizeof(COMMANDS[0]))

static const command_help *find_command(const char *name)
{
	size_t i;
	for (i = 0; name && i < NCOMMANDS; i++)
		if (strcmp(COMMANDS[i].name, name) == 0)
			return &COMMANDS[i];
	return NULL;
}

static const char EXIT_CODES[] =
	"exit status:\n"
	"  0  success (replay also when some lines were refused)\n"
	"  1  the command failed, or replay --expect found differences\n"
	"  2  usage error\n";

static void overview(FILE *f)
{
	size_t i;
	fputs("usage: hotline COMMAND [OPTIONS]   (hotline help COMMAND, hotline COMMAND --help)\n\ncommands:\n", f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-11s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
	fputs("\nenvironment:\n"
		"  HOTLINE_DB        the database when --db is not given\n"
		"  HOTLINE_KEY_FILE  the file holding the key of owners' personal data\n"
		"  LC_ALL, LC_MESSAGES, LANG  a locale starting with \"zh\": tables in Chinese (else --lang)\n\n", f);
	fputs(EXIT_CODES, f);
	fputs("\nhotline --version prints the library's version. More: docs/cli.md\n", f);
}

static void command_help_print(FILE *f, const command_help *c)
{
	fprintf(f, "usage: %s\n\n%s\n\n", c->synopsis, c->summary);
	if (*c->options)
		fprintf(f, "options:\n%s\n", c->options);
	fprintf(f, "example:\n  %s\n\n%s", c->example, EXIT_CODES);
}

static const char *g_cmd;   /* the subcommand being run, for usage errors */

/* A usage error: the subcommand's synopsis (or the list) on stderr. */
static void usage(FILE *f)
{
	const command_help *c = find_command(g_cmd);
	if (c)
		fprintf(f, T("usage: %s\n(hotline %s --help: its options and an example)\n"), c->synopsis, c->name);
	else
		overview(f);
}

/* ---------------------------------------------------------------- arguments */

typedef struct args {
	const char *policy, *db, *as_of, *format, *before, *limit;
	const char *checkpoint, *public_key, *key, *up_to;   /* files (keys never on the command line), a seq */
	const char *key_file, *new_key_file, *phone;         /* owners' personal data */
	const char *lang, *property, *state, *registered_from, *registered_to;
	const char *from, *to, *hours, *person, *expect, *month;
	const char *file, *holidays, *actor, *at;            /* the calendar */
	int json, print_public_key, unencrypted, overdue, org, reminders, help, builtin, strict;
	const char **pos;
	int npos;
} args;

static int parse_args(int argc, char **argv, args *a)
{
	static const struct { const char *name; size_t off; } valued[] = {
		{ "--policy", offsetof(args, policy) }, { "--db", offsetof(args, db) },
		{ "--as-of", offsetof(args, as_of) }, { "--format", offsetof(args, format) },
		{ "--before", offsetof(args, before) }, { "--limit", offsetof(args, limit) },
		{ "--checkpoint", offsetof(args, checkpoint) }, { "--public-key", offsetof(args, public_key) },
		{ "--key", offsetof(args, key) }, { "--up-to", offsetof(args, up_to) },
		{ "--key-file", offsetof(args, key_file) }, { "--new-key-file", offsetof(args, new_key_file) },
		{ "--phone", offsetof(args, phone) }, { "--lang", offsetof(args, lang) },
		{ "--property", offsetof(args, property) }, { "--state", offsetof(args, state) },
		{ "--registered-from", offsetof(args, registered_from) },
		{ "--registered-to", offsetof(args, registered_to) },
		{ "--from", offsetof(args, from) }, { "--to", offsetof(args, to) }, { "--hours", offsetof(args, hours) },
		{ "--person", offsetof(args, person) }, { "--expect", offsetof(args, expect) },
		{ "--month", offsetof(args, month) },
		{ "--file", offsetof(args, file) }, { "--holidays", offsetof(args, holidays) },
		{ "--actor", offsetof(args, actor) }, { "--at", offsetof(args, at) },
	};
	static const struct { const char *name; size_t off; } flags[] = {
		{ "--json", offsetof(args, json) }, { "--print-public-key", offsetof(args, print_public_key) },
		{ "--unencrypted", offsetof(args, unencrypted) }, { "--overdue", offsetof(args, overdue) },
		{ "--org", offsetof(args, org) }, { "--strict", offsetof(args, strict) }, { "--reminders", offsetof(args, reminders) },
		{ "--help", offsetof(args, help) }, { "-h", offsetof(args, help) },
		{ "--builtin", offsetof(args, builtin) },
	};
	int i;
	memset(a, 0, sizeof(*a));
	a->pos = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->pos)
		return -1;
	for (i = 2; i < argc; i++) {
		size_t k;
		int done = 0;
		for (k = 0; !done && k < sizeof(flags) / sizeof(flags[0]); k++)
			if (strcmp(argv[i], flags[k].name) == 0) {
				*(int *)(void *)((char *)a + flags[k].off) = 1;
				done = 1;
			}
		for (k = 0; !done && k < sizeof(valued) / sizeof(valued[0]); k++)
			if (strcmp(argv[i], valued[k].name) == 0) {
				if (i + 1 >= argc) {
					fprintf(stderr, T("hotline: %s needs a value\n"), argv[i]);
					return -1;
				}
				*(const char **)(void *)((char *)a + valued[k].off) = argv[++i];
				done = 1;
			}
		if (done)
			continue;
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
			fprintf(stderr, T("hotline: unknown option %s\n"), argv[i]);
			return -1;
		}
		a->pos[a->npos++] = argv[i];
	}
	/* replay without --db is a dry run in memory: an exported HOTLINE_DB never receives it unasked */
	if (!a->db && strcmp(argv[1], "replay") != 0) {
		const char *env = getenv("HOTLINE_DB");
		if (env && *env)
			a->db = env;
	}
	if (a->lang && strcmp(a->lang, "zh") != 0 && strcmp(a->lang, "en") != 0) {
		fputs(T("hotline: --lang is zh or en\n"), stderr);
		return -1;
	}
	return 0;
}

/* --lang, else the locale (LC_ALL, LC_MESSAGES, LANG: the first one set) starting with "zh". */
static int zh(const args *a)
{
	return a->lang ? strcmp(a->lang, "zh") == 0 : label_locale_zh();
}

/* ---------------------------------------------------------------- tables */


typedef struct table {
	size_t ncols, nrows, cap;
	char **cells;   /* row-major; row 0 the headers */
} table;

static void table_init(table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (!d) {
		fputs("hotline: out of memory\n", stderr);
		exit(1);
	}
	return memcpy(d, s, n);
}

static void table_free(table *t)
{
	size_t i;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

/* Appends a row of ncols cells (NULL: empty). */
static void table_add(table *t, ...)
{
	va_list ap;
	size_t i;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		char **cells = realloc(t->cells, cap * t->ncols * sizeof(char *));
		if (!cells) {
			fputs("hotline: out of memory\n", stderr);
			exit(1);
		}
		t->cells = cells;
		t->cap = cap;
	}
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		t->cells[t->nrows * t->ncols + i] = xstrdup(s ? s : "");
	}
	va_end(ap);
	t->nrows++;
}

/* Prints the table with aligned columns (a rule under the headers) and frees it. */
static void table_print(table *t)
{
	size_t *w = calloc(t->ncols, sizeof(size_t)), r, c;
	for (r = 0; w && r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t n = label_width(t->cells[r * t->ncols + c]);
			if (n > w[c])
				w[c] = n;
		}
	for (r = 0; w && r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			fputs(s, stdout);
			if (c + 1 < t->ncols)
				printf("%*s", (int)(w[c] - label_width(s) + 2), "");
		}
		putchar('\n');
		if (r == 0) {
			for (c = 0; c < t->ncols; c++) {
				size_t k;
				for (k = 0; k < w[c]; k++)
					putchar('-');
				if (c + 1 < t->ncols)
					fputs("  ", stdout);
			}
			putchar('\n');
		}
	}
	table_free(t);
	free(w);
}

#define L(zh_text, en_text) (lang_zh ? (zh_text) : (en_text))

/* A JSON value as a cell: strings as they are, arrays joined with ", ", null and absent as empty. */
static void cell_text(char *buf, size_t size, const json_t *v)
{
	buf[0] = '\0';
	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_true(v))
		snprintf(buf, size, "true");
	else if (json_is_false(v))
		snprintf(buf, size, "false");
	else if (json_is_array(v)) {
		size_t i, used = 0;
		for (i = 0; i < json_array_size(v) && used + 1 < size; i++) {
			char item[256];
			cell_text(item, sizeof(item), json_array_get(v, i));
			used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", item);
		}
	}
}

static json_t *parse_doc(const char *text)
{
	json_error_t err;
	json_t *doc = json_loads(text, 0, &err);
	if (!doc)
		fprintf(stderr, "hotline: unreadable document: %s\n", err.text);
	return doc;
}

/* An instant in the database's zone as people read it in a table, "2026-11-05 11:05"; "" for none. */
static void instant_text(char *buf, size_t size, hotline_time t, int zone)
{
	char iso[HOTLINE_TIME_TEXT_SIZE];
	if (t == HOTLINE_TIME_NONE || hotline_time_format(iso, sizeof(iso), t, zone) != 0)
		buf[0] = '\0';
	else
		label_local_time(buf, size, iso);
}

/* People's and properties' names beside their ids in tables: the directory's latest definitions. */
static label_names g_names;

static void names_load(hotline_db *db)
{
	char *dir = NULL;
	label_names_free(&g_names);
	label_names_load(&g_names, hotline_db_directory(&dir, db, HOTLINE_TIME_NONE) == 0 ? dir : NULL);
	hotline_free(dir);
}

/* "王伟 (wangwei)" in a buffer the caller gives; "—" for none. */
static const char *person_text(char *buf, size_t size, const char *id)
{
	label_person(buf, size, &g_names, id && *id ? id : NULL);
	return buf;
}

static const char *property_text(char *buf, size_t size, const char *id)
{
	label_property(buf, size, &g_names, id && *id ? id : NULL);
	return buf;
}

/* "1 case" / "2 cases" / "共 2 件": the plural forms of the catalogue (one, many: "%zu …\n"). */
static void print_count(size_t n, const char *one, const char *many)
{
	printf(NT(one, many, n), n);
}

/* A duration for people: "2d 3h 5m" / "2天3小时5分". */
static void duration_text(char *buf, size_t size, int64_t s, int lang_zh)
{
	int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
	if (d)
		snprintf(buf, size, lang_zh ? "%" PRId64 "天%" PRId64 "小时%" PRId64 "分" : "%" PRId64 "d %" PRId64 "h %" PRId64 "m",
			d, h, m);
	else if (h)
		snprintf(buf, size, lang_zh ? "%" PRId64 "小时%" PRId64 "分" : "%" PRId64 "h %" PRId64 "m", h, m);
	else
		snprintf(buf, size, lang_zh ? "%" PRId64 "分" : "%" PRId64 "m", m);
}

/* ---------------------------------------------------------------- commands */

/* A failure, the library's detail in the tool's language (errmsg.c). */
static int fail(const char *what)
{
	char buf[1024];
	fprintf(stderr, T("hotline: %s\n"), errmsg_text(buf, sizeof(buf), what));
	return 1;
}

/* A refusal or failure of the library, its code's words first: "hotline: 未找到：没有案件“C9”". */
static int fail_db(hotline_db *db)
{
	const char *code = hotline_error_name(hotline_db_errcode(db));
	const char *words = code ? T(code) : NULL;
	char buf[1024];
	const char *msg = errmsg_text(buf, sizeof(buf), hotline_db_errmsg(db));
	if (words && words != code && strcmp(words, code) != 0)
		fprintf(stderr, T("hotline: %s: %s\n"), words, msg);
	else
		fprintf(stderr, T("hotline: %s\n"), msg);
	return 1;
}

/*
 * A document that counted a day of a year the database has no holiday data
 * for marks it "provisional" (DESIGN §6.7): say so where people look.
 */
static void warn_provisional(void)
{
	fputs(T("hotline: warning: some deadlines are provisional: they count days of a year the database has no "
		"holiday data for as Monday-Friday working days; adopt that year's calendar (hotline calendar adopt)\n"), stderr);
}

static int says_provisional(const char *doc)
{
	return doc && strstr(doc, "\"provisional\"") != NULL;
}

/*
 * A date alone ("2026-11-27") is the start of that day in the database's
 * zone: `--as-of 2026-11-27` assesses November, whose period ends then. It
 * is read at +08:00 first and moved to the database's zone once it is open.
 */
static hotline_time *g_dates[16];
static size_t g_ndates;

static int date_only(const char *s)
{
	int i;
	for (i = 0; i < 10; i++)
		if (!s[i] || ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9')))
			return 0;
	return s[10] == '\0';
}

static void dates_to_zone(int zone)
{
	size_t i;
	for (i = 0; i < g_ndates; i++)
		*g_dates[i] += (hotline_time)(ZONE_MIN - zone) * 60;
	g_ndates = 0;
}

static int parse_instant(const char *s, hotline_time *t)
{
	if (s && date_only(s)) {
		char full[32];
		snprintf(full, sizeof(full), "%sT00:00:00+08:00", s);
		if (hotline_time_parse(t, full) == 0) {
			if (g_ndates < sizeof(g_dates) / sizeof(g_dates[0]))
				g_dates[g_ndates++] = t;
			return 0;
		}
	}
	if (hotline_time_parse(t, s) != 0) {
		fprintf(stderr, "hotline: %s\n", hotline_last_error());
		return -1;
	}
	return 0;
}

/* The key-encryption key: --key-file, else $HOTLINE_KEY_FILE; 0 none, 1 read, -1 unreadable (reported). */
static int read_kek(const args *a, unsigned char key[HOTLINE_KEY_BYTES], char id[65])
{
	const char *path = a->key_file ? a->key_file : getenv("HOTLINE_KEY_FILE");
	if (!path || !*path)
		return 0;
	if (hotline_key_file_read(path, key, id, 65) != 0) {
		fprintf(stderr, "hotline: %s\n", hotline_last_error());
		return -1;
	}
	return 1;
}

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

/* Opens --db with the key when one is given; read-only unless `mode` says otherwise. */
static int db_zone(hotline_db *db);

static int open_db_mode(const args *a, hotline_db **db, int mode)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	unsigned char key[HOTLINE_KEY_BYTES];
	char id[65];
	int k, rc = 0;
	if (!a->db) {
		fputs(T("hotline: --db URI is required\n"), stderr);
		return 2;
	}
	if ((k = read_kek(a, key, id)) < 0)
		return 1;
	o.policy = a->policy;
	o.mode = mode;
	if (k) {
		o.key = key;
		o.key_id = id;
	}
	if (hotline_db_open(db, a->db, &o) != 0)
		rc = fail(hotline_last_error());
	else
		dates_to_zone(db_zone(*db));
	wipe(key, sizeof(key));
	return rc;
}

/* Every subcommand but replay, encrypt and rotate-key only reads: it opens read-only (never creates or writes the file). */
static int open_db(const args *a, hotline_db **db)
{
	return open_db_mode(a, db, HOTLINE_OPEN_READ_ONLY);
}

/* A whole file's text; NULL when unreadable (reported). */
static char *read_file_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	if (!f) {
		fprintf(stderr, T("hotline: cannot read %s\n"), path);
		return NULL;
	}
	for (;;) {
		size_t got;
		if (cap - n < 4096) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 65536);
			if (!b) {
				free(buf);
				fclose(f);
				fputs("hotline: out of memory\n", stderr);
				return NULL;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* A script that only checks the exit status still hears that lines were refused. */
/* The commands in the scenario files: their non-blank lines (an unreadable file counts none). */
static size_t count_lines(const char *const *files, int n)
{
	size_t count = 0;
	int i, c, blank;
	for (i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "rb");
		if (!f)
			continue;
		for (blank = 1; (c = getc(f)) != EOF;) {
			if (c == '\n') {
				count += !blank;
				blank = 1;
			} else if (c != ' ' && c != '\t' && c != '\r')
				blank = 0;
		}
		count += !blank;
		fclose(f);
	}
	return count;
}

/*
 * Says on stderr how many lines were refused and why, "12 of 40 lines
 * refused: forbidden ×10, not_found ×2"; returns how many.
 */
static size_t warn_refused(const char *document, size_t lines)
{
	const char *p = strstr(document, "\"refused\":");
	json_t *doc, *codes, *r;
	size_t n, i, used = 0;
	char summary[512];
	if (!p)
		return 0;
	/* the usual answer, an empty list, without parsing the whole document */
	for (p += strlen("\"refused\":"); *p == ' ' || *p == '\n' || *p == '['; p++)
		;
	if (*p == ']')
		return 0;
	doc = json_loads(document, 0, NULL);
	n = json_array_size(json_object_get(doc, "refused"));
	/* the codes in the order they first appear, each with its count */
	codes = json_object();
	json_array_foreach(json_object_get(doc, "refused"), i, r) {
		const char *code = json_string_value(json_object_get(r, "code"));
		json_t *k = json_object_get(codes, code ? code : "?");
		json_object_set_new(codes, code ? code : "?", json_integer(k ? json_integer_value(k) + 1 : 1));
	}
	summary[0] = '\0';
	{
		const char *code;
		json_t *k;
		json_object_foreach(codes, code, k)
			if (used + 1 < sizeof(summary))
				used += (size_t)snprintf(summary + used, sizeof(summary) - used, "%s%s ×%" JSON_INTEGER_FORMAT,
					used ? T(", ") : "", T(code), json_integer_value(k));
	}
	if (n)
		fprintf(stderr, NT("hotline: %zu of %zu line refused: %s (listed under \"refused\")\n",
			"hotline: %zu of %zu lines refused: %s (listed under \"refused\")\n", lines < n ? n : lines),
			n, lines < n ? n : lines, summary);
	json_decref(codes);
	json_decref(doc);
	return n;
}

static int holiday_lines(const args *a, const char *path, char **text);
static void warn_calendar_end(hotline_db *db);

/*
 * replay --holidays: the file's `calendar` lines go first, as a scenario
 * file of their own (a temporary file), so the rest computes with them.
 */
static int replay_holidays(const args *a, char *path, size_t size, const char ***files)
{
	const char *tmp = getenv("TMPDIR");
	char *lines = NULL;
	FILE *f;
	int fd, i;
	if (holiday_lines(a, a->holidays, &lines) != 0)
		return -1;
	snprintf(path, size, "%s/hotline-holidays-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "hotline: cannot write a temporary file in %s\n", tmp && *tmp ? tmp : "/tmp");
		free(lines);
		return -1;
	}
	fputs(lines, f);
	free(lines);
	if (fclose(f) != 0 || !(*files = calloc((size_t)a->npos + 2, sizeof(char *)))) {
		remove(path);
		return -1;
	}
	(*files)[0] = path;
	for (i = 0; i < a->npos; i++)
		(*files)[i + 1] = a->pos[i];
	return 0;
}

static int cmd_replay(const args *a)
{
	hotline_replay_options o = HOTLINE_REPLAY_OPTIONS_INIT;
	char hol_path[512];
	const char **files = NULL;
	char *out = NULL, *expected = NULL;
	unsigned char key[HOTLINE_KEY_BYTES];
	char id[65];
	int k, rc;
	size_t refused = 0;
	json_t *doc_refused = NULL;
	if (a->npos == 0) {
		usage(stderr);
		return 2;
	}
	o.policy = a->policy;
	o.db_uri = a->db;
	if (a->as_of && parse_instant(a->as_of, &o.as_of) != 0)
		return 2;
	if (a->expect && !(expected = read_file_text(a->expect)))
		return 1;
	if (a->holidays && replay_holidays(a, hol_path, sizeof(hol_path), &files) != 0) {
		free(expected);
		return 1;
	}
	if ((k = read_kek(a, key, id)) < 0) {
		free(expected);
		return 1;
	}
	if (k) {
		o.key = key;
		o.key_id = id;
	}
	if (a->unencrypted)
		o.db_flags = HOTLINE_DB_UNENCRYPTED;
	rc = hotline_replay(&out, files ? files : a->pos, (size_t)a->npos + (files ? 1 : 0), &o);
	wipe(key, sizeof(key));
	if (files) {
		remove(hol_path);
		free(files);
	}
	if (rc != 0) {
		free(expected);
		return fail(hotline_last_error());
	}
	if (!expected || a->json)
		puts(out);
	if (!expected)
		refused = warn_refused(out, count_lines(a->pos, a->npos));
	else if (a->strict)
		refused = json_array_size(json_object_get(doc_refused = json_loads(out, 0, NULL), "refused"));
	json_decref(doc_refused);
	if (says_provisional(out))
		warn_provisional();
	if (expected) {
		char *differences = NULL;
		if (hotline_expect(&differences, out, expected) != 0) {
			fprintf(stderr, "hotline: %s: %s\n", a->expect, hotline_last_error());
			rc = 1;
		} else if (differences) {
			fputs(differences, stdout);
			if (*differences && differences[strlen(differences) - 1] != '\n')
				putchar('\n');
			hotline_free(differences);
			rc = 1;
		}
		free(expected);
	}
	/* --strict: a script that must not go on after any refusal */
	if (rc == 0 && a->strict && refused)
		rc = 1;
	hotline_free(out);
	return rc;
}

/* A case snapshot as a table of fields, ledger included. */
/* A field of the case snapshot as people read it: words for enums, names beside ids, local times. */
static void field_text(char *buf, size_t size, const char *key, const json_t *v, int lang_zh)
{
	static const char *const enums[] = { "state", "approval", "kind", "severity" };
	static const char *const persons[] = { "call_taker", "order_taker" };
	static const char *const times[] = { "exempt_from", "registered_at", "dispatched_at", "next_due", "requested_at",
		"erased_at" };
	size_t i;
	for (i = 0; json_is_string(v) && i < sizeof(enums) / sizeof(enums[0]); i++)
		if (strcmp(key, enums[i]) == 0) {
			snprintf(buf, size, "%s", label_of(json_string_value(v), lang_zh));
			return;
		}
	for (i = 0; json_is_string(v) && i < sizeof(persons) / sizeof(persons[0]); i++)
		if (strcmp(key, persons[i]) == 0) {
			person_text(buf, size, json_string_value(v));
			return;
		}
	for (i = 0; json_is_string(v) && i < sizeof(times) / sizeof(times[0]); i++)
		if (strcmp(key, times[i]) == 0) {
			label_local_time(buf, size, json_string_value(v));
			return;
		}
	if (json_is_string(v) && strcmp(key, "property") == 0)
		property_text(buf, size, json_string_value(v));
	else if (json_is_boolean(v) && lang_zh)
		snprintf(buf, size, "%s", json_is_true(v) ? "是" : "否");
	else
		cell_text(buf, size, v);
}

static void print_case_fields(const char *json, int lang_zh)
{
	static const struct { const char *key, *zh, *en; } fields[] = {
		{ "id", "案件", "case" }, { "property", "楼盘", "property" }, { "state", "状态", "state" },
		{ "approval", "审批", "approval" }, { "exempt", "不纳入考核", "exempt" },
		{ "exempt_from", "不纳入考核自", "exempt from" }, { "version", "版本", "version" },
		{ "registered_at", "登记时间", "registered at" }, { "dispatched_at", "派单时间", "dispatched at" },
		{ "next_due", "下一期限", "next due" }, { "requested_at", "申请时间", "requested at" },
		{ "erased_at", "个人信息删除时间", "erased at" },
	};
	static const struct { const char *key, *zh, *en; } ledger[] = {
		{ "owner", "业主", "owner" }, { "phone", "电话", "phone" }, { "room", "房号", "room" },
		{ "matter", "事项", "matter" }, { "kind", "类别", "kind" }, { "severity", "紧急程度", "severity" },
		{ "call_taker", "接听人", "call taker" }, { "order_taker", "接单人", "order taker" },
	};
	json_t *doc = parse_doc(json), *lg;
	table t;
	size_t i;
	char buf[1024];
	if (!doc)
		return;
	table_init(&t, 2);
	table_add(&t, L("字段", "field"), L("值", "value"));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		json_t *v = json_object_get(doc, fields[i].key);
		if (!v)
			continue;
		field_text(buf, sizeof(buf), fields[i].key, v, lang_zh);
		table_add(&t, L(fields[i].zh, fields[i].en), buf);
	}
	lg = json_object_get(doc, "ledger");
	for (i = 0; lg && i < sizeof(ledger) / sizeof(ledger[0]); i++) {
		json_t *v = json_object_get(lg, ledger[i].key);
		if (!v)
			continue;
		field_text(buf, sizeof(buf), ledger[i].key, v, lang_zh);
		table_add(&t, L(ledger[i].zh, ledger[i].en), buf);
	}
	table_print(&t);
	json_decref(doc);
}

static int cmd_show(const args *a)
{
	hotline_db *db;
	hotline_case *c;
	int rc;
	if (a->npos != 1) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_case(&c, db, a->pos[0]) != 0) {
		rc = fail_db(db);
	} else {
		if (a->json)
			puts(hotline_case_json(c));
		else {
			names_load(db);
			print_case_fields(hotline_case_json(c), zh(a));
		}
		hotline_case_free(c);
	}
	hotline_db_close(db);
	return rc;
}

/* The filters of `hotline cases` the library does not apply itself. */
typedef struct case_filter {
	const char *property;
	int state;
	hotline_time registered_from, registered_to, overdue_at;   /* HOTLINE_TIME_NONE: no bound */
} case_filter;

static int case_matches(const hotline_case *c, const case_filter *f)
{
	hotline_time reg = hotline_case_registered_at(c), due = hotline_case_next_due(c);
	if (f->property && strcmp(hotline_case_property(c), f->property) != 0)
		return 0;
	if (f->state >= 0 && (int)hotline_case_state(c) != f->state)
		return 0;
	if (f->registered_from != HOTLINE_TIME_NONE && reg < f->registered_from)
		return 0;
	if (f->registered_to != HOTLINE_TIME_NONE && reg >= f->registered_to)
		return 0;
	if (f->overdue_at != HOTLINE_TIME_NONE && (due == HOTLINE_TIME_NONE || due >= f->overdue_at))
		return 0;
	return 1;
}

static void case_row(table *t, const hotline_case *c, int zone, int lang_zh)
{
	char reg[HOTLINE_TIME_TEXT_SIZE], due[HOTLINE_TIME_TEXT_SIZE], prop[256];
	instant_text(reg, sizeof(reg), hotline_case_registered_at(c), zone);
	instant_text(due, sizeof(due), hotline_case_next_due(c), zone);
	table_add(t, hotline_case_id(c), property_text(prop, sizeof(prop), hotline_case_property(c)),
		label_of(hotline_state_name(hotline_case_state(c)), lang_zh), reg, due);
}

static int db_zone(hotline_db *db)
{
	int zone = ZONE_MIN;
	if (hotline_db_zone_offset(db, &zone) != 0)
		zone = ZONE_MIN;
	return zone;
}

/* Cases by property, state, registration and lateness; or an owner's earlier cases by phone (needs the key). */
static int cmd_cases(const args *a)
{
	hotline_case_query q = HOTLINE_CASE_QUERY_INIT;
	case_filter f = { NULL, -1, HOTLINE_TIME_NONE, HOTLINE_TIME_NONE, HOTLINE_TIME_NONE };
	hotline_db *db;
	hotline_case_list *l = NULL;
	char *last = NULL;
	table t;
	int rc, lang_zh = zh(a), zone;
	size_t i, shown = 0;
	if (a->npos != 0) {
		usage(stderr);
		return 2;
	}
	f.property = a->property;
	if (a->state && hotline_state_from_name(&f.state, a->state) != 0) {
		fprintf(stderr, T("hotline: no state '%s'\n"), a->state);
		return 2;
	}
	if ((a->registered_from && parse_instant(a->registered_from, &f.registered_from) != 0) ||
		(a->registered_to && parse_instant(a->registered_to, &f.registered_to) != 0) ||
		(a->as_of && parse_instant(a->as_of, &f.overdue_at) != 0))
		return 2;
	if (a->overdue && !a->as_of)
		f.overdue_at = (hotline_time)time(NULL);
	else if (!a->overdue)
		f.overdue_at = HOTLINE_TIME_NONE;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	zone = db_zone(db);
	if (!a->json)
		names_load(db);
	table_init(&t, 5);
	table_add(&t, L("案件", "case"), L("楼盘", "property"), L("状态", "state"), L("登记时间", "registered at"),
		L("下一期限", "next due"));
	q.property = a->property;
	q.state = f.state;
	q.limit = 500;
	for (;;) {
		int got = a->phone ? hotline_db_cases_by_phone(&l, db, a->phone) : hotline_db_cases_after(&l, db, &q, last);
		size_t n;
		if (got != 0) {
			rc = fail_db(db);
			break;
		}
		n = hotline_case_list_count(l);
		for (i = 0; i < n; i++) {
			const hotline_case *c = hotline_case_list_get(l, i);
			if (!case_matches(c, &f))
				continue;
			shown++;
			if (a->json)
				puts(hotline_case_json(c));
			else
				case_row(&t, c, zone, lang_zh);
		}
		free(last);
		last = n ? xstrdup(hotline_case_id(hotline_case_list_get(l, n - 1))) : NULL;
		hotline_case_list_free(l);
		if (a->phone || n < q.limit || !last)
			break;
	}
	free(last);
	if (!a->json && rc == 0) {
		table_print(&t);
		print_count(shown, "%zu case\n", "%zu cases\n");
	} else {
		table_free(&t);
	}
	hotline_db_close(db);
	return rc;
}

/* How the database keeps personal data, with a sentence for people and the JSON for machines. */
static int cmd_encryption(const args *a)
{
	hotline_db *db;
	char *out = NULL;
	int rc;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_encryption(&out, db) != 0) {
		rc = fail_db(db);
	} else {
		const char *m = strstr(out, "\"mode\":\"");
		const char *ev = strstr(out, "\"clear_events\":");
		long n = ev ? strtol(ev + strlen("\"clear_events\":"), NULL, 10) : 0;
		if (a->json) {
			puts(out);
		} else {
			if (m && strncmp(m + 8, "unencrypted", 11) == 0)
				fputs(T("personal data: NOT encrypted (this database was created unencrypted on purpose)\n"), stdout);
			else if (m && strncmp(m + 8, "encrypted", 9) == 0)
				fputs(T("personal data: encrypted (owner, phone, room)\n"), stdout);
			else
				fputs(T("personal data: no key has been given to this database yet\n"), stdout);
			if (n > 0)
				printf(NT("clear personal data in %ld event logged before encryption\n",
					"clear personal data in %ld events logged before encryption\n", (unsigned long)n), n);
			puts(out);
		}
		hotline_free(out);
	}
	hotline_db_close(db);
	return rc;
}

/* Encrypts the personal data of a database made before encryption (snapshots; old events stay as logged). */
static int cmd_encrypt(const args *a)
{
	hotline_db *db;
	size_t n = 0;
	int rc;
	if ((rc = open_db_mode(a, &db, HOTLINE_OPEN_READ_WRITE)) != 0)
		return rc;
	if (hotline_db_encrypt_existing(db, &n) != 0)
		rc = fail_db(db);
	else
		printf(NT("encrypted the personal data of %zu case\n", "encrypted the personal data of %zu cases\n", n), n);
	hotline_db_close(db);
	return rc;
}

static int cmd_rotate_key(const args *a)
{
	hotline_db *db;
	unsigned char key[HOTLINE_KEY_BYTES];
	char id[65];
	int rc;
	if (!a->new_key_file) {
		usage(stderr);
		return 2;
	}
	if (hotline_key_file_read(a->new_key_file, key, id, sizeof(id)) != 0)
		return fail(hotline_last_error());
	if ((rc = open_db_mode(a, &db, HOTLINE_OPEN_READ_WRITE)) != 0) {
		wipe(key, sizeof(key));
		return rc;
	}
	if (hotline_db_rotate_key(db, key, id) != 0)
		rc = fail_db(db);
	else
		printf(T("every data key is now wrapped by key '%s'\n"), id);
	wipe(key, sizeof(key));
	hotline_db_close(db);
	return rc;
}

static int cmd_history(const args *a)
{
	hotline_db *db;
	hotline_event_list *l;
	size_t i;
	int rc, lang_zh = zh(a);
	if (a->npos != (a->org ? 0 : 1)) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_history(&l, db, a->org ? "" : a->pos[0]) != 0) {
		rc = fail_db(db);
	} else {
		int zone = db_zone(db);
		table t;
		if (!a->json)
			names_load(db);
		table_init(&t, 6);
		table_add(&t, L("序号", "seq"), L("版本", "version"), L("时间", "at"), L("命令", "command"), L("操作人", "actor"),
			L("哈希", "hash"));
		for (i = 0; i < hotline_event_list_count(l); i++) {
			const hotline_event *e = hotline_event_list_get(l, i);
			if (a->json) {
				printf("{\"version\":%" PRId64 ",\"seq\":%" PRId64 ",\"hash\":\"%s\",\"prev_hash\":\"%s\",\"command\":%s}\n",
					hotline_event_version(e), hotline_event_seq(e), hotline_event_hash(e),
					hotline_event_prev_hash(e), hotline_event_json(e));
			} else {
				char seq[24], ver[24], at[HOTLINE_TIME_TEXT_SIZE], hash[13], who[256];
				const char *actor = hotline_event_actor(e);
				snprintf(seq, sizeof(seq), "%" PRId64, hotline_event_seq(e));
				snprintf(ver, sizeof(ver), "%" PRId64, hotline_event_version(e));
				instant_text(at, sizeof(at), hotline_event_at(e), zone);
				snprintf(hash, sizeof(hash), "%s", hotline_event_hash(e));
				table_add(&t, seq, ver, at[0] ? at : "—",
					label_of(hotline_command_name((int)hotline_event_command(e)), lang_zh),
					person_text(who, sizeof(who), actor), hash);
			}
		}
		if (!a->json)
			table_print(&t);
		else
			table_free(&t);
		hotline_event_list_free(l);
	}
	hotline_db_close(db);
	return rc;
}

/* A small file's contents with surrounding whitespace trimmed; *len its length. NULL when unreadable. */
static char *read_small_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf, *p;
	size_t n;
	if (!f) {
		fprintf(stderr, T("hotline: cannot read %s\n"), path);
		return NULL;
	}
	buf = calloc(1, 4097);
	n = buf ? fread(buf, 1, 4096, f) : 0;
	fclose(f);
	if (!buf)
		return NULL;
	p = buf;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	while (n && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
		p++;
		n--;
	}
	memmove(buf, p, n + 1);
	*len = n;
	return buf;
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * A key file: hex text (64 or 128 digits) or the raw bytes (32 or 64).
 * Sizes accepted: `a` or `b` bytes. Returns the key's length, 0 when unusable.
 */
static size_t read_key(const char *path, unsigned char *out, size_t a, size_t b)
{
	size_t n = 0, i, len = 0;
	char *t = read_small_file(path, &n);
	if (!t)
		return 0;
	if (n == 2 * a || n == 2 * b) {
		for (i = 0; i < n / 2; i++) {
			int hi = hex_value(t[2 * i]), lo = hex_value(t[2 * i + 1]);
			if (hi < 0 || lo < 0)
				break;
			out[i] = (unsigned char)(hi * 16 + lo);
		}
		if (i == n / 2)
			len = n / 2;
	}
	if (!len && (n == a || n == b)) {
		memcpy(out, t, n);
		len = n;
	}
	memset(t, 0, n);
	free(t);
	if (!len)
		fprintf(stderr, "hotline: %s is not a key (%zu or %zu bytes, raw or as hex)\n", path, a, b);
	return len;
}

static int cmd_verify(const args *a)
{
	hotline_db *db;
	unsigned char pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES];
	char *ckpt = NULL;
	size_t n_ckpt = 0;
	int64_t n = 0;
	int rc;
	if (a->npos > 1 || (a->public_key && !a->checkpoint)) {
		usage(stderr);
		return 2;
	}
	if (a->checkpoint && !(ckpt = read_small_file(a->checkpoint, &n_ckpt)))
		return 1;
	if (a->public_key && read_key(a->public_key, pk, sizeof(pk), sizeof(pk)) == 0) {
		free(ckpt);
		return 1;
	}
	if ((rc = open_db(a, &db)) != 0) {
		free(ckpt);
		return rc;
	}
	warn_calendar_end(db);
	if (a->json) {
		/* every finding, for machines */
		hotline_verify_options o = HOTLINE_VERIFY_OPTIONS_INIT;
		char *out = NULL;
		int vrc;
		o.case_id = a->npos ? a->pos[0] : NULL;
		o.checkpoint = ckpt;
		o.public_key = a->public_key ? pk : NULL;
		vrc = hotline_db_verify_report(&out, db, &o);
		if (out)
			puts(out);
		else
			rc = fail_db(db);
		if (vrc)
			rc = 1;
		hotline_free(out);
	} else {
		/* both checks first: stdout leads with what failed, never with an "ok" of a run that fails */
		char log_err[1024] = "", ckpt_err[1024] = "";
		if (hotline_db_verify_log(db, a->npos ? a->pos[0] : NULL, &n) != 0)
			snprintf(log_err, sizeof(log_err), "%s", *hotline_db_errmsg(db) ? hotline_db_errmsg(db) : "the log does not verify");
		if (ckpt && hotline_db_verify_checkpoint(db, ckpt, a->public_key ? pk : NULL) != 0)
			snprintf(ckpt_err, sizeof(ckpt_err), "%s", *hotline_db_errmsg(db) ? hotline_db_errmsg(db) : "it does not match");
		if (log_err[0]) {
			rc = fail(log_err);
			printf(T("FAILED: %s\n"), log_err);
		}
		if (ckpt_err[0]) {
			rc = fail(ckpt_err);
			printf(T("FAILED: the log does not hold what the checkpoint covers: %s\n"), ckpt_err);
		}
		if (!log_err[0] && a->npos)
			printf(NT("ok: %lld event, every hash chain intact, snapshots rebuilt from them alike\n",
				"ok: %lld events, every hash chain intact, snapshots rebuilt from them alike\n", (unsigned long)n),
				(long long)n);
		else if (!log_err[0])
			printf(NT("ok: %lld event, every hash chain intact, snapshots and the directory rebuilt from them alike\n",
				"ok: %lld events, every hash chain intact, snapshots and the directory rebuilt from them alike\n",
				(unsigned long)n), (long long)n);
		if (ckpt && !ckpt_err[0])
			fputs(a->public_key ? T("ok: the log holds what the checkpoint covers, signed by that key\n")
				: T("ok: the log holds what the checkpoint covers\n"), stdout);
	}
	free(ckpt);
	hotline_db_close(db);
	return rc;
}

/* A checkpoint of the log (signed with --key), or the public key of --key. */
static int cmd_checkpoint(const args *a)
{
	hotline_checkpoint_options o = HOTLINE_CHECKPOINT_OPTIONS_INIT;
	unsigned char key[HOTLINE_CHECKPOINT_SECRET_KEY_BYTES];
	size_t key_len = 0;
	hotline_db *db;
	char *out;
	int rc;
	if (a->npos || (a->print_public_key && !a->key)) {
		usage(stderr);
		return 2;
	}
	if (a->up_to) {
		char *end;
		long long v = strtoll(a->up_to, &end, 10);
		if (*end || v <= 0) {
			fputs("hotline: --up-to needs a seq of the log\n", stderr);
			return 2;
		}
		o.up_to_seq = v;
	}
	if (a->key && (key_len = read_key(a->key, key, HOTLINE_CHECKPOINT_SEED_BYTES, HOTLINE_CHECKPOINT_SECRET_KEY_BYTES)) == 0)
		return 1;
	if (a->print_public_key) {
		unsigned char pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES];
		size_t i;
		rc = hotline_checkpoint_public_key(pk, key, key_len);
		memset(key, 0, sizeof(key));
		if (rc)
			return fail(hotline_last_error());
		for (i = 0; i < sizeof(pk); i++)
			printf("%02x", pk[i]);
		putchar('\n');
		return 0;
	}
	if ((rc = open_db(a, &db)) != 0) {
		memset(key, 0, sizeof(key));
		return rc;
	}
	if (key_len) {
		o.secret_key = key;
		o.secret_key_len = key_len;
	}
	if (hotline_db_checkpoint(&out, db, &o) != 0) {
		rc = fail_db(db);
	} else {
		puts(out);
		hotline_free(out);
	}
	memset(key, 0, sizeof(key));
	hotline_db_close(db);
	return rc;
}

static int write_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static int contains(const char *data, size_t len, const char *what)
{
	size_t n = strlen(what), i;
	for (i = 0; i + n <= len; i++)
		if (data[i] == what[0] && memcmp(data + i, what, n) == 0)
			return 1;
	return 0;
}

/* Streams to stdout and notices "provisional", also when a chunk boundary cuts the key. */
typedef struct watch {
	char tail[16];
	size_t n_tail;
	int seen;
} watch;

static int write_watching(void *ctx, const char *data, size_t len)
{
	watch *w = ctx;
	char probe[64];
	size_t head = len < sizeof(probe) - w->n_tail - 1 ? len : sizeof(probe) - w->n_tail - 1;
	if (!w->seen) {
		memcpy(probe, w->tail, w->n_tail);
		memcpy(probe + w->n_tail, data, head);
		probe[w->n_tail + head] = '\0';
		w->seen = strstr(probe, "\"provisional\"") != NULL || contains(data, len, "\"provisional\"");
		w->n_tail = len < sizeof(w->tail) ? len : sizeof(w->tail);
		memcpy(w->tail, data + len - w->n_tail, w->n_tail);
	}
	return write_stdout(NULL, data, len);
}

static int cmd_assess(const args *a)
{
	hotline_db *db;
	hotline_time as_of;
	hotline_format fmt = HOTLINE_FORMAT_JSON;
	watch w;
	int rc = 0;
	memset(&w, 0, sizeof(w));
	if (!a->as_of || a->npos) {
		usage(stderr);
		return 2;
	}
	if (parse_instant(a->as_of, &as_of) != 0)
		return 2;
	if (a->format && strcmp(a->format, "csv") == 0)
		fmt = HOTLINE_FORMAT_CSV;
	else if (a->format && strcmp(a->format, "json") != 0) {
		fputs("hotline: --format is json or csv\n", stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	/* streamed: a month of any size goes out without being held in memory */
	if (hotline_db_assess_write(db, as_of, fmt, write_watching, &w) != 0 || fflush(stdout) != 0)
		rc = fail_db(db);
	else if (w.seen)
		warn_provisional();
	hotline_db_close(db);
	return rc;
}

/* One person's penalties of a month (工资条): tools/hotline/statement.c prints them. */
static int cmd_statement(const args *a)
{
	hotline_db *db;
	hotline_time as_of = HOTLINE_TIME_NONE;   /* the end of the month's period */
	char *out;
	int rc, csv = a->format && strcmp(a->format, "csv") == 0;
	if (!a->person || !a->month || a->npos) {
		usage(stderr);
		return 2;
	}
	if (a->format && !csv && strcmp(a->format, "json") != 0) {
		fputs("hotline: --format is json or csv\n", stderr);
		return 2;
	}
	if (a->json && csv) {
		fputs("hotline: --json and --format csv exclude each other\n", stderr);
		return 2;
	}
	if (a->as_of && parse_instant(a->as_of, &as_of) != 0)
		return 2;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_statement_json(&out, db, a->person, a->month, as_of) != 0) {
		rc = fail_db(db);
	} else {
		if (a->json || (a->format && !csv))
			rc = puts(out) < 0 || fflush(stdout) != 0;
		else
			rc = statement_print(out, csv, zh(a));
		hotline_free(out);
	}
	hotline_db_close(db);
	return rc;
}

static int cmd_explain(const args *a)
{
	hotline_db *db;
	hotline_time as_of = (hotline_time)time(NULL);   /* the library never reads the clock: the tool does */
	char *out;
	int rc;
	if (a->npos != 1) {
		usage(stderr);
		return 2;
	}
	if (a->as_of && parse_instant(a->as_of, &as_of) != 0)
		return 2;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_explain(&out, db, a->pos[0], as_of) != 0) {
		rc = fail_db(db);
	} else {
		if (a->json)
			puts(out);
		else
			rc = explain_text_print(stdout, db, out, a->pos[0], zh(a));
		if (says_provisional(out))
			warn_provisional();
		hotline_free(out);
	}
	hotline_db_close(db);
	return rc;
}

/* Open deadlines (or reminders) due in [from, to), with who must act. */
static int cmd_due(const args *a)
{
	hotline_deadline_filter filter = HOTLINE_DEADLINE_FILTER_INIT;
	hotline_time now = (hotline_time)time(NULL), from, to;
	hotline_db *db;
	char *out = NULL;
	int rc, lang_zh = zh(a);
	if (a->npos || (a->to && a->hours)) {
		usage(stderr);
		return 2;
	}
	/* "overdue" is judged against now (the clock, or --as-of), whatever the window */
	if (a->as_of && parse_instant(a->as_of, &now) != 0)
		return 2;
	from = now;
	if (a->from && parse_instant(a->from, &from) != 0)
		return 2;
	if (a->to) {
		if (parse_instant(a->to, &to) != 0)
			return 2;
	} else {
		double h = 24;
		if (a->hours) {
			char *end;
			h = strtod(a->hours, &end);
			if (*end || !(h > 0) || h > 24 * 366 * 10) {
				fputs(T("hotline: --hours needs a positive number\n"), stderr);
				return 2;
			}
		}
		to = from + (hotline_time)(h * 3600);
	}
	filter.person = a->person;
	filter.property = a->property;
	filter.as_of = now;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if ((a->reminders ? hotline_db_reminders(&out, db, from, to, &filter)
			  : hotline_db_deadlines(&out, db, from, to, &filter)) != 0) {
		rc = fail_db(db);
	} else if (a->json) {
		puts(out);
	} else {
		json_t *doc = parse_doc(out), *rows;
		size_t i;
		table t;
		if (!doc) {
			rc = 1;
		} else {
			names_load(db);
			rows = json_object_get(doc, a->reminders ? "reminders" : "deadlines");
			table_init(&t, a->reminders ? 8 : 7);
			if (a->reminders)
				table_add(&t, L("提醒时间", "remind at"), L("期限", "due"), L("案件", "case"), L("楼盘", "property"),
					L("规则(条)", "rule (art.)"), L("内容", "title"), L("责任人", "who must act"),
					L("已超时", "overdue by"));
			else
				table_add(&t, L("期限", "due"), L("案件", "case"), L("楼盘", "property"), L("规则(条)", "rule (art.)"),
					L("内容", "title"), L("责任人", "who must act"), L("已超时", "overdue by"));
			for (i = 0; i < json_array_size(rows); i++) {
				json_t *r = json_array_get(rows, i);
				char remind[64], due[64], kase[256], prop[256], rule[128], title[512], liable[512], late[64];
				hotline_time d;
				label_local_time(remind, sizeof(remind), json_string_value(json_object_get(r, "remind_at")));
				label_local_time(due, sizeof(due), json_string_value(json_object_get(r, "due")));
				cell_text(kase, sizeof(kase), json_object_get(r, "case"));
				if (json_string_value(json_object_get(r, "property")))
					property_text(prop, sizeof(prop), json_string_value(json_object_get(r, "property")));
				else
					prop[0] = '\0';
				snprintf(rule, sizeof(rule), "%s (%" JSON_INTEGER_FORMAT ")",
					json_string_value(json_object_get(r, "rule")) ? json_string_value(json_object_get(r, "rule")) : "",
					json_integer_value(json_object_get(r, "article")));
				cell_text(title, sizeof(title), json_object_get(json_object_get(r, "title"), lang_zh ? "zh" : "en"));
				{
					json_t *who = json_object_get(r, "liable");
					size_t k, used = 0;
					liable[0] = '\0';
					for (k = 0; k < json_array_size(who) && used + 1 < sizeof(liable); k++) {
						const char *p = json_string_value(json_array_get(who, k));
						char name[256];
						if (p)
							used += (size_t)snprintf(liable + used, sizeof(liable) - used, "%s%s", used ? ", " : "",
								person_text(name, sizeof(name), p));
					}
					if (!liable[0])
						snprintf(liable, sizeof(liable), "—");
				}
				late[0] = '\0';
				if (json_is_true(json_object_get(r, "overdue")) &&
				    hotline_time_parse(&d, json_string_value(json_object_get(r, "due"))) == 0 && now > d)
					duration_text(late, sizeof(late), now - d, lang_zh);
				if (!kase[0])
					snprintf(kase, sizeof(kase), "%s", L("(机构)", "(organisation)"));
				if (json_is_true(json_object_get(r, "provisional")))
					strncat(due, L(" (暂定)", " (provisional)"), sizeof(due) - strlen(due) - 1);
				if (a->reminders)
					table_add(&t, remind, due, kase, prop, rule, title, liable, late);
				else
					table_add(&t, due, kase, prop, rule, title, liable, late);
			}
			table_print(&t);
			if (a->reminders)
				print_count(json_array_size(rows), "%zu reminder\n", "%zu reminders\n");
			else
				print_count(json_array_size(rows), "%zu deadline\n", "%zu deadlines\n");
			json_decref(doc);
		}
	}
	if (rc == 0 && says_provisional(out))
		warn_provisional();
	if (rc == 0)
		warn_calendar_end(db);
	hotline_free(out);
	hotline_db_close(db);
	return rc;
}

static int cmd_sweep(const args *a)
{
	hotline_db *db;
	hotline_case_list *l;
	hotline_time before;
	size_t i, limit = 0;
	int rc, lang_zh = zh(a), provisional = 0;
	if (!a->before || a->npos) {
		usage(stderr);
		return 2;
	}
	if (parse_instant(a->before, &before) != 0)
		return 2;
	if (a->limit) {
		char *end;
		long long v = strtoll(a->limit, &end, 10);
		if (*end || v < 0) {
			fputs(T("hotline: --limit needs a non-negative integer\n"), stderr);
			return 2;
		}
		limit = (size_t)v;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_sweep(&l, db, before, limit) != 0) {
		rc = fail_db(db);
	} else {
		int zone = db_zone(db);
		table t;
		if (!a->json)
			names_load(db);
		table_init(&t, 4);
		table_add(&t, L("期限", "due"), L("案件", "case"), L("楼盘", "property"), L("状态", "state"));
		for (i = 0; i < hotline_case_list_count(l); i++) {
			const hotline_case *c = hotline_case_list_get(l, i);
			char due[HOTLINE_TIME_TEXT_SIZE + 24], prop[256];
			if (a->json) {
				puts(hotline_case_json(c));
				provisional |= says_provisional(hotline_case_json(c));
				continue;
			}
			instant_text(due, sizeof(due), hotline_case_next_due(c), zone);
			if (says_provisional(hotline_case_json(c))) {
				strncat(due, L(" (暂定)", " (provisional)"), sizeof(due) - strlen(due) - 1);
				provisional = 1;
			}
			table_add(&t, due, hotline_case_id(c), property_text(prop, sizeof(prop), hotline_case_property(c)),
				label_of(hotline_state_name(hotline_case_state(c)), lang_zh));
		}
		if (!a->json)
			table_print(&t);
		else
			table_free(&t);
		if (provisional)
			warn_provisional();
		hotline_case_list_free(l);
	}
	hotline_db_close(db);
	return rc;
}

/* The directory as tables: persons, properties, bonuses. */
static void print_directory(const char *json, int lang_zh)
{
	json_t *doc = parse_doc(json), *v;
	size_t i;
	table t;
	char c1[256], c2[256], c3[512], c4[512], c5[256];
	if (!doc)
		return;
	label_names_free(&g_names);
	label_names_load(&g_names, json);   /* the names in force at the directory's instant */
	v = json_object_get(doc, "persons");
	printf("%s (%zu)\n", L("人员", "persons"), json_array_size(v));
	table_init(&t, 4);
	table_add(&t, L("编号", "id"), L("姓名", "name"), L("角色", "roles"), L("生效自", "from"));
	for (i = 0; i < json_array_size(v); i++) {
		json_t *p = json_array_get(v, i);
		cell_text(c1, sizeof(c1), json_object_get(p, "id"));
		cell_text(c2, sizeof(c2), json_object_get(p, "name"));
		{
			json_t *roles = json_object_get(p, "roles");
			size_t k, used = 0;
			c3[0] = '\0';
			for (k = 0; k < json_array_size(roles) && used + 1 < sizeof(c3); k++)
				used += (size_t)snprintf(c3 + used, sizeof(c3) - used, "%s%s", k ? ", " : "",
					label_of(json_string_value(json_array_get(roles, k)), lang_zh));
		}
		label_local_time(c4, sizeof(c4), json_string_value(json_object_get(p, "from")));
		table_add(&t, c1, c2, c3[0] ? c3 : L("(已离任)", "(retired)"), c4[0] ? c4 : "—");
	}
	table_print(&t);
	v = json_object_get(doc, "properties");
	printf("\n%s (%zu)\n", L("楼盘", "properties"), json_array_size(v));
	table_init(&t, 6);
	table_add(&t, L("编号", "id"), L("名称", "name"), L("楼盘负责人", "manager"), L("部门负责人", "department heads"),
		L("品质督导", "quality supervisor"), L("生效自", "from"));
	for (i = 0; i < json_array_size(v); i++) {
		json_t *p = json_array_get(v, i);
		char c6[256];
		cell_text(c1, sizeof(c1), json_object_get(p, "id"));
		cell_text(c2, sizeof(c2), json_object_get(p, "name"));
		person_text(c3, sizeof(c3), json_string_value(json_object_get(p, "manager")));
		{
			json_t *heads = json_object_get(p, "department_heads");
			size_t k, used = 0;
			char name[256];
			c4[0] = '\0';
			for (k = 0; k < json_array_size(heads) && used + 1 < sizeof(c4); k++)
				used += (size_t)snprintf(c4 + used, sizeof(c4) - used, "%s%s", k ? ", " : "",
					person_text(name, sizeof(name), json_string_value(json_array_get(heads, k))));
		}
		if (json_string_value(json_object_get(p, "quality_supervisor")))
			person_text(c5, sizeof(c5), json_string_value(json_object_get(p, "quality_supervisor")));
		else
			c5[0] = '\0';
		label_local_time(c6, sizeof(c6), json_string_value(json_object_get(p, "from")));
		table_add(&t, c1, c2, c3, c4[0] ? c4 : "—", c5[0] ? c5 : "—", c6[0] ? c6 : "—");
	}
	table_print(&t);
	v = json_object_get(doc, "bonuses");
	printf("\n%s (%zu)\n", L("月度奖金", "bonuses"), json_array_size(v));
	table_init(&t, 4);
	table_add(&t, L("人员", "person"), L("月份", "month"), L("金额(元)", "amount (yuan)"), L("生效自", "from"));
	for (i = 0; i < json_array_size(v); i++) {
		json_t *p = json_array_get(v, i);
		json_int_t fen = json_integer_value(json_object_get(p, "amount_fen"));
		person_text(c1, sizeof(c1), json_string_value(json_object_get(p, "person")));
		cell_text(c2, sizeof(c2), json_object_get(p, "month"));
		snprintf(c3, sizeof(c3), "%" JSON_INTEGER_FORMAT ".%02d", fen / 100, (int)(fen % 100 < 0 ? -(fen % 100) : fen % 100));
		label_local_time(c4, sizeof(c4), json_string_value(json_object_get(p, "from")));
		table_add(&t, c1, c2, c3, c4[0] ? c4 : "—");
	}
	table_print(&t);
	json_decref(doc);
}

/* The directory as of an instant (default: every definition so far), with each record's history. */
static int cmd_directory(const args *a)
{
	hotline_db *db;
	hotline_time as_of = HOTLINE_TIME_NONE;
	char *out;
	int rc;
	if (a->npos) {
		usage(stderr);
		return 2;
	}
	if (a->as_of && parse_instant(a->as_of, &as_of) != 0)
		return 2;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_directory(&out, db, as_of) != 0) {
		rc = fail_db(db);
	} else {
		if (a->json)
			puts(out);
		else
			print_directory(out, zh(a));
		hotline_free(out);
	}
	hotline_db_close(db);
	return rc;
}

/* ---------------------------------------------------------------- the calendar */

/* The holiday file's format: --format, else its name (.ics, .ical: iCalendar), else JSON. */
static const char *holiday_format(const args *a, const char *path)
{
	size_t n = strlen(path);
	if (a->format)
		return a->format;
	if ((n > 4 && strcmp(path + n - 4, ".ics") == 0) || (n > 5 && strcmp(path + n - 5, ".ical") == 0))
		return "ical";
	return "json";
}

/*
 * Every `calendar` line a holiday file holds, one per year, as JSON Lines
 * appended to *text (malloc'd); the years tried are those instants may fall in.
 */
static int holiday_lines(const args *a, const char *path, char **text)
{
	char *data = read_file_text(path), *buf = NULL;
	const char *fmt = holiday_format(a, path);
	size_t used = 0;
	int year, n = 0;
	if (!data)
		return -1;
	if (strcmp(fmt, "json") != 0 && strcmp(fmt, "ical") != 0) {
		free(data);
		fputs("hotline: --format is json or ical\n", stderr);
		return -1;
	}
	for (year = 2000; year < 2100; year++) {
		char *line = NULL, *grown;
		int rc = hotline_calendar_line(&line, year, fmt, data, strlen(data), NULL);
		if (rc == HOTLINE_ENOT_FOUND)
			continue;
		if (rc != 0) {
			fprintf(stderr, "hotline: %s: %s\n", path, hotline_last_error());
			free(data);
			free(buf);
			return -1;
		}
		if (!(grown = realloc(buf, used + strlen(line) + 2))) {
			hotline_free(line);
			free(data);
			free(buf);
			return -1;
		}
		buf = grown;
		used += (size_t)sprintf(buf + used, "%s\n", line);
		hotline_free(line);
		n++;
	}
	free(data);
	if (!n) {
		fprintf(stderr, "hotline: %s names no year from 2000 to 2099\n", path);
		free(buf);
		return -1;
	}
	*text = buf;
	return 0;
}

/* The last year the database has holiday data for, and the days from now to its end (negative: past). */
static int calendar_end(hotline_db *db, int *last_year, long *days_left)
{
	char *out = NULL, when[40];
	json_t *doc;
	hotline_time end;
	int zone = db_zone(db);
	if (hotline_db_calendar(&out, db) != 0 || !(doc = parse_doc(out))) {
		hotline_free(out);
		return -1;
	}
	hotline_free(out);
	*last_year = (int)json_integer_value(json_object_get(doc, "last"));
	json_decref(doc);
	snprintf(when, sizeof(when), "%04d-01-01T00:00:00%c%02d:%02d", *last_year + 1, zone < 0 ? '-' : '+',
		abs(zone) / 60, abs(zone) % 60);
	if (hotline_time_parse(&end, when) != 0)
		return -1;
	*days_left = (long)((end - (hotline_time)time(NULL)) / 86400);
	return 0;
}

/* On stderr when the data ends within 60 days: each November, next year must be adopted. */
static void warn_calendar_end(hotline_db *db)
{
	int last;
	long days;
	if (calendar_end(db, &last, &days) != 0 || days > 60)
		return;
	if (days >= 0)
		fprintf(stderr, T("hotline: warning: the holiday data ends with %d (%ld days from now): adopt %d's calendar "
			"when it is published (hotline calendar adopt %d --file FILE)\n"), last, days, last + 1, last + 1);
	else
		fprintf(stderr, "hotline: warning: the holiday data ended with %d: working-day deadlines after it are "
			"provisional until %d's calendar is adopted (hotline calendar adopt %d --file FILE)\n", last, last + 1,
			last + 1);
}

/* Records YEAR's holidays: a `calendar` line from a file or the built-in data. */
static int calendar_adopt(const args *a)
{
	hotline_db *db;
	json_t *line;
	char *text = NULL, *data = NULL, *cmd;
	int64_t seq = 0;
	long year;
	char *end;
	int rc;
	year = strtol(a->pos[1], &end, 10);
	if (*end || year < 2000 || year > 2099 || (!a->file == !a->builtin)) {
		usage(stderr);
		return 2;
	}
	if (a->at) {
		hotline_time t;
		if (parse_instant(a->at, &t) != 0)
			return 2;
	}
	if (a->file) {
		const char *fmt = holiday_format(a, a->file);
		if (strcmp(fmt, "json") != 0 && strcmp(fmt, "ical") != 0) {
			fputs("hotline: --format is json or ical\n", stderr);
			return 2;
		}
		if (!(data = read_file_text(a->file)))
			return 1;
		rc = hotline_calendar_line(&text, (int)year, fmt, data, strlen(data), NULL);
		free(data);
	} else {
		rc = hotline_calendar_line(&text, (int)year, "builtin", NULL, 0, NULL);
	}
	if (rc != 0)
		return fail(hotline_last_error());
	line = parse_doc(text);
	hotline_free(text);
	if (!line)
		return 1;
	if (a->actor)
		json_object_set_new(line, "actor", json_string(a->actor));
	if (a->at) {
		json_object_set_new(line, "at", json_string(a->at));
	} else {
		char now[HOTLINE_TIME_TEXT_SIZE];
		if (hotline_time_format(now, sizeof(now), (hotline_time)time(NULL), ZONE_MIN) == 0)
			json_object_set_new(line, "at", json_string(now));
	}
	cmd = json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(line);
	if (!cmd)
		return 1;
	if ((rc = open_db_mode(a, &db, HOTLINE_OPEN_READ_WRITE)) != 0) {
		free(cmd);
		return rc;
	}
	if (hotline_db_exec_json(db, cmd, &seq, NULL) != 0)
		rc = fail_db(db);
	else
		printf(T("recorded %ld (seq %lld)\n"), year, (long long)seq);
	free(cmd);
	hotline_db_close(db);
	return rc;
}

/* The years the database computes with, their sources and digests, and how long the data lasts. */
static int cmd_calendar(const args *a)
{
	hotline_db *db;
	char *out = NULL;
	int rc, lang_zh = zh(a);
	if (a->npos == 2 && strcmp(a->pos[0], "adopt") == 0)
		return calendar_adopt(a);
	if (a->npos || a->file || a->builtin || a->actor || a->at) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_calendar(&out, db) != 0) {
		rc = fail_db(db);
	} else if (a->json) {
		puts(out);
	} else {
		json_t *doc = parse_doc(out), *years;
		size_t i;
		table t;
		int last;
		long days;
		if (!doc) {
			rc = 1;
		} else {
			years = json_object_get(doc, "years");
			names_load(db);
			table_init(&t, 7);
			table_add(&t, L("年份", "year"), L("来源", "source"), L("录入时间", "recorded at"), L("录入人", "by"),
				L("休息日", "rest days"), L("调休上班", "make-up days"), L("摘要", "digest"));
			for (i = 0; i < json_array_size(years); i++) {
				json_t *y = json_array_get(years, i);
				char year[16], src[512], at[32], by[256], off[16], work[16], digest[24];
				const char *actor = json_string_value(json_object_get(y, "actor"));
				snprintf(year, sizeof(year), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(y, "year")));
				cell_text(src, sizeof(src), json_object_get(y, "source"));
				snprintf(off, sizeof(off), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(y, "holidays")));
				snprintf(work, sizeof(work), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(y, "workdays")));
				snprintf(digest, sizeof(digest), "%.16s…", json_string_value(json_object_get(y, "digest")));
				/* a base year: the library's words for its source, in the table's language */
				if (!json_is_true(json_object_get(y, "recorded"))) {
					snprintf(at, sizeof(at), "%s", L("基础数据", "base"));
					snprintf(src, sizeof(src), "%s", T("built-in (every database)"));
				} else {
					label_local_time(at, sizeof(at), json_string_value(json_object_get(y, "at")));
				}
				table_add(&t, year, src[0] ? src : "—", at[0] ? at : "—", actor ? person_text(by, sizeof(by), actor)
					: "—", off, work, digest);
			}
			table_print(&t);
			if (calendar_end(db, &last, &days) == 0) {
				if (days >= 0)
					printf(lang_zh ? "节假日数据截至 %d-12-31，还剩 %ld 天\n" : "holiday data through %d-12-31: %ld days left\n",
						last, days);
				else
					printf(lang_zh ? "节假日数据截至 %d-12-31，已过 %ld 天\n" : "holiday data through %d-12-31: ended %ld days ago\n",
						last, -days);
			}
			json_decref(doc);
		}
	}
	if (rc == 0)
		warn_calendar_end(db);
	hotline_free(out);
	hotline_db_close(db);
	return rc;
}

/* `hotline policy set FILE|NAME`: a policy line (tools/hotline/policy_set.c). */
static int policy_set(const args *a)
{
	hotline_db *db;
	hotline_time t;
	int rc;
	/* the handle writes under the database's own policy; the new one is the argument */
	if (a->policy || !a->at) {
		fputs(a->policy ? "hotline: policy set takes the new policy as its argument, not --policy\n"
			: "hotline: policy set needs --at INSTANT (from when the policy is in force)\n", stderr);
		return 2;
	}
	if (parse_instant(a->at, &t) != 0)
		return 2;
	if ((rc = open_db_mode(a, &db, HOTLINE_OPEN_READ_WRITE)) != 0)
		return rc;
	rc = policy_set_run(db, a->pos[1], a->actor, a->at, zh(a));
	hotline_db_close(db);
	return rc;
}

/* The policy in the record (DESIGN §6.7): what the database records, what a reading call uses. */
static int cmd_policy(const args *a)
{
	hotline_db *db;
	char *out = NULL;
	int rc = 0, lang_zh = zh(a);
	if (a->npos == 2 && strcmp(a->pos[0], "set") == 0)
		return policy_set(a);
	if (a->npos || a->actor || a->at) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_policy_json(&out, db) != 0) {
		rc = fail_db(db);
	} else if (a->json) {
		puts(out);
	} else {
		json_t *doc = parse_doc(out), *rec, *use;
		if (!doc) {
			rc = 1;
		} else {
			rec = json_object_get(doc, "recorded");
			use = json_object_get(doc, "in_use");
			if (json_is_object(rec))
				printf(lang_zh ? "数据库记录的制度: %s  sha256 %s\n" : "recorded policy: %s  sha256 %s\n",
					json_string_value(json_object_get(rec, "name")), json_string_value(json_object_get(rec, "digest")));
			else
				printf(lang_zh ? "数据库未记录制度（早于记录制度的数据库）\n"
					: "recorded policy: none (a database made before policies were recorded)\n");
			printf(lang_zh ? "读取使用: %s  sha256 %s%s\n" : "reads use:       %s  sha256 %s%s\n",
				json_string_value(json_object_get(use, "name")), json_string_value(json_object_get(use, "digest")),
				json_is_true(json_object_get(doc, "what_if")) ? L("（假设，仅可读取）", " (a what-if: reading only)") : "");
			names_load(db);
			policy_history_print(doc, lang_zh, &g_names);
			json_decref(doc);
		}
	}
	hotline_free(out);
	hotline_db_close(db);
	return rc;
}

static int cmd_lifecycle(const args *a)
{
	char *out;
	if (a->npos) {
		usage(stderr);
		return 2;
	}
	if (hotline_lifecycle_json(&out) != 0)
		return fail(hotline_last_error());
	puts(out);
	hotline_free(out);
	return 0;
}

/* `hotline report` parses its own options: give it $HOTLINE_DB as --db when none is given. */
static int run_report(int argc, char **argv)
{
	const char *env = getenv("HOTLINE_DB");
	char **v;
	int i, rc;
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--db") == 0 || !env || !*env)
			return report_html_main(argc, argv);
	if (!(v = calloc((size_t)argc + 3, sizeof(char *))))
		return fail("out of memory");
	memcpy(v, argv, (size_t)argc * sizeof(char *));
	v[argc] = (char *)"--db";
	v[argc + 1] = (char *)env;
	rc = report_html_main(argc + 2, v);
	free(v);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; int (*run)(const args *); } run[] = {
		{ "replay", cmd_replay }, { "show", cmd_show }, { "history", cmd_history }, { "verify-log", cmd_verify },
		{ "checkpoint", cmd_checkpoint }, { "assess", cmd_assess }, { "explain", cmd_explain },
		{ "sweep", cmd_sweep }, { "directory", cmd_directory }, { "cases", cmd_cases }, { "due", cmd_due },
		{ "encryption", cmd_encryption }, { "encrypt", cmd_encrypt }, { "rotate-key", cmd_rotate_key },
		{ "lifecycle", cmd_lifecycle }, { "calendar", cmd_calendar }, { "policy", cmd_policy },
		{ "statement", cmd_statement },
	};
	args a;
	size_t i;
	int rc = 2, k;
	memset(&a, 0, sizeof(a));
	messages_init(zh(&a));   /* the locale's language; --lang, once read, decides */
	if (argc < 2) {
		overview(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hotline %s\n", hotline_version(NULL, NULL, NULL));
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
		(strcmp(argv[1], "help") == 0 && argc == 2)) {
		overview(stdout);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		const command_help *c = find_command(argv[2]);
		if (!c || argc > 3) {
			fprintf(stderr, T("hotline: no command '%s'\n"), argv[2]);
			overview(stderr);
			return 2;
		}
		command_help_print(stdout, c);
		return 0;
	}
	g_cmd = argv[1];
	if (!find_command(argv[1])) {
		fprintf(stderr, T("hotline: unknown command '%s'\n"), argv[1]);
		g_cmd = NULL;
		overview(stderr);
		return 2;
	}
	for (k = 2; k < argc; k++)
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			command_help_print(stdout, find_command(argv[1]));
			return 0;
		}
	/* the monthly report page takes options of its own (--lang, -o): docs/report.md */
	if (strcmp(argv[1], "report") == 0)
		return run_report(argc, argv);
	if (strcmp(argv[1], "follow") == 0)
		return follow_main(argc, argv);
	if (parse_args(argc, argv, &a) != 0) {
		free(a.pos);
		usage(stderr);
		return 2;
	}
	if (a.lang)
		messages_init(zh(&a));
	for (i = 0; i < sizeof(run) / sizeof(run[0]); i++)
		if (strcmp(argv[1], run[i].name) == 0)
			rc = run[i].run(&a);
	free(a.pos);
	return rc;
}
