/*
 * hotline — command-line tool over libhotline.
 *
 *   hotline replay [--policy NAME|FILE] [--as-of INSTANT] [--db URI] FILE...
 *   hotline show CASE --db URI
 *   hotline history CASE --db URI
 *   hotline verify-log [CASE] --db URI [--checkpoint FILE] [--public-key FILE] [--json]
 *   hotline checkpoint --db URI [--key FILE] [--up-to SEQ] [--print-public-key]
 *   hotline assess --db URI --as-of INSTANT [--format json|csv] [--policy NAME|FILE]
 *   hotline explain CASE --db URI [--as-of INSTANT] [--policy NAME|FILE]
 *   hotline sweep --db URI --before INSTANT [--limit N]
 *   hotline directory --db URI [--as-of INSTANT]
 *   hotline lifecycle
 *   hotline cases --phone NUMBER --db URI [--key-file FILE]
 *   hotline encryption --db URI [--key-file FILE]
 *   hotline encrypt --db URI [--key-file FILE]
 *   hotline rotate-key --db URI [--key-file FILE] --new-key-file FILE
 *
 * Owners' personal data: the key-encryption key comes from --key-file FILE
 * or the file named by HOTLINE_KEY_FILE (64 hex digits, optionally after
 * "KEY_ID:"); never from the command line itself. Without it personal
 * fields read masked. replay --unencrypted creates a database that keeps
 * them in clear, on purpose.
 *
 * Exit status: 0 on success (replay also when some lines were refused),
 * 1 when the command failed, 2 on a usage error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hotline.h>

#include "report_html.h"

#define ZONE_MIN 480

static void usage(FILE *f)
{
	fputs("usage:\n"
		"  hotline replay [--policy NAME|FILE] [--as-of INSTANT] [--db URI] FILE...\n"
		"  hotline show CASE --db URI\n"
		"  hotline history CASE --db URI\n"
		"  hotline verify-log [CASE] --db URI [--checkpoint FILE] [--public-key FILE] [--json]\n"
		"  hotline checkpoint --db URI [--key FILE] [--up-to SEQ] [--print-public-key]\n"
		"  hotline assess --db URI --as-of INSTANT [--format json|csv] [--policy NAME|FILE]\n"
		"  hotline explain CASE --db URI [--as-of INSTANT] [--policy NAME|FILE]\n"
		"  hotline sweep --db URI --before INSTANT [--limit N]\n"
		"  hotline directory --db URI [--as-of INSTANT]\n"
		"  hotline lifecycle\n"
		"  hotline cases --phone NUMBER --db URI [--key-file FILE]\n"
		"  hotline encryption --db URI [--key-file FILE]\n"
		"  hotline encrypt --db URI [--key-file FILE]\n"
		"  hotline rotate-key --db URI [--key-file FILE] --new-key-file FILE\n"
		"  (the key file may also be named by HOTLINE_KEY_FILE; replay --db ... --unencrypted: personal data in clear)\n"
		"  hotline --version\n", f);
}

typedef struct args {
	const char *policy, *db, *as_of, *format, *before, *limit;
	const char *checkpoint, *public_key, *key, *up_to;   /* files (keys never on the command line), a seq */
	const char *key_file, *new_key_file, *phone;         /* owners' personal data */
	int json, print_public_key, unencrypted;
	const char **pos;
	int npos;
} args;

static int parse_args(int argc, char **argv, args *a)
{
	int i;
	memset(a, 0, sizeof(*a));
	a->pos = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->pos)
		return -1;
	for (i = 2; i < argc; i++) {
		const char **slot = NULL;
		if (strcmp(argv[i], "--policy") == 0)
			slot = &a->policy;
		else if (strcmp(argv[i], "--db") == 0)
			slot = &a->db;
		else if (strcmp(argv[i], "--as-of") == 0)
			slot = &a->as_of;
		else if (strcmp(argv[i], "--format") == 0)
			slot = &a->format;
		else if (strcmp(argv[i], "--before") == 0)
			slot = &a->before;
		else if (strcmp(argv[i], "--limit") == 0)
			slot = &a->limit;
		else if (strcmp(argv[i], "--checkpoint") == 0)
			slot = &a->checkpoint;
		else if (strcmp(argv[i], "--public-key") == 0)
			slot = &a->public_key;
		else if (strcmp(argv[i], "--key") == 0)
			slot = &a->key;
		else if (strcmp(argv[i], "--up-to") == 0)
			slot = &a->up_to;
		else if (strcmp(argv[i], "--key-file") == 0)
			slot = &a->key_file;
		else if (strcmp(argv[i], "--new-key-file") == 0)
			slot = &a->new_key_file;
		else if (strcmp(argv[i], "--phone") == 0)
			slot = &a->phone;
		else if (strcmp(argv[i], "--unencrypted") == 0) {
			a->unencrypted = 1;
			continue;
		}
		else if (strcmp(argv[i], "--json") == 0) {
			a->json = 1;
			continue;
		} else if (strcmp(argv[i], "--print-public-key") == 0) {
			a->print_public_key = 1;
			continue;
		}
		else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
			fprintf(stderr, "hotline: unknown option %s\n", argv[i]);
			return -1;
		} else {
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hotline: %s needs a value\n", argv[i]);
			return -1;
		}
		*slot = argv[++i];
	}
	return 0;
}

