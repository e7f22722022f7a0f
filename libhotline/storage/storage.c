/* Helpers shared by the built-in backends and offered to backend writers. */
#include <stddef.h>
#include <string.h>

#include "hotline/sys/storage.h"
#include "util/err.h"

int hotline_storage_init(hotline_storage *st, unsigned int version)
{
	if (!st)
		return hotline__last_error_set(HOTLINE_EINVALID, "storage struct is NULL");
	if (version == 0 || version > HOTLINE_STORAGE_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_storage version %u (this library knows 1..%d)",
			version, HOTLINE_STORAGE_VERSION);
	memset(st, 0, sizeof(*st));
	st->version = version;
	return 0;
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
