/*
 * Internal to the date code (date.c, date_friendly.c): what both share.
 * The rest of the tree uses date.h.
 */
#ifndef ATT_DATE_INT_H
#define ATT_DATE_INT_H

#include "date.h"

/* One line listing the strict EDTF forms, for error messages. */
extern const char att__edtf_forms[];

#endif
