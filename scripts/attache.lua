-- The `attache` module as scripts see it: local at = require "attache".
--
-- The raw functions come from C (attache.core, bindings/lua/lua_attache.c);
-- this file builds what is better written in Lua: the iterators and
-- queries.  The `where` of a query is called by the cursor (cur:find),
-- with a continuation: a script may yield inside it, and its errors pass
-- through unchanged.  docs/lua-api.md is the manual.

local core = require "attache.core"

local at = {}

-- Events.
at.add = core.add
at.get = core.get
at.update = core.update
at.remove = core.remove

-- Dates and durations.
at.now = core.now
at.outdir = core.outdir -- the output directory, or nil
at.date = core.date
at.edtf = core.edtf
at.duration = core.duration
at.years = core.years
at.months = core.months
at.weeks = core.weeks
at.days = core.days
at.hours = core.hours
at.minutes = core.minutes
at.seconds = core.seconds

-- JSON null, to remove a field in at.update and to stand for null in
-- `fields`.
at.null = core.null
at.alert = core.alert -- at.alert{key=, title=, body=, level=, event=, to=, repeat=}
-- A country or organisation as a person names it, as the code events
-- store: at.actor("Japan") is "JPN"; nil and a did-you-mean if unknown
-- (docs/names.md).
at.actor = core.actor
-- at.known("kind", "meting"): nil and a did-you-mean; true for a kind or
-- status the store knows
at.known = core.known

-- Schedules, rules and reminders: in scripts run by `attache serve`
-- (docs/daemon.md).
at.every = core.every
at.cron = core.cron
at.at = core.at
at.on = core.on
at.remind = core.remind

-- Data files (bindings/lua/lua_csv.c, bindings/lua/lua_json.c): at.csv.rows(path,
-- {sep=, header=, quote=, ragged=}) iterates the rows of a CSV or TSV file
-- (paths checked like io.open's); at.json.decode/encode.
at.csv = {rows = core.csv_rows}
at.json = {decode = core.json_decode, encode = core.json_encode, null = core.null}

-- Modules loaded on first use, so that a script that never makes a report
-- does not pay for one: at.report (docs/reports.md).
local lazy = {report = "attache.report"}
setmetatable(at, {__metatable = false, __index = function(t, k)
  local name = lazy[k]
  if name == nil then return nil end
  local m = require(name)
  rawset(t, k, m)
  return m
end})

local select_ = core.select
local pcall, error = pcall, error

-- The cursor of a query, the `where` function and the limit that Lua
-- applies (the core applies the limit itself when there is no `where`).
-- A bad query raises at the line of the caller of at.each/query/count.
local function open(spec, name)
  local ok, cur, where, limit = pcall(select_, spec, name)
  if not ok then error(cur, 3) end
  return cur, where, limit
end

-- An occurrence of a recurring event (a line of an expanded query): it
-- reads as its event, but `when` and `occurrence` are the occurrence's
-- date, ev:event() is the event itself, and ev:totable() is the event's
-- table with an `occurrence` member (as `attache list --json` writes it).
local occurrence_mt = {__name = "attache.occurrence"}
local date_ = at.date
local function occurrence(ev, text)
  local o = {}
  local date = date_(text)
  local fields = {when = date, occurrence = date}
  local methods = {
    event = function() return ev end,
    totable = function()
      local t = ev:totable()
      t.occurrence = text
      return t
    end,
  }
  return setmetatable(o, {
    __name = "attache.occurrence",
    __index = function(_, k)
      local f = fields[k]
      if f ~= nil then return f end
      f = methods[k]
      if f ~= nil then return f end
      local v = ev[k]
      if type(v) == "function" then
        -- A method of the event, called on the occurrence.
        return function(self, ...)
          if self == o then self = ev end
          return v(self, ...)
        end
      end
      return v
    end,
    __newindex = function() error("an occurrence is read-only; change its event (ev:event())", 2) end,
    __tostring = function() return ("occurrence %s of %s"):format(text, tostring(ev)) end,
    __metatable = occurrence_mt,
  })
end
at.is_occurrence = function(v) return getmetatable(v) == occurrence_mt end

-- The next line of a cursor: an event, or an occurrence of one when the
-- query expands (a window on both sides).  `where` is applied here then,
-- so that it sees the occurrence.
local function step_of(cur, where)
  local _, expanded = cur:occurrence()
  local next_, find = cur.next, cur.find
  if not expanded then
    if where == nil then return function() return next_(cur) end end
    return function() return find(cur, where) end
  end
  local occ = cur.occurrence
  return function()
    while true do
      local ev = next_(cur)
      if ev == nil then return nil end
      local text = occ(cur)
      if text then ev = occurrence(ev, text) end
      if where == nil or where(ev) then return ev end
    end
  end
end

-- at.each{...}: an iterator over the matching events, in order; the list
-- is never built.  The fourth value closes the cursor when a loop is left
-- early.
function at.each(spec)
  local cur, where, limit = open(spec, "each")
  local n = 0
  local get = step_of(cur, where)
  local function step()
    if limit and n >= limit then return nil end
    local ev = get()
    if ev ~= nil then n = n + 1 end
    return ev
  end
  return step, nil, nil, cur
end

-- at.query{...}: the list of matching events (an array).
function at.query(spec)
  local cur <close>, where, limit = open(spec, "query")
  local list, n = {}, 0
  local get = step_of(cur, where)
  while not (limit and n >= limit) do
    local ev = get()
    if ev == nil then break end
    n = n + 1
    list[n] = ev
  end
  return list
end

-- at.tally(spec, by [, by2]): how many of the events spec selects hold
-- each value of `by` (actor, tag, kind, status, year, month): {[v] = n},
-- or {[v] = {[v2] = n}} with two; counted in the core (core/tally.h).
local tally_ = core.tally
function at.tally(spec, by, by2)
  local ok, t = pcall(tally_, spec, by, by2)
  if not ok then error(t, 2) end
  return t
end

-- at.count{...}: how many events match (occurrences, when it expands).
function at.count(spec)
  local cur <close>, where, limit = open(spec, "count")
  if where == nil then return cur:count() end
  local n = 0
  local get = step_of(cur, where)
  while not (limit and n >= limit) do
    if get() == nil then break end
    n = n + 1
  end
  return n
end

-- at.extract(text, opts): the events a press release reports, proposed
-- for review (scripts/extract.lua; docs/extract.md).
function at.extract(text, opts)
  return require("attache.extract").extract(text, opts)
end

-- at.batch(fn): every change fn makes is one batch: one lock, one sync,
-- all or nothing.  Written in C (bindings/lua/lua_attache.c) so that the
-- batch belongs to the call: fn cannot yield, and the batch is committed
-- or rolled back before at.batch returns.
at.batch = core.batch

-- The history (docs/lua-api.md "History"): the versions of an event,
-- oldest first, and the changes of the store, newest first.
at.history = core.history
at.changes = core.changes

return at
