/*
 * libFuzzer target for sequences of commands: the input's lines (JSON
 * objects, directory lines included) applied in order to a fresh memory
 * database, one transaction each. Whatever is applied or refused, the log
 * verifies and every case's snapshot agrees with its events; then the
 * reading calls (sweep, explain, directory) run over what was built.
 *   build-fuzz/tests/fuzz_sequence -max_total_time=60 tests/fuzz/corpus/sequence/
 */
#include "fuzz_common.h"

#include <hotline/assess.h>

#define MAX_LINES 200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *line, *next, *out = NULL;
	hotline_db *db;
	hotline_case_list *l;
	hotline_time as_of = 0;
	int lines = 0;

	if (hotline_db_open(&db, "memory:", NULL) != 0)
		abort();
	for (line = text; line && lines < MAX_LINES; line = next, lines++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (hotline_db_exec_json(db, line, NULL, NULL) != 0 && hotline_db_errmsg(db)[0] == '\0')
			__builtin_trap();
	}
	fuzz_check_log(db);
	hotline_time_parse(&as_of, "2026-12-31T00:00:00+08:00");
	if (hotline_db_sweep(&l, db, as_of, 0) == 0) {
		size_t i;
		for (i = 0; i < hotline_case_list_count(l) && i < 8; i++)
			if (hotline_db_explain(&out, db, hotline_case_id(hotline_case_list_get(l, i)), as_of) == 0) {
				hotline_free(out);
				out = NULL;
			}
		hotline_case_list_free(l);
	}
	if (hotline_db_directory(&out, db, HOTLINE_TIME_NONE) == 0)
		hotline_free(out);
	hotline_db_close(db);
	free(text);
	return 0;
}
