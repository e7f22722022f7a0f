/*
 * SWIG interface of libhotline for Python. The generated module stays
 * thin: the library's opaque structs become classes whose methods are
 * the C accessors (%extend), and one %exception raises the library's error
 * as the Python class made for its code from the HOTLINE_ERRORS list. The
 * pure-Python package (hotline/__init__.py) adds what SWIG does badly:
 * context managers, datetime, dataclasses, lazy iterators.
 *
 * Ownership: a Handle owns its hotline_db until close() or collection; after
 * close() every method raises hotline.Invalid instead of touching freed
 * memory. RawCase objects from Handle.get_case and every list own what they
 * point to (%newobject); a RawCase or RawEvent taken from a list borrows
 * from it, and keeps the list alive through its `_owner` attribute. Strings
 * the library allocates are released with hotline_free (%newobject).
 */
/*
 * The module is hotline.lowlevel (its C part hotline._lowlevel): a name
 * with a leading underscore would make SWIG's C part "__name", which Python
 * mangles inside the generated class bodies.
 */
%module(package="hotline", docstring="Low-level layer of libhotline: use the hotline package.") lowlevel

%{
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hotline.h>
#include <datetime.h>

/*
 * The failure of the last call in this thread: 0, a hotline_error, or
 * HL_PYERR when a Python exception is already set. %exception raises it.
 */
#define HL_PYERR 1
static _Thread_local int hl_code;
static _Thread_local char hl_msg[600];

static void hl_fail(int code, const char *msg)
{
	hl_code = code;
	snprintf(hl_msg, sizeof(hl_msg), "%s", msg ? msg : "");
}

/*
 * The Python face of each code of HOTLINE_ERRORS: the class name, and the
 * builtin exception it also derives from so that `except LookupError` and
 * friends work. A code added to the C list without a line here does not
 * compile: the binding has to decide its name.
 */
#define HL_PY_INVALID_TRANSITION "InvalidTransition", NULL
#define HL_PY_FORBIDDEN          "Forbidden", NULL
#define HL_PY_INVALID            "Invalid", &PyExc_ValueError
#define HL_PY_NOT_FOUND          "NotFound", &PyExc_LookupError
#define HL_PY_CONFLICT           "Conflict", NULL
#define HL_PY_DUPLICATE          "Duplicate", NULL
#define HL_PY_STORAGE            "StorageError", NULL
#define HL_PY_NOMEM              "NoMemory", &PyExc_MemoryError
#define HL_PY_CORRUPT            "Corrupt", NULL
#define HL_PY_RANGE              "OutOfRange", NULL
#define HL_PY_IO                 "FileError", &PyExc_OSError
#define HL_PY_POLICY             "PolicyError", NULL
#define HL_PY_KEY                "WrongKey", NULL
#define HL_PY_BUSY               "Busy", NULL

typedef struct hl_error_class {
	int code;
	const char *json;      /* hotline_error_name(): the class's `code` */
	const char *doc;
	const char *name;
	PyObject **also;       /* a builtin base, or NULL */
	PyObject *cls;         /* made in %init */
} hl_error_class;

static hl_error_class hl_errors[] = {
#define HL_ERROR_ROW(name, value, json, msg) { value, json, msg, HL_PY_##name, NULL },
	HOTLINE_ERRORS(HL_ERROR_ROW)
#undef HL_ERROR_ROW
};
#define HL_NERRORS (sizeof(hl_errors) / sizeof(hl_errors[0]))
static PyObject *hl_error_base;

static void hl_raise(int code, const char *msg)
{
	PyObject *cls = hl_error_base, *text;
	size_t i;
	for (i = 0; i < HL_NERRORS; i++)
		if (hl_errors[i].code == code)
			cls = hl_errors[i].cls;
	text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
	if (text) {
		PyErr_SetObject(cls, text);
		Py_DECREF(text);
	}
}

/* Error.message: the library's text, the exception's first argument. */
static PyObject *hl_error_message(PyObject *unused, PyObject *exc)
{
	PyObject *args = PyObject_GetAttrString(exc, "args"), *out;
	(void)unused;
	if (!args)
		return NULL;
	if (PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0 && PyUnicode_Check(PyTuple_GET_ITEM(args, 0))) {
		out = PyTuple_GET_ITEM(args, 0);
		Py_INCREF(out);
	} else {
		out = PyObject_Str(exc);
	}
	Py_DECREF(args);
	return out;
}

static PyMethodDef hl_error_message_def = {
	"message", hl_error_message, METH_O, "The library's message (the exception's first argument)."
};

/* One class per code of HOTLINE_ERRORS under hotline.Error, added to the module, and the tuple ERRORS. */
static int hl_errors_init(PyObject *m)
{
	PyObject *dict = PyDict_New(), *fget = NULL, *prop = NULL, *code = NULL, *all = NULL;
	size_t i;
	int rc = -1;
	if (!dict || !(fget = PyCFunction_New(&hl_error_message_def, NULL)))
		goto done;
	if (!(prop = PyObject_CallFunctionObjArgs((PyObject *)&PyProperty_Type, fget, NULL)))
		goto done;
	if (PyDict_SetItemString(dict, "message", prop) || !(code = PyUnicode_FromString("error"))
		|| PyDict_SetItemString(dict, "code", code))
		goto done;
	hl_error_base = PyErr_NewExceptionWithDoc("hotline.Error",
		"Base of every libhotline error: `code` is the library's snake-case code, `message` its text.",
		NULL, dict);
	if (!hl_error_base)
		goto done;
	Py_INCREF(hl_error_base);
	if (PyModule_AddObject(m, "Error", hl_error_base)) {
		Py_DECREF(hl_error_base);
		goto done;
	}
	if (!(all = PyTuple_New((Py_ssize_t)HL_NERRORS)))
		goto done;
	for (i = 0; i < HL_NERRORS; i++) {
		hl_error_class *e = &hl_errors[i];
		char qualname[64], doc[160];
		PyObject *bases, *d = Py_BuildValue("{s:s,s:i}", "code", e->json, "value", e->code);
		bases = e->also ? PyTuple_Pack(2, hl_error_base, *e->also) : PyTuple_Pack(1, hl_error_base);
		snprintf(qualname, sizeof(qualname), "hotline.%s", e->name);
		snprintf(doc, sizeof(doc), "%c%s (`%s`).", toupper((unsigned char)e->doc[0]), e->doc + 1, e->json);
		e->cls = (d && bases) ? PyErr_NewExceptionWithDoc(qualname, doc, bases, d) : NULL;
		Py_XDECREF(d);
		Py_XDECREF(bases);
		if (!e->cls)
			goto done;
		Py_INCREF(e->cls);
		PyTuple_SET_ITEM(all, (Py_ssize_t)i, e->cls);
		Py_INCREF(e->cls);
		if (PyModule_AddObject(m, e->name, e->cls)) {
			Py_DECREF(e->cls);
			goto done;
		}
	}
	if (PyModule_AddObject(m, "ERRORS", all) == 0) {
		all = NULL;
		rc = 0;
	}
done:
	Py_XDECREF(all);
	Py_XDECREF(code);
	Py_XDECREF(prop);
	Py_XDECREF(fget);
	Py_XDECREF(dict);
	return rc;
}

/*
 * The database handle as Python holds it: `db` is NULL once closed. Its
 * methods run without the GIL (a threaded server keeps serving while one
 * thread waits on storage), so close() from another thread must wait for
 * the calls in flight: `busy` counts them under `mu`, `idle` is signalled
 * when it drops to 0.
 */
typedef struct hl_db {
	hotline_db *db;
	pthread_mutex_t mu;
	pthread_cond_t idle;
	int busy;
} hl_db;

/* Before a call on the handle: 1 with the call counted, or 0 (closed; the error is set). */
static int hl_enter(hl_db *h)
{
	int live;
	pthread_mutex_lock(&h->mu);
	live = h->db != NULL;
	if (live)
		h->busy++;
	pthread_mutex_unlock(&h->mu);
	if (!live)
		hl_fail(HOTLINE_EINVALID, "the database is closed");
	return live;
}

static void hl_leave(hl_db *h)
{
	pthread_mutex_lock(&h->mu);
	if (--h->busy == 0)
		pthread_cond_broadcast(&h->idle);
	pthread_mutex_unlock(&h->mu);
}

/* Closes once no call is in flight; later calls find it closed. */
static void hl_close(hl_db *h)
{
	hotline_db *db;
	pthread_mutex_lock(&h->mu);
	while (h->busy > 0)
		pthread_cond_wait(&h->idle, &h->mu);
	db = h->db;
	h->db = NULL;
	pthread_mutex_unlock(&h->mu);
	hotline_db_close(db);
}

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

/* A checkpoint's public key as hex (NULL: none) into pk; 0, or -1 with the failure set. */
static int hl_public_key(unsigned char pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES], const char *hex)
{
	if (hl_unhex_n(pk, HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES, hex) != HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES) {
		hl_fail(HOTLINE_EINVALID, "public_key must be 32 bytes");
		return -1;
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

static int hl_file_sink(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

/*
 * A case command's JSON text written here from the method's arguments, instead
 * of a dict and json.dumps: the binding's common case (str, bool and int
 * values, an instant in a fixed offset). Anything else is left to the Python
 * path, which checks it and says what is wrong.
 */
typedef struct hl_buf {
	char *p;
	size_t len, cap;
	char small[1024];
} hl_buf;

static int hl_put(hl_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = 2 * (b->len + n + 1);
		char *p = b->p == b->small ? malloc(cap) : realloc(b->p, cap);
		if (!p)
			return -1;
		if (b->p == b->small)
			memcpy(p, b->small, b->len);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

#define HL_PUTS(b, lit) hl_put((b), (lit), sizeof(lit) - 1)

/* A str (exactly, no NUL) as a JSON string; 1 when it is something else. */
static int hl_put_str(hl_buf *b, PyObject *o)
{
	static const char hex[] = "0123456789abcdef";
	Py_ssize_t n, i, from = 0;
	const char *s;
	if (!PyUnicode_CheckExact(o))
		return 1;
	if (!(s = PyUnicode_AsUTF8AndSize(o, &n))) {
		PyErr_Clear();              /* not UTF-8 (a lone surrogate): the Python path reports it */
		return 1;
	}
	if (HL_PUTS(b, "\""))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
		if (c == 0)
			return 1;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (hl_put(b, s + from, (size_t)(i - from)))
			return -1;
		from = i + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			if (hl_put(b, esc, 2))
				return -1;
		} else {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			if (hl_put(b, esc, 6))
				return -1;
		}
	}
	if (hl_put(b, s + from, (size_t)(n - from)) || HL_PUTS(b, "\""))
		return -1;
	return 0;
}

/* A datetime (exactly) in a datetime.timezone of whole minutes as the library's instant text, seconds kept,
 * microseconds dropped (what isoformat() writes after replace(microsecond=0)); 1 for anything else. */
static int hl_put_instant(hl_buf *b, PyObject *o)
{
	PyObject *tz, *off;
	long secs;
	char text[40];
	int n;
	if (!PyDateTime_CheckExact(o))
		return 1;
	tz = PyDateTime_DATE_GET_TZINFO(o);
	if (tz == Py_None || Py_TYPE(tz) != Py_TYPE(PyDateTime_TimeZone_UTC))
		return 1;
	if (!(off = PyObject_CallMethod(tz, "utcoffset", "O", o))) {
		PyErr_Clear();
		return 1;
	}
	if (!PyDelta_Check(off) || PyDateTime_DELTA_GET_MICROSECONDS(off) != 0) {
		Py_DECREF(off);
		return 1;
	}
	secs = (long)PyDateTime_DELTA_GET_DAYS(off) * 86400 + PyDateTime_DELTA_GET_SECONDS(off);
	Py_DECREF(off);
	if (secs % 60 != 0)
		return 1;
	n = snprintf(text, sizeof(text), "\"%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld\"", PyDateTime_GET_YEAR(o),
		PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o), PyDateTime_DATE_GET_HOUR(o), PyDateTime_DATE_GET_MINUTE(o),
		PyDateTime_DATE_GET_SECOND(o), secs < 0 ? '-' : '+', labs(secs) / 3600, labs(secs) % 3600 / 60);
	return hl_put(b, text, (size_t)n);
}

/* An int (exactly: a bool is not one) as a JSON number; 1 for anything else. */
static int hl_put_int(hl_buf *b, PyObject *o)
{
	char num[24];
	int overflow;
	long long x;
	if (!PyLong_CheckExact(o))
		return 1;
	x = PyLong_AsLongLongAndOverflow(o, &overflow);
	if (overflow || (x == -1 && PyErr_Occurred())) {
		PyErr_Clear();
		return 1;
	}
	return hl_put(b, num, (size_t)snprintf(num, sizeof(num), "%lld", x));
}

/*
 * {"cmd":name,"case":...,"at":...,"actor":...[,"command_id":...][,"expect_version":...],fields}:
 * 0, 1 (not the common case) or -1 (no memory).
 */
static int hl_case_text(hl_buf *b, PyObject *name, PyObject *case_id, PyObject *at, PyObject *actor,
	PyObject *command_id, PyObject *expect_version, PyObject *fields)
{
	Py_ssize_t pos = 0;
	PyObject *k, *v;
	int rc;
	if (!PyDict_CheckExact(fields))
		return 1;
	if ((rc = HL_PUTS(b, "{\"cmd\":")) || (rc = hl_put_str(b, name)) || (rc = HL_PUTS(b, ",\"case\":"))
		|| (rc = hl_put_str(b, case_id)) || (rc = HL_PUTS(b, ",\"at\":")) || (rc = hl_put_instant(b, at))
		|| (rc = HL_PUTS(b, ",\"actor\":")) || (rc = hl_put_str(b, actor)))
		return rc;
	if (command_id != Py_None && ((rc = HL_PUTS(b, ",\"command_id\":")) || (rc = hl_put_str(b, command_id))))
		return rc;
	if (expect_version != Py_None
		&& ((rc = HL_PUTS(b, ",\"expect_version\":")) || (rc = hl_put_int(b, expect_version))))
		return rc;
	while (PyDict_Next(fields, &pos, &k, &v)) {
		if (v == Py_None)
			continue;
		if ((rc = HL_PUTS(b, ",")) || (rc = hl_put_str(b, k)) || (rc = HL_PUTS(b, ":")))
			return rc;
		if (v == Py_True || v == Py_False)
			rc = v == Py_True ? HL_PUTS(b, "true") : HL_PUTS(b, "false");
		else if (PyLong_CheckExact(v))
			rc = hl_put_int(b, v);
		else
			rc = hl_put_str(b, v);
		if (rc)
			return rc;
	}
	return HL_PUTS(b, "}");
}
%}