static int fail(const char *what)
{
	fprintf(stderr, "hotline: %s\n", what);
	return 1;
}

static int parse_instant(const char *s, hotline_time *t)
{
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
static int open_db_mode(const args *a, hotline_db **db, int mode)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	unsigned char key[HOTLINE_KEY_BYTES];
	char id[65];
	int k, rc = 0;
	if (!a->db) {
		fputs("hotline: --db URI is required\n", stderr);
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
	wipe(key, sizeof(key));
	return rc;
}

/* Every subcommand but replay, encrypt and rotate-key only reads: it opens read-only (never creates or writes the file). */
static int open_db(const args *a, hotline_db **db)
{
	return open_db_mode(a, db, HOTLINE_OPEN_READ_ONLY);
}

static int cmd_replay(const args *a)
{
	hotline_replay_options o = HOTLINE_REPLAY_OPTIONS_INIT;
	char *out = NULL;
	if (a->npos == 0) {
		usage(stderr);
		return 2;
	}
	unsigned char key[HOTLINE_KEY_BYTES];
	char id[65];
	int k, rc;
	o.policy = a->policy;
	o.db_uri = a->db;
	if (a->as_of && parse_instant(a->as_of, &o.as_of) != 0)
		return 2;
	if ((k = read_kek(a, key, id)) < 0)
		return 1;
	if (k) {
		o.key = key;
		o.key_id = id;
	}
	if (a->unencrypted)
		o.db_flags = HOTLINE_DB_UNENCRYPTED;
	rc = hotline_replay(&out, a->pos, (size_t)a->npos, &o);
	wipe(key, sizeof(key));
	if (rc != 0)
		return fail(hotline_last_error());
	puts(out);
	hotline_free(out);
	return 0;
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
		rc = fail(hotline_db_errmsg(db));
	} else {
		puts(hotline_case_json(c));
		hotline_case_free(c);
	}
	hotline_db_close(db);
	return rc;
}

