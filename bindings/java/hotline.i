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
	if (!s || (*jenv)->ExceptionCheck(jenv))
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

/* A growing string for the JSON the glue writes itself; `oom` once an allocation failed. */
typedef struct hl_buf {
	char *p;
	size_t n, cap;
	int oom;
} hl_buf;

static void hl_put(hl_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;
		while (cap < b->n + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void hl_puts(hl_buf *b, const char *s)
{
	hl_put(b, s, strlen(s));
}

static void hl_putn(hl_buf *b, long long v)
{
	char t[32];
	snprintf(t, sizeof(t), "%lld", v);
	hl_puts(b, t);
}

/* A JSON string (null for NULL): quotes, backslashes and control characters escaped. */
static void hl_putq(hl_buf *b, const char *s)
{
	const char *run;
	if (!s) {
		hl_puts(b, "null");
		return;
	}
	hl_put(b, "\"", 1);
	for (run = s; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		hl_put(b, run, (size_t)(s - run));
		snprintf(esc, sizeof(esc), c == '"' || c == '\\' ? "\\%c" : "\\u%04x", c);
		hl_puts(b, esc);
		run = s + 1;
	}
	hl_put(b, run, (size_t)(s - run));
	hl_put(b, "\"", 1);
}

/* The text written, or NULL with the failure set when out of memory. */
static char *hl_done(hl_buf *b)
{
	if (!b->oom && !b->p)
		hl_puts(b, "");
	if (b->oom) {
		free(b->p);
		hl_fail(HOTLINE_ENOMEM, "out of memory");
		return NULL;
	}
	return b->p;
}

/* The snapshots of a list as one JSON array (NULL with the failure set when out of memory); frees the list. */
static char *hl_cases_json(hotline_case_list *l)
{
	hl_buf b = { 0 };
	size_t i, n = hotline_case_list_count(l);
	hl_puts(&b, "[");
	for (i = 0; i < n; i++) {
		if (i)
			hl_puts(&b, ",");
		hl_puts(&b, hotline_case_json(hotline_case_list_get(l, i)));
	}
	hl_puts(&b, "]");
	hotline_case_list_free(l);
	return hl_done(&b);
}

/* The events of a list as one JSON array of {seq, case, version, name, actor, at (seconds or null), id, prev_hash, hash, command}; frees the list. */
static char *hl_events_json(hotline_event_list *l)
{
	hl_buf b = { 0 };
	size_t i, n = hotline_event_list_count(l);
	hl_puts(&b, "[");
	for (i = 0; i < n; i++) {
		const hotline_event *e = hotline_event_list_get(l, i);
		int64_t at = hotline_event_at(e);
		if (i)
			hl_puts(&b, ",");
		hl_puts(&b, "{\"seq\":");
		hl_putn(&b, hotline_event_seq(e));
		hl_puts(&b, ",\"case\":");
		hl_putq(&b, hotline_event_case(e));
		hl_puts(&b, ",\"version\":");
		hl_putn(&b, hotline_event_version(e));
		hl_puts(&b, ",\"name\":");
		hl_putq(&b, hotline_command_name(hotline_event_command(e)));
		hl_puts(&b, ",\"actor\":");
		hl_putq(&b, hotline_event_actor(e));
		hl_puts(&b, ",\"at\":");
		if (at == HOTLINE_TIME_NONE)
			hl_puts(&b, "null");
		else
			hl_putn(&b, at);
		hl_puts(&b, ",\"id\":");
		hl_putq(&b, hotline_event_id(e));
		hl_puts(&b, ",\"prev_hash\":");
		hl_putq(&b, hotline_event_prev_hash(e));
		hl_puts(&b, ",\"hash\":");
		hl_putq(&b, hotline_event_hash(e));
		hl_puts(&b, ",\"command\":");
		hl_puts(&b, hotline_event_json(e));
		hl_puts(&b, "}");
	}
	hl_puts(&b, "]");
	hotline_event_list_free(l);
	return hl_done(&b);
}

/* Hex digits into at most `cap` bytes: the number of bytes, or -1 (odd length, too long, not hex). */
static long hl_unhex_n(unsigned char *out, size_t cap, const char *hex)
{
	size_t i, n = strlen(hex);
	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return (long)(n / 2);
}

/* A checkpoint's public key as hex into pk; 0, or -1 with the failure set. */
static int hl_public_key(unsigned char pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES], const char *hex)
{
	if (hl_unhex_n(pk, HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES, hex) != HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES) {
		hl_fail(HOTLINE_EINVALID, "public key must be 32 bytes");
		return -1;
	}
	return 0;
}

static int hl_file_sink(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}
%}