%init %{
	if (hl_errors_init(m) != 0)
		return NULL;
	PyDateTime_IMPORT;
	if (!PyDateTimeAPI)
		return NULL;
%}

/* After a call: raise what it recorded. */
%define HL_RAISE_RECORDED
	if (hl_code) {
		if (hl_code != HL_PYERR)
			hl_raise(hl_code, hl_msg);
		SWIG_fail;
	}
%enddef

%exception {
	hl_code = 0;
	$action
	HL_RAISE_RECORDED
}

/* Strings in: str or None (NULL), UTF-8, no embedded NUL (it would cut the text short). */
%typemap(in) const char * {
	if ($input == Py_None) {
		$1 = NULL;
	} else if (PyUnicode_Check($input)) {
		Py_ssize_t n;
		const char *s = PyUnicode_AsUTF8AndSize($input, &n);
		if (!s)
			SWIG_fail;
		if (strlen(s) != (size_t)n) {
			PyErr_SetString(PyExc_ValueError, "$1_name must not contain NUL characters");
			SWIG_fail;
		}
		$1 = ($1_ltype)s;
	} else {
		PyErr_Format(PyExc_TypeError, "$1_name must be a str or None, not %.100s", Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
}

%typemap(freearg) const char * "";

/* A sequence of str as (array, count); the array borrows the str objects' UTF-8. */
%typemap(in) (const char *const *files, size_t nfiles) (PyObject *seq = NULL) {
	Py_ssize_t i, n;
	if (!(seq = PySequence_Fast($input, "files must be a sequence of str")))
		SWIG_fail;
	n = PySequence_Fast_GET_SIZE(seq);
	$1 = ($1_ltype)calloc((size_t)n + 1, sizeof(char *));
	$2 = (size_t)n;
	if (!$1) {
		PyErr_NoMemory();
		SWIG_fail;
	}
	for (i = 0; i < n; i++) {
		PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
		Py_ssize_t len;
		const char *s = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &len) : NULL;
		if (!s) {
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_TypeError, "files must be a sequence of str");
			SWIG_fail;
		}
		if (strlen(s) != (size_t)len) {
			PyErr_SetString(PyExc_ValueError, "a path must not contain NUL characters");
			SWIG_fail;
		}
		((const char **)$1)[i] = s;
	}
}
%typemap(freearg) (const char *const *files, size_t nfiles) {
	free((void *)$1);
	Py_XDECREF(seq$argnum);
}

