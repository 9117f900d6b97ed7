/*
 * att_import_next_id (import_ids.h): the store's id high-water mark, read
 * for an importer that maps the ids of its file to the ids it will get.
 * It only reads; the store keeps the mark (store.c).
 */
#include "import_ids.h"
#include "store_int.h"

int64_t att_import_next_id(const att_store *st) {
  return st->next_id;
}
