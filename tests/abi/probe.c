/*
 * A stand-in for the library in the ABI check's self-test: it exports a
 * function over the real public hotline_db_options, compiled once against
 * include/ and once against a copy where the struct was changed.
 */
#include <hotline.h>

__attribute__((visibility("default"))) unsigned int hotline_probe_open(const hotline_db_options *opts);

unsigned int hotline_probe_open(const hotline_db_options *opts)
{
	return opts ? opts->version : 0;
}
