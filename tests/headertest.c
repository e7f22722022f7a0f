/* The public headers compile alone, as strict C99, in any order. */
#include <hotline.h>
#include <hotline/sys/storage.h>
#include <hotline/sys/conformance.h>
#include <hotline/db.h>

int hotline_headertest_dummy(void);
int hotline_headertest_dummy(void)
{
	return HOTLINE_VERSION_NUMBER > 0 ? HOTLINE_OK : HOTLINE_EINVALID;
}
