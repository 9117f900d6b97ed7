/*
 * The C side of the differential test against the edtf npm package: reads
 * one string per line on stdin and prints, for each, either
 *   valid EARLIEST LATEST CANONICAL
 * (bounds in seconds since the epoch, open ends as "..") or "invalid".
 */
#include "date.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void print_time(att_time t) {
  if (t == ATT_TIME_MIN || t == ATT_TIME_MAX)
    fputs("..", stdout);
  else
    printf("%" PRId64, t);
}

int main(void) {
  char line[4096], canon[ATT_DATE_MAX];
  att_bounds b;

  while (fgets(line, sizeof line, stdin)) {
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (att_edtf_parse(line, &b, canon, sizeof canon) != 0) {
      puts("invalid");
      continue;
    }
    fputs("valid ", stdout);
    print_time(b.earliest);
    putchar(' ');
    print_time(b.latest);
    printf(" %s\n", canon);
  }
  return 0;
}
