/* Helpers shared by the built-in backends and offered to backend writers. */
#include <stddef.h>
#include <string.h>

#include "hotline/sys/storage.h"
#include "storage/caps.h"
#include "util/err.h"

/*
 * The one place that reads a backend's `version` and judges its shape:
 * run when a backend is attached (and by hotline_storage_init on the
 * version alone). Afterwards the core asks only whether a group is there,
 * a bit is set or an optional callback is NULL (storage/caps.h).
 * *free_ok (may be NULL) says whether the struct's `free` can be trusted,
 * so that a refused backend is still released.
 */
int hotline__storage_check(const hotline_storage *st, int whole, int *free_ok)
{
	const hotline_storage_keys *keys;
	if (free_ok)
		*free_ok = 0;
	if (!st)
		return hotline__last_error_set(HOTLINE_EINVALID, "storage backend is NULL");
	if (st->version != HOTLINE_STORAGE_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID,
			"storage backend: unsupported hotline_storage version %u (this library knows %d)", st->version,
			HOTLINE_STORAGE_VERSION);
	if (free_ok)
		*free_ok = st->free != NULL;
	if (!whole)
		return 0;
#define REQUIRE(cb) \
	if (!st->cb) \
		return hotline__last_error_set(HOTLINE_EINVALID, "storage backend lacks required callback '%s'", #cb)
	REQUIRE(begin);
	REQUIRE(commit);
	REQUIRE(rollback);
	REQUIRE(case_get);
	REQUIRE(case_put);
	REQUIRE(cases_foreach);
	REQUIRE(event_append);
	REQUIRE(events_foreach);
	REQUIRE(events_since);
	REQUIRE(event_by_id);
	REQUIRE(stream_head);
	REQUIRE(dir_put);
	REQUIRE(dir_get);
	REQUIRE(dir_foreach);
	REQUIRE(free);
#undef REQUIRE
	/* a half group is refused here rather than failing at its first use */
	if ((keys = st->keys) != NULL) {
#define GROUP(g, cb) \
	if (!g->cb) \
		return hotline__last_error_set(HOTLINE_EINVALID, "storage backend: group '%s' lacks %s", #g, #cb)
		GROUP(keys, setting_get);
		GROUP(keys, setting_put);
		GROUP(keys, case_key_put);
		GROUP(keys, case_key_get);
		GROUP(keys, case_keys_foreach);
		GROUP(keys, case_key_forget);
		GROUP(keys, phone_index_put);
		GROUP(keys, phone_index_find);
	}
	if (st->claims && !st->claims->claim_due)
		return hotline__last_error_set(HOTLINE_EINVALID, "storage backend: group 'claims' lacks claim_due");
#undef GROUP
	if (st->capabilities & ~(unsigned)HOTLINE_STORAGE_CAP_ALL)
		return hotline__last_error_set(HOTLINE_EINVALID, "storage backend: unknown capability bits 0x%x",
			st->capabilities & ~(unsigned)HOTLINE_STORAGE_CAP_ALL);
	if ((st->capabilities & HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS) && !st->stable_seq)
		return hotline__last_error_set(HOTLINE_EINVALID,
			"storage backend: HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS needs the stable_seq callback");
	if (!(st->capabilities & HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS) && st->stable_seq)
		return hotline__last_error_set(HOTLINE_EINVALID,
			"storage backend: stable_seq is set without HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS "
			"(it serves only backends whose writers overlap)");
	return 0;
}

int hotline_storage_check(const hotline_storage *st)
{
	return hotline__storage_check(st, 1, NULL);
}

int hotline_storage_init(hotline_storage *st, unsigned int version)
{
	int rc;
	if (!st)
		return hotline__last_error_set(HOTLINE_EINVALID, "storage struct is NULL");
	memset(st, 0, sizeof(*st));
	st->version = version;
	if ((rc = hotline__storage_check(st, 0, NULL)) != 0)
		st->version = 0;
	return rc;
}

int hotline_sqlite_options_init(hotline_sqlite_options *opts, unsigned int version)
{
	if (!opts)
		return hotline__last_error_set(HOTLINE_EINVALID, "options pointer is NULL");
	if (version == 0 || version > HOTLINE_SQLITE_OPTIONS_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_sqlite_options version %u", version);
	/* only the members the caller's version has: an older caller's struct is shorter */
	memset(opts, 0, version == 1 ? offsetof(hotline_sqlite_options, mode) : sizeof(*opts));
	opts->version = version;
	opts->busy_timeout_ms = 5000;
	opts->synchronous = 1;
	return 0;
}
