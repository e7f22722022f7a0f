/*
 * hotline report — the monthly assessment as one self-contained HTML page
 * (inline CSS and SVG, no script, no network), docs/report.md.
 */
#ifndef HOTLINE_EXAMPLES_REPORT_HTML_H
#define HOTLINE_EXAMPLES_REPORT_HTML_H

/**
 * `hotline report --db URI --as-of INSTANT [--lang zh|en] [--policy NAME|FILE] -o FILE`
 * (argv[1] is "report"). Exit status as the other subcommands: 0 written,
 * 1 failed, 2 usage error.
 */
int report_html_main(int argc, char **argv);

/**
 * Render the page from the documents hotline_db_assess (JSON) and
 * hotline_db_directory return; lang is "zh" or "en". *out is malloc'd
 * (free() it). 0, or -1 with a message in err when a document is not what
 * docs/documents.md describes or memory runs out.
 */
int report_html_render(char **out, const char *assessment_json, const char *directory_json,
	const char *lang, char *err, size_t errsize);

/**
 * The same, with the overdue deadlines' properties: case_properties_json is
 * {"CASE": "PROPERTY", …} (NULL: none known, shown as "—").
 */
int report_html_render_with(char **out, const char *assessment_json, const char *directory_json,
	const char *case_properties_json, const char *lang, char *err, size_t errsize);

/* The documents of one page; NULL for an optional one. */
typedef struct report_html_docs {
	const char *assessment;        /* hotline_db_assess, JSON */
	const char *directory;         /* hotline_db_directory */
	const char *case_properties;   /* {"CASE": "PROPERTY", …} of the overdue deadlines; NULL: shown as "—" */
	const char *statements;        /* {"PERSON": hotline_db_statement_json document, …} of the assessment's people */
} report_html_docs;

/** The same, with every document the page can show. */
int report_html_render_docs(char **out, const report_html_docs *docs, const char *lang, char *err, size_t errsize);

#endif
