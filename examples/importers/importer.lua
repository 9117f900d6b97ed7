-- What the ICEWS and GDELT importers share (require "importer"): the CAMEO
-- codes that become attache events, ISO 3166 country codes from Debian's
-- iso-codes, the Goldstein table, the command line, and the import itself:
-- idempotent by key, all in one batch, with counts and the reason for
-- every skipped row.  docs/importers.md is the manual.
local at = require "attache"

local M = {}

-- CAMEO code -> kind, status and the verb of a title ("%s" the source
-- actor, "%s" the target).  Codes outside this table are skipped, or kept
-- as kind "other" with --all.
M.CAMEO = {
  ["036"] = {kind = "meeting", status = "planned", verb = "%s expresses intent to meet or negotiate with %s"},
  ["040"] = {kind = "meeting", status = "held", verb = "%s consults %s"},
  ["041"] = {kind = "call", status = "held", verb = "%s discusses by telephone with %s"},
  ["042"] = {kind = "visit", status = "held", verb = "%s visits %s"},
  ["043"] = {kind = "visit", status = "held", verb = "%s hosts a visit by %s"},
  ["044"] = {kind = "meeting", status = "held", verb = "%s meets %s at a third location"},
  ["045"] = {kind = "talks", status = "held", verb = "%s mediates with %s"},
  ["046"] = {kind = "talks", status = "held", verb = "%s negotiates with %s"},
  ["057"] = {kind = "agreement", status = "signed", verb = "%s signs a formal agreement with %s"},
}
M.TRACKED = "036, 040-046, 057"

-- ---- command line -----------------------------------------------------

local USAGE = [[
usage: attache run --read DATA_DIR --read /usr/share/iso-codes %s FILE [options]
  --all             keep the CAMEO codes that are not tracked, as kind "other"
  --iso PATH        iso_3166-1.json (default /usr/share/iso-codes/json/iso_3166-1.json)
  --goldstein PATH  the CAMEO Goldstein table (default: cameo-goldstein.tsv beside FILE)
  --show N          name the first N rows of each skip reason (default 3)]]

