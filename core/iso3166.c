/*
 * The countries of ISO 3166-1 (actors.h), read from Debian's iso-codes
 * JSON once per process, on first use, and indexed by every name and
 * code a person types for them.  Nothing of the standard is copied here
 * but the few common short names that iso-codes lacks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "actors.h"
#include "error.h"

#define ISO_PATH "/usr/share/iso-codes/json/iso_3166-1.json"
#define ISO_MAX (16u << 20) /* the file is about 50 KB */

/* Short names in common use that iso-codes does not give (it gives
 * "Viet Nam" and "Vietnam", "South Korea", "Laos", "Iran", "Syria").  A
 * name iso-codes gives is never taken from here. */
static const struct {
  const char *name, *alpha3;
} common_names[] = {
    {"Russia", "RUS"},      {"Brunei", "BRN"},        {"Turkey", "TUR"},
    {"UK", "GBR"},          {"Great Britain", "GBR"}, {"Britain", "GBR"},
    {"Burma", "MMR"},       {"East Timor", "TLS"},    {"Ivory Coast", "CIV"},
    {"Cape Verde", "CPV"},  {"Swaziland", "SWZ"},     {"Macedonia", "MKD"},
    {"Palestine", "PSE"},   {"Vatican", "VAT"},       {"Vatican City", "VAT"},
    {"Micronesia", "FSM"},  {"DR Congo", "COD"},      {"DRC", "COD"},
    {"ROK", "KOR"},         {"DPRK", "PRK"},          {"Hong Kong SAR", "HKG"},
    {"America", "USA"},     {"Czech Republic", "CZE"}};

typedef struct key {
  char *k;
  size_t c; /* index into the countries */
} key;

static struct {
  int loaded;
  att_country *v;
  size_t n;
  key *keys;
  size_t nkeys, capkeys;
  cJSON *doc; /* holds the strings of v */
} iso;

/* ---- names as keys ------------------------------------------------------- */

/* The Latin-1 letters U+00C0..U+00FF without their accents ('\0': kept). */
static const char latin1[] = "AAAAAAACEEEEIIIIDNOOOOO\0OUUUUY\0saaaaaaaceeeeiiiidnooooo\0ouuuuy\0y";

int att__name_key(const char *s, char *buf, size_t cap) {
  size_t n = 0;
  int space = 0;
  if (cap == 0) return -1;
  while (*s == ' ' || *s == '\t') s++;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    char out[4];
    size_t k = 1;
    if (c == ' ' || c == '\t') {
      space = 1;
      continue;
    }
    if (c >= 'A' && c <= 'Z') out[0] = (char)(c + 'a' - 'A');
    else if (c == 0xC3 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0xBF &&
             latin1[(unsigned char)s[1] - 0x80]) {
      char f = latin1[(unsigned char)s[1] - 0x80];
      out[0] = (char)(f >= 'A' && f <= 'Z' ? f + 'a' - 'A' : f);
      s++;
    } else if (c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x99) {
      out[0] = '\''; /* the typographic apostrophe */
      s += 2;
    } else out[0] = (char)c;
    if (space && n > 0) {
      if (n + 1 >= cap) return -1;
      buf[n++] = ' ';
    }
    space = 0;
    if (n + k >= cap) return -1;
    memcpy(buf + n, out, k);
    n += k;
  }
  buf[n] = '\0';
  if (strncmp(buf, "the ", 4) == 0) memmove(buf, buf + 4, n - 3);
  return 0;
}

static int key_cmp(const void *a, const void *b) {
  const key *x = a, *y = b;
  int c = strcmp(x->k, y->k);
  return c ? c : (x->c > y->c) - (x->c < y->c);
}

