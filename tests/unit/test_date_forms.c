/*
 * Unit tests of the friendly date forms of docs/dates.md ("Dates as
 * people write them"): every form of the table with the EDTF it becomes,
 * whether it counted from the reference date, the settings that change a
 * reading (hemisphere, fiscal year, day-first order, default zone), and the
 * refusals (ambiguous YYYY-NN and day/month order, nonsense).  The
 * reference date is 2023-12-18 (a Monday), the day after the seed
 * article's meeting, unless a case says otherwise.
 */
#include "date.h"
#include "error.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

typedef struct form {
  const char *in, *edtf;
  int used_ref;
} form;

static const form forms[] = {
    /* the list */
    {"by end of March", "2023-12-18/2024-03-31", 1},
    {"end of March", "2023-03-21~/2023-03-31~", 1},
    {"end of 2024", "2024-12~", 0},
    {"next Tuesday", "2023-12-26", 1},
    {"Tuesday", "2023-12-19", 1},
    {"next week", "2023-12-25/2023-12-31", 1},
    {"this week", "2023-12-18/2023-12-24", 1},
    {"in two weeks", "2024-01-01~", 1},
    {"in 3 days", "2023-12-21", 1},
    {"within this year", "2023-12-18/2023-12-31", 1},
    {"later this year", "2023-12-18/2023-12-31", 1},
    {"autumn 2024", "2024-23", 0},
    {"fall 2024", "2024-23", 0},
    {"spring 2024", "2024-21", 0},
    {"second half of 2024", "2024-41", 0},
    {"first quarter of 2024", "2024-33", 0},
    {"3Q 2024", "2024-35", 0},
    {"FY2024", "2024-04~/2025-03~", 0},
    {"15-17 March 2024", "2024-03-15/2024-03-17", 0},
    {"March 15-17 2024", "2024-03-15/2024-03-17", 0},
    {"Jan-Mar 2024", "2024-01/2024-03", 0},
    {"2024-03-15 to 2024-03-17", "2024-03-15/2024-03-17", 0},
    {"around 20 May", "2023-05-20~", 1},
    {"about 20 May 2024", "2024-05-20~", 0},
    {"c. 1953", "1953~", 0},
    {"circa 1953", "1953~", 0},
    /* anniversaries, as a press release counts them */
    {"70th anniversary of 9 January 1953", "2023-01-09", 0},
    {"the 70th anniversary of 1953", "2023", 0},
    {"1st anniversary of 2023-12-17", "2024-12-17", 0},
    {"3rd anniversary of 1953-01~", "1956-01~", 0},
    {"22nd anniversary of 17 Dec 2023", "2045-12-17", 0},
    {"2nd anniversary of next Tuesday", "2025-12-26", 1},
    {"1990s", "199X", 0},
    {"late 1990s", "1997~/1999~", 0},
    {"2020s", "202X", 0},
    {"20th century", "19XX", 0},
    {"before 2025", "../2024", 0},
    {"since 2020", "2020/..", 0},
    {"20/05/2024", "2024-05-20", 0},
    {"20.05.2024", "2024-05-20", 0},
    {"2023-12-18 10:00 Asia/Phnom_Penh", "2023-12-18T10:00:00+07:00", 0},
    {"18 Dec 2023 10:00", "2023-12-18T10:00:00", 0},
    /* neighbours: number words, weeks, days */
    {"in twelve days", "2023-12-30", 1},
    {"in a week", "2023-12-25~", 1},
    {"in 3 months", "2024-03~", 1},
    {"in two years", "2025~", 1},
    {"3 days ago", "2023-12-15", 1},
    {"two weeks ago", "2023-12-04~", 1},
    {"within two weeks", "2023-12-18/2024-01-01", 1},
    {"within 3 days", "2023-12-18/2023-12-21", 1},
    {"within a month", "2023-12-18/2024-01-18", 1},
    {"within a year", "2023-12-18/2024-12-18", 1},
    {"within this month", "2023-12-18/2023-12-31", 1},
    {"later this week", "2023-12-18/2023-12-24", 1},
    {"last week", "2023-12-11/2023-12-17", 1},
    {"this Tuesday", "2023-12-19", 1},
    {"Monday", "2023-12-18", 1},
    {"next Monday", "2023-12-25", 1},
    {"next Sunday", "2023-12-31", 1},
    {"last Friday", "2023-12-15", 1},
    {"last Monday", "2023-12-11", 1},
    {"Tue 19 Dec 2023", "2023-12-19", 0},
    {"Tuesday, 19 December 2023", "2023-12-19", 0},
    /* by ... */
    {"by the end of March", "2023-12-18/2024-03-31", 1},
    {"by end of December", "2023-12-18/2023-12-31", 1},
    {"by March", "2023-12-18/2024-03-31", 1},
    {"by March 2024", "2023-12-18/2024-03-31", 1},
    {"by end of 2024", "2023-12-18/2024-12-31", 1},
    {"by end of next year", "2023-12-18/2024-12-31", 1},
    {"by mid-2024", "2023-12-18/2024-08~", 1},
    {"by 2025", "2023-12-18/2025", 1},
    {"by 2023", "2023-12-18/2023-12-31", 1},
    {"by 2020", "../2020", 1},
    /* ends and beginnings */
    {"end of March 2024", "2024-03-21~/2024-03-31~", 0},
    {"end of February 2024", "2024-02-21~/2024-02-29~", 0},
    {"beginning of March 2024", "2024-03-01~/2024-03-10~", 0},
    {"start of 2024", "2024-01~", 0},
    {"end of this year", "2023-12~", 1},
    {"early March", "2023-03-01~/2023-03-10~", 1},
    {"mid-March 2024", "2024-03-11~/2024-03-20~", 0},
    /* seasons, quarters, halves, thirds */
    {"summer 2024", "2024-22", 0},
    {"winter 2024", "2024-24", 0},
    {"Autumn", "2023-23", 1},
    {"northern winter 2024", "2024-28", 0},
    {"southern spring 2024", "2024-29", 0},
    {"southern autumn 2024", "2024-31", 0},
    {"autumn next year", "2024-23", 1},
    {"fourth quarter of 2024", "2024-36", 0},
    {"2nd quarter 2024", "2024-34", 0},
    {"first half of 2024", "2024-40", 0},
    {"1H 2024", "2024-40", 0},
    {"first third of 2024", "2024-37", 0},
    {"middle third of 2024", "2024-38", 0},
    {"last third of 2024", "2024-39", 0},
    {"Q3-2024", "2024-35", 0},
    /* fiscal years (Japan: April to March, named by the start) */
    {"FY 2024", "2024-04~/2025-03~", 0},
    {"fiscal year 2024", "2024-04~/2025-03~", 0},
    {"fiscal 2023", "2023-04~/2024-03~", 0},
    {"H1 FY2024", "2024-04~/2024-09~", 0},
    {"H2 FY2024", "2024-10~/2025-03~", 0},
    {"Q3 FY2024", "2024-10~/2024-12~", 0},
    {"Q4 FY2024", "2025-01~/2025-03~", 0},
    /* ranges */
    {"15\xe2\x80\x93" "17 March 2024", "2024-03-15/2024-03-17", 0},
    {"15 to 17 March 2024", "2024-03-15/2024-03-17", 0},
    {"March 15 to 17, 2024", "2024-03-15/2024-03-17", 0},
    {"15-17 March", "2023-03-15/2023-03-17", 1},
    {"January to March 2024", "2024-01/2024-03", 0},
    {"from May to July 2024", "2024-05/2024-07", 0},
    {"15 March to 2 April 2024", "2024-03-15/2024-04-02", 0},
    {"between 2020 and 2024", "2020/2024", 0},
    {"Dec 2023 to Feb 2024", "2023-12/2024-02", 0},
    {"2024 to unknown", "2024/", 0},
    {"unknown to 2024", "/2024", 0},
    {"Q1 2024 to Q3 2024", "2024-33/2024-35", 0},
    /* approximate and uncertain */
    {"around 2024", "2024~", 0},
    {"approximately May 2024", "2024-05~", 0},
    {"ca. 1953", "1953~", 0},
    {"1953?", "1953?", 0},
    {"around 1953?", "1953%", 0},
    {"May 2024?", "2024-05?", 0},
    {"around Q1 2024", "2024-33~", 0},
    {"around autumn 2024", "2024-23~", 0},
    /* decades and centuries */
    {"the 1990s", "199X", 0},
    {"1990's", "199X", 0},
    {"early 1990s", "1990~/1993~", 0},
    {"mid-1990s", "1994~/1996~", 0},
    {"early 2020s", "2020~/2023~", 0},
    {"21st century", "20XX", 0},
    {"1st century", "00XX", 0},
    {"the 19th century", "18XX", 0},
    /* open ends */
    {"before May 2024", "../2024-04", 0},
    {"before 20 May 2024", "../2024-05-19", 0},
    {"before 1 Jan 2025", "../2024-12-31", 0},
    {"until 2024", "../2024", 0},
    {"up to March 2024", "../2024-03", 0},
    {"since May 2024", "2024-05/..", 0},
    {"from 2020 onwards", "2020/..", 0},
    {"2020 onwards", "2020/..", 0},
    {"after 2020", "2021/..", 0},
    {"after 31 Dec 2023", "2024-01-01/..", 0},
    {"since yesterday", "2023-12-17/..", 1},
    /* numbers */
    {"05/20/2024", "2024-05-20", 0},
    {"1.5.2024", "2024-05-01", 0},
    {"29/02/2024", "2024-02-29", 0},
    {"06/06/2024", "2024-06-06", 0},
    /* times */
    {"18 Dec 2023 10:00 UTC", "2023-12-18T10:00:00", 0},
    {"18 Dec 2023 10:00Z", "2023-12-18T10:00:00Z", 0},
    {"18 Dec 2023 10:00 +07:00", "2023-12-18T10:00:00+07:00", 0},
    {"18 Dec 2023 10:00 +0530", "2023-12-18T10:00:00+05:30", 0},
    {"18 Dec 2023 10:00:30", "2023-12-18T10:00:30", 0},
    {"18 Dec 2023 3pm", "2023-12-18T15:00:00", 0},
    {"18 Dec 2023 12am", "2023-12-18T00:00:00", 0},
    {"December 18, 2023 9:30am", "2023-12-18T09:30:00", 0},
    {"2023-12-18 10:00", "2023-12-18T10:00:00", 0},
    {"20/05/2024 10:00 Asia/Tokyo", "2024-05-20T10:00:00+09:00", 0},
    {"2024-07-01 10:00 Europe/London", "2024-07-01T10:00:00+01:00", 0},
    {"2024-01-01 10:00 Europe/London", "2024-01-01T10:00:00+00:00", 0},
    {"2024-07-04 09:00 America/New_York", "2024-07-04T09:00:00-04:00", 0},
    {"today 10:00", "2023-12-18T10:00:00", 1},
    /* YYYY-NN: spans of years */
    {"2024-28", "2024/2028", 0},
    {"2024-25", "2024/2025", 0},
    {"2024-32", "2024/2032", 0},
    {"2024-42", "2024/2042", 0},
    {"2024-2028", "2024/2028", 0},
    {"[2024-33]", "2024-33", 0},
    {"[2024-28]", "2024-28", 0},
    {"[2004-06~/2005]", "2004-06~/2005", 0},
    {"2024-33~", "2024-33~", 0},
    {"2024-33/2024-36", "2024-33/2024-36", 0},
    {"in 2024-28", "2024/2028", 0},
};

