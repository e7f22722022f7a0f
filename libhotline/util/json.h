/*
 * The one JSON writer of the library: a growable buffer that can hand its
 * contents to a sink as it fills (streamed documents), the canonical text
 * of a jansson value, and a streaming writer (hotline__jw) for documents too
 * big to hold, which keeps the same canonical form.
 *
 * The canonical form (in the spirit of RFC 8785, defined by its own rules):
 *   - no whitespace between tokens;
 *   - object members sorted by key, comparing the keys as sequences of
 *     Unicode code points (for UTF-8 text: byte by byte; a key that is a
 *     prefix of another sorts first). Keys are unique. RFC 8785 compares
 *     UTF-16 code units instead; that differs only where, at the first
 *     position two keys differ, one has a character above U+FFFF and the
 *     other one in U+E000..U+FFFF: here U+FF5E sorts before U+1F600;
 *   - strings: '"' and '\' are escaped as \" and \\; the control
 *     characters U+0000..U+001F as \b \f \n \r \t where those exist,
 *     else as \u00XX with upper-case hex digits (\u001F; RFC 8785 has
 *     lower case). Nothing else is escaped: not '/', not U+007F, not
 *     non-ASCII text, written as its UTF-8 bytes (a character above U+FFFF,
 *     a surrogate pair in JSON input, as its one 4-byte sequence);
 *   - integers (int64): decimal, '-' for negatives, no leading zeros, no
 *     '+', no exponent;
 *   - true, false, null as such;
 *   - reals: the library writes none (money is integer fen, instants are
 *     strings). A real given to the writer is formatted as jansson formats
 *     it (1.5 as 1.5; in general not the shortest form), which is not canonical across
 *     implementations.
 * This is byte for byte what jansson's
 * json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) gives, which
 * event hashes depend on.
 */
#ifndef HOTLINE_UTIL_JSON_H
#define HOTLINE_UTIL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Receives full chunks of a streamed document; non-zero stops the writer. */
typedef int (*hotline__sink_fn)(void *ctx, const char *data, size_t len);

typedef struct hotline__sbuf {
	char *p;
	size_t n, cap;
	int err;                  /* HOTLINE_ENOMEM or the sink's failure; sticky */
	hotline__sink_fn sink;    /* NULL: keep everything in p */
	void *sink_ctx;
} hotline__sbuf;

void hotline__sbuf_init(hotline__sbuf *b, hotline__sink_fn sink, void *ctx);
void hotline__sbuf_free(hotline__sbuf *b);
void hotline__sbuf_put(hotline__sbuf *b, const char *s, size_t n);
void hotline__sbuf_puts(hotline__sbuf *b, const char *s);
void hotline__sbuf_putc(hotline__sbuf *b, char c);
void hotline__sbuf_int(hotline__sbuf *b, int64_t v);
/* The longest decimal text of an int64: "-9223372036854775808". */
#define HOTLINE__INT_MAX_LEN 20
/* The decimal text of v written at dst (room for HOTLINE__INT_MAX_LEN bytes, no NUL); returns its end. */
char *hotline__fmt_int(char *dst, int64_t v);
/*
 * Room for n more bytes (and a NUL): where to write them, NULL on failure
 * (b->err set). The writer then sets b->n past what it wrote.
 */
char *hotline__sbuf_room(hotline__sbuf *b, size_t n);
/* A JSON string literal of s (n bytes), escaped as jansson escapes it. */
void hotline__sbuf_str(hotline__sbuf *b, const char *s, size_t n);
/* Hands what is buffered to the sink (no-op without one); returns b->err. */
int hotline__sbuf_flush(hotline__sbuf *b);
/* Empties b for another text, keeping its memory (and forgetting a failure of the text before). */
void hotline__sbuf_reset(hotline__sbuf *b);
/* The buffer as a NUL-terminated string owned by the caller (NULL on failure); b is reset. */
char *hotline__sbuf_take(hotline__sbuf *b);

