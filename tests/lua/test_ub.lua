-- Date and duration arithmetic at the ends of 64-bit seconds (issue 12,
-- finding 10), and the timeline and iCalendar writers on every date the
-- store accepts.  Built with ATT_SANITIZE, UBSan aborts the program on the
-- first overflow, so under ASan this test fails whenever any operation
-- below computes out of range; in a plain build it checks that each one
-- raises a clear "out of range" error or gives the right value.
local t = require "tap"
local at = require "attache"

local MIN, MAX = math.mininteger, math.maxinteger

-- Every operation that takes a script's integer: each is either a value
-- or an "out of range" error (or one of the errors such operands always
-- give: months against seconds, an open start), never a wrapped number.
local function range(f, name)
  local ok, err = pcall(f)
  if ok then return t.ok(true, name .. " (a value)") end
  err = tostring(err)
  return t.ok(err:find("out of range", 1, true) or err:find("cannot compare the durations", 1, true)
    or err:find("with an open start", 1, true), name .. ": " .. err)
end

-- The case of the issue.
t.raises(function() return at.date("2024") - at.seconds(MIN) end, "out of range",
  "at.date('2024') - at.seconds(math.mininteger) raises out of range")

-- Every component at math.mininteger and math.maxinteger, by every
-- operator a duration has.
local makers = {years = at.years, months = at.months, days = at.days, seconds = at.seconds}
for _, unit in ipairs{"years", "months", "days", "seconds"} do
  local mk = makers[unit]
  for _, v in ipairs{MIN, MIN + 1, MAX, MAX - 1, -1, 1} do
    local ok, u = pcall(mk, v)
    local tag = string.format("%s(%d)", unit, v)
    if ok then
      range(function() return at.date("2024") - u end, "date - " .. tag)
      range(function() return at.date("2024") + u end, "date + " .. tag)
      range(function() return u + at.date("2024") end, tag .. " + date")
      range(function() return -u end, "-" .. tag)
      range(function() return u - u end, tag .. " - itself")
      range(function() return at.days(1) - u end, "days(1) - " .. tag)
      range(function() return u - at.days(-1) end, tag .. " - days(-1)")
      range(function() return u + u end, tag .. " + itself")
      range(function() return u * 2 end, tag .. " * 2")
      range(function() return u * -1 end, tag .. " * -1")
      range(function() return u * MIN end, tag .. " * mininteger")
      range(function() return u == at.days(1) end, tag .. " == days(1)")
      range(function() return u < at.seconds(1) end, tag .. " < seconds(1)")
      range(function() return tostring(u) end, "tostring(" .. tag .. ")")
      range(function() return at.date(MIN + 1) + u end, "instant near the start + " .. tag)
      range(function() return at.date(MAX - 1) - u end, "instant near the end - " .. tag)
    else
      t.like(u, "out of range", tag .. " raises out of range")
    end
  end
end

-- Weeks multiply by 7, hours by 3600: the product is checked.
for _, f in ipairs{"weeks", "hours", "minutes"} do
  t.raises(function() return at[f](MAX) end, "out of range", f .. "(maxinteger) raises")
  t.raises(function() return at[f](MIN) end, "out of range", f .. "(mininteger) raises")
end

-- Durations from text near the limits.
t.is(at.duration("9223372036854775807s"):totable().seconds, MAX, "the largest duration in seconds")
t.is(at.duration("9223372036854775808s"), nil, "one more does not read")
t.is(at.duration("-9223372036854775808s"), nil, "nor does its negation")
range(function() return -at.duration("-9223372036854775807s") end, "negating -(2^63-1) s")

-- Instants at the very ends: arithmetic, difference, months on the calendar.
for _, x in ipairs{MIN, MIN + 1, MIN + 86399, MAX, MAX - 1, MAX - 86400} do
  local d = at.date(x)
  local tag = string.format("at.date(%d)", x)
  range(function() return d + at.months(1) end, tag .. " + 1 month")
  range(function() return d - at.months(1) end, tag .. " - 1 month")
  range(function() return d + at.years(-1) end, tag .. " - 1 year")
  range(function() return d + at.seconds(1) end, tag .. " + 1 s")
  range(function() return d - at.seconds(1) end, tag .. " - 1 s")
  range(function() return d - at.date(0) end, tag .. " - the epoch")
  range(function() return at.date(0) - d end, "the epoch - " .. tag)
  range(function() return d - at.date(x == MIN and MAX or MIN) end, tag .. " - the other end")
  range(function() return tostring(d), d:edtf(), d:seconds() end, "tostring(" .. tag .. ")")
  range(function() return d < at.date(0), d:overlaps(at.date(MIN)) end, tag .. " compares")