%typemap(newfree) char * "hotline_free($1);";

%constant long long TIME_NONE = HOTLINE_TIME_NONE;

/* ------------------------------------------------------------------ */
/* Cases and events: read-only views over the library's structs         */

%rename(RawCase) hotline_case;
%rename(CaseList) hotline_case_list;
%rename(RawEvent) hotline_event;
%rename(EventList) hotline_event_list;
%nodefaultctor hotline_case;
%nodefaultctor hotline_case_list;
%nodefaultctor hotline_event;
%nodefaultctor hotline_event_list;
%nodefaultdtor hotline_event;
struct hotline_case {};
struct hotline_case_list {};
struct hotline_event {};
struct hotline_event_list {};

/*
 * Accessor methods are written c_NAME and seen from Python as NAME: SWIG
 * names the C helper of an %extend method STRUCT_METHOD, which for
 * hotline_case_id... would be the library's own accessors.
 */
%rename("%(strip:[c_])s", %$ismember) "";

/* A borrowed item keeps its list alive. */
%pythonappend hotline_case_list::c_get %{
    if val is not None:
        val._owner = self
%}
%pythonappend hotline_event_list::c_get %{
    if val is not None:
        val._owner = self
%}

%extend hotline_case {
	~hotline_case() { hotline_case_free($self); }
	const char *c_id() { return hotline_case_id($self); }
	const char *c_property_id() { return hotline_case_property($self); }
	const char *c_state() { return hotline_state_name(hotline_case_state($self)); }
	const char *c_approval() { return hotline_approval_name(hotline_case_approval($self)); }
	bool c_exempt() { return hotline_case_exempt($self) != 0; }
	long long c_version() { return hotline_case_version($self); }
	long long c_registered_at() { return hotline_case_registered_at($self); }
	long long c_last_at() { return hotline_case_last_at($self); }
	/* TIME_NONE when nothing is pending */
	long long c_next_due() { return hotline_case_next_due($self); }
	/* A ledger field (room, owner, ...), None when unset. */
	const char *c_field(const char *name) { return hotline_case_field($self, name); }
	/* The whole snapshot as JSON text. */
	const char *c_json() { return hotline_case_json($self); }
}

