#include "core/cmdctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


int hotline__cmd_fail(hotline__cmdctx *c, int code, const char *fmt, ...)
{
	char buf[480];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (c->kind >= 0)
		return hotline__db_fail(c->db, code, "%s: %s", hotline_command_name(c->kind), buf);
	return hotline__db_fail(c->db, code, "%s", buf);
}

const hotline__person *hotline__cmd_person(hotline__cmdctx *c, const char *id)
{
	/* HOTLINE_TIME_NONE is HOTLINE__DIR_LATEST: a line without `at` sees every definition so far */
	return hotline__directory_person_at(&c->db->dir, id, c->at);
}

const hotline__property *hotline__cmd_property(hotline__cmdctx *c, const char *id)
{
	return hotline__directory_property_at(&c->db->dir, id, c->at);
}

int hotline__property_names(const hotline__property *p, unsigned role, const char *actor)
{
	size_t i;
	if (!p || !actor)
		return 0;
	if (role == HOTLINE_ROLE_PROPERTY_MANAGER)
		return p->manager && strcmp(p->manager, actor) == 0;
	if (role == HOTLINE_ROLE_DEPARTMENT_HEAD) {
		for (i = 0; i < p->n_department_heads; i++)
			if (strcmp(p->department_heads[i], actor) == 0)
				return 1;
		return 0;
	}
	if (role == HOTLINE_ROLE_QUALITY_SUPERVISOR)
		return p->quality_supervisor && strcmp(p->quality_supervisor, actor) == 0;
	return 0;
}
