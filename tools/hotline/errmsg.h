/*
 * The library's error details in the tool's language (tools/hotline/errmsg.c):
 * the library stays English, the tool translates through its catalogue.
 */
#ifndef HOTLINE_TOOL_ERRMSG_H
#define HOTLINE_TOOL_ERRMSG_H

#include <stddef.h>

/*
 * msg (hotline_db_errmsg, hotline_last_error) in the chosen language: in
 * buf when translated, else msg itself (English, or a detail the catalogue
 * has no pattern for).
 */
const char *errmsg_text(char *buf, size_t size, const char *msg);

#endif