%extend hotline_case_list {
	~hotline_case_list() { hotline_case_list_free($self); }
	size_t __len__() { return hotline_case_list_count($self); }
	/* Borrowed from the list; None past the end. */
	hotline_case *c_get(size_t i) { return (hotline_case *)hotline_case_list_get($self, i); }
}

%extend hotline_event {
	long long c_seq() { return hotline_event_seq($self); }
	/* "" for the organisation stream */
	const char *c_case_id() { return hotline_event_case($self); }
	long long c_version() { return hotline_event_version($self); }
	const char *c_command() { return hotline_command_name(hotline_event_command($self)); }
	/* "" when none */
	const char *c_actor() { return hotline_event_actor($self); }
	/* TIME_NONE for directory events */
	long long c_at() { return hotline_event_at($self); }
	/* The accepted command as canonical JSON text. */
	const char *c_json() { return hotline_event_json($self); }
	const char *c_prev_hash() { return hotline_event_prev_hash($self); }
	const char *c_hash() { return hotline_event_hash($self); }
	/* The command_id, or the UUID the library gave the event; None before events had ids. */
	const char *c_id() { return hotline_event_id($self); }
}

%extend hotline_event_list {
	~hotline_event_list() { hotline_event_list_free($self); }
	size_t __len__() { return hotline_event_list_count($self); }
	hotline_event *c_get(size_t i) { return (hotline_event *)hotline_event_list_get($self, i); }
}