typedef struct bad {
  const char *in, *msg;
} bad;

static const bad refusals[] = {
    /* YYYY-NN: the groupings 33-41 are ambiguous, backwards spans too */
    {"2024-33", "could be Q1 2024 (the EDTF grouping 33) or the years 2024 to 2033; type Q1 2024 or 2024/2033"},
    {"2024-35", "could be Q3 2024 (the EDTF grouping 35) or the years 2024 to 2035; type Q3 2024 or 2024/2035"},
    {"2024-38", "could be middle third of 2024"},
    {"2024-41", "could be H2 2024 (the EDTF grouping 41) or the years 2024 to 2041"},
    {"2024-21", "if you meant spring 2024 (the EDTF season 21), type that or [2024-21]"},
    {"2024-13", "2024 to 2013 runs backwards; write the span as 2013/2024"},
    /* a span from a year to itself: one year, or an EDTF season (the web
     * form showed 2024-24 and read it back as 2024/2024) */
    {"2024-24", "2024 to 2024 is the one year; type 2024, or, if you meant winter 2024 (the EDTF season 24), type that or [2024-24]"},
    {"2028-28", "if you meant northern winter 2028 (the EDTF season 28)"},
    {"2016-16", "2016 to 2016 is the one year; type 2016"},
    {"2024-2020", "runs backwards"},
    /* anniversaries */
    {"70th anniversary of 9999", "the anniversary falls after the year 9999"},
    {"1st anniversary of 2024-02-29", "February 2025 has 28 days"},
    {"70th anniversary of early 1953", "accepted forms"},
    {"0th anniversary of 1953", "accepted forms"},
    /* day and month order */
    {"05/06/2024", "it could be 5 June 2024 (day first) or 6 May 2024 (month first); type 5 Jun 2024 or 6 May 2024"},
    {"31/02/2024", "February 2024 has 29 days"},
    {"29/02/2023", "February 2023 has 28 days"},
    {"13/13/2024", "not a day and a month in either order"},
    {"20.13.2024", "a date with dots is day.month.year"},
    /* the words "the", "of" and "on" lead into a date's words, never
     * end them, repeat, or begin with "of" */
    {"July the", "a date does not end with \"the\""},
    {"2024 the", "a date does not end with \"the\""},
    {"July 2024 of", "a date does not end with \"of\""},
    {"17 July on", "a date does not end with \"on\""},
    {"next week the", "a date does not end with \"the\""},
    {"July, the", "a date does not end with \"the\""},
    {"the the July", "\"the\" twice"},
    {"the 17th of of July", "\"of\" twice"},
    {"of July", "a date does not begin with \"of\""},
    /* nonsense */
    {"next Funday", "\"Funday\" is not a day of the week"},
    {"Wed 19 Dec 2023", "2023-12-19 is a Tuesday, not a Wednesday"},
    {"32-33 March 2024", "accepted forms"},
    {"30-31 February 2024", "February 2024 has 29 days"},
    {"17-15 March 2024", "the days 17 to 15 run backwards"},
    {"Mar-Jan 2024", "the months run backwards"},
    {"1900s", "could be the decade 1900 to 1909 or the century 1900 to 1999"},
    {"2000s", "could be the decade 2000 to 2009 or the century"},
    {"before around 2025", "\"before\" goes with a year, a month or a day"},
    {"around early 2024", "accepted forms"},
    {"around 2024-28", "accepted forms"},
    {"18 Dec 2023 25:00", "accepted forms"},
    {"18 Dec 2023 10:00 Mars/Olympus", "Mars/Olympus"},
    {"2024-03-31 01:30 Europe/London", "Europe/London"},
    {"2024-10-27 01:30 Europe/London", "happens twice"},
    {"2028 to 2024", "runs backwards; write the earlier date first"},
    {"in 0 days", "accepted forms"},
    {"by", "accepted forms"},
    {"soon", "accepted forms:"},
};

