#!/bin/sh
# Write N synthetic diplomatic events as JSON Lines on stdout, the same ones
# for the same N and SEED: fuzzy dates of every shape, a few hundred actors,
# tags, kinds, statuses, keys on one event in ten.
#   sh bench/gen.sh 1000000 [SEED] > events.jsonl
n=${1:-1000}
seed=${2:-42}
awk -v n="$n" -v seed="$seed" 'BEGIN {
  srand(seed);
  split("meeting visit call talks agreement policy anniversary statement election deployment other", kinds, " ");
  split("planned confirmed held postponed cancelled draft endorsed in-force expired", sts, " ");
  split("defence demining economy trade cybersecurity health education energy climate infrastructure migration fisheries", tags, " ");
  for (i = 0; i < 300; i++) {
    a = sprintf("%c%c%c", 65 + int(rand() * 26), 65 + int(rand() * 26), 65 + int(rand() * 26));
    actors[i] = a;
  }
  actors[0] = "KHM"; actors[1] = "JPN"; actors[2] = "CDC"; actors[3] = "ASEAN";
  for (i = 1; i <= n; i++) {
    y = 1950 + int(rand() * 80); m = 1 + int(rand() * 12); d = 1 + int(rand() * 28);
    r = rand();
    if (r < 0.45) w = sprintf("%04d-%02d-%02d", y, m, d);
    else if (r < 0.60) w = sprintf("%04d-%02d", y, m);
    else if (r < 0.68) w = sprintf("%04d", y);
    else if (r < 0.76) w = sprintf("%04d-%d", y, 33 + int(rand() * 4));
    else if (r < 0.84) w = sprintf("%04d/%04d", y, y + 1 + int(rand() * 5));
    else if (r < 0.90) w = sprintf("%04d-%02d~/%04d-%02d~", y, m, y, (m < 9 ? m + 3 : 12));
    else if (r < 0.96) w = sprintf("%04d-%02d-%02dT%02d:%02d:00Z", y, m, d, int(rand() * 24), int(rand() * 60));
    else w = sprintf("%04d-%02d-%02d/..", y, m, d);
    na = 1 + int(rand() * 3); act = "";
    for (k = 0; k < na; k++) {
      x = int(rand() * rand() * 300);
      if (index(act, "\"" actors[x] "\"")) continue;
      act = act (act == "" ? "" : ",") "\"" actors[x] "\"";
    }
    nt = int(rand() * 3); tg = "";
    for (k = 0; k < nt; k++) {
      x = tags[1 + int(rand() * 12)];
      if (index(tg, "\"" x "\"")) continue;
      tg = tg (tg == "" ? "" : ",") "\"" x "\"";
    }
    key = (i % 10 == 0) ? sprintf("\"key\":\"ev-%d\",", i) : "";
    printf("{%s\"title\":\"%s %d on %s\",\"kind\":\"%s\",\"status\":\"%s\",\"when\":\"%s\",\"actors\":[%s],\"tags\":[%s],\"notes\":\"synthetic event number %d\"}\n",
      key, kinds[1 + int(rand() * 11)], i, tags[1 + int(rand() * 12)], kinds[1 + int(rand() * 11)],
      sts[1 + int(rand() * 9)], w, act, tg, i);
  }
}'
