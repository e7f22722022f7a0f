/*
 * The tool's messages in the language of its tables: a GNU gettext
 * catalogue (po/zh_CN.po, built into hotline.mo at build time). English is
 * the message itself; a missing catalogue falls back to it.
 */
#ifndef HOTLINE_TOOL_MESSAGES_H
#define HOTLINE_TOOL_MESSAGES_H

/* Chooses the language (1: Chinese) and finds the catalogue beside the program or where it is installed. */
void messages_init(int lang_zh);

/* 1 when the chosen language is Chinese. */
int messages_zh(void);

/* The message in the chosen language. */
const char *T(const char *msgid);

/* The message for n things in the chosen language's plural form (the catalogue's Plural-Forms). */
const char *NT(const char *one, const char *many, unsigned long n);

/* A marker for messages whose translation is looked up later (xgettext's keyword). */
#define N_(s) (s)

#endif