/* ------------------------------------------------------------------ */
/* The database handle                                                  */

/* exec_json returns (seq, repeated) in one call: a second call could see another thread's command. */
%typemap(in, numinputs=0) int *repeated_out (int repeated = 0) { $1 = &repeated; }
%typemap(argout) int *repeated_out {
	PyObject *pair = Py_BuildValue("(ON)", $result, PyBool_FromLong(*$1));
	Py_DECREF($result);
	if (!($result = pair))
		SWIG_fail;
}

%rename(Handle) hl_db;
%nodefaultctor hl_db;
struct hl_db {};

%newobject hl_db::get_case;
%newobject hl_db::cases;
%newobject hl_db::sweep;
%newobject hl_db::history;
%newobject hl_db::assess;
%newobject hl_db::explain;
%newobject hl_db::statement;
%newobject hl_db::directory;
%newobject hl_db::deadlines;
%newobject hl_db::cases_by_phone;
%newobject hl_db::encryption;
%newobject hl_db::calendar;
%newobject hl_db::policy_json;
%newobject hl_db::claim_due;
%newobject hl_db::checkpoint;
%newobject hl_db::verify_report;
%newobject hl_db::feed;
%newobject hl_db::notifications;

/*
 * Every call on a handle may wait on storage (a lock, a disk, a server):
 * it runs without the GIL and is counted, so that close() waits for it.
 * Opening and closing run without the GIL too; closed() only reads a field.
 */
