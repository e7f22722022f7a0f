/*
 * hotline follow — the event feed or the notifications as JSON lines, waiting
 * for more like `tail -f` (docs/guide-feed.md).
 */
#ifndef HOTLINE_TOOL_FOLLOW_H
#define HOTLINE_TOOL_FOLLOW_H

/**
 * `hotline follow [--notifications] [--from CURSOR] [--until INSTANT] [--once]
 * [--limit N] [--pages] [--db URI]` (argv[1] is "follow"). Exit status as the other
 * subcommands: 0 done (Ctrl-C, --once, --until), 1 failed, 2 usage error.
 */
int follow_main(int argc, char **argv);

#endif