/*
 * json_loads(text, flags, err) with the same result in every case (value,
 * member order, refusal and message), reading the usual text without
 * jansson's lexer (util/json_parse.c). flags: 0 or JSON_REJECT_DUPLICATES;
 * others go to jansson as they are.
 */
json_t *hotline__json_loads(const char *text, size_t flags, json_error_t *err);

/* Appends the canonical text of v. */
void hotline__json_write(hotline__sbuf *b, const json_t *v);
/* The canonical text of v, malloc'd; NULL when memory is short. */
char *hotline__json_canonical(const json_t *v);
/*
 * Writes the canonical text of object v into b (emptied first; its memory
 * kept, so that a buffer reused for each command is not allocated again),
 * and in *slot the offset in it where a member named key would go in
 * sorted order: the start of the first member whose key sorts after it
 * (past its comma), or the closing '}'. b->p is then NUL-terminated. 0, or
 * HOTLINE_ENOMEM, or HOTLINE_EINVALID when v is not an object or already
 * has key.
 */
int hotline__json_canonical_slot_into(hotline__sbuf *b, const json_t *v, const char *key, size_t *slot);
/*
 * The canonical text of object v, with the value of its member `key` taken
 * as the kept_len bytes at `kept` instead of being written (when kept is not
 * NULL): the caller vouches that they are that value's canonical text, e.g.
 * cut from an earlier text of an object whose member has not changed since.
 * *at and *len: where that member's value lies in the result (0 and 0 when
 * v has no such member). Any other value: its canonical text. NULL when
 * memory is short.
 */
char *hotline__json_canonical_kept(const json_t *v, const char *key, const char *kept, size_t kept_len, size_t *at,
	size_t *len);
/* The same written into b (emptied first, its memory reused; NUL-terminated): 0 or HOTLINE_ENOMEM. */
int hotline__json_canonical_kept_into(hotline__sbuf *b, const json_t *v, const char *key, const char *kept,
	size_t kept_len, size_t *at, size_t *len);
/*
 * Inserts the member "key":"value" at slot of b, an object's canonical text
 * from hotline__json_canonical_slot_into for that key: the result is the
 * canonical text of the object with that member added, without writing it
 * again (in place; NUL-terminated). 0 or HOTLINE_ENOMEM (b unchanged).
 */
int hotline__sbuf_insert_str(hotline__sbuf *b, size_t slot, const char *key, const char *value);
/*
 * The same text laid out for people: each member and element on its own
 * line, `indent` spaces per level, ": " after keys (byte for byte jansson's
 * JSON_INDENT(indent) | JSON_SORT_KEYS). Keys, escapes and numbers are the
 * canonical form's. malloc'd; NULL when memory is short or indent < 1.
 */
char *hotline__json_pretty(const json_t *v, int indent);

/*
 * Streaming writer: a document written value by value into an sbuf (which
 * may have a sink), never held whole.
 *
 *   hotline__jw w;
 *   hotline__jw_init(&w, &out);
 *   hotline__jw_object_streamed(&w);        // {
 *   hotline__jw_key(&w, "rows");            //  "rows":
 *   hotline__jw_array(&w, HOTLINE__JW_LINES); //  [
 *   hotline__jw_object(&w);                 //   {   (collected)
 *   hotline__jw_key(&w, "b"); hotline__jw_int(&w, 2);
 *   hotline__jw_key(&w, "a"); hotline__jw_int(&w, 1);
 *   hotline__jw_end(&w);                    //   {"a":1,"b":2}
 *   hotline__jw_end(&w);                    //  ]
 *   hotline__jw_end(&w);                    // }
 *   rc = hotline__jw_finish(&w);
 *
 * Key order is the writer's business, never the caller's:
 *   - a collected object (hotline__jw_object) takes its members in any
 *     order, keeps them until hotline__jw_end and writes them sorted. Its
 *     memory is its own text: meant for rows, not for whole documents;
 *   - a streamed object (hotline__jw_object_streamed) writes each member as
 *     it comes, so its members must come in canonical order: a key not
 *     greater than the one before fails the writer (HOTLINE_EINVALID) and
 *     nothing more is written. That is how a document's big arrays stream.
 * Arrays are written through as their elements come; with HOTLINE__JW_LINES
 * every element starts on a new line ("[\n1,\n2]"), the one departure from
 * the compact form, for line-oriented readers of big arrays.
 *
 * Errors are sticky: the first misuse (a value without its key, a key in
 * an array, an end without a container, a key out of order, a duplicate
 * key, nesting deeper than HOTLINE__JW_DEPTH) or failure of the buffer
 * stops the writer; hotline__jw_finish reports it.
 */
