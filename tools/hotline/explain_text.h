/*
 * `hotline explain` for people: each deadline of a case with its rule,
 * article, due instant, whether it was met, is late or still open, who must
 * act and what it cost; each penalty with the events it rests on.
 */
#ifndef HOTLINE_TOOL_EXPLAIN_TEXT_H
#define HOTLINE_TOOL_EXPLAIN_TEXT_H

#include <stdio.h>

#include <hotline.h>

/*
 * Prints the explanation document `doc` (hotline_db_explain's JSON) of
 * case_id as a page in Chinese or English; reads the case's events, the
 * directory and the open deadlines from db. 0, or 1 after a message on stderr.
 */
int explain_text_print(FILE *out, hotline_db *db, const char *doc, const char *case_id, int lang_zh);

#endif
