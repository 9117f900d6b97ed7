/*
 * What an importer needs to give imported links their new ids: the id the
 * store hands out next.  During an import (att_store_import_begin to
 * commit or abort) ids are given in sequence from it, so the importer can
 * map the ids of its file to new ones before adding anything, forward
 * links included, and checks each id the store returns against the map.
 */
#ifndef ATT_IMPORT_IDS_H
#define ATT_IMPORT_IDS_H

#include <stdint.h>

#include "store.h"

/* The id the next event added will get (valid while the caller holds
 * the write lock, as an open import does). */
int64_t att_import_next_id(const att_store *st);

#endif
