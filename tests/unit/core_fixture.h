/* Shared helpers of the core tests: a directory and scenario lines. */
#ifndef HOTLINE_TEST_CORE_FIXTURE_H
#define HOTLINE_TEST_CORE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <hotline.h>

/* Two properties; every role held once per property, plus outsiders. */
static const char *const fixture_directory[] = {
	"{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}",
	"{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"li2\",\"name\":\"李二\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"wu\",\"name\":\"吴刚\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"wu2\",\"name\":\"吴二\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"zhao\",\"name\":\"赵丽\",\"roles\":[\"quality_supervisor\"]}",
	"{\"cmd\":\"person\",\"id\":\"gm\",\"name\":\"陈总\",\"roles\":[\"group_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"qa\",\"name\":\"钱主任\",\"roles\":[\"qa_director\"]}",
	"{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\",\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\"}",
	"{\"cmd\":\"property\",\"id\":\"P2\",\"name\":\"锦绣华庭\",\"manager\":\"li2\",\"department_heads\":[\"wu2\"]}",
	"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":20000}",
	NULL
};

static inline void fixture_load(hotline_db *db)
{
	const char *const *l;
	for (l = fixture_directory; *l; l++) {
		int rc = hotline_db_exec_json(db, *l, NULL);
		if (rc != 0)
			fail_msg("directory line failed: %s: %s", *l, hotline_db_errmsg(db));
	}
}

/* Formats and runs one command; returns its code. */
static inline int exec_fmt(hotline_db *db, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return hotline_db_exec_json(db, buf, NULL);
}

static inline int case_state(hotline_db *db, const char *id, int *approval, int64_t *version)
{
	hotline_case *c;
	int s;
	if (hotline_db_case(&c, db, id) != 0)
		return -1;
	s = (int)hotline_case_state(c);
	if (approval)
		*approval = (int)hotline_case_approval(c);
	if (version)
		*version = hotline_case_version(c);
	hotline_case_free(c);
	return s;
}

static inline size_t event_count(hotline_db *db, const char *id)
{
	hotline_event_list *l;
	size_t n;
	if (hotline_db_history(&l, db, id) != 0)
		return (size_t)-1;
	n = hotline_event_list_count(l);
	hotline_event_list_free(l);
	return n;
}

#endif
