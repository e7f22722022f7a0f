/*
 * The tool chooses its language itself (--lang, else the locale's
 * variables), so the catalogue is looked up through LANGUAGE under the
 * C.UTF-8 locale: it works also where no Chinese locale is generated.
 */
#define _POSIX_C_SOURCE 200809L
#include "messages.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HOTLINE_LOCALEDIR
#define HOTLINE_LOCALEDIR "/usr/local/share/locale"
#endif

static int g_zh;

static int readable(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/zh_CN/LC_MESSAGES/hotline.mo", dir);
	return access(path, R_OK) == 0;
}

/* $HOTLINE_LOCALEDIR, else locale/ beside the program (a build tree), else the installed one. */
static void find_catalogue(char *dir, size_t size)
{
	const char *env = getenv("HOTLINE_LOCALEDIR");
	char exe[4096];
	ssize_t n;
	if (env && *env) {
		snprintf(dir, size, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(dir, size, "%s/locale", exe);
			if (readable(dir))
				return;
		}
	}
	snprintf(dir, size, "%s", HOTLINE_LOCALEDIR);
}

void messages_init(int lang_zh)
{
	char dir[4200];
	g_zh = lang_zh;
	if (!lang_zh)
		return;
	find_catalogue(dir, sizeof(dir));
	if (!setlocale(LC_MESSAGES, "C.UTF-8"))
		setlocale(LC_MESSAGES, "");
	setenv("LANGUAGE", "zh_CN", 1);
	bindtextdomain("hotline", dir);
	bind_textdomain_codeset("hotline", "UTF-8");
}

int messages_zh(void)
{
	return g_zh;
}

const char *T(const char *msgid)
{
	return g_zh ? dgettext("hotline", msgid) : msgid;
}

const char *NT(const char *one, const char *many, unsigned long n)
{
	return g_zh ? dngettext("hotline", one, many, n) : n == 1 ? one : many;
}
