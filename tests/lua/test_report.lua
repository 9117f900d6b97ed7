-- at.report (scripts/report.lua): display width and truncation of
-- Khmer and Japanese text, alignment, Markdown escaping, CSV quoting
-- (RFC 4180), JSON, sorting and grouping, the writer, and misuse.  The
-- golden files of each format on the example store are checked by
-- tests/cli/report.sh.
local t = require "tap"
local at = require "attache"
local r = at.report
local out = ...

-- Display width: Khmer vowel signs and the subscript sign take no column,
-- Japanese characters take two.
t.is(r.width("Phnom Penh"), 10, "ASCII")
t.is(r.width("ភ្នំពេញ"), 5, "Khmer: subscript and vowel signs above take no column")
t.is(r.width("東京"), 4, "Japanese: two columns each")
t.is(r.width("上川陽子"), 8, "a Japanese name")
t.is(r.width("é"), 1, "e and a combining accent")
t.is(r.width("Café"), 4, "precomposed é")
t.is(r.width(""), 0, "empty")

t.is(r.truncate("Kamikawa Yoko", 20), "Kamikawa Yoko", "short text is kept")
t.is(r.truncate("Kamikawa Yoko", 8), "Kamikaw…", "cut with an ellipsis")
t.is(r.truncate("上川陽子", 6), "上川…", "a wide character is never split")
t.is(r.truncate("上川陽子", 5), "上川…", "no half character: 5 columns")
t.is(r.width(r.truncate("上川陽子", 4)), 3, "at most 4 columns")
t.is(r.truncate("ភ្នំពេញ ក្រុង", 4), "ភ្នំ…", "a Khmer vowel sign is never cut from its letter")
t.is(r.truncate("ភ្នំពេញ ក្រុង", 5), "ភ្នំពេ…", "Khmer: letter and vowel sign kept together")
t.is(r.truncate("abc", 0), "", "no room")

-- Events with names in Khmer and Japanese.
assert(at.add{title = "ទស្សនកិច្ចនៅភ្នំពេញ", when = "2024-02-10", kind = "visit",
  status = "planned", where = "ភ្នំពេញ", actors = {"KHM", "JPN"}})
assert(at.add{title = "東京での協議, round 2", when = "2024-03", kind = "talks",
  status = "held", where = "東京", actors = {"JPN"}, tags = {"cybersecurity"}})
assert(at.add{title = 'Quoted "draft", with a comma', when = "2024-02-01", kind = "meeting",
  notes = "two\nlines", actors = {"KHM"}})
local evs = at.query{}