/* An owner's earlier cases, found by phone through the blind index (needs the key). */
static int cmd_cases(const args *a)
{
	hotline_db *db;
	hotline_case_list *l;
	size_t i;
	int rc;
	if (!a->phone || a->npos != 0) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_cases_by_phone(&l, db, a->phone) != 0) {
		rc = fail(hotline_db_errmsg(db));
	} else {
		for (i = 0; i < hotline_case_list_count(l); i++)
			puts(hotline_case_json(hotline_case_list_get(l, i)));
		hotline_case_list_free(l);
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
		rc = fail(hotline_db_errmsg(db));
	} else {
		const char *m = strstr(out, "\"mode\":\"");
		const char *ev = strstr(out, "\"clear_events\":");
		long n = ev ? strtol(ev + strlen("\"clear_events\":"), NULL, 10) : 0;
		if (a->json) {
			puts(out);
		} else {
			if (m && strncmp(m + 8, "unencrypted", 11) == 0)
				puts("personal data: NOT encrypted (this database was created unencrypted on purpose)");
			else if (m && strncmp(m + 8, "encrypted", 9) == 0)
				puts("personal data: encrypted (owner, phone, room)");
			else
				puts("personal data: no key has been given to this database yet");
			if (n > 0)
				printf("clear personal data in %ld events logged before encryption\n", n);
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
		rc = fail(hotline_db_errmsg(db));
	else
		printf("encrypted the personal data of %zu cases\n", n);
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
		rc = fail(hotline_db_errmsg(db));
	else
		printf("every data key is now wrapped by key '%s'\n", id);
	wipe(key, sizeof(key));
	hotline_db_close(db);
	return rc;
}

static int cmd_history(const args *a)
{
	hotline_db *db;
	hotline_event_list *l;
	size_t i;
	int rc;
	if (a->npos != 1) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_history(&l, db, a->pos[0]) != 0) {
		rc = fail(hotline_db_errmsg(db));
	} else {
		for (i = 0; i < hotline_event_list_count(l); i++) {
			const hotline_event *e = hotline_event_list_get(l, i);
			printf("{\"version\":%" PRId64 ",\"seq\":%" PRId64 ",\"hash\":\"%s\",\"prev_hash\":\"%s\",\"command\":%s}\n",
				hotline_event_version(e), hotline_event_seq(e), hotline_event_hash(e),
				hotline_event_prev_hash(e), hotline_event_json(e));
		}
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
		fprintf(stderr, "hotline: cannot read %s\n", path);
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
			rc = fail(hotline_db_errmsg(db));
		if (vrc)
			rc = 1;
		hotline_free(out);
	} else {
		if (hotline_db_verify_log(db, a->npos ? a->pos[0] : NULL, &n) != 0)
			rc = fail(hotline_db_errmsg(db));
		else
			printf("ok: %" PRId64 " events, every hash chain intact, snapshots%s rebuilt from them alike\n", n,
				a->npos ? "" : " and the directory");
		if (ckpt) {
			if (hotline_db_verify_checkpoint(db, ckpt, a->public_key ? pk : NULL) != 0)
				rc = fail(hotline_db_errmsg(db));
			else
				printf("ok: the log holds what the checkpoint covers%s\n", a->public_key ? ", signed by that key" : "");
		}
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
		rc = fail(hotline_db_errmsg(db));
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

static int cmd_assess(const args *a)
{
	hotline_db *db;
	hotline_time as_of;
	hotline_format fmt = HOTLINE_FORMAT_JSON;
	int rc = 0;
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
	if (hotline_db_assess_write(db, as_of, fmt, write_stdout, NULL) != 0 || fflush(stdout) != 0)
		rc = fail(hotline_db_errmsg(db));
	hotline_db_close(db);
	return rc;
}

static int cmd_explain(const args *a)
{
	hotline_db *db;
	hotline_time as_of = HOTLINE_TIME_NONE;
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
		rc = fail(hotline_db_errmsg(db));
	} else {
		puts(out);
		hotline_free(out);
	}
	hotline_db_close(db);
	return rc;
}

static int cmd_sweep(const args *a)
{
	hotline_db *db;
	hotline_case_list *l;
	hotline_time before;
	size_t i, limit = 0;
	int rc;
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
			fputs("hotline: --limit needs a non-negative integer\n", stderr);
			return 2;
		}
		limit = (size_t)v;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_sweep(&l, db, before, limit) != 0) {
		rc = fail(hotline_db_errmsg(db));
	} else {
		for (i = 0; i < hotline_case_list_count(l); i++) {
			const hotline_case *c = hotline_case_list_get(l, i);
			char due[32];
			hotline_time_format(due, sizeof(due), hotline_case_next_due(c), ZONE_MIN);
			printf("%s\t%s\t%s\t%s\n", due, hotline_case_id(c), hotline_case_property(c),
				hotline_state_name(hotline_case_state(c)));
		}
		hotline_case_list_free(l);
	}
	hotline_db_close(db);
	return rc;
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
		rc = fail(hotline_db_errmsg(db));
	} else {
		puts(out);
		hotline_free(out);
	}
	hotline_db_close(db);
	return rc;
}

static int cmd_lifecycle(void)
{
	char *out;
	if (hotline_lifecycle_json(&out) != 0)
		return fail(hotline_last_error());
	puts(out);
	hotline_free(out);
	return 0;
}

int main(int argc, char **argv)
{
	args a;
	int rc;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hotline %s\n", hotline_version(NULL, NULL, NULL));
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	/* the monthly report page takes options of its own (--lang, -o): docs/report.md */
	if (strcmp(argv[1], "report") == 0)
		return report_html_main(argc, argv);
	if (parse_args(argc, argv, &a) != 0) {
		free(a.pos);
		return 2;
	}
	if (strcmp(argv[1], "replay") == 0)
		rc = cmd_replay(&a);
	else if (strcmp(argv[1], "show") == 0)
		rc = cmd_show(&a);
	else if (strcmp(argv[1], "history") == 0)
		rc = cmd_history(&a);
	else if (strcmp(argv[1], "verify-log") == 0)
		rc = cmd_verify(&a);
	else if (strcmp(argv[1], "checkpoint") == 0)
		rc = cmd_checkpoint(&a);
	else if (strcmp(argv[1], "assess") == 0)
		rc = cmd_assess(&a);
	else if (strcmp(argv[1], "explain") == 0)
		rc = cmd_explain(&a);
	else if (strcmp(argv[1], "sweep") == 0)
		rc = cmd_sweep(&a);
	else if (strcmp(argv[1], "directory") == 0)
		rc = cmd_directory(&a);
	else if (strcmp(argv[1], "cases") == 0)
		rc = cmd_cases(&a);
	else if (strcmp(argv[1], "encryption") == 0)
		rc = cmd_encryption(&a);
	else if (strcmp(argv[1], "encrypt") == 0)
		rc = cmd_encrypt(&a);
	else if (strcmp(argv[1], "rotate-key") == 0)
		rc = cmd_rotate_key(&a);
	else if (strcmp(argv[1], "lifecycle") == 0)
		rc = cmd_lifecycle();
	else {
		fprintf(stderr, "hotline: unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = 2;
	}
	free(a.pos);
	return rc;
}
