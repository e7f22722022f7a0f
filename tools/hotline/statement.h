/*
 * hotline statement — one person's penalties of a month (工资条), docs/cli.md.
 */
#ifndef HOTLINE_TOOL_STATEMENT_H
#define HOTLINE_TOOL_STATEMENT_H

/* The statement document (hotline_db_statement_json) as a zh/en table, or as CSV; 0, or 1 when it cannot be printed. */
int statement_print(const char *doc_text, int csv, int lang_zh);

#endif
