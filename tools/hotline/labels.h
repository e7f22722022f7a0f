/*
 * Words of the tool's tables and pages in Chinese and English: the names of
 * states, approvals, roles, kinds, severities and commands, local times, and
 * people's names beside their ids.
 */
#ifndef HOTLINE_TOOL_LABELS_H
#define HOTLINE_TOOL_LABELS_H

#include <stddef.h>

#include <jansson.h>

/*
 * The label of a JSON enum name ("handled", "property_manager", "register"…)
 * in Chinese, or the name itself in English (and for names it does not know).
 */
const char *label_of(const char *name, int lang_zh);

/* "2026-11-05T11:05:00+08:00" → "2026-11-05 11:05" (seconds only when not zero); "" for NULL. */
void label_local_time(char *buf, size_t size, const char *iso);

/* A duration for people: "2d 3h 5m" / "2天3小时5分". */
void label_duration(char *buf, size_t size, long long seconds, int lang_zh);

/* Columns a UTF-8 string takes on a terminal: East Asian wide characters take two. */
size_t label_width(const char *s);

/* The locale (LC_ALL, LC_MESSAGES, LANG: the first one set) starts with "zh": tables in Chinese. */
int label_locale_zh(void);

/* Amount in fen as "¥153.00". */
void label_money(char *buf, size_t size, long long fen);

/*
 * Names of persons and properties from a directory document
 * (hotline_db_directory); "王伟 (wangwei)" beside the id, or the id alone
 * when the directory has no name for it.
 */
typedef struct label_names {
	json_t *persons, *properties;   /* id -> name */
} label_names;
void label_names_load(label_names *n, const char *directory_json);
void label_names_free(label_names *n);
void label_person(char *buf, size_t size, const label_names *n, const char *id);
void label_property(char *buf, size_t size, const label_names *n, const char *id);

#endif