/*
 * The exception is thrown (made pending) without returning at once: the code
 * after the call still frees the argument copies and a result, and the
 * value returned is ignored by the JVM while the exception is pending.
 */
%exception {
	hl_code = 0;
	$action
	if (hl_code)
		hl_throw(jenv, hl_code, hl_msg);
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

/* A list of paths (String[], each as UTF-8 bytes) as (array, count); the copies are freed after the call. */
%typemap(jni) (const char *const *files, size_t nfiles) "jobjectArray"
%typemap(jtype) (const char *const *files, size_t nfiles) "byte[][]"
%typemap(jstype) (const char *const *files, size_t nfiles) "String[]"
%typemap(javain) (const char *const *files, size_t nfiles) "org.libhotline.internal.Utf8.encodeAll($javainput, \"files\")"
%typemap(in) (const char *const *files, size_t nfiles) (char **list = NULL, jsize count = 0) {
	jsize i;
	int nomem = 0;
	count = $input ? (*jenv)->GetArrayLength(jenv, $input) : 0;
	if (!(list = calloc((size_t)count + 1, sizeof(char *)))) {
		hl_throw(jenv, HOTLINE_ENOMEM, "out of memory");
		return $null;
	}
	for (i = 0; i < count && !nomem; i++) {
		jbyteArray item = (jbyteArray)(*jenv)->GetObjectArrayElement(jenv, $input, i);
		list[i] = hl_cstring(jenv, item, &nomem);
		(*jenv)->DeleteLocalRef(jenv, item);
	}
	$1 = ($1_ltype)list;
	$2 = (size_t)count;
	if (nomem) {
		for (i = 0; i < count; i++)
			free(list[i]);
		free(list);
		hl_throw(jenv, HOTLINE_ENOMEM, "out of memory");
		return $null;
	}
}
%typemap(freearg) (const char *const *files, size_t nfiles) {
	jsize i;
	for (i = 0; i < count$argnum; i++)
		free(list$argnum[i]);
	free(list$argnum);
}

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
%newobject hl_db::policy;
%newobject hl_db::cases_by_phone;
%newobject hl_db::claim_due;
%newobject hl_db::statement;
%newobject hl_db::verify_report;
%newobject calendar_line;
%newobject policy_line;
%newobject key_file_read;

%extend hl_db {
	/* key_hex: the key-encryption key as 64 hex digits (null: none). */
	hl_db(const char *uri, const char *policy, const char *key_hex, const char *key_id, bool unencrypted,
		int mode, const char *read_uri, int busy_timeout_ms, int synchronous) {
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
		o.mode = mode;
		o.read_uri = read_uri;
		o.busy_timeout_ms = busy_timeout_ms;
		o.synchronous = synchronous;
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
	/* A copy: the name lives in the handle. */
	char *policy() {
		const char *name = hl_live($self) ? hotline_db_policy($self->db) : NULL;
		char *out = name ? malloc(strlen(name) + 1) : NULL;
		if (name && !out)
			hl_fail(HOTLINE_ENOMEM, "out of memory");
		else if (out)
			strcpy(out, name);
		return out;
	}
	/* Minutes east of UTC of the policy's zone. */
	int zone_offset() {
		int minutes = 0, rc;
		if (hl_live($self) && (rc = hotline_db_zone_offset($self->db, &minutes)) != 0)
			hl_db_fail($self, rc);
		return minutes;
	}
	/* One page of a stream's events after position `after_version` (case_id null: the organisation), as a JSON array. */
	char *history(const char *case_id, long long after_version, long long limit) {
		hotline_event_list *l = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_history_after(&l, $self->db, case_id, after_version, limit > 0 ? (size_t)limit : 0)) != 0)
			hl_db_fail($self, rc);
		return l ? hl_events_json(l) : NULL;
	}
	/* One page of the sweep before `before`, after (after_due, after_id) (after_id null: the first). */
	char *sweep(long long before, long long after_due, const char *after_id, long long limit) {
		hotline_case_list *l = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_sweep_after(&l, $self->db, before, after_due, after_id, limit > 0 ? (size_t)limit : 0)) != 0)
			hl_db_fail($self, rc);
		return l ? hl_cases_json(l) : NULL;
	}
	/* One page of the cases matching property and state (null: any) by id, after `after_id` (null: the first). */
	char *cases(const char *property, const char *state, const char *after_id, long long limit) {
		hotline_case_query q = HOTLINE_CASE_QUERY_INIT;
		hotline_case_list *l = NULL;
		int rc;
		if (!hl_live($self))
			return NULL;
		if (state && hotline_state_from_name(&q.state, state) != 0) {
			hl_fail(HOTLINE_EINVALID, hotline_last_error());
			return NULL;
		}
		q.property = property;
		q.limit = limit > 0 ? (size_t)limit : 0;
		if ((rc = hotline_db_cases_after(&l, $self->db, &q, after_id)) != 0)
			hl_db_fail($self, rc);
		return l ? hl_cases_json(l) : NULL;
	}
	/* Owners' personal data (share/doc/hotline/privacy.md). */
	char *cases_by_phone(const char *phone) {
		hotline_case_list *l = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_cases_by_phone(&l, $self->db, phone)) != 0)
			hl_db_fail($self, rc);
		return l ? hl_cases_json(l) : NULL;
	}
	void rotate_key(const char *key_hex, const char *key_id) {
		unsigned char key[HOTLINE_KEY_BYTES];
		int rc;
		if (!key_hex || hl_unhex(key, key_hex) != 0) {
			hl_fail(HOTLINE_EINVALID, "the new key must be 32 bytes");
			return;
		}
		if (hl_live($self) && (rc = hotline_db_rotate_key($self->db, key, key_id)) != 0)
			hl_db_fail($self, rc);
		hl_wipe(key, sizeof(key));
	}
	long long encrypt_existing() {
		size_t n = 0;
		int rc;
		if (hl_live($self) && (rc = hotline_db_encrypt_existing($self->db, &n)) != 0)
			hl_db_fail($self, rc);
		return (long long)n;
	}
	/* Claims for sweep workers: the due cases nobody holds, leased to `worker`, as a JSON array. */
	char *claim_due(long long before, long long limit, int lease_seconds, const char *worker) {
		hotline_case_list *l = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_claim_due($self->db, before, limit > 0 ? (size_t)limit : 0, lease_seconds, worker, &l)) != 0)
			hl_db_fail($self, rc);
		return l ? hl_cases_json(l) : NULL;
	}
	/* The assessment streamed into a file; a failed run leaves no file behind. */
	void assess_to(long long as_of, bool csv, const char *path) {
		FILE *f;
		int rc;
		if (!hl_live($self))
			return;
		if (!path || !(f = fopen(path, "wb"))) {
			hl_fail(HOTLINE_EIO, "cannot create the output file");
			return;
		}
		rc = hotline_db_assess_write($self->db, as_of, csv ? HOTLINE_FORMAT_CSV : HOTLINE_FORMAT_JSON, hl_file_sink, f);
		if (fclose(f) != 0 && rc == 0) {
			remove(path);
			hl_fail(HOTLINE_EIO, "cannot write the output file");
			return;
		}
		if (rc) {
			remove(path);
			hl_db_fail($self, rc);
		}
	}
	/* One person's statement of a month as JSON text; as_of TIME_NONE: the period's end. */
	char *statement(const char *person, const char *month, long long as_of) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_statement_json(&out, $self->db, person, month, as_of)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* secret_key_hex: a 32-byte seed or a 64-byte secret key as hex (null: unsigned). */
	char *checkpoint(long long up_to_seq, const char *secret_key_hex) {
		hotline_checkpoint_options o = HOTLINE_CHECKPOINT_OPTIONS_INIT;
		unsigned char key[HOTLINE_CHECKPOINT_SECRET_KEY_BYTES];
		char *out = NULL;
		long n = 0;
		int rc;
		if (!hl_live($self))
			return NULL;
		if (secret_key_hex && (n = hl_unhex_n(key, sizeof(key), secret_key_hex)) != HOTLINE_CHECKPOINT_SEED_BYTES
			&& n != HOTLINE_CHECKPOINT_SECRET_KEY_BYTES) {
			hl_fail(HOTLINE_EINVALID, "key must be a 32-byte seed or a 64-byte secret key");
			return NULL;
		}
		o.up_to_seq = up_to_seq;
		o.secret_key = secret_key_hex ? key : NULL;
		o.secret_key_len = secret_key_hex ? (size_t)n : 0;
		if ((rc = hotline_db_checkpoint(&out, $self->db, &o)) != 0)
			hl_db_fail($self, rc);
		hl_wipe(key, sizeof(key));
		return out;
	}
	void verify_checkpoint(const char *checkpoint, const char *public_key_hex) {
		unsigned char pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES];
		int rc;
		if (!hl_live($self) || (public_key_hex && hl_public_key(pk, public_key_hex) != 0))
			return;
		if ((rc = hotline_db_verify_checkpoint($self->db, checkpoint, public_key_hex ? pk : NULL)) != 0)
			hl_db_fail($self, rc);
	}
	/* The report as JSON text, also when it found problems (HOTLINE_ECORRUPT is its answer, not a failure). */
	char *verify_report(const char *case_id, long long max_findings, const char *checkpoint, const char *public_key_hex) {
		hotline_verify_options o = HOTLINE_VERIFY_OPTIONS_INIT;
		unsigned char pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES];
		char *out = NULL;
		int rc;
		if (!hl_live($self) || (public_key_hex && hl_public_key(pk, public_key_hex) != 0))
			return NULL;
		o.case_id = case_id;
		o.max_findings = max_findings > 0 ? (size_t)max_findings : 0;
		o.checkpoint = checkpoint;
		o.public_key = public_key_hex ? pk : NULL;
		rc = hotline_db_verify_report(&out, $self->db, &o);
		if (rc != 0 && !(rc == HOTLINE_ECORRUPT && out)) {
			hotline_free(out);
			out = NULL;
			hl_db_fail($self, rc);
		}
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
	/* Open deadlines (or, with reminders, the reminders) in [from, to) as JSON text; person/property may be null;
	 * as_of: what overdue is judged against (TIME_NONE: the clock). */
	char *deadlines(long long from, long long to, const char *person, const char *property, bool reminders,
		long long as_of) {
		hotline_deadline_filter f = HOTLINE_DEADLINE_FILTER_INIT;
		char *out = NULL;
		int rc;
		f.person = person;
		f.property = property;
		f.as_of = as_of;
		if (hl_live($self) && (rc = (reminders ? hotline_db_reminders : hotline_db_deadlines)(&out, $self->db, from, to, &f)) != 0)
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
%newobject replay;
%newobject expect;
%newobject lifecycle_json;
%newobject checkpoint_public_key;

%inline %{
/* The document `hotline replay` prints; as_of TIME_NONE: the latest `at` of the files; key_hex as for the handle. */
char *replay(const char *const *files, size_t nfiles, const char *policy, long long as_of, const char *db_uri,
	const char *key_hex, const char *key_id, bool unencrypted)
{
	hotline_replay_options o = HOTLINE_REPLAY_OPTIONS_INIT;
	unsigned char key[HOTLINE_KEY_BYTES];
	char *out = NULL;
	int rc;
	if (key_hex && hl_unhex(key, key_hex) != 0) {
		hl_fail(HOTLINE_EINVALID, "key must be 32 bytes");
		return NULL;
	}
	o.policy = policy;
	o.db_uri = db_uri;
	o.as_of = as_of;
	o.key = key_hex ? key : NULL;
	o.key_id = key_id;
	o.db_flags = unencrypted ? HOTLINE_DB_UNENCRYPTED : 0;
	if ((rc = hotline_replay(&out, files, nfiles, &o)) != 0)
		hl_fail(rc, hotline_last_error());
	hl_wipe(key, sizeof(key));
	return out;
}

/* The differences between a document and expectations, one per line; null when everything matches. */
char *expect(const char *document, const char *expected)
{
	char *out = NULL;
	int rc = hotline_expect(&out, document, expected);
	if (rc)
		hl_fail(rc, hotline_last_error());
	return out;
}

/* The lifecycle table as JSON text. */
char *lifecycle_json(void)
{
	char *out = NULL;
	int rc = hotline_lifecycle_json(&out);
	if (rc)
		hl_fail(rc, hotline_last_error());
	return out;
}

/* The public key (as hex) of a signing key given as hex (a 32-byte seed or a 64-byte secret key). */
char *checkpoint_public_key(const char *secret_key_hex)
{
	unsigned char key[HOTLINE_CHECKPOINT_SECRET_KEY_BYTES], pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES];
	long n = secret_key_hex ? hl_unhex_n(key, sizeof(key), secret_key_hex) : -1;
	char *out;
	int rc, i;
	if (n != HOTLINE_CHECKPOINT_SEED_BYTES && n != HOTLINE_CHECKPOINT_SECRET_KEY_BYTES) {
		hl_fail(HOTLINE_EINVALID, "secret key must be a 32-byte seed or a 64-byte secret key");
		return NULL;
	}
	rc = hotline_checkpoint_public_key(pk, key, (size_t)n);
	hl_wipe(key, sizeof(key));
	if (rc) {
		hl_fail(rc, hotline_last_error());
		return NULL;
	}
	if (!(out = malloc(2 * sizeof(pk) + 1))) {
		hl_fail(HOTLINE_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < (int)sizeof(pk); i++)
		snprintf(out + 2 * i, 3, "%02x", pk[i]);
	return out;
}
%}