#define HOTLINE__JW_DEPTH 16

enum {
	HOTLINE__JW_LINES = 1,     /* array: each element on its own line */
	HOTLINE__JW_FRAGMENT = 2   /* array: elements only, no brackets (see hotline__jw_splice) */
};

typedef struct hotline__jw_member {
	size_t key, key_len;       /* the raw key in keys */
	size_t text, text_end;     /* "key":value in scratch */
} hotline__jw_member;

typedef struct hotline__jw_frame {
	int kind;                  /* array, collected or streamed object */
	int flags;                 /* HOTLINE__JW_* (arrays) */
	int sorted;                /* collected: the keys so far came in order */
	int keyed;                 /* object: a key was given, its value is due */
	size_t count;              /* elements or members so far */
	size_t start;              /* collected: offset of its '{' in scratch */
	size_t m0, k0;             /* collected: its first member, its first key byte */
	char *last;                /* streamed: the previous key */
	size_t last_len, last_cap;
} hotline__jw_frame;

typedef struct hotline__jw {
	hotline__sbuf *out;
	int err;
	size_t depth;
	size_t collected;          /* open collected objects: while > 0, text goes to scratch */
	hotline__jw_frame frames[HOTLINE__JW_DEPTH];
	hotline__sbuf scratch;     /* the text of the open collected objects */
	hotline__sbuf keys;        /* their raw keys */
	hotline__sbuf tmp;         /* a collected object being sorted */
	hotline__jw_member *members;
	size_t n_members, cap_members;
} hotline__jw;

void hotline__jw_init(hotline__jw *w, hotline__sbuf *out);
void hotline__jw_free(hotline__jw *w);
void hotline__jw_object(hotline__jw *w);
void hotline__jw_object_streamed(hotline__jw *w);
void hotline__jw_array(hotline__jw *w, int flags);
void hotline__jw_end(hotline__jw *w);
/* The key of the next member (NUL-terminated UTF-8). */
void hotline__jw_key(hotline__jw *w, const char *key);
/* A string value; NULL writes null. */
void hotline__jw_str(hotline__jw *w, const char *s);
void hotline__jw_strn(hotline__jw *w, const char *s, size_t n);
void hotline__jw_int(hotline__jw *w, int64_t v);
void hotline__jw_bool(hotline__jw *w, int v);
void hotline__jw_null(hotline__jw *w);
/* A jansson value, in canonical form; NULL writes null. */
void hotline__jw_value(hotline__jw *w, const json_t *v);
/*
 * Appends n elements written elsewhere to the open array: text must be the
 * output of a HOTLINE__JW_FRAGMENT array of a writer with the same flags
 * (its elements separated and each on its line as here). The writer puts
 * the separator and returns the buffer the caller appends the text to, or
 * NULL when the writer has failed or no array is open.
 */
hotline__sbuf *hotline__jw_splice(hotline__jw *w, size_t n);
/* 0 when the document is complete and every write succeeded; else the first failure. */
int hotline__jw_finish(hotline__jw *w);
/* The sticky error so far (0 if none). */
int hotline__jw_error(const hotline__jw *w);

#endif
