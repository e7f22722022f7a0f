/*
 * SWIG interface of libhotline for Java. The generated classes live in
 * org.libhotline.internal and stay thin: the database handle is one class
 * whose methods call the C API (%extend). One %exception turns the failure
 * of the last call (a code of HOTLINE_ERRORS and the library's message) into
 * the org.libhotline exception made for that code. The hand-written package
 * org.libhotline (Hotline, Database, ...) is what applications use.
 *
 * Ownership: a Handle owns its hotline_db until close() or delete(); after
 * close() every method throws InvalidException instead of touching freed
 * memory. Strings the library allocates are released with hotline_free
 * (%newobject). Strings cross JNI as UTF-8 byte arrays (the typemaps below),
 * not as JNI's modified UTF-8, which writes a character beyond U+FFFF as two
 * 3-byte surrogates that the library rightly refuses as malformed UTF-8.
 */
%module HotlineNative

%{
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hotline.h>

/* The failure of the last call in this thread: 0 or a hotline_error. */
static _Thread_local int hl_code;
static _Thread_local char hl_msg[600];
/* Whether this thread's last exec repeated an accepted command. */
static _Thread_local int hl_repeated;

static void hl_fail(int code, const char *msg)
{
	hl_code = code;
	snprintf(hl_msg, sizeof(hl_msg), "%s", msg ? msg : "");
}

/*
 * The Java class of each code of HOTLINE_ERRORS. A code added to the C list
 * without a line here does not compile: the binding has to decide its name.
 */
#define HL_JAVA_INVALID_TRANSITION "org/libhotline/InvalidTransitionException"
#define HL_JAVA_FORBIDDEN          "org/libhotline/ForbiddenException"
#define HL_JAVA_INVALID            "org/libhotline/InvalidException"
#define HL_JAVA_NOT_FOUND          "org/libhotline/NotFoundException"
#define HL_JAVA_CONFLICT           "org/libhotline/ConflictException"
#define HL_JAVA_DUPLICATE          "org/libhotline/DuplicateException"
#define HL_JAVA_STORAGE            "org/libhotline/StorageException"
#define HL_JAVA_NOMEM              "org/libhotline/NoMemoryException"
#define HL_JAVA_CORRUPT            "org/libhotline/CorruptException"
#define HL_JAVA_RANGE              "org/libhotline/OutOfRangeException"
#define HL_JAVA_IO                 "org/libhotline/FileException"
#define HL_JAVA_POLICY             "org/libhotline/PolicyException"
#define HL_JAVA_KEY                "org/libhotline/WrongKeyException"
#define HL_JAVA_BUSY               "org/libhotline/BusyException"

static const struct { int code; const char *cls; } hl_errors[] = {
#define HL_ERROR_ROW(name, value, json, msg) { value, HL_JAVA_##name },
	HOTLINE_ERRORS(HL_ERROR_ROW)
#undef HL_ERROR_ROW
};

/* A C string as a Java byte array (NULL for NULL or when out of memory, with OutOfMemoryError pending). */
static jbyteArray hl_bytes(JNIEnv *jenv, const char *s)
{
	jsize n;
	jbyteArray out;
	if (!s)
		return NULL;
	n = (jsize)strlen(s);
	if ((out = (*jenv)->NewByteArray(jenv, n)))
		(*jenv)->SetByteArrayRegion(jenv, out, 0, n, (const jbyte *)s);
	return out;
}

/* A UTF-8 C string as a Java string (new String(bytes, "UTF-8")); NULL with an exception pending. */
static jstring hl_string(JNIEnv *jenv, const char *s)
{
	jclass cls = (*jenv)->FindClass(jenv, "java/lang/String");
	jmethodID ctor = cls ? (*jenv)->GetMethodID(jenv, cls, "<init>", "([BLjava/lang/String;)V") : NULL;
	jbyteArray bytes = ctor ? hl_bytes(jenv, s) : NULL;
	jstring charset = bytes ? (*jenv)->NewStringUTF(jenv, "UTF-8") : NULL;
	return charset ? (jstring)(*jenv)->NewObject(jenv, cls, ctor, bytes, charset) : NULL;
}

/* A Java byte array as a NUL-terminated copy (malloc); NULL for null, or when out of memory. */
static char *hl_cstring(JNIEnv *jenv, jbyteArray a, int *nomem)
{
	jsize n;
	char *s;
	if (!a)
		return NULL;
	n = (*jenv)->GetArrayLength(jenv, a);
	if (!(s = malloc((size_t)n + 1))) {
		*nomem = 1;
		return NULL;
	}
	(*jenv)->GetByteArrayRegion(jenv, a, 0, n, (jbyte *)s);
	s[n] = 0;
	return s;
}

/* Throw the exception of `code`; an unknown code becomes HotlineException(code, message). */
static void hl_throw(JNIEnv *jenv, int code, const char *msg)
{
	const char *name = NULL;
	jclass cls;
	jstring text;
	size_t i;
	for (i = 0; i < sizeof(hl_errors) / sizeof(hl_errors[0]); i++)
		if (hl_errors[i].code == code)
			name = hl_errors[i].cls;
	text = hl_string(jenv, msg);
	if (!text)
		return;
	if (name && (cls = (*jenv)->FindClass(jenv, name))) {
		jmethodID ctor = (*jenv)->GetMethodID(jenv, cls, "<init>", "(Ljava/lang/String;)V");
		jobject e = ctor ? (*jenv)->NewObject(jenv, cls, ctor, text) : NULL;
		if (e)
			(*jenv)->Throw(jenv, (jthrowable)e);
		return;
	}
	(*jenv)->ExceptionClear(jenv);
	if ((cls = (*jenv)->FindClass(jenv, "org/libhotline/HotlineException"))) {
		jmethodID ctor = (*jenv)->GetMethodID(jenv, cls, "<init>", "(ILjava/lang/String;)V");
		jobject e = ctor ? (*jenv)->NewObject(jenv, cls, ctor, (jint)code, text) : NULL;
		if (e)
			(*jenv)->Throw(jenv, (jthrowable)e);
	}
}

typedef struct hl_db {
	hotline_db *db;
} hl_db;

/* 64 hex digits into HOTLINE_KEY_BYTES bytes; 0 or -1. */
static int hl_unhex(unsigned char *out, const char *hex)
{
	size_t i;
	if (strlen(hex) != 2 * HOTLINE_KEY_BYTES)
		return -1;
	for (i = 0; i < 2 * HOTLINE_KEY_BYTES; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

static void hl_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

static int hl_live(hl_db *h)
{
	if (h->db)
		return 1;
	hl_fail(HOTLINE_EINVALID, "the database is closed");
	return 0;
}

static int hl_db_fail(hl_db *h, int rc)
{
	hl_fail(rc, hotline_db_errmsg(h->db));
	return rc;
}

/* The snapshots of a list as one JSON array (NULL with the failure set when out of memory); frees the list. */
static char *hl_cases_json(hotline_case_list *l)
{
	size_t i, n = hotline_case_list_count(l), len = 3;
	char *out;
	for (i = 0; i < n; i++)
		len += strlen(hotline_case_json(hotline_case_list_get(l, i))) + 1;
	if ((out = malloc(len))) {
		strcpy(out, "[");
		for (i = 0; i < n; i++) {
			if (i)
				strcat(out, ",");
			strcat(out, hotline_case_json(hotline_case_list_get(l, i)));
		}
		strcat(out, "]");
	} else {
		hl_fail(HOTLINE_ENOMEM, "out of memory");
	}
	hotline_case_list_free(l);
	return out;
}
%}

%exception {
	hl_code = 0;
	$action
	if (hl_code) {
		hl_throw(jenv, hl_code, hl_msg);
		return $null;
	}
}

%typemap(newfree) char * "hotline_free($1);";

/*
 * Strings in both directions as UTF-8 bytes: the Java side encodes and
 * decodes with StandardCharsets.UTF_8 (org.libhotline.internal.Utf8, which
 * refuses NUL and lone surrogates), the C side copies the bytes and adds the
 * terminating NUL.
 */
%typemap(jni) const char *, char * "jbyteArray"
%typemap(jtype) const char *, char * "byte[]"
%typemap(jstype) const char *, char * "String"
%typemap(javain) const char *, char * "org.libhotline.internal.Utf8.encode($javainput, \"$javainput\")"
%typemap(javaout) const char *, char * {
		return org.libhotline.internal.Utf8.decode($jnicall);
	}
%typemap(in) const char *, char * {
	int nomem = 0;
	$1 = hl_cstring(jenv, $input, &nomem);
	if (nomem) {
		hl_throw(jenv, HOTLINE_ENOMEM, "out of memory");
		return $null;
	}
}
%typemap(freearg) const char *, char * "free((void *)$1);"
%typemap(out) const char *, char * "$result = hl_bytes(jenv, $1);"

%constant long long TIME_NONE = HOTLINE_TIME_NONE;

%rename(Handle) hl_db;
%nodefaultctor hl_db;
struct hl_db {};

%newobject hl_db::case_json;
%newobject hl_db::history;
%newobject hl_db::sweep;
%newobject hl_db::cases;
%newobject hl_db::directory;
%newobject hl_db::assess;
%newobject hl_db::explain;
%newobject hl_db::deadlines;
%newobject hl_db::feed;
%newobject hl_db::notifications;
%newobject hl_db::checkpoint;
%newobject hl_db::encryption;
%newobject hl_db::calendar;
%newobject hl_db::policy_json;
%newobject calendar_line;
%newobject policy_line;

%extend hl_db {
	/* key_hex: the key-encryption key as 64 hex digits (null: none). */
	hl_db(const char *uri, const char *policy, const char *key_hex, const char *key_id, bool unencrypted) {
		hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
		unsigned char key[HOTLINE_KEY_BYTES];
		hl_db *h;
		int rc;
		if (!uri) {
			hl_fail(HOTLINE_EINVALID, "uri is required");
			return NULL;
		}
		if (key_hex && hl_unhex(key, key_hex) != 0) {
			hl_fail(HOTLINE_EINVALID, "key must be 32 bytes");
			return NULL;
		}
		if (!(h = calloc(1, sizeof(*h)))) {
			hl_fail(HOTLINE_ENOMEM, "out of memory");
			return NULL;
		}
		o.policy = policy;
		o.key = key_hex ? key : NULL;
		o.key_id = key_id;
		o.flags = unencrypted ? HOTLINE_DB_UNENCRYPTED : 0;
		rc = hotline_db_open(&h->db, uri, &o);
		hl_wipe(key, sizeof(key));
		if (rc != 0) {
			hl_fail(rc, hotline_last_error());
			free(h);
			return NULL;
		}
		return h;
	}
	~hl_db() {
		hotline_db_close($self->db);
		free($self);
	}
	/* Harmless when already closed. */
	void close() {
		hotline_db_close($self->db);
		$self->db = NULL;
	}
	bool closed() { return $self->db == NULL; }
	long long exec_json(const char *json) {
		int64_t seq = 0;
		int rc;
		hl_repeated = 0;
		if (hl_live($self) && (rc = hotline_db_exec_json($self->db, json, &seq, &hl_repeated)) != 0)
			hl_db_fail($self, rc);
		return seq;
	}
	/* Whether this thread's last exec_json repeated a command already accepted. */
	bool last_repeated() { return hl_repeated != 0; }
	void begin() {
		int rc;
		if (hl_live($self) && (rc = hotline_db_begin($self->db)) != 0)
			hl_db_fail($self, rc);
	}
	void commit() {
		int rc;
		if (hl_live($self) && (rc = hotline_db_commit($self->db)) != 0)
			hl_db_fail($self, rc);
	}
	void rollback() {
		int rc;
		if (hl_live($self) && (rc = hotline_db_rollback($self->db)) != 0)
			hl_db_fail($self, rc);
	}
	/* The case's snapshot as JSON text. */
	char *case_json(const char *case_id) {
		hotline_case *c = NULL;
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_case(&c, $self->db, case_id)) != 0)
			hl_db_fail($self, rc);
		if (c) {
			const char *j = hotline_case_json(c);
			if (j && !(out = malloc(strlen(j) + 1)))
				hl_fail(HOTLINE_ENOMEM, "out of memory");
			else if (j)
				strcpy(out, j);
			hotline_case_free(c);
		}
		return out;
	}
	/* A stream's events (case_id null: the organisation) as a JSON array of the accepted commands. */
	char *history(const char *case_id) {
		hotline_event_list *l = NULL;
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_history_after(&l, $self->db, case_id, 0, 0)) != 0)
			hl_db_fail($self, rc);
		if (l) {
			size_t i, n = hotline_event_list_count(l), len = 3;
			for (i = 0; i < n; i++)
				len += strlen(hotline_event_json(hotline_event_list_get(l, i))) + 1;
			if ((out = malloc(len))) {
				strcpy(out, "[");
				for (i = 0; i < n; i++) {
					if (i)
						strcat(out, ",");
					strcat(out, hotline_event_json(hotline_event_list_get(l, i)));
				}
				strcat(out, "]");
			} else {
				hl_fail(HOTLINE_ENOMEM, "out of memory");
			}
			hotline_event_list_free(l);
		}
		return out;
	}
	/* The snapshots of the cases with a deadline before `before`, due first, as a JSON array. */
	char *sweep(long long before) {
		hotline_case_list *l = NULL;
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_sweep_after(&l, $self->db, before, 0, NULL, 0)) != 0)
			hl_db_fail($self, rc);
		if (l)
			out = hl_cases_json(l);
		return out;
	}
	/* The snapshots of the cases matching property and state (null: any), by id, as a JSON array. */
	char *cases(const char *property, const char *state) {
		hotline_case_query q = HOTLINE_CASE_QUERY_INIT;
		hotline_case_list *l = NULL;
		char *out = NULL;
		int rc;
		if (!hl_live($self))
			return NULL;
		if (state && hotline_state_from_name(&q.state, state) != 0) {
			hl_fail(HOTLINE_EINVALID, hotline_last_error());
			return NULL;
		}
		q.property = property;
		if ((rc = hotline_db_cases_after(&l, $self->db, &q, NULL)) != 0)
			hl_db_fail($self, rc);
		if (l)
			out = hl_cases_json(l);
		return out;
	}
	/* The directory as JSON text; as_of TIME_NONE: every definition so far. */
	char *directory(long long as_of) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_directory(&out, $self->db, as_of)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	long long verify_log(const char *case_id) {
		int64_t n = 0;
		int rc;
		if (hl_live($self) && (rc = hotline_db_verify_log($self->db, case_id, &n)) != 0)
			hl_db_fail($self, rc);
		return n;
	}
	char *assess(long long as_of, bool csv) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_assess(&out, $self->db, as_of, csv ? HOTLINE_FORMAT_CSV : HOTLINE_FORMAT_JSON)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* as_of TIME_NONE: the latest instant of the case. */
	char *explain(const char *case_id, long long as_of) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_explain(&out, $self->db, case_id, as_of)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* Open deadlines in [from, to) as JSON text; person/property may be null. */
	char *deadlines(long long from, long long to, const char *person, const char *property) {
		hotline_deadline_filter f = HOTLINE_DEADLINE_FILTER_INIT;
		char *out = NULL;
		int rc;
		f.person = person;
		f.property = property;
		if (hl_live($self) && (rc = hotline_db_deadlines(&out, $self->db, from, to, &f)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* The feed and notifications (share/doc/hotline/guide-feed.md): JSON text; the wait returns 1 or 0. */
	char *feed(const char *cursor, long long limit) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_feed(&out, $self->db, cursor, limit > 0 ? (size_t)limit : 0)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	int feed_wait(const char *cursor, int timeout_ms) {
		int rc = 0;
		if (hl_live($self) && (rc = hotline_db_feed_wait($self->db, cursor, timeout_ms)) < 0)
			hl_db_fail($self, rc);
		return rc > 0;
	}
	char *notifications(const char *cursor, long long until, long long limit) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_notifications(&out, $self->db, cursor, until, limit > 0 ? (size_t)limit : 0)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* An unsigned checkpoint up to `up_to_seq` (0: the last event) as JSON text. */
	char *checkpoint(long long up_to_seq) {
		hotline_checkpoint_options o = HOTLINE_CHECKPOINT_OPTIONS_INIT;
		char *out = NULL;
		int rc;
		o.up_to_seq = up_to_seq;
		if (hl_live($self) && (rc = hotline_db_checkpoint(&out, $self->db, &o)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	char *encryption() {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_encryption(&out, $self->db)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* The policy the database records and the one the handle reads under (JSON). */
	char *policy_json() {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_policy_json(&out, $self->db)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* The calendar the database computes with (JSON). */
	char *calendar() {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_calendar(&out, $self->db)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
}

%inline %{
const char *version(void)
{
	return hotline_version(NULL, NULL, NULL);
}

/* The `policy` line (JSON: name, text, digest) of a built-in policy or a policy file. */
char *policy_line(const char *policy)
{
	char *out = NULL;
	int rc = hotline_policy_line(&out, policy);
	if (rc)
		hl_fail(rc, hotline_last_error());
	return out;
}

/* The `calendar` line of a year (JSON) from holiday data: format "json", "ical" or "builtin" (data null). */
char *calendar_line(int year, const char *format, const char *data, const char *source)
{
	char *out = NULL;
	int rc = hotline_calendar_line(&out, year, format, data, data ? strlen(data) : 0, source);
	if (rc)
		hl_fail(rc, hotline_last_error());
	return out;
}

/* A key file's key as 64 hex digits followed by a space and its id. */
char *key_file_read(const char *path)
{
	unsigned char key[HOTLINE_KEY_BYTES];
	char id[80], *out;
	int rc, i;
	if ((rc = hotline_key_file_read(path, key, id, sizeof(id))) != 0) {
		hl_fail(rc, hotline_last_error());
		return NULL;
	}
	if (!(out = malloc(2 * HOTLINE_KEY_BYTES + 1 + strlen(id) + 1))) {
		hl_wipe(key, sizeof(key));
		hl_fail(HOTLINE_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < HOTLINE_KEY_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", key[i]);
	hl_wipe(key, sizeof(key));
	out[2 * HOTLINE_KEY_BYTES] = ' ';
	strcpy(out + 2 * HOTLINE_KEY_BYTES + 1, id);
	return out;
}
%}
%newobject key_file_read;