end
t.raises(function() return at.date(MAX - 1) - at.date(MIN + 1) end, "out of range",
  "the difference of the two ends raises out of range")
t.raises(function() return at.date(MAX - 1) + at.seconds(1) end, "out of range",
  "reaching the open end raises out of range")

-- Date tables at the limits of years.
t.is(tostring(at.date{year = -292277022656}), "Y-292277022656", "the first year")
t.is(tostring(at.date{year = 292277026595}), "Y292277026595", "the last year")
t.raises(function() return at.date{year = MIN} end, "out%-of%-bound", "year mininteger")
t.raises(function() return at.date{year = MAX} end, "out%-of%-bound", "year maxinteger")
t.raises(function() return at.date{year = 2024, month = MIN} end, "out%-of%-bound",
  "month mininteger")

-- Dates of every kind the store accepts: the timeline and the iCalendar
-- writer draw them all, alone and together.
local whens = {"-9999", "Y170000002", "Y-170000002", "Y292277026595", "Y-292277022656",
  "../2024", "2024/..", "/2024", "2024/", "../-9999", "Y170000002", "-9999/9999",
  "0000", "9999-12-31", "2024-21~", "20XX", "-00XX", "XXXX", "2024-06-01T12:00:00Z/..",
  "../1970-01-01T00:00:00Z", "2024-01~/2024-04~", "2004-06-11%", "2024-06-01"}
local evs = {}
for i, w in ipairs(whens) do
  evs[i] = assert(at.add{title = "t" .. i, when = w, status = "planned", actors = {"A"}})
end
for i, ev in ipairs(evs) do
  local ok, html = pcall(at.report.timeline, {ev})
  t.ok(ok and html:find('data-event-id="' .. ev.id .. '"', 1, true),
    "timeline of one event dated " .. whens[i] .. (ok and "" or ": " .. tostring(html)))
  local ok2, ics = pcall(at.report.ics, {ev})
  t.ok(ok2 and ics:find("BEGIN:VEVENT", 1, true),
    "iCalendar of one event dated " .. whens[i] .. (ok2 and "" or ": " .. tostring(ics)))
end
do
  local ok, html = pcall(at.report.timeline, evs, {lanes = "actor"})
  t.ok(ok, "timeline of all of them together" .. (ok and "" or ": " .. tostring(html)))
  local n = 0
  for _ in (ok and html or ""):gmatch('class="event ') do n = n + 1 end
  t.is(n, #evs, "... with one mark per event")
  t.ok(ok and html:find("170000002", 1, true), "... the year 170000002 in a tooltip")
  t.ok(ok and html:find("-9999-01-01", 1, true), "... and the year -9999")
  for _, now in ipairs{MIN, MAX, 0, "Y170000002", "-9999"} do
    local okn, err = pcall(at.report.timeline, evs, {now = at.date(now)})
    t.ok(okn, "timeline with now = " .. tostring(now) .. (okn and "" or ": " .. tostring(err)))
  end
  local oki, ics = pcall(at.report.ics, evs, {alarms = {"7d"}})
  t.ok(oki, "iCalendar of all of them" .. (oki and "" or ": " .. tostring(ics)))
end

-- The timeline's ticks stay few whatever the span: the page is small.
do
  local a = assert(at.add{title = "far past", when = "Y-292277022656"})
  local b = assert(at.add{title = "far future", when = "Y292277026595"})
  local c = assert(at.add{title = "now", when = "2024-06-01"})
  local html = at.report.timeline({a, b, c}, {now = at.date("2024-06-01")})
  t.ok(#html < 200000, "a timeline across all the years is small (" .. #html .. " bytes)")
end

return t.done()
