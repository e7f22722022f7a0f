/* A case snapshot held in memory (the public hotline_case) and lists of them. */
#ifndef HOTLINE_CORE_CASE_H
#define HOTLINE_CORE_CASE_H

#include <jansson.h>

#include "hotline/db.h"
#include "hotline/sys/storage.h"

struct hotline_case {
	char *id;
	char *property;
	int state, approval, exempt;
	int64_t version;
	hotline_time registered_at, last_at, next_due;
	char *head_hash;
	char *body;        /* JSON text */
	json_t *json;      /* parsed body (ledger fields...) */
	/* where the ledger's canonical text lies in body, when this handle wrote body from json (else 0, 0) */
	size_t ledger_at, ledger_len;
};

struct hotline_case_list {
	hotline_case *items;
	size_t n, cap;
};

/* Fills a hotline_case from a storage record (deep copy): 0, HOTLINE_ENOMEM or HOTLINE_ECORRUPT. */
int hotline__case_from_storage(hotline_case *dst, const hotline_storage_case *src);
/* Frees what the case holds and zeroes it (NULL is allowed). */
void hotline__case_clear(hotline_case *c);
/* Appends a copy of a storage record to a list. */
int hotline__case_list_add(hotline_case_list *l, const hotline_storage_case *sc);

#endif
