-- at.csv.rows: CSV (RFC 4180 quoting) and TSV files read as tables keyed
-- by the header; BOM and CRLF; errors that name file:line; the path
-- confined like io.open's.  The files are written into the scratch
-- directory that tests/lua/run.sh passes as the first argument.
local t = require "tap"
local at = require "attache"

local dir = assert(arg[1], "usage: test_csv.lua SCRATCH_DIR")

local function file(name, text)
  local path = dir .. "/" .. name
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

local function all(path, opts)
  local rows, lines = {}, {}
  for row, line in at.csv.rows(path, opts) do
    rows[#rows + 1] = row
    lines[#lines + 1] = line
  end
  return rows, lines
end

local function errof(fn)
  local ok, err = pcall(fn)
  return not ok and tostring(err) or nil
end

-- CSV with a header, quoting as RFC 4180 has it.
local p = file("a.csv", 'id,title,where\n1,"Talks, round 2",Tokyo\n2,"He said ""yes""",\n' ..
                        '3,"two\nlines","Phnom Penh"\n')
local rows, lines = all(p)
t.is(#rows, 3, "three rows")
t.is(rows[1].id, "1", "fields are strings")
t.is(rows[1].title, "Talks, round 2", "a quoted separator")
t.is(rows[2].title, 'He said "yes"', "doubled quotes")
t.is(rows[2].where, "", "an empty last field")
t.is(rows[3].title, "two\nlines", "a line break inside quotes")
t.is(rows[3].where, "Phnom Penh", "a quoted last field")
t.is(table.concat(lines, ","), "2,3,4", "each row's line number")
t.is(rows[1][1], nil, "rows are keyed by name, not number")

-- CRLF, a byte order mark, blank lines, no newline at the end.
p = file("crlf.csv", '\239\187\191name,n\r\n"a",1\r\n\r\nb,2')
rows, lines = all(p)
t.is(#rows, 2, "CRLF file: two rows, the blank line skipped")
t.is(rows[1].name, "a", "the BOM is not part of the first name")
t.is(rows[1].n, "1", "no carriage return left in the last field")
t.is(rows[2].n, "2", "a last line without a newline")
t.is(lines[2], 4, "line numbers count the blank line")

-- TSV: split on tabs, quotes are text; the separator is guessed from .tab.
p = file("b.tab", 'a\tb\tc\td\n"x\ty"\t\tz "q"\r\n')
rows = all(p)
t.is(rows[1].a, '"x', "a quote in a TSV field is text")
t.is(rows[1].b, 'y"', "so the tab splits")
t.is(rows[1].c, "", "an empty field")
t.is(rows[1].d, 'z "q"', "CRLF stripped from the last TSV field")
rows = all(file("c.txt", "a\tb\n1\t2\n"), {sep = "\t"})
t.is(rows[1].b, "2", "sep = \"\\t\" on any file name")
rows = all(file("d.csv", "a;b\n1;2\n"), {sep = ";"})
t.is(rows[1].b, "2", "another separator")

-- header = false: arrays; header = a list: the names given.
rows = all(file("e.csv", "1,2,3\n4,,6\n"), {header = false})
t.is(#rows, 2, "no header: every line is a row")
t.is(rows[1][3], "3", "rows are arrays")
t.is(rows[2][2], "", "with empty fields kept")
rows, lines = all(file("f.csv", "1,2\n3,4\n"), {header = {"x", "y"}})
t.is(rows[2].y, "4", "column names given by the script")
t.is(lines[1], 1, "and the first line is a row")

-- An empty file and a header without rows.
t.is(#all(file("empty.csv", "")), 0, "an empty file has no rows")
t.is(#all(file("head.csv", "a,b\n")), 0, "a header alone has no rows")

-- Errors name the file and the line.
p = file("short.csv", "a,b,c\n1,2,3\n4,5\n")
t.like(errof(function() all(p) end), "short%.csv:3: 2 fields, but the header has 3",
       "a short row raises with file:line")
rows = all(p, {ragged = true})
t.is(rows[2].b, "5", "ragged = true accepts it")
t.is(rows[2].c, nil, "the missing field is absent")
p = file("open.csv", 'a,b\n1,"never\nclosed\n')
t.like(errof(function() all(p) end), "open%.csv:2:3: a quoted field opened here is never closed",
       "an unclosed quote names the line and column it opened on")
p = file("after.csv", 'a,b\n"x"y,2\n')
t.like(errof(function() all(p) end), "after%.csv:2:4: 'y' after a closing quote",
       "text after a closing quote (the message of attache import: one reader)")
p = file("nul.csv", "a,b\n1,x\0y\n")
t.like(errof(function() all(p) end), "nul%.csv:2:4: a field holds a NUL byte %(\\u0000%)",
       "a NUL byte is refused, not cut or kept")
p = file("nultab.tsv", "a\tb\n1\tx\0y\n")
t.like(errof(function() all(p) end), "nultab%.tsv:2:4: a field holds a NUL byte",
       "also in TSV")
p = file("bom2.csv", "\xEF\xBB\xBFa,b\r\n\"1\"\"\",\"2\"\r\n")
rows = all(p)
t.is(rows[1].a, '1"', "BOM, CRLF and a doubled quote")
p = file("dup.csv", "a,b,a\n1,2,3\n")
t.like(errof(function() all(p) end), 'dup%.csv:1: the header names the column "a" twice',
       "a repeated column name")
t.like(errof(function() all(dir .. "/missing.csv") end), "missing%.csv: No such file",
       "a missing file raises, as io.lines does")

-- Confinement: outside the allowed directories, and not a directory.
t.like(errof(function() all("/etc/passwd") end), "not allowed: outside the directories",
       "a path outside --read is refused")
t.like(errof(function() all(dir) end), "not a regular file", "a directory is refused")

-- Misuse.
t.raises(function() at.csv.rows() end, "bad argument #1", "no path")
t.raises(function() at.csv.rows(p, {sep = ",,"}) end, "option 'sep' takes one character",
         "a separator of two characters")
t.raises(function() at.csv.rows(p, {seperator = ","}) end, "unknown option 'seperator'",
         "an unknown option")
t.raises(function() at.csv.rows(p, {header = 1}) end, "option 'header' takes", "a bad header")

-- Leaving a loop early closes the file (the fourth value of the for).
p = file("many.csv", "n\n" .. string.rep("1\n", 1000))
for _ = 1, 300 do
  for row in at.csv.rows(p) do
    if row.n then break end
  end
end
t.ok(true, "300 loops left early: no file left open")

-- A big file is charged to the budget and still reads.
local big = {"id,text"}
for i = 1, 20000 do big[#big + 1] = i .. ',"row ' .. i .. ', quoted"' end
p = file("big.csv", table.concat(big, "\n") .. "\n")
local n, last = 0, nil
for row in at.csv.rows(p) do
  n = n + 1
  last = row
end
t.is(n, 20000, "20000 rows")
t.is(last.text, "row 20000, quoted", "the last one intact")

return t.done()
