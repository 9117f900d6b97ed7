-- at.years, at.months, at.weeks, at.days, at.hours, at.minutes, at.seconds
local at = require "attache"

print(at.years(1), at.months(3), at.weeks(2), at.days(7), at.hours(36), at.minutes(90), at.seconds(45))
local meeting = at.date("2023-12-17")
print("a year on:", meeting + at.years(1))
print("a week before:", meeting - at.weeks(1))
print("the morning after:", meeting + at.days(1) + at.hours(9))
print(at.days(2) < at.weeks(1), at.months(12) == at.years(1))
