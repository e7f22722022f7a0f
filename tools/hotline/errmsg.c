/*
 * The library's error details in the tool's language. The library writes
 * stable English (a vendor's program reads it, and the codes); the tool
 * looks a detail up as a pattern of the gettext catalogue: the fixed text
 * must match, %s stands for a variable part (an id, a field's name, a
 * value) and %d for a number, kept as they are in the translation.
 * Variable parts that are the library's words (states, roles, commands,
 * type descriptions) are translated too. A detail no pattern matches stays
 * English.
 */
#include "errmsg.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "labels.h"
#include "messages.h"

/* The details of the library's refusals, most specific first (a later one may match more). */
static const char *const PATTERNS[] = {
	N_("owner, phone and room are stored encrypted: open the database with its key to write them "
		"(or create it with HOTLINE_DB_UNENCRYPTED)"),
	N_("no person '%s' (actor) at the command's instant"),
	N_("no person '%s' (actor) at the line's instant"),
	N_("no person '%s' (%s)"),
	N_("no person '%s'"),
	N_("no case '%s'"),
	N_("no property '%s'"),
	N_("case '%s' already exists"),
	N_("case '%s' is %s(%s); allowed from %s"),
	N_("case '%s' is %s; allowed from %s"),
	N_("case '%s' is at version %d, not %d"),
	N_("case '%s' names unknown property '%s'"),
	N_("command_id '%s' was already used by another command (seq %d)"),
	N_("'%s' is not an administrator at the line's instant"),
	N_("'%s' is not an administrator in the latest definitions (a role removed cannot be used with an earlier 'at')"),
	N_("'%s' is not an administrator"),
	N_("'%s' is not named as %s of property '%s' in the latest definitions (a scope removed cannot be used with "
		"an earlier 'at')"),
	N_("'%s' is not named as %s of property '%s'"),
	N_("'%s' is not a %s in the latest definitions (a role removed cannot be used with an earlier 'at')"),
	N_("'%s' is not a department head of property '%s'"),
	N_("'%s' is not a %s"),
	N_("manager '%s' does not hold the role property_manager"),
	N_("'%s' does not hold the role %s"),
	N_("absentee '%s' is not a property_manager (Art. 10)"),
	N_("finding '%s' needs the 'person' responsible"),
	N_("stage closure needs expected_completion_at more than %d days after the dispatch (Art. 18)"),
	N_("'at' is earlier than the case's last event (%s)"),
	N_("'at' is earlier than the latest definition of this record (%s)"),
	N_("'at' is earlier than the latest policy line's (%s)"),
	N_("after this line nobody would hold the role administrator (the directory would lock)"),
	N_("the directory has an administrator: a directory line needs an 'actor' who is one"),
	N_("bonus of '%s' for %s is already defined (give 'at' to correct it)"),
	N_("%s '%s' is already defined (give 'at' to update it)"),
	N_("the ledger's '%s' never changes"),
	N_("'%s' is not a ledger field"),
	N_("an organisation-level command takes no 'case'"),
	N_("a command must be a JSON object"),
	N_("missing string field 'cmd'"),
	N_("missing field 'at' (ISO-8601 instant with an offset)"),
	N_("missing field '%s'"),
	N_("unknown field '%s'"),
	N_("unknown command '%s'"),
	N_("unknown role '%s'"),
	N_("field 'at' is not an ISO-8601 instant with an offset: '%s'"),
	N_("field 'at' is not an ISO-8601 instant with an offset"),
	N_("field '%s' must be one of %s"),
	N_("field '%s' must be at most %d"),
	N_("field '%s' must be %s"),
	N_("the database was opened read-only"),
	N_("statement: a person id is required"),
	N_("statement: month \"%s\" is not YYYY-MM"),
	N_("out of memory"),
};

enum { CAPS = 8, CAP = 256 };

/*
 * text against pattern: the number of variable parts captured, or -1. %s
 * takes the shortest text that lets the rest match (at least one character).
 */
static int match(const char *p, const char *t, char caps[CAPS][CAP], int n)
{
	while (*p) {
		if (p[0] == '%' && p[1] == 's') {
			size_t len;
			int k;
			if (n == CAPS)
				return -1;
			for (len = 1; t[len - 1] && len < CAP; len++) {
				memcpy(caps[n], t, len);
				caps[n][len] = '\0';
				if ((k = match(p + 2, t + len, caps, n + 1)) >= 0)
					return k;
			}
			return -1;
		}
		if (p[0] == '%' && p[1] == 'd') {
			size_t len = t[0] == '-';
			while (isdigit((unsigned char)t[len]))
				len++;
			if (n == CAPS || len == (size_t)(t[0] == '-') || len >= CAP)
				return -1;
			memcpy(caps[n], t, len);
			caps[n][len] = '\0';
			p += 2;
			t += len;
			n++;
			continue;
		}
		if (*p != *t)
			return -1;
		p++;
		t++;
	}
	return *t ? -1 : n;
}

static void put(char *buf, size_t size, size_t *used, const char *s, size_t n)
{
	if (*used + 1 >= size)
		return;
	if (n > size - 1 - *used)
		n = size - 1 - *used;
	memcpy(buf + *used, s, n);
	*used += n;
	buf[*used] = '\0';
}