/* One case with settings. */
typedef struct set_case {
  const char *in, *edtf;
  int hemisphere, fiscal_start, fiscal_by_end, day_first;
  const char *tz, *zone;
} set_case;

static const set_case with_settings[] = {
    {"autumn 2024", "2024-27", 'N', 0, 0, -1, NULL, ""},
    {"autumn 2024", "2024-31", 'S', 0, 0, -1, NULL, ""},
    {"summer 2024", "2024-30", 'S', 0, 0, -1, NULL, ""},
    {"northern summer 2024", "2024-26", 'S', 0, 0, -1, NULL, ""},
    {"FY2024", "2023-10~/2024-09~", 0, 10, 1, -1, NULL, ""},
    {"FY2024", "2024-07~/2025-06~", 0, 7, 0, -1, NULL, ""},
    {"FY2024", "2024-01~/2024-12~", 0, 1, 1, -1, NULL, ""},
    {"Q1 FY2024", "2023-10~/2023-12~", 0, 10, 1, -1, NULL, ""},
    {"05/06/2024", "2024-06-05", 0, 0, 0, 1, NULL, ""},
    {"05/06/2024", "2024-05-06", 0, 0, 0, 0, NULL, ""},
    {"20/05/2024", "2024-05-20", 0, 0, 0, 0, NULL, ""},
    {"18 Dec 2023 10:00", "2023-12-18T10:00:00+07:00", 0, 0, 0, -1, "Asia/Phnom_Penh", ""},
    {"18 Dec 2023 10:00 UTC", "2023-12-18T10:00:00", 0, 0, 0, -1, "Asia/Phnom_Penh", ""},
    {"18 Dec 2023 10:00 Asia/Tokyo", "2023-12-18T10:00:00+09:00", 0, 0, 0, -1, "Asia/Phnom_Penh", "Asia/Tokyo"},
    {"2023-12-18 10:00 Asia/Phnom_Penh", "2023-12-18T10:00:00+07:00", 0, 0, 0, -1, NULL, "Asia/Phnom_Penh"},
    {"2023-12-18T10:00:00", "2023-12-18T10:00:00", 0, 0, 0, -1, "Asia/Phnom_Penh", ""},
    {"18 Dec 2023 10:00", "2023-12-18T10:00:00", 0, 0, 0, -1, "UTC", ""},
    {"autumn 2024 [2024-23]", "2024-23", 'N', 0, 0, -1, NULL, ""},
    {"northern autumn 2024 [2024-27]", "2024-27", 'S', 0, 0, -1, NULL, ""},
};

