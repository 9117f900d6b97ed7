-- tests/hostile/daemon.sh, good: reminders at the start and five minutes
-- before each event with the actor JPN, chosen by a where function.
local at = require "attache"
at.remind{name = "g06", where = function(ev) return ev:has_actor("JPN") end,
  before = {"0", "5m"}, level = "info"}