/*
 * A variable part in the tool's words when it is the library's: a phrase of
 * the catalogue ("a non-negative integer"), or words of the tables' labels
 * ("hotline_specialist or property_manager", "received, dispatched").
 */
static void put_part(char *buf, size_t size, size_t *used, const char *part)
{
	char words[CAP * 2] = "";
	size_t w = 0;
	const char *s = part;
	if (strcmp(T(part), part) != 0) {
		put(buf, size, used, T(part), strlen(T(part)));
		return;
	}
	while (*s) {
		const char *comma = strstr(s, ", "), *or = strstr(s, " or "), *end = s + strlen(s), *sep = NULL;
		char word[CAP];
		size_t n, skip = 0;
		if (comma && (!or || comma < or))
			end = comma, sep = "、", skip = 2;
		else if (or)
			end = or, sep = "或", skip = 4;
		n = (size_t)(end - s);
		if (n >= sizeof(word))
			break;
		memcpy(word, s, n);
		word[n] = '\0';
		if (strcmp(label_of(word, 1), word) == 0)
			break;   /* not one of the library's words: the part stays as it is */
		put(words, sizeof(words), &w, label_of(word, 1), strlen(label_of(word, 1)));
		if (sep)
			put(words, sizeof(words), &w, sep, strlen(sep));
		s = end + skip;
	}
	if (*s == '\0' && w)
		put(buf, size, used, words, w);
	else
		put(buf, size, used, part, strlen(part));
}

/* The translation with the captured parts in: %s and %d in order, or %N$s / %N$d by number. */
static void fill(char *buf, size_t size, const char *tr, char caps[CAPS][CAP], int n)
{
	size_t used = 0;
	int next = 0;
	buf[0] = '\0';
	while (*tr) {
		const char *pct = strchr(tr, '%');
		int k = -1;
		if (!pct) {
			put(buf, size, &used, tr, strlen(tr));
			break;
		}
		put(buf, size, &used, tr, (size_t)(pct - tr));
		if (pct[1] == '%') {
			put(buf, size, &used, "%", 1);
			tr = pct + 2;
			continue;
		}
		if ((pct[1] == 's' || pct[1] == 'd')) {
			k = next++;
			tr = pct + 2;
		} else if (isdigit((unsigned char)pct[1]) && pct[2] == '$' && (pct[3] == 's' || pct[3] == 'd')) {
			k = pct[1] - '1';
			tr = pct + 4;
		} else {
			put(buf, size, &used, pct, 1);
			tr = pct + 1;
			continue;
		}
		if (k >= 0 && k < n)
			put_part(buf, size, &used, caps[k]);
	}
}

/* "dispatch: …", "statement: …": a command's name (or another of the tables' words) before the detail. */
static size_t word_prefix(const char *msg)
{
	const char *colon = strstr(msg, ": ");
	char word[64];
	size_t n = colon ? (size_t)(colon - msg) : 0;
	if (!n || n >= sizeof(word))
		return 0;
	memcpy(word, msg, n);
	word[n] = '\0';
	return strcmp(label_of(word, 1), word) != 0 ? n : 0;
}

/* "FILE:LINE: …": where a line of a scenario file was refused. */
static size_t line_prefix(const char *msg)
{
	const char *p;
	for (p = msg; (p = strchr(p, ':')) != NULL; p++) {
		size_t d = 1;
		while (isdigit((unsigned char)p[d]))
			d++;
		if (d > 1 && p[d] == ':' && p[d + 1] == ' ')
			return (size_t)(p - msg) + d + 2;
	}
	return 0;
}

static void translate(char *buf, size_t size, const char *msg)
{
	static const char stored[] = " (nothing of this run was stored)";
	char caps[CAPS][CAP], rest[1024];
	size_t n = strlen(msg), k;
	int c;
	/* the replay's suffix, then the line's and the command's prefixes, then the detail */
	if (n > sizeof(stored) - 1 && strcmp(msg + n - (sizeof(stored) - 1), stored) == 0 && n < sizeof(rest)) {
		memcpy(rest, msg, n - (sizeof(stored) - 1));
		rest[n - (sizeof(stored) - 1)] = '\0';
		translate(buf, size, rest);
		k = strlen(buf);
		snprintf(buf + k, size - k, "%s", T(stored));
		return;
	}
	if ((k = line_prefix(msg)) != 0) {
		size_t used = k < size ? k : size - 1;
		memcpy(buf, msg, used);
		translate(buf + used, size - used, msg + k);
		return;
	}
	if ((k = word_prefix(msg)) != 0 && k < sizeof(rest)) {
		size_t used;
		memcpy(rest, msg, k);
		rest[k] = '\0';
		snprintf(buf, size, "%s%s", label_of(rest, 1), T(": "));
		used = strlen(buf);
		translate(buf + used, size - used, msg + k + 2);
		return;
	}
	for (k = 0; k < sizeof(PATTERNS) / sizeof(PATTERNS[0]); k++)
		if ((c = match(PATTERNS[k], msg, caps, 0)) >= 0 && strcmp(T(PATTERNS[k]), PATTERNS[k]) != 0) {
			fill(buf, size, T(PATTERNS[k]), caps, c);
			return;
		}
	snprintf(buf, size, "%s", msg);
}

const char *errmsg_text(char *buf, size_t size, const char *msg)
{
	if (!msg || !messages_zh() || size == 0)
		return msg ? msg : "";
	translate(buf, size, msg);
	return buf;
}