static const key *key_find(const char *k) {
  size_t lo = 0, hi = iso.nkeys;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(iso.keys[mid].k, k);
    if (c == 0) return &iso.keys[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static int key_add(const char *name, size_t c) {
  char k[256];
  if (name == NULL || att__name_key(name, k, sizeof k) != 0 || k[0] == '\0') return 0;
  if (iso.nkeys == iso.capkeys) {
    size_t cap = iso.capkeys ? iso.capkeys * 2 : 1024;
    key *nk = realloc(iso.keys, cap * sizeof *nk);
    if (nk == NULL) return att__err(ATT_ENOMEM, "out of memory for the ISO 3166 table");
    iso.keys = nk;
    iso.capkeys = cap;
  }
  if ((iso.keys[iso.nkeys].k = strdup(k)) == NULL)
    return att__err(ATT_ENOMEM, "out of memory for the ISO 3166 table");
  iso.keys[iso.nkeys++].c = c;
  return 0;
}

/* "Korea, Republic of" as "Republic of Korea". */
static int key_add_inverted(const char *name, size_t c) {
  const char *comma = name ? strstr(name, ", ") : NULL;
  char buf[256];
  if (comma == NULL || strchr(comma + 2, ',') != NULL) return 0;
  if (snprintf(buf, sizeof buf, "%s %.*s", comma + 2, (int)(comma - name), name) >= (int)sizeof buf)
    return 0;
  return key_add(buf, c);
}

/* ---- loading ------------------------------------------------------------- */

static const char *iso_path(void) {
  const char *p = getenv("ATTACHE_ISO3166");
  return p && *p ? p : ISO_PATH;
}

static int load_fail(int code, const char *path, const char *why) {
  att_countries_unload();
  return att__err(code,
                  "cannot read the ISO 3166 country table \"%s\": %s; it comes from the Debian "
                  "package iso-codes (apt-get install iso-codes)",
                  path, why);
}

static const char *str_of(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static int load(void) {
  const char *path = iso_path();
  FILE *f = fopen(path, "rb");
  struct stat sb;
  char *text;
  size_t len;
  const cJSON *arr, *it;
  int rc;
  if (f == NULL) return load_fail(ATT_EIO, path, strerror(errno));
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > ISO_MAX) {
    fclose(f);
    return load_fail(ATT_EIO, path, "not a regular file of at most 16 MiB");
  }
  if ((text = malloc((size_t)sb.st_size + 1)) == NULL) {
    fclose(f);
    return load_fail(ATT_ENOMEM, path, "out of memory");
  }
  len = fread(text, 1, (size_t)sb.st_size, f);
  fclose(f);
  text[len] = '\0';
  iso.doc = cJSON_ParseWithLength(text, len);
  free(text);
  arr = cJSON_GetObjectItemCaseSensitive(iso.doc, "3166-1");
  if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
    return load_fail(ATT_EIO, path, "not the JSON of iso-codes (no \"3166-1\" list of countries)");
  iso.v = calloc((size_t)cJSON_GetArraySize(arr), sizeof *iso.v);
  if (iso.v == NULL) return load_fail(ATT_ENOMEM, path, "out of memory");
  cJSON_ArrayForEach(it, arr) {
    att_country *c = &iso.v[iso.n];
    c->alpha2 = str_of(it, "alpha_2");
    c->alpha3 = str_of(it, "alpha_3");
    c->name = str_of(it, "name");
    c->common = str_of(it, "common_name");
    c->official = str_of(it, "official_name");
    if (!c->alpha2 || !c->alpha3 || !c->name || strlen(c->alpha2) != 2 || strlen(c->alpha3) != 3)
      return load_fail(ATT_EIO, path, "a country without alpha_2, alpha_3 and name");
    if ((rc = key_add(c->alpha2, iso.n)) || (rc = key_add(c->alpha3, iso.n)) ||
        (rc = key_add(c->name, iso.n)) || (rc = key_add(c->common, iso.n)) ||
        (rc = key_add(c->official, iso.n)) || (rc = key_add_inverted(c->name, iso.n)))
      return load_fail(rc, path, "out of memory");
    iso.n++;
  }
  qsort(iso.keys, iso.nkeys, sizeof *iso.keys, key_cmp);
  /* The common names, where iso-codes has not the name already. */
  {
    size_t before = iso.nkeys;
    for (size_t i = 0; i < sizeof common_names / sizeof common_names[0]; i++) {
      char k[64];
      const key *have;
      size_t c;
      if (att__name_key(common_names[i].name, k, sizeof k) != 0) continue;
      have = key_find(k);
      if (have && have < iso.keys + before) continue;
      for (c = 0; c < iso.n && strcmp(iso.v[c].alpha3, common_names[i].alpha3) != 0; c++) {}
      if (c < iso.n && (rc = key_add(common_names[i].name, c)) != 0)
        return load_fail(rc, path, "out of memory");
    }
    qsort(iso.keys, iso.nkeys, sizeof *iso.keys, key_cmp);
  }
  iso.loaded = 1;
  return 0;
}

int att_countries(const att_country **v, size_t *n) {
  int rc;
  if (!iso.loaded && (rc = load()) != 0) return rc;
  *v = iso.v;
  *n = iso.n;
  return 0;
}

int att_country_find(const char *name, const att_country **out) {
  char k[256];
  const key *hit;
  int rc;
  *out = NULL;
  if (!iso.loaded && (rc = load()) != 0) return rc;
  if (att__name_key(name, k, sizeof k) != 0 || (hit = key_find(k)) == NULL) return 0;
  /* Equal keys sort by country: the first is the one iso-codes gave. */
  while (hit > iso.keys && strcmp(hit[-1].k, k) == 0) hit--;
  *out = &iso.v[hit->c];
  return 1;
}

const char *att_country_label(const att_country *c) { return c->common ? c->common : c->name; }

void att_countries_unload(void) {
  for (size_t i = 0; i < iso.nkeys; i++) free(iso.keys[i].k);
  free(iso.keys);
  free(iso.v);
  cJSON_Delete(iso.doc);
  memset(&iso, 0, sizeof iso);
}
