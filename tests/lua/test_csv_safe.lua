-- at.report.csv a spreadsheet can trust (issue 12, finding 9): a text
-- cell that starts with = + - @, a tab, a CR or a LF gets a single quote
-- in front and is quoted (OWASP); a cell that starts with quotes followed
-- by one of these gets one more quote, so that dropping one leading quote
-- gives the text back.  Numbers are written as they are.  raw = true
-- writes every cell as given.  report.csvfield(v [, raw]) is the cell.
-- Text and Markdown reports show direction controls and C1 escaped.
local t = require "tap"
local at = require "attache"
local r = at.report

assert(at.add{title = '=HYPERLINK("http://x.test","go")', when = "2024-03-12"})
assert(at.add{title = "+1+cmd|' /C calc'!A0", when = "-0500", where = "@SUM(1)"})
assert(at.add{title = "-2+3", when = "2024-03-14", notes = "\t=1", tags = {"=t", "plain"}})
assert(at.add{title = "'=quoted", when = "2024-03-15", notes = "\r@x"})
assert(at.add{title = "'Tis plain", when = "2024-03-16", notes = "\n-1"})
local evs = at.query{}

local csv = r.csv(evs, {columns = {"id", "title", "when", "where", "notes", "tags"}, eol = "\n"})
t.like(csv, '\n1,"\'=HYPERLINK%(""http://x.test"",""go""%)",2024%-03%-12,,,\n', "= guarded, quoted")
t.like(csv, '\n2,"\'%+1%+cmd|\' /C calc\'!A0","\'%-0500","\'@SUM%(1%)",,\n', "+ - @ guarded")
t.like(csv, '\n3,"\'%-2%+3",2024%-03%-14,,"\'\t=1","\'=t;plain"\n', "a tab and a list guarded")
t.like(csv, '\n4,"\'\'=quoted",2024%-03%-15,,"\'\r@x",\n', "quotes then = get one more quote; CR")
t.like(csv, "\n5,'Tis plain,2024%-03%-16,,\"'\n%-1\",\n", "a quote alone stays; LF guarded")
local one = r.csv(evs, {columns = {"id", "title", "when", "where", "tags"}, eol = "\n"})
for line in one:gmatch("[^\n]+") do
  for cell in line:gmatch("[^,]+") do
    t.ok(not cell:find("^[=+%-@]"), "no cell starts a formula: " .. cell)
  end
end

local raw = r.csv(evs, {columns = {"id", "title", "when"}, eol = "\n", raw = true})
t.like(raw, '\n1,"=HYPERLINK%(""http://x.test"",""go""%)",2024%-03%-12\n', "raw: as given")
t.like(raw, "\n2,%+1%+cmd|' /C calc'!A0,%-0500\n", "raw: + and -")

-- numbers are numbers: a value function that returns one
local num = r.csv(evs, {columns = {"id", {name = "delta", value = function() return -5 end},
                                   {name = "text", value = function() return "-5" end}},
                        eol = "\n"})
t.like(num, "\n1,%-5,\"'%-5\"\n", "a number stays, the same text is guarded")
-- a column name is a cell too
t.like(r.csv(evs, {columns = {{name = "=x", value = function() return 1 end}}, eol = "\n"}),
  "^\"'=x\"\n", "the header is guarded")
-- grouped: the group cell is guarded
t.like(r.csv(evs, {columns = {"id"}, group = "tag", eol = "\n"}), "\n\"'=t\",3\n", "group cell")

t.is(r.csvfield("=1"), "\"'=1\"", "csvfield guards")
t.is(r.csvfield("=1", true), "=1", "csvfield raw")
t.is(r.csvfield(-1), "-1", "csvfield number")
t.is(r.csvfield("''@"), "\"'''@\"", "quotes then @")
t.is(r.csvfield("'a"), "'a", "a quote then text")
t.is(r.csvfield(""), "", "empty")
t.raises(function() r.csv(evs, {raw = 1}) end, "raw")

-- text and Markdown reports show direction controls and C1 escaped, as
-- the command line does (a terminal would reorder or act on them)
local bidi = assert(at.add{title = "invoice\u{202e}fdp.exe\u{2066}\u{61c}\u{200f}\u{2029}",
  when = "2024-05-01"})
local one = {at.get(bidi)}
local txt = r.text(one, {columns = {"title"}}) .. r.text({{title = "n\u{85}x"}}, {columns = {"title"}})
t.ok(txt:find("invoice\\u202efdp.exe\\u2066\\u061c\\u200f\\u2029", 1, true), "text: escaped")
t.ok(txt:find("n\\u0085x", 1, true), "text: C1 escaped")
t.ok(not txt:find("\u{202e}", 1, true), "text: no raw U+202E")
t.ok(r.markdown(one, {columns = {"title"}}):find("invoice\\\\u202e", 1, true), "markdown: escaped")
local grouped = r.text({{title = "g", tags = {"x\u{202e}"}}}, {columns = {"title"}, group = "tag"})
t.ok(not grouped:find("\u{202e}", 1, true), "text: a group heading escaped")
return t.done()
