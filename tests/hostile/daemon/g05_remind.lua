-- tests/hostile/daemon.sh, good: a reminder a minute before each meeting.
local at = require "attache"
at.remind{name = "g05", match = {kind = "meeting"}, before = "1m"}