%exception hl_db::hl_db {
	hl_code = 0;
	Py_BEGIN_ALLOW_THREADS
	$action
	Py_END_ALLOW_THREADS
	HL_RAISE_RECORDED
}
%exception hl_db::~hl_db {
	Py_BEGIN_ALLOW_THREADS
	$action
	Py_END_ALLOW_THREADS
}
%exception hl_db::close {
	Py_BEGIN_ALLOW_THREADS
	$action
	Py_END_ALLOW_THREADS
}
%exception hl_db::closed "$action"
/* Builds its text with the GIL, and releases it around the library's call itself. */
%exception hl_db::case_command {
	hl_code = 0;
	$action
	HL_RAISE_RECORDED
}
%exception {
	hl_code = 0;
	if (hl_enter(arg1)) {
		Py_BEGIN_ALLOW_THREADS
		$action
		Py_END_ALLOW_THREADS
		hl_leave(arg1);
	}
	HL_RAISE_RECORDED
}

%newobject hl_db::policy;

%extend hl_db {
	/*
	 * Open "memory:", "sqlite:PATH" or a bare path; policy: a built-in name or a file (None: gm-hotline).
	 * key_hex: the key-encryption key as 64 hex digits (None: none); unencrypted: HOTLINE_DB_UNENCRYPTED.
	 */
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
		if (pthread_mutex_init(&h->mu, NULL) != 0) {
			free(h);
			hl_fail(HOTLINE_ENOMEM, "cannot create the handle's mutex");
			return NULL;
		}
		if (pthread_cond_init(&h->idle, NULL) != 0) {
			pthread_mutex_destroy(&h->mu);
			free(h);
			hl_fail(HOTLINE_ENOMEM, "cannot create the handle's condition");
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
			pthread_cond_destroy(&h->idle);
			pthread_mutex_destroy(&h->mu);
			free(h);
			return NULL;
		}
		return h;
	}
	~hl_db() {
		hl_close($self);
		pthread_cond_destroy(&$self->idle);
		pthread_mutex_destroy(&$self->mu);
		free($self);
	}
	/* Harmless when already closed; waits for the calls other threads have in flight. */
	void close() { hl_close($self); }
	bool closed() {
		bool closed;
		pthread_mutex_lock(&$self->mu);
		closed = $self->db == NULL;
		pthread_mutex_unlock(&$self->mu);
		return closed;
	}
	/* A copy: the name lives in the handle, which another thread may close once this call returns. */
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
	/* The event's seq, and whether the command repeated one already accepted (same command_id and content). */
	long long exec_json(const char *json, int *repeated_out) {
		int64_t seq = 0;
		int rc;
		if (hl_live($self) && (rc = hotline_db_exec_json($self->db, json, &seq, repeated_out)) != 0)
			hl_db_fail($self, rc);
		return seq;
	}
	/*
	 * A case command from a method's arguments (command_id, expect_version:
	 * None when not given; fields: a dict, None values left out):
	 * (seq, repeated), or None when an argument is not of the
	 * common kinds (the caller then takes the dict and JSON path).
	 */
	PyObject *case_command(PyObject *name, PyObject *case_id, PyObject *at, PyObject *actor, PyObject *command_id,
		PyObject *expect_version, PyObject *fields) {
		hl_buf b;
		int64_t seq = 0;
		int repeated = 0, rc;
		PyObject *out = NULL;
		b.p = b.small;
		b.len = 0;
		b.cap = sizeof(b.small);
		rc = hl_case_text(&b, name, case_id, at, actor, command_id, expect_version, fields);
		if (rc > 0) {
			Py_INCREF(Py_None);
			out = Py_None;
		} else if (rc < 0) {
			hl_fail(HOTLINE_ENOMEM, "out of memory");
		} else if (hl_enter($self)) {
			Py_BEGIN_ALLOW_THREADS
			if ((rc = hotline_db_exec_json($self->db, b.p, &seq, &repeated)) != 0)
				hl_db_fail($self, rc);
			Py_END_ALLOW_THREADS
			hl_leave($self);
			if (!rc && !(out = Py_BuildValue("(LO)", (long long)seq, repeated ? Py_True : Py_False)))
				hl_code = HL_PYERR;
		}
		if (b.p != b.small)
			free(b.p);
		return out;
	}
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
	hotline_case *get_case(const char *case_id) {
		hotline_case *c = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_case(&c, $self->db, case_id)) != 0)
			hl_db_fail($self, rc);
		return c;
	}
	/* One page of cases ordered by id: after `after_id` (None: the first), at most `limit` (0: all). */
	hotline_case_list *cases(const char *property, const char *state, const char *after_id, size_t limit) {
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
		q.limit = limit;
		if ((rc = hotline_db_cases_after(&l, $self->db, &q, after_id)) != 0)
			hl_db_fail($self, rc);
		return l;
	}
	/* One page of the sweep before `before`, after (after_due, after_id) (after_id None: the first). */
	hotline_case_list *sweep(long long before, long long after_due, const char *after_id, size_t limit) {
		hotline_case_list *l = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_sweep_after(&l, $self->db, before, after_due, after_id, limit)) != 0)
			hl_db_fail($self, rc);
		return l;
	}
	/* One page of a stream's events after position `after_version` (case_id None: the organisation). */
	hotline_event_list *history(const char *case_id, long long after_version, size_t limit) {
		hotline_event_list *l = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_history_after(&l, $self->db, case_id, after_version, limit)) != 0)
			hl_db_fail($self, rc);
		return l;
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
	/* as_of TIME_NONE: the latest instant of the case. */
	char *explain(const char *case_id, long long as_of) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_explain(&out, $self->db, case_id, as_of)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* One person's statement of a month as JSON text; as_of TIME_NONE: the period's end. */
	char *statement(const char *person, const char *month, long long as_of) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_statement_json(&out, $self->db, person, month, as_of)) != 0)
			hl_db_fail($self, rc);
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
	/* Open deadlines (or, with reminders, the reminders) in [from, to) as JSON text; person/property may be NULL;
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
	char *feed(const char *cursor, size_t limit) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_feed(&out, $self->db, cursor, limit)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	int feed_wait(const char *cursor, int timeout_ms) {
		int rc = 0;
		if (hl_live($self) && (rc = hotline_db_feed_wait($self->db, cursor, timeout_ms)) < 0)
			hl_db_fail($self, rc);
		return rc > 0;
	}
	char *notifications(const char *cursor, long long until, size_t limit) {
		char *out = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_notifications(&out, $self->db, cursor, until, limit)) != 0)
			hl_db_fail($self, rc);
		return out;
	}
	/* Owners' personal data (share/doc/hotline/privacy.md). */
	hotline_case_list *cases_by_phone(const char *phone) {
		hotline_case_list *l = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_cases_by_phone(&l, $self->db, phone)) != 0)
			hl_db_fail($self, rc);
		return l;
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
	size_t encrypt_existing() {
		size_t n = 0;
		int rc;
		if (hl_live($self) && (rc = hotline_db_encrypt_existing($self->db, &n)) != 0)
			hl_db_fail($self, rc);
		return n;
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
	/* Claims for sweep workers: the due cases nobody holds, leased to `worker`. */
	hotline_case_list *claim_due(long long before, size_t limit, int lease_seconds, const char *worker) {
		hotline_case_list *l = NULL;
		int rc;
		if (hl_live($self) && (rc = hotline_db_claim_due($self->db, before, limit, lease_seconds, worker, &l)) != 0)
			hl_db_fail($self, rc);
		return l;
	}
	/* secret_key_hex: a 32-byte seed or a 64-byte secret key as hex (None: unsigned). */
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
	char *verify_report(const char *case_id, size_t max_findings, const char *checkpoint, const char *public_key_hex) {
		hotline_verify_options o = HOTLINE_VERIFY_OPTIONS_INIT;
		unsigned char pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES];
		char *out = NULL;
		int rc;
		if (!hl_live($self) || (public_key_hex && hl_public_key(pk, public_key_hex) != 0))
			return NULL;
		o.case_id = case_id;
		o.max_findings = max_findings;
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
}

