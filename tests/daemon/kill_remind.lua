-- tests/cli/serve_kill.sh: reminders a week and a day before each meeting
-- of tests/daemon/kill_events.jsonl (240 meetings, 36 hours apart, 2024).
local at = require "attache"
at.remind{name = "kill", match = {kind = "meeting"}, before = {"7d", "1d"}}
