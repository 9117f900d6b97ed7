-- iCalendar for a calendar program: the planned events with reminders a
-- week and a day before (VALARM), written into the output directory.
local at = require "attache"
local planned = at.query{status = "planned"}
local ics = at.report.ics(planned, {alarms = {"7d", "1d"}, name = "Cambodia-Japan"})
print(select(2, ics:gsub("BEGIN:VEVENT", "")), "events,", select(2, ics:gsub("BEGIN:VALARM", "")), "alarms")
print(ics:match("(DTSTART;VALUE=DATE:%d+)\r\n"), ics:match("(X%-ATTACHE%-EDTF:[^\r]+)"))
assert(at.report.write(ics, "planned.ics"))