/* ------------------------------------------------------------------ */
/* Functions without a handle                                           */

/* Replaying reads files and writes a database: without the GIL. */
%exception replay {
	hl_code = 0;
	Py_BEGIN_ALLOW_THREADS
	$action
	Py_END_ALLOW_THREADS
	HL_RAISE_RECORDED
}
%exception {
	hl_code = 0;
	$action
	HL_RAISE_RECORDED
}

%newobject replay;
%newobject lifecycle_json;
%newobject expect;
%newobject calendar_line;
%newobject policy_line;

%inline %{
const char *version(void)
{
	return hotline_version(NULL, NULL, NULL);
}

/* The document `hotline replay` prints; as_of TIME_NONE: the latest `at` of the files. */
char *replay(const char *const *files, size_t nfiles, const char *policy, long long as_of, const char *db_uri)
{
	hotline_replay_options o = HOTLINE_REPLAY_OPTIONS_INIT;
	char *out = NULL;
	int rc;
	o.policy = policy;
	o.db_uri = db_uri;
	o.as_of = as_of;
	if ((rc = hotline_replay(&out, files, nfiles, &o)) != 0)
		hl_fail(rc, hotline_last_error());
	return out;
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

/* The `calendar` line of a year (JSON) from holiday data: format "json", "ical" or "builtin" (data None). */
char *calendar_line(int year, const char *format, const char *data, const char *source)
{
	char *out = NULL;
	int rc = hotline_calendar_line(&out, year, format, data, data ? strlen(data) : 0, source);
	if (rc)
		hl_fail(rc, hotline_last_error());
	return out;
}

/* The differences between a document and expectations, one per line; None when everything matches. */
char *expect(const char *document, const char *expected)
{
	char *out = NULL;
	int rc = hotline_expect(&out, document, expected);
	if (rc)
		hl_fail(rc, hotline_last_error());
	return out;
}

/* The public key (bytes) of a signing key given as hex (a 32-byte seed or a 64-byte secret key). */
PyObject *checkpoint_public_key(const char *secret_key_hex)
{
	unsigned char key[HOTLINE_CHECKPOINT_SECRET_KEY_BYTES], pk[HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES];
	PyObject *out;
	long n = secret_key_hex ? hl_unhex_n(key, sizeof(key), secret_key_hex) : -1;
	int rc;
	if (n < 0) {
		hl_fail(HOTLINE_EINVALID, "secret_key must be a 32-byte seed or a 64-byte secret key");
		return NULL;
	}
	rc = hotline_checkpoint_public_key(pk, key, (size_t)n);
	hl_wipe(key, sizeof(key));
	if (rc) {
		hl_fail(rc, hotline_last_error());
		return NULL;
	}
	if (!(out = PyBytes_FromStringAndSize((const char *)pk, (Py_ssize_t)sizeof(pk))))
		hl_code = HL_PYERR;
	return out;
}

/* A key file: (the key as hex, its id). */
PyObject *key_file_read(const char *path)
{
	unsigned char key[HOTLINE_KEY_BYTES];
	char id[80], hex[2 * HOTLINE_KEY_BYTES + 1];
	PyObject *out;
	int rc, i;
	if ((rc = hotline_key_file_read(path, key, id, sizeof(id))) != 0) {
		hl_fail(rc, hotline_last_error());
		return NULL;
	}
	for (i = 0; i < HOTLINE_KEY_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	hl_wipe(key, sizeof(key));
	out = Py_BuildValue("(ss)", hex, id);
	hl_wipe(hex, sizeof(hex));
	if (!out)
		hl_code = HL_PYERR;
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
%}

%pythoncode %{
# The exception classes live in the C module (made from HOTLINE_ERRORS in %init).
Error = _lowlevel.Error
ERRORS = _lowlevel.ERRORS
globals().update((_cls.__name__, _cls) for _cls in ERRORS)
%}
