-- Round-number anniversaries of Cambodia-Japan diplomatic relations,
-- established in 1953 (see the event khm-jpn-relations-70th-anniversary):
-- the 70th fell in 2023, the 75th falls in 2028.  Such years call for
-- messages, receptions and visits, so the desk hears of them twice: a year
-- ahead, to plan, and on 1 January of the year itself.
local at = require "attache"

local ESTABLISHED = 1953
local EVERY = 5 -- 70, 75, 80...: every fifth year counts as round

local function year_of(d)
  return tonumber(tostring(d:earliest()):sub(1, 4))
end

local function check(year)
  local n = year - ESTABLISHED
  if n > 0 and n % EVERY == 0 then
    at.alert{
      key = "relations-anniversary:" .. n,
      title = ("%d marks the %dth anniversary of Cambodia-Japan diplomatic relations"):format(year, n),
      body = "Established in " .. ESTABLISHED .. "; plan the messages, events and visits of the year",
      level = "info",
    }
  elseif (n + 1) % EVERY == 0 then
    at.alert{
      key = "relations-anniversary-ahead:" .. (n + 1),
      title = ("Next year, %d, marks the %dth anniversary of diplomatic relations"):format(year + 1, n + 1),
      body = "A year to prepare: commemorative events, a visit, a joint statement",
      level = "info",
    }
  end
end

-- Every 1 January at 09:00.
at.cron("0 9 1 1 *", function(t) check(year_of(t.due)) end)

-- And once when the daemon starts, for the year under way (the key keeps
-- it from repeating at the next start).
at.at(at.now() + at.minutes(1), function(t) check(year_of(t.due)) end)