-- A message for the person at the terminal, as it is (several lines
-- stay several lines: an error's text is made one line), and the exit
-- status: 2 for a wrong command line, 1 for a file that cannot be used.
function M.fail(status, msg)
  io.stderr:write("attache: ", msg, "\n")
  os.exit(status)
end

function M.args(script, argv)
  local o = {all = false, show = 3,
             iso = "/usr/share/iso-codes/json/iso_3166-1.json"}
  local i = 1
  local function usage(why) M.fail(2, (why and why .. "\n" or "") .. USAGE:format(script)) end
  while i <= #argv do
    local a = argv[i]
    if a == "--all" then o.all = true
    elseif a == "--iso" or a == "--goldstein" or a == "--show" then
      i = i + 1
      if not argv[i] then usage(a .. " needs a value") end
      if a == "--show" then
        o.show = math.tointeger(tonumber(argv[i]))
        if not o.show or o.show < 0 then usage("--show " .. argv[i] .. ": give a whole number of rows, 0 or more") end
      else
        o[a:sub(3)] = argv[i]
        if a == "--goldstein" then o.goldstein_given = true end
      end
    elseif a:sub(1, 2) == "--" then usage(a .. ": unknown option")
    elseif o.file then usage(a .. ": one FILE at a time (already given " .. o.file .. ")")
    else o.file = a end
    i = i + 1
  end
  if not o.file then usage("which file? give FILE") end
  o.goldstein = o.goldstein or ((o.file:match("^(.*)/[^/]*$") or ".") .. "/cameo-goldstein.tsv")
  return o
end

-- Stop, naming the file, when the first row of a file with a header lacks
-- a column the importer reads (a file without its header row, or with a
-- column renamed: every row would otherwise be misread and skipped).
function M.need_columns(file, row, names, what)
  for _, n in ipairs(names) do
    if row[n] == nil then
      M.fail(1, ("%s: no column \"%s\" in its header (line 1); %s"):format(M.basename(file), n, what))
    end
  end
end

-- The file's name without its directory, for "file:line" in messages.
function M.basename(path)
  return path:match("[^/]*$")
end

-- ---- reference tables -------------------------------------------------

-- ISO 3166-1 from iso-codes: {alpha3 = {KHM = true, ...}, byname =
-- {["cambodia"] = "KHM", ...}} with the name, official and common names.
function M.iso(path)
  local f, err = io.open(path)
  if not f then
    M.fail(1, ("cannot read the ISO 3166 table: %s\n(install Debian's iso-codes and pass " ..
               "--read /usr/share/iso-codes, or give --iso PATH)"):format(err))
  end
  local text = f:read("a")
  f:close()
  local doc = assert(at.json.decode(text))
  local t = {alpha3 = {}, byname = {}, name = {}}
  for _, c in ipairs(doc["3166-1"]) do
    t.alpha3[c.alpha_3] = true
    t.name[c.alpha_3] = c.common_name or c.name
    for _, n in ipairs{c.name, c.official_name, c.common_name} do
      if n ~= nil then t.byname[n:lower()] = c.alpha_3 end
    end
  end
  return t
end

-- The CAMEO Goldstein table: code -> number.  When the default file is
-- not there: an empty table, and a note on stderr.  A file that is there
-- (or was given with --goldstein) and cannot be read as the table stops
-- the import: it would drop fields.goldstein from every event.
function M.goldstein(path, given)
  local t, n = {}, 0
  local f, ferr = io.open(path)
  if not f and not given then
    io.stderr:write(("note: no Goldstein table (%s); fields.goldstein left out\n"):format(ferr))
    return t
  end
  if f then f:close() end
  local ok, err = pcall(function()
    for row, line in at.csv.rows(path, {sep = "\t"}) do
      if row.CAMEOEVENTCODE == nil or row.GOLDSTEINSCALE == nil then
        error(("line %d: no CAMEOEVENTCODE and GOLDSTEINSCALE columns in the header"):format(line), 0)
      end
      local v = tonumber(row.GOLDSTEINSCALE)
      if not v then error(("line %d: GOLDSTEINSCALE %q is not a number"):format(line, row.GOLDSTEINSCALE), 0) end
      t[row.CAMEOEVENTCODE] = v
      n = n + 1
    end
  end)
  if not ok or n == 0 then
    M.fail(1, ("--goldstein %s: not a Goldstein table (%s); it is tab-separated, with the header " ..
               "CAMEOEVENTCODE GOLDSTEINSCALE"):format(path, ok and "no rows" or tostring(err)))
  end
  return t
end

-- ---- the import -------------------------------------------------------

-- JSON numbers come back from the store as integers when they are whole:
-- compare values in that form.
local function canon(v)
  if type(v) == "number" then return math.tointeger(v) or v end
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = canon(x) end
  return out
end

local MANAGED = {"title", "kind", "status", "when", "where", "actors", "source", "fields"}

local function same(old, new)
  local a, b = {}, {}
  for _, k in ipairs(MANAGED) do
    a[k], b[k] = canon(old[k]), canon(new[k])
  end
  return at.json.encode(a) == at.json.encode(b)
end

-- The change that turns old into new: absent fields removed (at.null),
-- and the keys of source and fields that are gone removed too (objects
-- are merged by at.update).
local function patch(old, new)
  local p = {}
  for _, k in ipairs(MANAGED) do
    local v = new[k]
    if v == nil then v = at.null end
    if (k == "source" or k == "fields") and type(v) == "table" and type(old[k]) == "table" then
      local merged = {}
      for ok in pairs(old[k]) do merged[ok] = at.null end
      for nk, nv in pairs(v) do merged[nk] = nv end
      v = merged
    end
    p[k] = v
  end
  return p
end

local Import = {}
Import.__index = Import

function M.new(file, show)
  return setmetatable({file = M.basename(file), show = show or 3, read = 0, added = 0,
                       updated = 0, unchanged = 0, nskipped = 0, reasons = {}, order = {},
                       keys = {}, notes = {}}, Import)
end

-- A row that is not imported, and why.  `detail` names what differs from
-- row to row (a code, a value), shown beside the row's file:line.
function Import:skip(line, reason, detail)
  self.nskipped = self.nskipped + 1
  local r = self.reasons[reason]
  if not r then
    r = {n = 0, rows = {}}
    self.reasons[reason] = r
    self.order[#self.order + 1] = reason
  end
  r.n = r.n + 1
  if #r.rows < self.show then
    r.rows[#r.rows + 1] = ("%s:%d%s"):format(self.file, line, detail and (" (" .. detail .. ")") or "")
  end
end

-- Something worth telling that does not skip the row (an unmapped country).
function Import:note(what, value)
  local n = self.notes[what] or {}
  self.notes[what] = n
  n[value] = (n[value] or 0) + 1
end

-- Add the event, or update it when its key is there with other values, or
-- leave it.  A key seen twice in the file is a skip.
function Import:put(line, ev)
  local first = self.keys[ev.key]
  if first then
    return self:skip(line, "the same event id twice in the file", ("first at line %d"):format(first))
  end
  self.keys[ev.key] = line
  local old = at.get(ev.key)
  if old then
    local t = old:totable()
    if same(t, ev) then
      self.unchanged = self.unchanged + 1
      return
    end
    local ok, err = at.update(ev.key, patch(t, ev))
    if not ok then return self:skip(line, "the store refused the change", err) end
    self.updated = self.updated + 1
    return
  end
  local ok, err = at.add(ev)
  if not ok then return self:skip(line, "the store refused the event", err) end
  self.added = self.added + 1
end

-- Run fn (which reads the rows and calls put/skip) in one batch, then
-- print the counts.
function Import:run(fn)
  -- a file that cannot be read (its CSV, its header): the message alone,
  -- and nothing imported (the batch rolled back)
  local ok, done, err = pcall(at.batch, fn)
  if not ok then M.fail(1, tostring(done)) end
  if not done then M.fail(1, tostring(err)) end
  print(("%s: %d rows read, %d added, %d updated, %d unchanged, %d skipped"):format(
    self.file, self.read, self.added, self.updated, self.unchanged, self.nskipped))
  table.sort(self.order, function(a, b)
    local x, y = self.reasons[a].n, self.reasons[b].n
    if x ~= y then return x > y end
    return a < b
  end)
  for _, reason in ipairs(self.order) do
    local r = self.reasons[reason]
    print(("  skipped %d: %s"):format(r.n, reason))
    for _, where in ipairs(r.rows) do print("    " .. where) end
    if r.n > #r.rows then print(("    ... and %d more"):format(r.n - #r.rows)) end
  end
  local whats = {}
  for what in pairs(self.notes) do whats[#whats + 1] = what end
  table.sort(whats)
  for _, what in ipairs(whats) do
    local values = self.notes[what]
    local list, total = {}, 0
    for v, n in pairs(values) do
      list[#list + 1] = ("%s (%d)"):format(v, n)
      total = total + n
    end
    table.sort(list)
    print(("  note: %s in %d rows: %s"):format(what, total, table.concat(list, ", ")))
  end
end

return M
