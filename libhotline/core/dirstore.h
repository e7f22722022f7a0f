/*
 * The handle's copy of the directory, read through to the storage: a
 * record another handle defined is fetched the first time it is needed.
 * Records never change once defined, so a held copy never goes stale.
 */
#ifndef HOTLINE_CORE_DIRSTORE_H
#define HOTLINE_CORE_DIRSTORE_H

#include "hotline/sys/storage.h"
#include "model/directory.h"
#include "util/err.h"

/* Loads every stored record into d (records already there are kept). */
int hotline__dirstore_load(hotline__directory *d, hotline_storage *st, hotline__err *err);
const hotline__person *hotline__dirstore_person(hotline__directory *d, hotline_storage *st, const char *id);
const hotline__property *hotline__dirstore_property(hotline__directory *d, hotline_storage *st, const char *id);
/* 1 if the person has a bonus for month ("YYYY-MM"). */
int hotline__dirstore_has_bonus(hotline__directory *d, hotline_storage *st, const char *person, const char *month);
/* 1 if the person exists and holds one of the role bits. */
int hotline__dirstore_has_role(hotline__directory *d, hotline_storage *st, const char *id, unsigned roles);

#endif
