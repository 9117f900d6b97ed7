-- at.report.text: an aligned table of the planned and recent events, the
-- titles cut to 40 columns, grouped by month.
local at = require "attache"
local events = at.query{from = "2023-11", sort = "when"}
io.write(at.report.text(events, {
  title = "Cambodia-Japan: recent and planned",
  columns = {"id", "when", "status", "title"},
  max = {title = 40},
  group = "month",
}))
print(at.report.width("ភ្នំពេញ"), at.report.width("東京"), at.report.truncate("上川陽子 (Kamikawa Yoko)", 7))
