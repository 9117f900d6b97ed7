# at.date reads dates with the store's settings (attache config), as the
# command line does: the day order, the fiscal year, the hemisphere.
# Before, at.date used the defaults whatever the store said.
. "$(dirname "$0")/lib.sh"

ok init
cat >"$TMP/d.lua" <<'LUA'
local at = require "attache"
local function show(s)
  local d, err = at.date(s)
  print(s, d and d:edtf() or ("nil: " .. err))
end
show("05/06/2024")
show("FY2024")
show("autumn 2024")
LUA
ok run "$TMP/d.lua"
out_has "05/06/2024	nil: "
out_has "FY2024	2024-04~/2025-03~"
ok config date.day-first yes
ok config date.fiscal-name end
ok config date.hemisphere south
ok run "$TMP/d.lua"
out_has "05/06/2024	2024-06-05"
out_has "FY2024	2023-04~/2024-03~"
out_has "autumn 2024	2024-31"
# the command line agrees
ok add --title "Talks" --when "05/06/2024"
out_has "[2024-06-05]"
echo "ok $TESTNAME ($NCHECKS commands)"
