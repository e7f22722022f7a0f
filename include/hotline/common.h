/**
 * @file
 * libhotline — common definitions: export macro, version, basic types.
 */
#ifndef HOTLINE_COMMON_H
#define HOTLINE_COMMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * @def HOTLINE_EXTERN(type)
 * Declares a public function returning `type`: exported from the shared
 * library (default visibility, or dllexport/dllimport on Windows).
 */
#if defined(_WIN32) && defined(HOTLINE_SHARED)
#  ifdef HOTLINE_BUILDING
#    define HOTLINE_EXTERN(type) __declspec(dllexport) type
#  else
#    define HOTLINE_EXTERN(type) __declspec(dllimport) type
#  endif
#elif defined(__GNUC__)
#  define HOTLINE_EXTERN(type) __attribute__((visibility("default"))) type
#else
#  define HOTLINE_EXTERN(type) type
#endif

/**
 * @def HOTLINE_BEGIN_DECL
 * Opens the block of C declarations (`extern "C" {` in C++).
 * @def HOTLINE_END_DECL
 * Closes the block HOTLINE_BEGIN_DECL opened.
 */
#ifdef __cplusplus
#  define HOTLINE_BEGIN_DECL extern "C" {
#  define HOTLINE_END_DECL }
#else
#  define HOTLINE_BEGIN_DECL
#  define HOTLINE_END_DECL
#endif

/** Major version of these headers. */
#define HOTLINE_VERSION_MAJOR 1
/** Minor version of these headers (a minor release only adds to the API and ABI of its major). */
#define HOTLINE_VERSION_MINOR 0
/** Patch version of these headers. */
#define HOTLINE_VERSION_PATCH 0
/** Version of these headers as text, "MAJOR.MINOR.PATCH". */
#define HOTLINE_VERSION "1.0.0"
/** Single number for compile-time comparisons: MAJOR*10000 + MINOR*100 + PATCH. */
#define HOTLINE_VERSION_NUMBER \
	(HOTLINE_VERSION_MAJOR * 10000 + HOTLINE_VERSION_MINOR * 100 + HOTLINE_VERSION_PATCH)

HOTLINE_BEGIN_DECL

/**
 * An instant: seconds since 1970-01-01T00:00:00Z (UTC). Every command carries
 * its own instant; the library never reads the wall clock.
 */
typedef int64_t hotline_time;

/** Sentinel for "no instant" (e.g. a case with no pending deadline). */
#define HOTLINE_TIME_NONE INT64_MAX

/**
 * How a database is opened (hotline_db_options.mode, hotline_sqlite_options.mode).
 * Every mode refuses a file that holds other tables but no libhotline schema.
 */
typedef enum hotline_open_mode {
	/** Read and write; a missing database is created (what 0.1 did, and what NULL options mean). */
	HOTLINE_OPEN_DEFAULT = 0,
	/**
	 * Read only: never creates a file, never writes (not even the schema),
	 * and reads a consistent snapshot without waiting for a writer. Every
	 * command is refused (HOTLINE_EINVALID).
	 */
	HOTLINE_OPEN_READ_ONLY = 1,
	/** Read and write an existing database: a missing one is an error, not an empty new one. */
	HOTLINE_OPEN_READ_WRITE = 2,
	/** Read and write, creating the database when it does not exist (said explicitly). */
	HOTLINE_OPEN_CREATE = 3
} hotline_open_mode;

/** Run-time version of the library (may differ from the header's). */
HOTLINE_EXTERN(const char *) hotline_version(int *major, int *minor, int *patch);

HOTLINE_END_DECL

#endif