int main(void) {
  att_time ref = 0;
  size_t i;
  char out[ATT_DATE_MAX];
  att_bounds b;
  att_date_ctx c;
  att_time_parse("2023-12-18T09:30:00Z", &ref);
  for (i = 0; i < sizeof forms / sizeof *forms; i++) {
    const form *f = &forms[i];
    int rc;
    att_date_ctx_init(&c, ref);
    rc = att_date_read(f->in, &c, out, sizeof out, &b);
    if (!is_int(rc, 0, "\"%s\" is read", f->in)) {
      printf("#   %s\n", att_errmsg());
      continue;
    }
    is_str(out, f->edtf, "... as %s", f->edtf);
    is_int(c.used_ref, f->used_ref, "... %s", f->used_ref ? "counted from the reference date" : "without the reference date");
  }
  for (i = 0; i < sizeof refusals / sizeof *refusals; i++) {
    const bad *f = &refusals[i];
    int rc;
    att_date_ctx_init(&c, ref);
    rc = att_date_read(f->in, &c, out, sizeof out, &b);
    is_int(rc, ATT_EINVAL, "\"%s\" is refused", f->in);
    ok(strstr(att_errmsg(), f->msg) != NULL, "... saying \"%s\": %s", f->msg, att_errmsg());
    ok(strstr(att_errmsg(), f->in) != NULL, "... naming the input");
  }
  for (i = 0; i < sizeof with_settings / sizeof *with_settings; i++) {
    const set_case *s = &with_settings[i];
    int rc;
    att_date_ctx_init(&c, ref);
    c.hemisphere = s->hemisphere;
    c.fiscal_start = s->fiscal_start;
    c.fiscal_by_end = s->fiscal_by_end;
    c.day_first = s->day_first;
    c.tz = s->tz;
    rc = att_date_read(s->in, &c, out, sizeof out, &b);
    if (!is_int(rc, 0, "\"%s\" with hemisphere %c, fiscal %d/%d, day_first %d, tz %s is read",
                s->in, s->hemisphere ? s->hemisphere : '-', s->fiscal_start, s->fiscal_by_end,
                s->day_first, s->tz ? s->tz : "-")) {
      printf("#   %s\n", att_errmsg());
      continue;
    }
    is_str(out, s->edtf, "... as %s", s->edtf);
    is_str(c.zone, s->zone, "... naming the zone \"%s\"", s->zone);
  }
  /* Today is the day it is where the date is read (the settings' zone,
   * display.tz or --tz): at 21:52 UTC on 7 December it is already the 8th
   * in Kiritimati (+14) and still the 7th in New York; at 02:00 UTC on the
   * 8th it is still the 7th in New York.  A published reference is a day
   * of its own, read in no zone. */
  {
    static const struct {
      const char *ref, *tz, *in, *edtf;
      int published;
    } zc[] = {
        {"2026-12-07T21:52:00Z", "Pacific/Kiritimati", "today", "2026-12-08", 0},
        {"2026-12-07T21:52:00Z", "Pacific/Kiritimati", "today 10:00", "2026-12-08T10:00:00+14:00", 0},
        {"2026-12-07T21:52:00Z", "Pacific/Kiritimati", "tomorrow", "2026-12-09", 0},
        {"2026-12-07T21:52:00Z", "Pacific/Kiritimati", "next Monday", "2026-12-14", 0},
        {"2026-12-07T21:52:00Z", "America/New_York", "today", "2026-12-07", 0},
        {"2026-12-08T02:00:00Z", "America/New_York", "today", "2026-12-07", 0},
        {"2026-12-08T02:00:00Z", "America/New_York", "yesterday", "2026-12-06", 0},
        {"2026-12-08T02:00:00Z", NULL, "today", "2026-12-08", 0},
        {"2026-12-08T00:00:00Z", "America/New_York", "today", "2026-12-08", 1},
        {"2026-12-08T00:00:00Z", "Pacific/Kiritimati", "yesterday", "2026-12-07", 1},
    };
    for (i = 0; i < sizeof zc / sizeof *zc; i++) {
      att_time r;
      att_time_parse(zc[i].ref, &r);
      att_date_ctx_init(&c, r);
      c.tz = zc[i].tz;
      c.ref_is_published = zc[i].published;
      if (att_date_read(zc[i].in, &c, out, sizeof out, &b) != 0) snprintf(out, sizeof out, "%s", att_errmsg());
      is_str(out, zc[i].edtf, "\"%s\" at %s in %s%s", zc[i].in, zc[i].ref, zc[i].tz ? zc[i].tz : "UTC",
             zc[i].published ? " (published)" : "");
    }
  }
  /* A reference date outside the years 0001 to 9998 refuses exactly the
   * forms that count from it; every other form reads as it does from an
   * ordinary reference (fuzz_friendly found "0023-2024" refused from
   * year 0000 while "0023/2024" was read). */
  {
    static const char *const refs[] = {"0000-06-15T12:00:00Z", "9999-06-15T12:00:00Z",
                                       "-9999-01-01T00:00:00Z"};
    size_t r;
    int wrong = 0, n = 0;
    for (r = 0; r < sizeof refs / sizeof *refs; r++) {
      att_time far;
      if (att_time_parse(refs[r], &far) != 0) {
        far = r == 2 ? -400000000000LL : -62150000000LL;
      }
      for (i = 0; i < sizeof forms / sizeof *forms; i++) {
        const form *f = &forms[i];
        int rc;
        att_date_ctx_init(&c, far);
        rc = att_date_read(f->in, &c, out, sizeof out, &b);
        n++;
        if (f->used_ref && (rc != ATT_EINVAL || !strstr(att_errmsg(), "reference date"))) {
          printf("# from %s, \"%s\" (counts from it) gives %d: %s\n", refs[r], f->in, rc,
                 rc ? att_errmsg() : out);
          wrong++;
        } else if (!f->used_ref && (rc != 0 || strcmp(out, f->edtf) != 0)) {
          printf("# from %s, \"%s\" gives %d: %s\n", refs[r], f->in, rc,
                 rc ? att_errmsg() : out);
          wrong++;
        }
      }
    }
    is_int(wrong, 0, "from references outside 0001-9998, %d readings: only the relative "
                     "forms are refused", n);
    att_date_ctx_init(&c, -62155936800LL); /* the fuzzer's year 0000 */
    is_int(att_date_read("0023-2024", &c, out, sizeof out, NULL), 0,
           "\"0023-2024\" is read from year 0000");
    is_str(out, "0023/2024", "... as 0023/2024");
  }
  /* The bounds of a zoned time are the instant. */
  att_date_ctx_init(&c, ref);
  att_date_read("2023-12-18 10:00 Asia/Phnom_Penh", &c, out, sizeof out, &b);
  {
    att_time t;
    att_time_parse("2023-12-18T03:00:00Z", &t);
    ok(b.earliest == t && b.latest == t, "10:00 in Phnom Penh is 03:00 UTC");
  }
  /* Relative forms across the ends of weeks, months and years. */
  att_time_parse("2023-12-31T12:00:00Z", &ref); /* a Sunday */
  att_date_ctx_init(&c, ref);
  att_date_read("next week", &c, out, sizeof out, NULL);
  is_str(out, "2024-01-01/2024-01-07", "next week from a Sunday starts the next day");
  att_date_read("this week", &c, out, sizeof out, NULL);
  is_str(out, "2023-12-25/2023-12-31", "this week on a Sunday ends that day");
  att_date_read("Sunday", &c, out, sizeof out, NULL);
  is_str(out, "2023-12-31", "Sunday on a Sunday is that day");
  att_date_read("within a month", &c, out, sizeof out, NULL);
  is_str(out, "2023-12-31/2024-01-31", "within a month from 31 December");
  att_time_parse("2024-01-31T00:00:00Z", &ref);
  att_date_ctx_init(&c, ref);
  att_date_read("within a month", &c, out, sizeof out, NULL);
  is_str(out, "2024-01-31/2024-02-29", "within a month from 31 January ends on 29 February");
  att_date_read("by end of January", &c, out, sizeof out, NULL);
  is_str(out, "2024-01-31/2024-01-31", "by end of January on its last day");
  att_date_read("by end of December", &c, out, sizeof out, NULL);
  is_str(out, "2024-01-31/2024-12-31", "by end of December in January");
  /* Every form the message of a refusal lists is read, and read the
   * same whatever the settings (none of them is ambiguous). */
  {
    char list[1024], *p, *group, *sg, *item, *si;
    int n = 0, bad = 0;
    att_date_ctx_init(&c, ref);
    att_date_read("whenever", &c, out, sizeof out, NULL);
    p = strstr(att_errmsg(), "accepted forms: ");
    snprintf(list, sizeof list, "%s", p ? p + 16 : "");
    if ((p = strstr(list, " (docs/dates.md)")) != NULL) *p = '\0';
    for (group = strtok_r(list, ";", &sg); group; group = strtok_r(NULL, ";", &sg)) {
      static const char *const labels[] = {" dates ", " periods ", " spans ", " relative ",
                                           " strict EDTF in brackets ", "dates "};
      size_t k;
      for (k = 0; k < sizeof labels / sizeof *labels; k++)
        if (strncmp(group, labels[k], strlen(labels[k])) == 0) group += strlen(labels[k]);
      for (item = strtok_r(group, "|", &si); item; item = strtok_r(NULL, "|", &si)) {
        char one[80], a[ATT_DATE_MAX], bb[ATT_DATE_MAX];
        size_t l;
        while (*item == ' ') item++;
        snprintf(one, sizeof one, "%s", item);
        l = strlen(one);
        while (l && one[l - 1] == ' ') one[--l] = '\0';
        att_date_ctx_init(&c, ref);
        if (att_date_read(one, &c, a, sizeof a, NULL) != 0) {
          printf("# listed form \"%s\" is refused: %s\n", one, att_errmsg());
          bad++;
        }
        att_date_ctx_init(&c, ref);
        c.fiscal_start = 4; /* the default, said */
        c.day_first = 1;
        if (att_date_read(one, &c, bb, sizeof bb, NULL) != 0 || strcmp(a, bb) != 0) {
          printf("# listed form \"%s\" reads differently with day-first set\n", one);
          bad++;
        }
        n++;
      }
    }
    ok(n >= 25, "the message lists %d forms", n);
    is_int(bad, 0, "every form it lists is read, the same with day-first set");
  }
  /* The wrapper keeps the defaults. */
  att_date_friendly("autumn 2024", ref, out, sizeof out, NULL);
  is_str(out, "2024-23", "att_date_friendly reads seasons without a hemisphere");
  is_int(att_date_read(NULL, &c, out, sizeof out, NULL), ATT_EINVAL, "NULL is refused");
  att__errclear();
  return done_testing();
}
