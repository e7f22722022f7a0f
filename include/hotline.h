/**
 * @file
 * libhotline — the complaint hotline of a property-management group as a
 * library: lifecycle, event log, rules and assessment.
 *
 * Umbrella header. Backend writers also include <hotline/sys/storage.h>.
 */
#ifndef HOTLINE_H
#define HOTLINE_H

#include "hotline/common.h"
#include "hotline/errors.h"
#include "hotline/lifecycle.h"
#include "hotline/time.h"
#include "hotline/storage.h"
#include "hotline/db.h"
#include "hotline/assess.h"
#include "hotline/checkpoint.h"
#include "hotline/feed.h"

#endif