local text = r.text(evs, {columns = {"id", "where", "title"}})
local lines = {}
for l in text:gmatch("[^\n]+") do lines[#lines + 1] = l end
t.is(#lines, 4, "a header and three rows")
t.is(lines[2], " 3  -      Quoted \"draft\", with a comma", "right-aligned id, - for none")
t.is(lines[3], " 1  ភ្នំពេញ  ទស្សនកិច្ចនៅភ្នំពេញ", "Khmer padded by display width")
t.is(lines[4], " 2  東京   東京での協議, round 2", "Japanese padded by display width")
-- Every row starts its last column at the same display column.
local col = r.width(lines[1]:match("^(.-)TITLE"))
for i = 2, 4 do
  local before = lines[i]:match("^(%s*%d+  %S+%s+)")
  t.is(r.width(before), col, "title column aligned, row " .. i)
end

local cut = r.text(evs, {columns = {"title"}, max = {title = 12}})
t.like(cut, "東京での協…\n", "max cuts Japanese by columns")
local narrow = r.text(evs, {width = 45})
for l in narrow:gmatch("[^\n]+") do t.ok(r.width(l) <= 45, "width 45: " .. l) end
t.like(narrow, "東京での…", "the title is cut to fit")
t.is(r.text({}), "no events\n", "no events")
t.like(r.text(evs, {title = "Agenda"}), "^Agenda\n======\n\n", "a title")
t.like(r.text(evs, {columns = {"notes"}}), "two lines", "line breaks shown as spaces")

-- Markdown.
local md = r.markdown(evs, {columns = {"id", "title"}})
t.like(md, "^|  ID | TITLE", "header")
t.like(md, "\n| %-%-: | %-%-%-", "id right-aligned")
local tricky = {{title = "a | b *c* _d_ [e]", when = "2024"}}
t.ok(r.markdown(tricky, {columns = {"title"}}):find("a \\| b \\*c\\* \\_d\\_ \\[e\\]", 1, true), "escapes")
t.like(r.markdown(evs, {group = "kind", columns = {"title"}}), "## talks %(1 event%)", "group headings")

-- CSV (RFC 4180).
local csv = r.csv(evs, {columns = {"id", "title", "notes", "actors"}})
t.like(csv, '^id,title,notes,actors\r\n', "a header, CRLF")
t.like(csv, '3,"Quoted ""draft"", with a comma","two\nlines",KHM\r\n', "quotes doubled, quoted fields")
t.like(csv, '1,ទស្សនកិច្ចនៅភ្នំពេញ,,KHM;JPN\r\n', "lists joined with ;")
t.is(r.csvfield("plain"), "plain", "plain field")
t.is(r.csvfield('a"b'), '"a""b"', "quote")
t.is(r.csvfield("a\rb"), '"a\rb"', "CR")
-- list items escaped as export writes them: read back, one item stays one
t.is(r.csvfield({"a;b", "c|d", "e\\f", "g"}), "a\\;b;c\\|d;e\\\\f;g", "list items: \\; \\| \\\\ inside")
t.like(r.csv(evs, {eol = "\n", columns = {"id"}}), "^id\n", "Unix line ends on request")

-- JSON.
local js = r.json(evs, {columns = {"id", "title", "actors", "status", "notes"}})
t.like(js, '{"id":3,"title":"Quoted \\"draft\\", with a comma","actors":%["KHM"%],"status":null,'
  .. '"notes":"two\\nlines"}', "JSON escapes, null, arrays")
t.is(r.json({}), "[]\n", "empty JSON")
t.like(r.json(evs, {group = "actor", columns = {"id"}}), '{"group":"JPN","events":%[', "grouped JSON")

-- Sorting and grouping.
local byt = r.sort(evs, "title")
t.is(byt[1].id, 3, "sort by title")
local byw = r.sort(evs, "-when")
t.is(byw[1].id, 2, "sort by date, descending")
t.is(r.sort(evs)[1].id, 3, "by date by default (2024-02-01 first)")
local desc = r.sort(evs, function(a, b) return a.id > b.id end)
t.is(desc[1].id, 3, "sort by a function")
local g = r.group(evs, "month")
t.is(#g, 2, "two months")
t.is(g[1].key, "2024-02", "months in order")
t.is(#g[1].events, 2, "two events in February")
local ga = r.group(evs, "actor")
t.is(ga[1].key .. ga[2].key, "JPNKHM", "an event is in each of its actors' groups")
t.is(#ga[2].events, 2, "KHM")
local gt = r.group(evs, "tag")
t.is(gt[#gt].key, "(none)", "no tag: the (none) group, last")
local gs = r.group(evs, "status")
t.is(#gs, 3, "held, planned and (none)")
t.is(r.group(evs, function(ev) return ev.kind:upper() end)[1].key, "MEETING", "group by a function")
t.is(r.count(evs, "kind")[2].count, 1, "count")

-- Plain tables are reports' rows too.
t.like(r.text({{id = 7, title = "From a table", when = "2024-05-01", kind = "call"}}),
  " 7  1 May 2024  call  %-       From a table", "a plain table")
t.like(r.text({{id = 7, title = "In words", when = "2024-35"}}, {columns = {"when", "edtf"}}),
  "Q3 2024  2024%-35", "when in words, edtf as EDTF")
t.like(r.csv({{id = 7, title = "CSV", when = "2024-35"}}, {columns = {"when"}}),
  "2024%-35", "CSV keeps the EDTF")

-- The writer.
t.ok(r.write("hello\n", out .. "/hello.txt"), "write into the output directory")
local f = io.open(out .. "/hello.txt")
t.is(f and f:read("a"), "hello\n", "written")
if f then f:close() end
local ok, err = r.write("x", "/tmp/attache-report-outside.txt")
t.is(ok, nil, "outside the output directory: nil")
t.like(err, "not allowed", "and why")

-- Misuse raises, at the caller's line.
t.raises(function() r.text() end, "bad argument #1 to 'text' %(list of events expected, got no value%)")
t.raises(function() r.text(evs, {colums = {}}) end, "unknown option 'colums'")
t.raises(function() r.csv(evs, {columns = {"titel"}}) end, "unknown column 'titel'")
t.raises(function() r.group(evs, "colour") end, "group by month, year")
t.raises(function() r.sort(evs, "colour") end, "unknown column 'colour'")
t.raises(function() r.write(42) end, "string expected")
t.raises(function() r.text(5) end, "test_report.lua:%d+:", "error at the caller's line")
-- report.args: a report's name=value arguments, each checked.
local a = r.args({"days=7", "kind=meeting", "from=2024-03", "title=Desk = co"}, {"days", "kind", "from", "title"})
t.is(a.days, "7", "args: a value as given")
t.is(a.title, "Desk = co", "args: the value is all after the first =")
t.is(next(r.args({}, {"days"})), nil, "args: none given, an empty table")
local function args_err(list, names, pattern, name)
  local ok, err = pcall(r.args, list, names)
  t.ok(not ok and err:find(pattern) ~= nil and not err:find("test_report"), name .. " (" .. tostring(err) .. ")")
end
args_err({"days"}, {"days"}, "^days: give name=value %(days%)$", "args: not name=value")
args_err({"colour=red"}, {"days", "kind"}, "^unknown argument colour %(it takes days, kind%)$", "args: an unknown name")
args_err({"kind=meeting", "kind=visit"}, {"kind"}, "^kind given twice %(it takes one value%)$", "args: twice")
args_err({"kind=meetng"}, {"kind"}, '^kind=meetng: .*did you mean "meeting"', "args: an unknown kind")
args_err({"status=helt"}, {"status"}, '^status=helt: .*did you mean "held"', "args: an unknown status")
args_err({"from=soonish"}, {"from"}, "^from=soonish: ", "args: from not a date")
args_err({"to=2024-02-30"}, {"to"}, "^to=2024%-02%-30: ", "args: to not a date")
t.raises(function() r.args("days=7", {"days"}) end, "bad argument #1 to 'args'", "args: not a list")
t.raises(function() r.args({}, {}) end, "bad argument #2 to 'args'", "args: no names")
return t.done()
