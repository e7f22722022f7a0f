/*
 * hotline statement — one person's penalties of a month (工资条), docs/cli.md.
 */
#ifndef HOTLINE_TOOL_STATEMENT_H
#define HOTLINE_TOOL_STATEMENT_H

/**
 * `hotline statement --person ID --month YYYY-MM [--as-of INSTANT] [--json | --format csv]
 * [--lang zh|en] [--policy NAME|FILE] [--db URI]` (argv[1] is "statement"); the database
 * defaults to $HOTLINE_DB. Exit status as the other subcommands: 0 printed, 1 failed,
 * 2 usage error.
 */
int statement_main(int argc, char **argv);

#endif
