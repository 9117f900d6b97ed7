-- Dates and durations of the attache module: at.now, at.date, at.edtf,
-- at.duration and the unit constructors, date methods, arithmetic and
-- comparison.  Runs in a fresh empty store (tests/lua/run.sh).
local t = require "tap"
local at = require "attache"

-- at.now
local now = at.now()
t.ok(now == now:earliest() and now:earliest() == now:latest(), "at.now() is an instant")
t.like(tostring(now), "^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ$", "an instant prints as RFC 3339")
t.ok(math.abs(select(1, now:seconds()) - os.time()) < 5, "at.now() follows the clock")

-- at.date: EDTF, friendly, numbers, tables, dates
local d = at.date("early 2024")
t.is(tostring(d), "2024-01~/2024-04~", "early 2024 reads as EDTF")
t.is(d:edtf(), "2024-01~/2024-04~", "d:edtf()")
-- d:human(): the reading in words, which at.date reads back to the same EDTF
t.is(d:human(), "early 2024", "d:human()")
for _, s in ipairs{"[2024-35]", "2024-28", "around 20 May 2024", "autumn 2024", "2023-12-18T10:00",
                   "FY2024", "before 2025", "1990s", "15-17 March 2024", "[2024-28]"} do
  local v = at.date(s)
  t.is(at.date(v:human()):edtf(), v:edtf(), ("%s: %s reads back"):format(s, v:human()))
end
t.is(at.date("[2024-35]"):human(), "Q3 2024", "a quarter in words")
t.is(at.date("2023-12-18T10:00"):human(), "18 Dec 2023 10:00 UTC", "a time without a zone is said to be UTC")
t.is(at.date(0):human(), "1 Jan 1970 00:00Z", "an instant in words")
t.is(tostring(d:earliest()), "2024-01-01T00:00:00Z", "earliest")
t.is(tostring(d:latest()), "2024-04-30T23:59:59Z", "latest")
t.is(tostring(at.date("2024-28")), "2024/2028", "2024-28 typed is a span of years")
t.is(tostring(at.date("Dec 17, 2023")), "2023-12-17", "month names")
t.is(tostring(at.date("in November", at.date("2023-12-18"))), "2023-11", "relative to a reference date")
t.is(tostring(at.date("next year", "2023-12-18")), "2024", "the reference may be a string")
t.is(tostring(at.date(0)), "1970-01-01T00:00:00Z", "a number is an instant")
t.is(tostring(at.date{year = 2024, month = 2, day = 29}), "2024-02-29", "a date table")
t.is(tostring(at.date{year = 2024, month = 3}), "2024-03", "a month table")
t.is(tostring(at.date{year = 2024, month = 3, day = 1, hour = 9}), "2024-03-01T09:00:00Z", "a time table")
t.is(at.date(d), d, "a date is returned as is")
local e1, e2 = at.date("2024"):seconds()
t.is(e1, 1704067200, "seconds(): earliest")
t.is(e2, 1735689599, "seconds(): latest")
local bad, msg = at.date("soon")
t.is(bad, nil, "unreadable date: nil")
t.like(msg, 'cannot read the date "soon"; accepted forms', "with the core's message")
bad, msg = at.date{year = 2023, month = 2, day = 30}
t.is(bad, nil, "February 30: nil")
t.like(msg, "February 2023 has 28 days", "with the reason")
t.raises(function() at.date() end, "bad argument #1 to 'date'", "at.date() raises")
t.raises(function() at.date(true) end, "date expected", "a boolean is misuse")
t.raises(function() at.date{month = 1} end, "field 'year' missing", "a table needs a year")
t.raises(function() at.date{year = 2024, month = 13} end, "field 'month' is out%-of%-bound", "month 13")

-- at.edtf: strict
t.is(tostring(at.edtf("2024-28")), "2024-28", "at.edtf keeps 2024-28 as the season")
t.is(tostring(at.edtf("2024-28"):earliest()), "2024-12-01T00:00:00Z", "northern winter 2024")
bad, msg = at.edtf("early 2024")
t.is(bad, nil, "at.edtf refuses friendly input")
t.like(msg, "invalid EDTF date", "with the strict message")
local open = at.edtf("2024/..")
t.is(tostring(open:latest()), "..", "an open end prints as ..")
t.is(select(2, open:seconds()), math.maxinteger, "and is the largest instant")

