-- The reminder workload of bench/run.sh: two reminders for every event.
local at = require "attache"
at.remind{name = "bench", before = {"7d", "1d"}}
