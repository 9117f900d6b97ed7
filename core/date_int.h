/*
 * Internal to the date code (date.c, the friendly reader date_friendly.c,
 * date_words.c, date_relative.c, date_phrase.c, and the human reading
 * date_human.c): what they share.  The rest of the tree uses date.h.
 */
#ifndef ATT_DATE_INT_H
#define ATT_DATE_INT_H

#include "date.h"

/* One line listing the strict EDTF forms, for error messages. */
extern const char att__edtf_forms[];

/* A strict EDTF value taken apart (date.c): the printer, the bounds and
 * the human reading (date_human.c) all work from this. */
enum { ATT__P_YEAR = 1, ATT__P_MONTH, ATT__P_GROUP, ATT__P_DAY, ATT__P_TIME };
enum { ATT__TZ_NONE = 0, ATT__TZ_Z, ATT__TZ_OFFSET };
enum { ATT__END_DATE = 0, ATT__END_OPEN, ATT__END_UNKNOWN };

typedef struct att__point {
  int prec;        /* ATT__P_* */
  int64_t year;    /* X digits count as 0: 201X is 2010, -20XX is -2000 */
  int neg;         /* written with a minus sign (needed for -00XX) */
  int yprefix;     /* written Y12345 */
  int xyear;       /* how many trailing X digits in the year: 0, 1, 2, 4 */
  int xmonth, xday;
  int month;       /* 1-12, or 21-41 when prec is ATT__P_GROUP */
  int day;
  int hour, min, sec;
  char frac[10];   /* fraction of a second as written, at most 9 digits */
  int tz;          /* ATT__TZ_* */
  int tzoff;       /* minutes east of UTC */
  char qual;       /* 0, '?', '~' or '%' */
} att__point;

typedef struct att__edtf {
  int interval;
  int aend, bend; /* ATT__END_* */
  att__point a, b;
} att__edtf;

/* Parse strict EDTF into *v: 0, or ATT_EINVAL with a message. */
int att__edtf_decode(const char *s, att__edtf *v);
/* The canonical text of one point into out[cap]. */
void att__edtf_print_point(const att__point *p, char *out, size_t cap);
/* The wording of att_date_human() before it is checked (for the tests). */
int att__date_human_nice(const char *edtf, char *buf, size_t cap);

/* The friendly reader's forms return 0 (EDTF written), a negative code
 * (a refusal with its message), or ATT__NOMATCH (not this form). */
#define ATT__NOMATCH 1
/* Room for the EDTF a form writes. */
#define ATT__E ATT_DATE_MAX

/* The state of one reading. */
typedef struct att__fr {
  const char *input;    /* as typed, for messages */
  att_date_ctx *dc;     /* settings in, used_ref and zone out */
  int64_t ry;           /* the reference day (2000-01-01 when far_ref) */
  int rm, rd;
  int far_ref;          /* 1 when the reference is outside 0001-9998 */
  int64_t dy;           /* the year of a form written without one */
  int dy_ref;           /* 1 when dy is the reference year */
  char **tok0;          /* the words, lower-cased */
  char **orig;          /* the words as typed (case kept): orig[i] is tok0[i] */
} att__fr;

/* "cannot read the date "...": why; accepted forms: ..." */
int att__fr_fail(const att__fr *c, const char *why);
/* A refusal with a message of its own, after "cannot read the date "...": ". */
int att__fr_refuse(const att__fr *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The whole value, or a point of it (no interval). */
int att__fr_value(att__fr *c, char **tok, int n, char *e);
int att__fr_point(att__fr *c, char **tok, int n, char *e);
/* Relative forms (date_relative.c), phrases (date_phrase.c). */
int att__fr_relative(att__fr *c, char **tok, int n, char *e);
int att__fr_relative_point(att__fr *c, char **tok, int n, char *e);
int att__fr_phrase(att__fr *c, char **tok, int n, char *e);
int att__fr_phrase_point(att__fr *c, char **tok, int n, char *e);
/* A year expression using all of tok[0..n): 2024, this/next/last year,
 * coming year; 1 and *y, or 0. */
int att__fr_year_expr(att__fr *c, char **tok, int n, int64_t *y);
/* The year of a form written without one ("November"), marking the value
 * as counted from the reference date when it is the reference year. */
int64_t att__fr_default_year(att__fr *c);
/* Mark the value as counted from the reference date. */
void att__fr_used_ref(att__fr *c);

/* Words (date_words.c). */
extern const char *const att__month_names[12]; /* "January" ... */
int att__month_of(const char *t);   /* month name or abbreviation: 1-12, or 0 */
int att__day_of(const char *t);     /* 1-31, "17th": the day, or 0 */
int att__wday_of(const char *t);    /* monday..sunday, mon, tue(s)...: 1-7, or 0 */
int att__year_of(const char *t, int64_t *y); /* 2024, 0024, -0044: 1, or 0 */
int att__number_of(const char *t);  /* 1-999 in digits, one..twelve, a, an: or 0 */
int att__ordinal_of(const char *t); /* first..fourth, 1st..4th: 1-4, or 0 */
int att__is(const char *t, const char *const *set); /* t in a NULL-ended list */
int att__all_digits(const char *t, size_t n);

/* Calendar: day numbers (days since 1970-01-01) and weekdays. */
int64_t att__day_number(int64_t y, int m, int d);
int att__weekday(int64_t day);      /* 1 Monday .. 7 Sunday */
/* "2024-05-20" of a day number into e. */
void att__put_day(char *e, size_t cap, int64_t day);
/* The strict EDTF of e is valid: 1, or 0 (message left). */
int att__edtf_ok(const char *e, att_bounds *b);

#endif