-- comparison of dates: by bounds
t.ok(at.date("2023") < at.date("2024"), "<")
t.ok(at.date("2024") < at.date("2024-06"), "same start: the one that ends first comes first")
t.ok(at.date("2024-Q1") == at.date("2024-01/2024-03"), "== by bounds")
t.ok(at.date("2024-Q1") ~= at.date("2024-01"), "~=")
t.ok(at.date("2024") <= at.date("2024"), "<=")
t.ok(at.date("2024") > 0, "a number compares as an instant")
t.raises(function() return at.date("2024") < "2025" end, "compare a date with string", "not with a string")
t.ok(at.date("2024"):overlaps("2024-06"), "overlaps")
t.ok(not at.date("2024"):overlaps(at.date("2025")), "does not overlap")
t.ok(at.date("2024"):contains("Q2 2024"), "contains")
t.ok(not at.date("2024-Q1"):contains(at.date("2024")), "does not contain")

-- durations
t.is(tostring(at.days(7)), "7d", "at.days")
t.is(tostring(at.weeks(1)), "7d", "a week is seven days")
t.is(tostring(at.hours(2)), "2h", "at.hours")
t.is(tostring(at.minutes(90)), "1h30m", "at.minutes")
t.is(tostring(at.seconds(45)), "45s", "at.seconds")
t.is(tostring(at.months(3)), "3mo", "at.months")
t.is(tostring(at.years(1)), "1y", "at.years")
t.is(tostring(at.duration("7d")), "7d", "at.duration 7d")
t.is(tostring(at.duration("1w")), "7d", "1w")
t.is(tostring(at.duration("2h30m")), "2h30m", "2h30m")
t.is(tostring(at.duration("1y6mo")), "1y6mo", "1y6mo")
t.is(tostring(at.duration("-1d2h")), "-1d2h", "a sign carries over")
t.is(tostring(at.duration("1mo-1d")), "1mo-1d", "mixed signs")
t.is(tostring(at.duration(3600)), "1h", "a number of seconds")
t.is(tostring(at.duration(at.days(2))), "2d", "a duration")
t.is(tostring(at.duration("0d")), "0s", "zero")
bad, msg = at.duration("7 parsecs")
t.is(bad, nil, "unreadable duration: nil")
t.like(msg, 'cannot read the duration "7 parsecs"', "with a message")
t.raises(function() at.days(1.5) end, "number has no integer representation", "whole numbers only")
t.raises(function() at.days() end, "bad argument #1 to 'days'", "at.days() raises")

-- duration arithmetic and comparison
t.is(tostring(at.days(1) + at.hours(2)), "1d2h", "+")
t.is(tostring(at.days(1) - at.hours(2)), "1d-2h", "- keeps components")
t.is(tostring(at.days(3) * 2), "6d", "* n")
t.is(tostring(2 * at.days(3)), "6d", "n *")
t.is(tostring(-at.days(3)), "-3d", "negation")
t.ok(at.days(1) == at.hours(24), "a day is 24 hours")
t.ok(at.years(1) == at.months(12), "a year is 12 months")
t.ok(at.days(1) < at.days(2), "<")
t.ok(at.months(1) < at.months(2), "months compare with months")
t.raises(function() return at.months(1) < at.days(30) end, "a month or a year has no fixed number of days", "not with days")
t.raises(function() return at.days(1) * 1.5 end, "whole number", "* a fraction")
t.is(at.days(2):totable().days, 2, "totable")

-- date arithmetic: calendar months clamp, days are 86400 s
t.is(tostring(at.date("2024-01-31") + at.months(1)), "2024-02-29T00:00:00Z", "Jan 31 + 1 month, leap year")
t.is(tostring(at.date("2023-01-31") + at.months(1)), "2023-02-28T00:00:00Z", "Jan 31 + 1 month")
t.is(tostring(at.date("2024-02-29") + at.years(1)), "2025-02-28T00:00:00Z", "Feb 29 + 1 year")
t.is(tostring(at.date("2024-03-31") - at.months(1)), "2024-02-29T00:00:00Z", "Mar 31 - 1 month")
t.is(tostring(at.date("2023-12-17") + at.days(7)), "2023-12-24T00:00:00Z", "+ days")
t.is(tostring(at.days(7) + at.date("2023-12-17")), "2023-12-24T00:00:00Z", "duration + date")
t.is(tostring(at.date("early 2024") + at.hours(1)), "2024-01-01T01:00:00Z", "a period adds from its earliest")
t.is(tostring(at.date("2024-03-01") - at.date("2024-02-01")), "29d", "date - date")
t.is(tostring(at.date("2024-01-01T12:00:00Z") - at.date("2024-01-02")), "-12h", "a negative difference")
t.is(tostring(open:latest() + at.days(1)), "..", "an open end stays open")
t.raises(function() return at.date("2024") + 1 end, "a date adds a duration", "date + number")
t.raises(function() return at.date("9999") + at.years(300000000000) end, "out of range", "overflow")
t.is(at.date("2024") .. "!", "2024!", "concatenation")
t.is("in " .. at.days(2), "in 2d", "concatenation of durations")

return t.done()
