/* Shared by the libFuzzer targets: a directory, and the input as a C string. */
#ifndef HOTLINE_FUZZ_COMMON_H
#define HOTLINE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hotline.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The directory of tests/scenarios/design-example.jsonl and a second property. */
static const char *const fuzz_directory[] = {
	"{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}",
	"{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"li2\",\"name\":\"李二\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"wu\",\"name\":\"吴刚\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"zhao\",\"name\":\"赵丽\",\"roles\":[\"quality_supervisor\"]}",
	"{\"cmd\":\"person\",\"id\":\"gm\",\"name\":\"陈总\",\"roles\":[\"group_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"qa\",\"name\":\"钱主任\",\"roles\":[\"qa_director\"]}",
	"{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\",\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\"}",
	"{\"cmd\":\"property\",\"id\":\"P2\",\"name\":\"锦绣华庭\",\"manager\":\"li2\"}",
	"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":20000}",
	/* last: from then on directory lines need an administrator */
	"{\"cmd\":\"person\",\"id\":\"admin\",\"name\":\"管理员\",\"roles\":[\"administrator\"],\"at\":\"2026-12-01T00:00:00+08:00\"}",
	NULL
};

/* The input with a terminating NUL (inputs may hold NULs of their own). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static inline void fuzz_load_directory(hotline_db *db)
{
	const char *const *l;
	for (l = fuzz_directory; *l; l++)
		if (hotline_db_exec_json(db, *l, NULL, NULL) != 0)
			abort();
}

/* Every case's snapshot agrees with its events, and every chain verifies. */
static inline void fuzz_check_log(hotline_db *db)
{
	hotline_case_list *l;
	size_t i;
	if (hotline_db_verify_log(db, NULL, NULL) != 0)
		__builtin_trap();
	if (hotline_db_cases(&l, db, NULL) != 0)
		__builtin_trap();
	for (i = 0; i < hotline_case_list_count(l); i++) {
		const hotline_case *c = hotline_case_list_get(l, i);
		hotline_event_list *ev;
		if (hotline_db_history(&ev, db, hotline_case_id(c)) != 0)
			__builtin_trap();
		if ((int64_t)hotline_event_list_count(ev) != hotline_case_version(c))
			__builtin_trap();
		hotline_event_list_free(ev);
	}
	hotline_case_list_free(l);
}

#endif
