-- at.duration: durations by component; calendar arithmetic on dates.
local at = require "attache"

local d = at.duration("1w")
print(d, at.duration("2h30m"), at.duration("1y6mo"), at.duration(5400))
print(d + at.days(1), d * 2, -d, at.days(1) == at.hours(24))

-- Months are added on the calendar, the day clamped to the month's end.
print(at.date("2024-01-31") + at.months(1), at.date("2023-01-31") + at.duration("1mo"))
-- A reminder a week before the Paris Peace Agreements' anniversary in 2024.
print(at.date("2024-10-23") - at.duration("7d"))
print(at.date("2024-03-01") - at.date("2024-02-01"))
print(select(2, at.duration("a fortnight")):match("^[^;]*"))
local parts = at.duration("1y2mo3d4h"):totable()
print(parts.years, parts.months, parts.days, parts.seconds)
