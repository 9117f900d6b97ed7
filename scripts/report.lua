-- at.report: lists of events turned into things people read and share.
--
-- A report is a table: one row per event, one column per field chosen.
-- The same table is rendered as aligned text (widths counted in display
-- columns, so Khmer and Japanese names line up), Markdown, CSV (RFC 4180)
-- or JSON; helpers sort and group the events (by month, year, actor, kind,
-- status, tag or a function) and write the result to standard output or to
-- a file the script may write.  iCalendar comes from C (core/ics.c) and
-- the HTML timeline from scripts/timeline.lua.  docs/reports.md is the
-- manual.

local core = require "attache.core"

local report = {}

local type, tostring, ipairs, pairs, error, select, next = type, tostring, ipairs, pairs, error,
  select, next
local concat, sort = table.concat, table.sort
local fmt, rep = string.format, string.rep

local NONE = "(none)" -- the group of events that have no value

-- ---- display width ---------------------------------------------------

-- Columns a code point takes on a terminal: 0 for combining marks and
-- zero-width characters (the Khmer and Thai vowel signs that sit above or
-- below the letter, the Khmer subscript sign), 2 for East Asian wide and
-- fullwidth characters, 1 otherwise.  The ranges are those of the command
-- line's tables (bindings/cli/cli_out.c), so both line up the same way.
local ZERO = {
  {0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF},
  {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0x200B, 0x200F}, {0x2060, 0x2060},
  {0xFEFF, 0xFEFF}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
  {0x17B4, 0x17B5}, {0x17B7, 0x17BD}, {0x17C6, 0x17C6}, {0x17C9, 0x17D3},
}
local WIDE = {
  {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
  {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
  {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
  {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
}

sort(ZERO, function(a, b) return a[1] < b[1] end)

local function inranges(c, t)
  for i = 1, #t do
    local r = t[i]
    if c < r[1] then return false end
    if c <= r[2] then return true end
  end
  return false
end

local function cpwidth(c)
  if c < 0x300 then return 1 end
  if inranges(c, ZERO) then return 0 end
  if inranges(c, WIDE) then return 2 end
  return 1
end

-- The code points of s with their byte positions; text that is not valid
-- UTF-8 is taken byte by byte (one column each).
local function codes(s)
  if utf8.len(s) then return utf8.codes(s) end
  local i = 0
  return function()
    i = i + 1
    if i <= #s then return i, s:byte(i) end
  end
end

-- report.width(s): the display width of s.
function report.width(s)
  s = tostring(s)
  if not s:find("[\128-\255]") then return #s end
  local w = 0
  for _, c in codes(s) do w = w + cpwidth(c) end
  return w
end
local width = report.width

-- Spacing vowel signs of Khmer: one column, but part of the letter
-- before them, so never cut from it.
local function spacingmark(c)
  return c == 0x17B6 or (c >= 0x17BE and c <= 0x17C5) or c == 0x17C7 or c == 0x17C8
end

-- report.truncate(s, n): s cut to at most n display columns, ending with
-- "…" when something was cut.  A wide character is never split, and a
-- letter keeps its marks (accents, Khmer vowel and subscript signs): a
-- letter whose marks do not fit is dropped with them.
function report.truncate(s, n)
  s = tostring(s)
  if width(s) <= n then return s end
  if n < 1 then return "" end
  local w, cut, start = 0, 0, 1
  for p, c in codes(s) do
    local cw = cpwidth(c)
    local mark = cw == 0 or spacingmark(c)
    if not mark then start = p end
    if w + cw > n - 1 then
      cut = (mark and start or p) - 1
      break
    end
    w = w + cw
  end
  return s:sub(1, cut) .. "…"
end

-- s padded with spaces to n display columns (on the left when right).
local function pad(s, n, right)
  local k = n - width(s)
  if k <= 0 then return s end
  return right and rep(" ", k) .. s or s .. rep(" ", k)
end
report.pad = pad

-- ---- reading events ----------------------------------------------------

-- Events are event objects (at.query, at.get) or plain tables with the same
-- fields (ev:totable(), decoded JSON): `when` is then EDTF text.
local function whenof(ev)
  local w = ev.when
  if type(w) == "string" then
    w = core.edtf(w) or core.date(w)
  end
  return w
end
report.when = whenof

-- "2024-01-31" from an instant ("-0044-03-15" before year 0); ".." for
-- an open end.
local day = core.day

local function names(list, field)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = type(v) == "table" and v[field] or tostring(v) end
  return out
end

local function src(ev, field)
  local s = ev.source
  local v = s and s[field]
  if v ~= nil then return tostring(v) end
  return nil
end

-- The named columns: header, how to read the value, alignment.  A value
-- is a string, a number, a list of strings, or nil (shown as "-").
local COLUMNS = {
  id = {"ID", function(ev) return ev.id end, true},
  -- The date of an occurrence of a recurring event (at.query with a
  -- window), nil for an event.  (An event object has no such field; an
  -- occurrence and its table do.)
  occurrence = {"OCCURRENCE", function(ev)
    if type(ev) == "table" and ev.occurrence ~= nil then return tostring(ev.occurrence) end
  end},
  key = {"KEY", function(ev) return ev.key end},
  title = {"TITLE", function(ev) return ev.title end},
  kind = {"KIND", function(ev) return ev.kind end},
  status = {"STATUS", function(ev) return ev.status end},
  when = {"WHEN", function(ev) local w = whenof(ev) return w and tostring(w) end},
  edtf = {"EDTF", function(ev) local w = whenof(ev) return w and tostring(w) end},
  start = {"START", function(ev) local w = whenof(ev) return w and day(w:earliest()) end},
  ["end"] = {"END", function(ev) local w = whenof(ev) return w and day(w:latest()) end},
  where = {"WHERE", function(ev) return ev.where end},
  recur = {"RECUR", function(ev) return ev.recur end},
  actors = {"ACTORS", function(ev) return names(ev.actors) end},
  tags = {"TAGS", function(ev) return names(ev.tags) end},
  people = {"PEOPLE", function(ev) return names(ev.people, "name") end},
  notes = {"NOTES", function(ev) return ev.notes end},
  source = {"SOURCE", function(ev) return src(ev, "title") end},
  publisher = {"PUBLISHER", function(ev) return src(ev, "publisher") end},
  url = {"URL", function(ev) return src(ev, "url") end},
  published = {"PUBLISHED", function(ev) return src(ev, "published") end},
}
local COLUMN_NAMES = {}
for k in pairs(COLUMNS) do COLUMN_NAMES[#COLUMN_NAMES + 1] = k end
sort(COLUMN_NAMES)

local SHORT = {"id", "when", "kind", "status", "title"}
local LONG = {"id", "key", "title", "kind", "status", "when", "start", "end", "where",
              "actors", "tags", "source", "url"}

-- The column specs of opts.columns (names or {name=, title=, value=fn,
-- align="right", max=N}) as records {name, title, get, right, max}.
local function columns(opts, default, fname)
  local list = opts.columns or default
  local maxes = opts.max or {}
  local out = {}
  for i, c in ipairs(list) do
    local spec = type(c) == "table" and c or {name = c}
    local name = spec.name
    if type(name) ~= "string" then
      error(fmt("bad argument #2 to '%s' (column %d has no name)", fname, i), 3)
    end
    local known = COLUMNS[name]
    if not known and not spec.value then
      error(fmt("bad argument #2 to '%s' (unknown column '%s'; columns: %s; or give "
        .. "{name=, value=function(ev) ... end})", fname, name, concat(COLUMN_NAMES, ", ")), 3)
    end
    local get = spec.value or known[2]
    if name == "when" and not spec.value and (fname == "text" or fname == "markdown") then
      -- In words (Q3 2024, early 2024), as `attache list` shows dates;
      -- the edtf column, CSV and JSON give the EDTF.
      get = function(ev)
        local w = whenof(ev)
        return w and w:human()
      end
    end
    if name == "id" and not spec.value and (fname == "text" or fname == "markdown") then
      -- An occurrence's line is marked "7*", as `attache list` marks it;
      -- CSV and JSON keep the number (and have the occurrence column).
      get = function(ev)
        local id = ev.id
        if id ~= nil and type(ev) == "table" and ev.occurrence ~= nil then return id .. "*" end
        return id
      end
    end
    out[i] = {
      name = name,
      title = spec.title or (known and known[1]) or name:upper(),
      get = get,
      right = spec.align == "right" or (spec.align == nil and known and known[3]),
      max = spec.max or maxes[name],
    }
  end
  return out
end

local function checklist(events, fname)
  if type(events) ~= "table" then
    error(fmt("bad argument #1 to '%s' (list of events expected, got %s)", fname,
      events == nil and "no value" or type(events)), 3)
  end
end

local function checkopts(opts, fname, known)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error(fmt("bad argument #2 to '%s' (table of options expected, got %s)", fname, type(opts)), 3)
  end
  for k in pairs(opts) do
    if not known[k] then
      local names_ = {}
      for n in pairs(known) do names_[#names_ + 1] = n end
      sort(names_)
      error(fmt("bad argument #2 to '%s' (unknown option '%s'; options: %s)", fname,
        tostring(k), concat(names_, ", ")), 3)
    end
  end
  return opts
end

-- ---- sorting and grouping ------------------------------------------------

local function datekey(ev)
  local w = whenof(ev)
  if not w then return math.maxinteger, math.maxinteger end
  return w:seconds()
end

-- report.sort(events [, by [, desc]]): a new list, sorted by a column name
-- ("when", the default: earliest instant, then latest, then id; "title",
-- "kind", "status", "id"...; a leading "-" sorts descending) or by a
-- function(a, b) that says whether a comes first.  Ties keep the date
-- order, so the sort is stable and the same every time.
function report.sort(events, by, desc)
  checklist(events, "sort")
  by = by or "when"
  local out = {}
  for i, ev in ipairs(events) do out[i] = ev end
  local less
  if type(by) == "function" then
    less = by
  else
    if by:sub(1, 1) == "-" then by, desc = by:sub(2), true end
    local col = COLUMNS[by]
    if not col then
      error(fmt("bad argument #2 to 'sort' (unknown column '%s'; columns: %s)", by,
        concat(COLUMN_NAMES, ", ")), 2)
    end
    local keys = {}
    for _, ev in ipairs(out) do
      local v = col[2](ev)
      if type(v) == "table" then v = concat(v, ", ") end
      local e1, e2 = datekey(ev)
      keys[ev] = {by == "when" and e1 or v, e2, ev.id or 0, e1}
    end
    less = function(a, b)
      local ka, kb = keys[a], keys[b]
      local x, y = ka[1], kb[1]
      if x ~= y then
        if x == nil then return false end
        if y == nil then return true end
        if type(x) ~= type(y) then x, y = tostring(x), tostring(y) end
        if desc then return x > y end
        return x < y
      end
      if ka[4] ~= kb[4] then return ka[4] < kb[4] end
      if ka[2] ~= kb[2] then return ka[2] < kb[2] end
      return ka[3] < kb[3]
    end
  end
  -- table.sort is not stable: break ties by the position in the input.
  local pos = {}
  for i, ev in ipairs(out) do pos[ev] = i end
  sort(out, function(a, b)
    if less(a, b) then return true end
    if less(b, a) then return false end
    return pos[a] < pos[b]
  end)
  return out
end

-- What report.group knows how to group by: the keys of an event.
local GROUPS = {
  month = function(ev)
    local w = whenof(ev)
    local s = w and day(w:earliest())
    return s and s ~= ".." and s:sub(1, 7) or nil
  end,
  year = function(ev)
    local w = whenof(ev)
    local s = w and day(w:earliest())
    return s and s ~= ".." and s:sub(1, 4) or nil
  end,
  actor = function(ev) return names(ev.actors) end,
  tag = function(ev) return names(ev.tags) end,
  kind = function(ev) return ev.kind end,
  status = function(ev) return ev.status end,
  where = function(ev) return ev.where end,
}

-- report.group(events, by): a list of {key=, events=} in the order of the
-- keys ("(none)" last), each list in the order given.  `by` is "month"
-- (of the earliest date, "2024-01"), "year", "actor", "tag", "kind",
-- "status", "where", or a function(ev) that returns a key or a list of
-- keys.  An event with several actors (or tags) is in each of their groups.
function report.group(events, by)
  checklist(events, "group")
  local fn = type(by) == "function" and by or GROUPS[by]
  if not fn then
    error(fmt("bad argument #2 to 'group' (group by month, year, actor, tag, kind, status, "
      .. "where or a function, got %s)", by == nil and "no value" or tostring(by)), 2)
  end
  local groups, list = {}, {}
  local function put(key, ev)
    key = key == nil and NONE or tostring(key)
    local g = groups[key]
    if not g then
      g = {key = key, events = {}}
      groups[key] = g
      list[#list + 1] = g
    end
    g.events[#g.events + 1] = ev
  end
  for _, ev in ipairs(events) do
    local k = fn(ev)
    if type(k) == "table" then
      if #k == 0 then put(nil, ev) end
      for _, x in ipairs(k) do put(x, ev) end
    else
      put(k, ev)
    end
  end
  sort(list, function(a, b)
    if (a.key == NONE) ~= (b.key == NONE) then return b.key == NONE end
    return a.key < b.key
  end)
  return list
end

-- report.count(events, by): {{key=, count=}, ...} in the order of group.
function report.count(events, by)
  local out = {}
  for i, g in ipairs(report.group(events, by)) do out[i] = {key = g.key, count = #g.events} end
  return out
end

-- report.tally(spec, by [, by2]): the counts of report.count, of the events
-- a query selects, counted in the core (at.tally) without reading them:
-- {{key=, count=}, ...} in key order, or with by2 {{key=, key2=, count=}}.
-- `by` is "month", "year", "actor", "tag", "kind" or "status"; events
-- without a value are not counted (report.count puts them in "(none)").
function report.tally(spec, by, by2)
  local ok, t = pcall(core.tally, spec, by, by2)
  if not ok then error((tostring(t):gsub("'tally'", "'report.tally'")), 2) end
  local out = {}
  for k, v in pairs(t) do
    if by2 == nil then
      out[#out + 1] = {key = k, count = v}
    else
      for k2, n in pairs(v) do out[#out + 1] = {key = k, key2 = k2, count = n} end
    end
  end
  sort(out, function(a, b)
    if a.key ~= b.key then return a.key < b.key end
    return (a.key2 or "") < (b.key2 or "")
  end)
  return out
end

-- ---- the table of a report ---------------------------------------------------

-- The characters a terminal acts on beyond %c, as UTF-8: C1 controls
-- (U+0080-009F), the direction controls (U+061C, U+200E/200F,
-- U+202A-202E, U+2066-2069) and the line separators (U+2028/2029).  They
-- are shown as \uXXXX, as the command line shows them (core/termsafe.h).
local TERM_UNSAFE = {"\xC2[\x80-\x9F]", "\xD8\x9C", "\xE2\x80[\x8E\x8F\xA8\xA9\xAA-\xAE]",
                     "\xE2\x81[\xA6-\xA9]"}

local function cpescape(c)
  local cp = 0
  if #c == 2 then
    cp = (c:byte(1) & 0x1F) << 6 | (c:byte(2) & 0x3F)
  else
    cp = (c:byte(1) & 0x0F) << 12 | (c:byte(2) & 0x3F) << 6 | (c:byte(3) & 0x3F)
  end
  return fmt("\\u%04x", cp)
end

-- Text for people with the characters above escaped.
local function termtext(s)
  for _, pat in ipairs(TERM_UNSAFE) do s = s:gsub(pat, cpescape) end
  return s
end

-- report.termsafe(text) -> text a terminal shows as it is: control
-- characters (ESC, NUL, a line break...) as \xNN and the characters
-- above as \uXXXX, as the command line shows untrusted text.
function report.termsafe(s)
  if type(s) ~= "string" then
    error(fmt("bad argument #1 to 'termsafe' (string expected, got %s)", type(s)), 2)
  end
  return termtext((s:gsub("[%c\127]", function(c) return fmt("\\x%02x", c:byte()) end)))
end

-- Cell text for people: lists joined, control characters (line breaks in
-- notes) shown as spaces, direction controls and C1 escaped, absent
-- values as "-".
local function celltext(v, sep)
  if v == nil then return "-" end
  if type(v) == "table" then
    if #v == 0 then return "-" end
    local t = {}
    for i, x in ipairs(v) do t[i] = tostring(x) end
    v = concat(t, sep or ", ")
  end
  return termtext(tostring(v):gsub("[%c]", " "))
end

-- The rows of events under cols: {group key or false, {values...}, ...}.
local function rows(events, cols, opts)
  local out = {}
  local function add(key, evs)
    for _, ev in ipairs(evs) do
      local r = {}
      for j, c in ipairs(cols) do r[j] = c.get(ev) end
      out[#out + 1] = {key, r}
    end
    if #evs == 0 then out[#out + 1] = {key, false} end
  end
  if opts.group then
    for _, g in ipairs(report.group(events, opts.group)) do add(g.key, g.events) end
  else
    add(false, events)
  end
  return out
end

local function count_text(n)
  return n == 1 and "1 event" or fmt("%d events", n)
end

local TABLE_OPTS = {columns = true, max = true, width = true, shrink = true, group = true,
                    title = true, empty = true}

-- The cells of each row as text, cut to the column maxima, and the width
-- of each column.  With opts.width, the column opts.shrink (default
-- "title") is cut further so that lines fit.
local function layout(events, cols, opts, sep)
  local rs = rows(events, cols, opts)
  local widths = {}
  for j, c in ipairs(cols) do widths[j] = width(c.title) end
  for _, r in ipairs(rs) do
    if r[2] then
      for j, c in ipairs(cols) do
        local s = celltext(r[2][j])
        if c.max then s = report.truncate(s, c.max) end
        r[2][j] = s
        local w = width(s)
        if w > widths[j] then widths[j] = w end
      end
    end
  end
  if opts.width then
    local total = (#cols - 1) * #sep
    for j = 1, #cols do total = total + widths[j] end
    local over = total - opts.width
    if over > 0 then
      local name = opts.shrink or "title"
      for j, c in ipairs(cols) do
        if c.name == name then
          local w = widths[j] - over
          if w < width(c.title) then w = width(c.title) end
          if w < 4 then w = 4 end
          widths[j] = w
          for _, r in ipairs(rs) do
            if r[2] then r[2][j] = report.truncate(r[2][j], w) end
          end
        end
      end
    end
  end
  return rs, widths
end

-- ---- text ------------------------------------------------------------------

local function textline(cells, cols, widths)
  local t = {}
  for j, c in ipairs(cols) do
    local last = j == #cols
    t[j] = (last and not c.right) and cells[j] or pad(cells[j], widths[j], c.right)
  end
  return (concat(t, "  "):gsub(" +$", ""))
end

-- report.text(events [, opts]): an aligned table, one line per event.
-- opts: columns (default id, when, kind, status, title), max ({title =
-- 40}: at most so many display columns, cut with "…"), width (cut the
-- `shrink` column, default title, so lines fit), group (see report.group:
-- a heading line per group), title (a first line), empty (the text for no
-- events, default "no events").
function report.text(events, opts)
  checklist(events, "text")
  opts = checkopts(opts, "text", TABLE_OPTS)
  local cols = columns(opts, SHORT, "text")
  local out = {}
  if opts.title then
    out[#out + 1] = tostring(opts.title)
    out[#out + 1] = rep("=", width(opts.title))
    out[#out + 1] = ""
  end
  if #events == 0 then
    out[#out + 1] = opts.empty or "no events"
    return concat(out, "\n") .. "\n"
  end
  local rs, widths = layout(events, cols, opts, "  ")
  local head = {}
  for j, c in ipairs(cols) do head[j] = c.title end
  local key, n = nil, 0
  local counts = {}
  for _, r in ipairs(rs) do counts[r[1]] = (counts[r[1]] or 0) + (r[2] and 1 or 0) end
  out[#out + 1] = textline(head, cols, widths)
  for _, r in ipairs(rs) do
    if opts.group and r[1] ~= key then
      key = r[1]
      n = n + 1
      if n > 1 then out[#out + 1] = "" end
      out[#out + 1] = fmt("%s (%s)", termtext(celltext(key)), count_text(counts[key]))
    end
    if r[2] then out[#out + 1] = textline(r[2], cols, widths) end
  end
  return concat(out, "\n") .. "\n"
end

-- ---- Markdown ----------------------------------------------------------------

-- Characters that would start Markdown formatting inside a cell, and the
-- pipe that would end it.
local function mdescape(s)
  return (s:gsub("[\\|*_`%[%]<>]", "\\%0"))
end

local function mdline(cells, widths, cols)
  local t = {}
  for j, c in ipairs(cols) do t[j] = pad(cells[j], widths[j], c.right) end
  return "| " .. concat(t, " | ") .. " |"
end

-- report.markdown(events [, opts]): a Markdown (GitHub) table; the options
-- of report.text, with a "## KEY" heading per group and a "# TITLE" first.
function report.markdown(events, opts)
  checklist(events, "markdown")
  opts = checkopts(opts, "markdown", TABLE_OPTS)
  local cols = columns(opts, SHORT, "markdown")
  local out = {}
  if opts.title then
    out[#out + 1] = "# " .. mdescape(celltext(opts.title))
    out[#out + 1] = ""
  end
  if #events == 0 then
    out[#out + 1] = mdescape(opts.empty or "no events")
    return concat(out, "\n") .. "\n"
  end
  local rs, widths = layout(events, cols, opts, " | ")
  -- Escaping widens cells: measure again.
  for _, r in ipairs(rs) do
    if r[2] then
      for j = 1, #cols do
        r[2][j] = mdescape(r[2][j])
        local w = width(r[2][j])
        if w > widths[j] then widths[j] = w end
      end
    end
  end
  local head, rule = {}, {}
  for j, c in ipairs(cols) do
    head[j] = mdescape(c.title)
    if width(head[j]) > widths[j] then widths[j] = width(head[j]) end
    if widths[j] < 3 then widths[j] = 3 end
  end
  for j, c in ipairs(cols) do
    rule[j] = c.right and rep("-", widths[j] - 1) .. ":" or rep("-", widths[j])
  end
  local function header()
    out[#out + 1] = mdline(head, widths, cols)
    out[#out + 1] = "| " .. concat(rule, " | ") .. " |"
  end
  local key
  local counts = {}
  for _, r in ipairs(rs) do counts[r[1]] = (counts[r[1]] or 0) + (r[2] and 1 or 0) end
  if not opts.group then header() end
  for _, r in ipairs(rs) do
    if opts.group and r[1] ~= key then
      if key ~= nil then out[#out + 1] = "" end
      key = r[1]
      out[#out + 1] = fmt("## %s (%s)", mdescape(celltext(key)), count_text(counts[key]))
      out[#out + 1] = ""
      header()
    end
    if r[2] then out[#out + 1] = mdline(r[2], widths, cols) end
  end
  return concat(out, "\n") .. "\n"
end

-- ---- CSV ---------------------------------------------------------------------

-- RFC 4180: a field with a comma, a quote or a line break is quoted, its
-- quotes doubled.  Unless raw, a text that a spreadsheet would take for a
-- formula (it starts with = + - @, a tab, a CR or a LF, after any single
-- quotes) gets one more single quote in front and is quoted, as OWASP
-- advises; dropping one leading quote gives the text back.  A number is a
-- number and is written as it is.
local function csvfield(v, raw)
  if v == nil then return "" end
  if type(v) == "number" then return tostring(v) end
  if type(v) == "table" then
    -- items escaped as export writes them (\; \| \\): "a;b" stays one
    -- item when the file is read back (it was two)
    local t = {}
    for i, x in ipairs(v) do t[i] = (tostring(x):gsub("[\\;|]", "\\%0")) end
    v = concat(t, ";")
  end
  v = tostring(v)
  if not raw and v:find("^'*[=+%-@\t\r\n]") then return "\"'" .. v:gsub('"', '""') .. '"' end
  if v:find('[,"\r\n]') then return '"' .. v:gsub('"', '""') .. '"' end
  return v
end
report.csvfield = csvfield

-- report.csv(events [, opts]): CSV text (RFC 4180: CRLF line ends, a
-- header line of column names).  Lists are joined with ";", as by
-- `attache export --format csv`.  opts: columns (default id, key, title,
-- kind, status, when, start, end, where, actors, tags, source, url),
-- group (a first column "group"), eol ("\n" for Unix line ends), raw
-- (true: cells as they are, formula-like ones too; see csvfield).
function report.csv(events, opts)
  checklist(events, "csv")
  opts = checkopts(opts, "csv", {columns = true, group = true, eol = true, raw = true})
  if opts.raw ~= nil and type(opts.raw) ~= "boolean" then
    error(fmt("bad argument #2 to 'csv' (option 'raw' takes true or false, got %s)",
      type(opts.raw)), 2)
  end
  local raw = opts.raw
  local cols = columns(opts, LONG, "csv")
  local eol = opts.eol or "\r\n"
  local out, head = {}, {}
  if opts.group then head[1] = "group" end
  for _, c in ipairs(cols) do head[#head + 1] = csvfield(c.name, raw) end
  out[1] = concat(head, ",")
  for _, r in ipairs(rows(events, cols, opts)) do
    if r[2] then
      local t = {}
      if opts.group then t[1] = csvfield(r[1], raw) end
      for j = 1, #cols do t[#t + 1] = csvfield(r[2][j], raw) end
      out[#out + 1] = concat(t, ",")
    end
  end
  return concat(out, eol) .. eol
end

-- ---- JSON --------------------------------------------------------------------

local ESC = {['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
             ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t'}

local function jstring(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESC[c] or fmt("\\u%04x", c:byte())
  end) .. '"'
end

local function jvalue(v)
  local t = type(v)
  if v == nil then return "null" end
  if t == "string" then return jstring(v) end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    return fmt("%.17g", v)
  end
  if t == "table" then
    local parts = {}
    if #v > 0 or next(v) == nil then
      for i, x in ipairs(v) do parts[i] = jvalue(x) end
      return "[" .. concat(parts, ",") .. "]"
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    sort(keys)
    for i, k in ipairs(keys) do parts[i] = jstring(k) .. ":" .. jvalue(v[k]) end
    return "{" .. concat(parts, ",") .. "}"
  end
  return jstring(tostring(v))
end

-- report.json(events [, opts]): a JSON array with one object per event,
-- the columns as members in order (absent values are null, lists are
-- arrays), one object a line.  opts: columns (as for csv), group (an
-- array of {"group": KEY, "events": [...]}).
function report.json(events, opts)
  checklist(events, "json")
  opts = checkopts(opts, "json", {columns = true, group = true})
  local cols = columns(opts, LONG, "json")
  local function object(vals)
    local m = {}
    for j, c in ipairs(cols) do m[j] = jstring(c.name) .. ":" .. jvalue(vals[j]) end
    return "{" .. concat(m, ",") .. "}"
  end
  local rs = rows(events, cols, opts)
  if not opts.group then
    local out = {}
    for _, r in ipairs(rs) do
      if r[2] then out[#out + 1] = object(r[2]) end
    end
    if #out == 0 then return "[]\n" end
    return "[\n" .. concat(out, ",\n") .. "\n]\n"
  end
  local groups, cur = {}, nil
  for _, r in ipairs(rs) do
    if not cur or cur.key ~= r[1] then
      cur = {key = r[1], items = {}}
      groups[#groups + 1] = cur
    end
    if r[2] then cur.items[#cur.items + 1] = object(r[2]) end
  end
  local out = {}
  for i, g in ipairs(groups) do
    out[i] = '{"group":' .. jstring(g.key) .. ',"events":[\n' .. concat(g.items, ",\n") .. "\n]}"
  end
  if #out == 0 then return "[]\n" end
  return "[\n" .. concat(out, ",\n") .. "\n]\n"
end

-- ---- iCalendar and the timeline --------------------------------------------

-- report.ics(events [, opts]): iCalendar text (RFC 5545), written by the
-- engine's C writer (core/ics.c), the same as `attache export --format
-- ics`.  opts: alarms (a list of leads, {"7d", "1d"}, as for at.remind: a
-- VALARM each, that long before the start), domain (the right side of
-- the UIDs, default "attache"), name (the calendar's name).  Plain tables
-- are read as at.add reads them.
function report.ics(events, opts)
  checklist(events, "ics")
  opts = checkopts(opts, "ics", {alarms = true, domain = true, name = true})
  local leads = {}
  for i, a in ipairs(opts.alarms or {}) do leads[i] = tostring(a) end
  local list = {}
  for i, ev in ipairs(events) do
    list[i] = type(ev) == "table" and jvalue(ev) or ev
  end
  return core.ics(list, leads, opts.domain, opts.name)
end

-- report.timeline(events [, opts]): the HTML timeline (scripts/timeline.lua).
function report.timeline(events, opts)
  checklist(events, "timeline")
  return require("attache.timeline").html(events, opts)
end

-- ---- writing -------------------------------------------------------------------

-- report.write(text [, path]): text to standard output (no path, or "-"),
-- or into the file at path, which must lie in a directory the script may
-- write (its output directory, ./out unless --out says otherwise, or a
-- --write directory).  A relative path is relative to the output
-- directory (at.outdir()), not to the working directory, so a script
-- writes "agenda.md" wherever it was started.  true, or nil and a message.
function report.write(text, path, ...)
  if type(text) ~= "string" then
    error(fmt("bad argument #1 to 'write' (string expected, got %s)",
      text == nil and "no value" or type(text)), 2)
  end
  if select("#", ...) > 0 then
    error("bad argument #3 to 'write' (write takes the text and a path)", 2)
  end
  if path == nil or path == "-" then
    io.write(text)
    return true
  end
  if type(path) ~= "string" then
    error(fmt("bad argument #2 to 'write' (string expected, got %s)", type(path)), 2)
  end
  if path:sub(1, 1) ~= "/" then
    local dir = core.outdir()
    if not dir then
      return nil, path .. ": a relative path is relative to the output directory, and there " ..
        "is no output directory (give one with --out DIR)"
    end
    path = dir .. "/" .. path
  end
  local f, err = io.open(path, "w")
  if not f then return nil, err end
  local ok, werr = f:write(text)
  local cok, cerr = f:close()
  if not ok then return nil, werr end
  if not cok then return nil, cerr end
  return true
end

-- report.args({...}, names) -> table: a report's arguments, name=value
-- each, read as the shipped reports read them.  names lists those it
-- takes.  A word that is not name=value, a name not in the list, or a
-- name given twice is an error; so is a kind or status the store does
-- not know, a from or to that is not a date, and an actor that is no
-- actor (each named with the nearest or with what is wrong); an actor's
-- name becomes its code (actor=Japan is JPN).  Errors are raised without a position
-- (error(msg, 0)): `attache run` prints them alone, as messages for
-- people, not as a script's failure.
function report.args(list, names)
  if type(list) ~= "table" then
    error(fmt("bad argument #1 to 'args' (the script's arguments, {...}, expected, got %s)", type(list)), 2)
  end
  if type(names) ~= "table" or #names == 0 then
    error("bad argument #2 to 'args' (a list of argument names expected)", 2)
  end
  local takes, out = {}, {}
  for _, n in ipairs(names) do takes[n] = true end
  local all = concat(names, ", ")
  for _, a in ipairs(list) do
    local k, v = tostring(a):match("^([%w_]+)=(.*)$")
    if not k then error(fmt("%s: give name=value (%s)", tostring(a), all), 0) end
    if not takes[k] then error(fmt("unknown argument %s (it takes %s)", k, all), 0) end
    if out[k] then error(fmt("%s given twice (it takes one value)", k), 0) end
    out[k] = v
  end
  for _, f in ipairs{"kind", "status"} do
    if out[f] then
      local ok, msg = core.known(f, out[f])
      if not ok then error(f .. "=" .. out[f] .. ": " .. msg, 0) end
    end
  end
  for _, f in ipairs{"from", "to"} do
    if out[f] then
      local d, why = core.date(out[f])
      if not d then error(f .. "=" .. out[f] .. ": " .. why, 0) end
    end
  end
  if out.actor then -- by name, as list --actor reads it: Japan is JPN
    local code, why = core.actor(out.actor)
    if not code then error("actor=" .. out.actor .. ": " .. why, 0) end
    out.actor = code
  end
  return out
end

report.columns = COLUMN_NAMES

return report
