/*
 * libFuzzer target for the scenario reader: the input as a scenario file
 * (JSON Lines) given to hotline_replay, which applies it to a memory
 * database and produces the replay document with its assessment. It must
 * produce the document or fail with a message, never crash or leak.
 *   build-fuzz/tests/fuzz_replay -max_total_time=60 tests/fuzz/corpus/replay/
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <unistd.h>

#include <hotline/assess.h>

static char path[256];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *files[1];
	char *out = NULL;
	FILE *f;
	int rc;

	if (!path[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(path, sizeof(path), "%s/fuzz-replay-%d.jsonl", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	files[0] = path;
	rc = hotline_replay(&out, files, 1, NULL);
	if (rc == 0 && !out)
		__builtin_trap();
	if (rc != 0 && hotline_last_error()[0] == '\0')
		__builtin_trap();   /* every failure says why */
	hotline_free(out);
	return 0;
}
