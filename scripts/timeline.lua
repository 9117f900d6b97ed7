-- The HTML timeline of at.report.timeline: one self-contained HTML file
-- (inline SVG and CSS, no script, nothing fetched: a Content-Security-
-- Policy forbids it), with a lane per kind or per actor.  A day is a dot,
-- a period (2024/2028) a solid bar, a fuzzy date (2024-01~/2024-04~, 2023-11,
-- 2024) a hatched bar from its earliest to its latest day, an open end an
-- arrow to the edge; a red line marks "now" (the engine's clock).  Colours
-- say the status.  Each event's shape is a <g class="event"
-- data-event-id="ID"> whose <title> is the tooltip (title, date, status,
-- source).  Long quiet stretches (1993 to 2023 in the example) are cut
-- out of the axis and shown as a break, so that decades of history and a
-- busy year fit one page.  docs/reports.md is the manual.
--
-- Every date the store accepts can be drawn: open and unknown ends, years
-- before 0 and beyond 9999 (Y170000002), up to the ends of 64-bit
-- seconds.  So the layout works on floats (a pixel needs no more than 53
-- bits), the calendar is computed here rather than by at.date (whose
-- tables stop at four-digit years), and the tick steps go from a month to
-- hundreds of billions of years.

local core = require "attache.core"
local report = require "attache.report"

local fmt, concat, floor = string.format, table.concat, math.floor
local ipairs, tostring, type, error = ipairs, tostring, type, error

local M = {}

local DAY = 86400
local W = 1360            -- width of the drawing
local LEFT, RIGHT = 150, 24 -- room for lane names, right margin
local ROW = 30            -- height of one row of marks
local BREAK = 28          -- width of an axis break
local PAD = 120 * DAY     -- space around each cluster of events

-- Colours by status: done, ahead, in the balance, off.
local STATUS = {
  held = "#1b7f6b", ["in-force"] = "#1b7f6b", endorsed = "#1b7f6b", expired = "#7a8a87",
  planned = "#2563c9", confirmed = "#2563c9",
  draft = "#c77c0e", postponed = "#c77c0e",
  cancelled = "#9b9b9b",
}
local OTHER = "#6b5fb5"
local STATUS_LEGEND = {
  {"held, in force, endorsed", "#1b7f6b"}, {"planned, confirmed", "#2563c9"},
  {"draft, postponed", "#c77c0e"}, {"cancelled", "#9b9b9b"}, {"other or none", OTHER},
}

local function esc(s)
  return (tostring(s):gsub("[&<>\"']", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
    ['"'] = "&quot;", ["'"] = "&#39;"}))
end

-- The calendar (proleptic Gregorian, UTC) for any 64-bit time, as in
-- core/date.c: days since 1970-01-01 from a date and back.
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

local function civil(t)
  local z = t // DAY + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local m = mp < 10 and mp + 3 or mp - 9
  return yoe + era * 400 + (m <= 2 and 1 or 0), m, doy - (153 * mp + 2) // 5 + 1
end

-- A position on the axis (a float) back to whole seconds, clamped to the
-- 64-bit range.
local function toint(x)
  if x ~= x then return 0 end
  if x <= math.mininteger then return math.mininteger end
  if x >= 2.0 ^ 63 then return math.maxinteger end
  return floor(x)
end

-- "2024-01-31"; a year before 0 or beyond 9999 as ISO 8601 writes
-- expanded years ("-9999-01-01", "170000002-01-01").
local function day(t)
  local y, m, d = civil(toint(t))
  return fmt("%s%04d-%02d-%02d", y < 0 and "-" or "", y < 0 and -y or y, m, d)
end

-- The kind of drawing an event's date asks for.
local function shape(edtf)
  if edtf:find("[~?%%X]") or edtf:find("..", 1, true) or edtf:sub(1, 1) == "/"
    or edtf:sub(-1) == "/" then
    return "fuzzy"
  end
  if edtf:find("/", 1, true) then return "period" end
  if #edtf == 10 or edtf:find("T", 1, true) then return "day" end
  return "fuzzy" -- a month, a year, a season
end

-- ---- the axis: clusters of time separated by breaks ------------------------

-- Merge the padded spans into clusters; a gap shorter than a fifth of all
-- the time shown is kept, a longer one becomes a break.
local function clusters(spans)
  table.sort(spans, function(a, b) return a[1] < b[1] end)
  local list = {}
  for _, s in ipairs(spans) do
    local c = list[#list]
    if c and s[1] <= c[2] then
      if s[2] > c[2] then c[2] = s[2] end
    else
      list[#list + 1] = {s[1], s[2]}
    end
  end
  local total = 0
  for _, c in ipairs(list) do total = total + (c[2] - c[1]) end
  local merged = {}
  for _, c in ipairs(list) do
    local m = merged[#merged]
    if m and c[1] - m[2] < total / 5 then m[2] = c[2]
    else merged[#merged + 1] = c end
  end
  return merged
end

-- x of a time, and the pixel ranges of the clusters.
local function axis(cl, x0, x1)
  local total = 0
  for _, c in ipairs(cl) do total = total + (c[2] - c[1]) end
  local avail = (x1 - x0) - BREAK * (#cl - 1)
  local x = x0
  for _, c in ipairs(cl) do
    c.x0 = x
    c.x1 = x + avail * (c[2] - c[1]) / total
    x = c.x1 + BREAK
  end
  local function xof(t)
    if t <= cl[1][1] then return cl[1].x0 end
    for i, c in ipairs(cl) do
      if t <= c[2] then
        if t < c[1] then return cl[i - 1].x1 + BREAK / 2 end -- in a break
        return c.x0 + (c.x1 - c.x0) * (t - c[1]) / (c[2] - c[1])
      end
    end
    return cl[#cl].x1
  end
  return xof
end

-- Ticks for a cluster: the step that leaves at least 70 pixels between
-- labels, from a month to a decade.
local STEPS = {{1, "month"}, {3, "month"}, {6, "month"}, {1, "year"}, {2, "year"},
               {5, "year"}}
-- Then 10, 20, 50, 100 ... years, up to steps longer than any axis
-- (64-bit seconds hold about 5.8e11 years).
for k = 1, 12 do
  for _, f in ipairs{1, 2, 5} do STEPS[#STEPS + 1] = {math.tointeger(f * 10 ^ k), "year"} end
end
local MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

local function ticks(c, xof)
  local px_per_day = (c.x1 - c.x0) / ((c[2] - c[1]) / DAY)
  local step
  for _, s in ipairs(STEPS) do
    local days = s[2] == "month" and 30.4 * s[1] or 365.25 * s[1]
    if days * px_per_day >= 70 then step = s break end
  end
  step = step or STEPS[#STEPS]
  local out = {}
  local y, m = civil(toint(c[1]))
  if step[2] == "year" then
    y, m = y + 1, 1
    y = y + (step[1] - y % step[1]) % step[1]
  else
    m = m + 1
    if m > 12 then y, m = y + 1, 1 end
    m = m + (step[1] - (m - 1) % step[1]) % step[1]
    if m > 12 then y, m = y + 1, m - 12 end
  end
  while true do
    local secs = days_from_civil(y, m, 1) * (DAY + 0.0)
    if secs > c[2] then break end
    local label = (m == 1 or step[2] == "year") and tostring(y) or MONTHS[m]
    out[#out + 1] = {xof(secs), label, m == 1}
    if step[2] == "year" then y = y + step[1]
    else
      m = m + step[1]
      if m > 12 then y, m = y + 1, m - 12 end
    end
  end
  return out
end

-- ---- the events --------------------------------------------------------------

-- What is drawn of each event: its lanes, extent, shape, colour, label
-- and tooltip.
local function items(events, lanes_by)
  local list = {}
  for _, ev in ipairs(events) do
    local w = report.when(ev)
    if w then
      local e, l = w:seconds()
      -- Where it is drawn: floats, so that padding never wraps around.
      local fe, fl = e + 0.0, l + 0.0
      local edtf = tostring(w)
      local lanes
      if lanes_by == "actor" then
        lanes = {}
        for i, a in ipairs(ev.actors or {}) do lanes[i] = a end
        if #lanes == 0 then lanes = {"(none)"} end
      else
        lanes = {ev.kind or "(none)"}
      end
      local src = ev.source
      local tip = {ev.title, "Date: " .. edtf .. (e == l and "" or fmt(" (%s to %s)",
        e == math.mininteger and ".." or day(e), l == math.maxinteger and ".." or day(l))),
        "Status: " .. (ev.status or "none") .. "   Kind: " .. (ev.kind or "none")}
      if type(ev) == "table" and ev.occurrence ~= nil then
        tip[#tip + 1] = fmt("Occurrence of event %s (%s)", tostring(ev.id), tostring(ev.recur))
      end
      if ev.where then tip[#tip + 1] = "Where: " .. ev.where end
      if #(ev.actors or {}) > 0 then tip[#tip + 1] = "Actors: " .. concat(ev.actors, ", ") end
      if src then
        local s = {}
        for _, k in ipairs{"title", "publisher", "url"} do
          if src[k] then s[#s + 1] = tostring(src[k]) end
        end
        if src.published then s[#s + 1] = "published " .. tostring(src.published) end
        if #s > 0 then tip[#tip + 1] = "Source: " .. concat(s, "; ") end
      end
      list[#list + 1] = {
        id = ev.id, title = ev.title, e = e, l = l, fe = fe, fl = fl, edtf = edtf,
        shape = shape(edtf),
        open_start = e == math.mininteger, open_end = l == math.maxinteger,
        colour = STATUS[ev.status or ""] or OTHER, lanes = lanes, tip = concat(tip, "\n"),
        status = ev.status,
      }
    end
  end
  return list
end

-- ---- the page ----------------------------------------------------------------

local CSS = [[
body{margin:0;padding:24px 28px;background:#f6f7f9;color:#1d2330;
 font:14px/1.4 system-ui,"Segoe UI",Roboto,"Noto Sans","Noto Sans Khmer","Noto Sans CJK JP",sans-serif}
h1{font-size:22px;margin:0 0 4px}
.sub{color:#5b6475;margin:0 0 14px}
svg{background:#fff;border:1px solid #dde1e8;border-radius:8px;display:block;max-width:100%;height:auto}
.lane-bg{fill:#f9fafc}.lane-bg.odd{fill:#ffffff}
.lane-name{font-weight:600;font-size:13px;fill:#1d2330}
.lane-line{stroke:#e3e7ee}
.tick{stroke:#e9ecf2}.tick.year{stroke:#d3d8e2}
.tick-label{font-size:11px;fill:#5b6475}
.tick-label.year{font-weight:600;fill:#1d2330}
.break{fill:#f1f2f5;stroke:#b9c0cc;stroke-dasharray:3 3}
.break-label{font-size:10px;fill:#8a93a3}
.label{font-size:12px;fill:#1d2330}
.event:hover .label{font-weight:600}
.event:hover .shape{stroke:#000;stroke-width:1.5}
.now{stroke:#d6336c;stroke-width:2;stroke-dasharray:6 4}
.now-label{font-size:11px;font-weight:600;fill:#d6336c}
.legend text{font-size:12px;fill:#3b4353}
]]

-- report.timeline(events, opts) -> HTML text.  opts: lanes ("kind", the
-- default, or "actor": an event is then in the lane of each actor), title,
-- subtitle, now (an instant; default at.now()).
function M.html(events, opts)
  opts = opts or {}
  if type(opts) ~= "table" then
    error("bad argument #2 to 'timeline' (table of options expected, got " .. type(opts) .. ")", 3)
  end
  for k in pairs(opts) do
    if k ~= "lanes" and k ~= "title" and k ~= "subtitle" and k ~= "now" then
      error(fmt("bad argument #2 to 'timeline' (unknown option '%s'; options: lanes, now, "
        .. "subtitle, title)", tostring(k)), 3)
    end
  end
  local lanes_by = opts.lanes or "kind"
  if lanes_by ~= "kind" and lanes_by ~= "actor" then
    error("bad argument #2 to 'timeline' (lanes is \"kind\" or \"actor\")", 3)
  end
  local now = core.date(opts.now or core.now()):earliest():seconds() + 0.0
  local its = items(events, lanes_by)
  local title = opts.title or "Timeline"

  -- The time shown: every bound that is known, padded.
  local spans = {}
  for _, it in ipairs(its) do
    local e = it.open_start and it.fl or it.fe
    local l = it.open_end and it.fe or it.fl
    spans[#spans + 1] = {e - PAD, l + PAD}
  end
  local has_now = false
  if #spans == 0 then spans[1] = {now - 365 * DAY, now + 365 * DAY} end
  local lo, hi = math.huge, -math.huge
  for _, s in ipairs(spans) do
    if s[1] < lo then lo = s[1] end
    if s[2] > hi then hi = s[2] end
  end
  if now >= lo and now <= hi then
    has_now = true
    spans[#spans + 1] = {now - PAD / 2, now + PAD / 2}
  end
  local cl = clusters(spans)
  local xof = axis(cl, LEFT + 10, W - RIGHT)

  -- Lanes in order of first appearance by date; rows within a lane so that
  -- no two shapes (with their labels) overlap.
  table.sort(its, function(a, b)
    if a.e ~= b.e then return a.e < b.e end
    return (a.id or 0) < (b.id or 0)
  end)
  local lanes, byname = {}, {}
  local placed = {}
  for _, it in ipairs(its) do
    local x0 = it.open_start and cl[1].x0 or xof(it.fe)
    local x1 = it.open_end and cl[#cl].x1 or xof(it.fl)
    if it.shape == "day" then x0, x1 = x0 - 6, x0 + 6 end
    if x1 - x0 < 8 then x1 = x0 + 8 end
    local label = report.truncate(it.title, 46)
    local lw = report.width(label) * 6.6 + 10
    -- The label goes right of the shape, else left of it, else inside.
    local side, lx0, lx1
    if x1 + lw <= W - RIGHT then side, lx0, lx1 = "right", x1, x1 + lw
    elseif x0 - lw >= LEFT then side, lx0, lx1 = "left", x0 - lw, x0
    else side, lx0, lx1 = "inside", x0, x1 end
    for _, name in ipairs(it.lanes) do
      local lane = byname[name]
      if not lane then
        lane = {name = name, rows = {}}
        byname[name] = lane
        lanes[#lanes + 1] = lane
      end
      local a, b = math.min(x0, lx0) - 4, math.max(x1, lx1) + 4
      local row
      for r, ends in ipairs(lane.rows) do
        if ends < a then row = r break end
      end
      row = row or #lane.rows + 1
      lane.rows[row] = b
      placed[#placed + 1] = {it = it, lane = lane, row = row, x0 = x0, x1 = x1, side = side,
                             label = label}
    end
  end

  -- Heights.
  local top = 56 -- axis labels
  local y = top
  for i, lane in ipairs(lanes) do
    lane.y = y
    lane.h = math.max(1, #lane.rows) * ROW + 16
    lane.odd = i % 2 == 1
    y = y + lane.h
  end
  local plot_bottom = y
  local legend_y = plot_bottom + 26
  local H = legend_y + 64

  local o = {}
  local function add(...) o[#o + 1] = concat({...}) end
  add('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; ',
    'style-src \'unsafe-inline\'">\n',
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    '<title>', esc(title), '</title>\n<style>\n', CSS, '</style>\n</head>\n<body>\n')
  add('<h1>', esc(title), '</h1>\n')
  local nevents = #its
  add('<p class="sub">', esc(opts.subtitle or fmt("%d event%s, %s as of %s", nevents,
    nevents == 1 and "" or "s", lanes_by == "actor" and "a lane per actor," or "a lane per kind,",
    day(now))), '</p>\n')
  add(fmt('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" ',
    W, H, W, H), 'role="img" aria-label="', esc(title), '">\n')
  add('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" ',
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="currentColor" ',
    'fill-opacity="0.12"/><line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" ',
    'stroke-width="2.5" stroke-opacity="0.7"/></pattern>',
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ',
    'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" ',
    'fill="context-stroke"/></marker></defs>\n')

  -- Lanes.
  for _, lane in ipairs(lanes) do
    add(fmt('<rect class="lane-bg%s" x="0" y="%d" width="%d" height="%d"/>',
      lane.odd and " odd" or "", lane.y, W, lane.h), '\n')
    add(fmt('<text class="lane-name" x="16" y="%d">', lane.y + lane.h / 2 + 5),
      esc(report.truncate(lane.name, 18)), '</text>\n')
    add(fmt('<line class="lane-line" x1="0" y1="%d" x2="%d" y2="%d"/>', lane.y + lane.h, W,
      lane.y + lane.h), '\n')
  end

  -- Axis: ticks and breaks.
  for i, c in ipairs(cl) do
    for _, t in ipairs(ticks(c, xof)) do
      local cls = t[3] and " year" or ""
      add(fmt('<line class="tick%s" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>', cls, t[1], top - 6,
        t[1], plot_bottom), '\n')
      add(fmt('<text class="tick-label%s" x="%.1f" y="%d" text-anchor="middle">%s</text>', cls,
        t[1], top - 12, esc(t[2])), '\n')
    end
    if i < #cl then
      local bx = c.x1 + 4
      add(fmt('<rect class="break" x="%.1f" y="%d" width="%d" height="%d"/>', bx, top - 6,
        BREAK - 8, plot_bottom - top + 6), '\n')
      local yrs = floor((cl[i + 1][1] - c[2]) / (365.25 * DAY) + 0.5)
      add(fmt('<text class="break-label" x="%.1f" y="%d" text-anchor="middle">%s</text>',
        bx + (BREAK - 8) / 2, top - 26, yrs >= 1 and fmt("%d y", yrs) or "…"), '\n')
    end
  end

  -- Events.
  for _, p in ipairs(placed) do
    local it = p.it
    local cy = p.lane.y + 8 + (p.row - 1) * ROW + ROW / 2
    add(fmt('<g class="event %s" data-event-id="%s" data-lane="%s" data-shape="%s" ',
      it.shape, esc(it.id or ""), esc(p.lane.name), it.shape),
      fmt('style="color:%s">', it.colour))
    add('<title>', esc(it.tip), '</title>')
    if it.shape == "day" then
      add(fmt('<circle class="shape" cx="%.1f" cy="%.1f" r="6" fill="%s" stroke="#fff" ' ..
        'stroke-width="1.5"/>', (p.x0 + p.x1) / 2, cy, it.colour))
    elseif it.shape == "period" then
      add(fmt('<rect class="shape" x="%.1f" y="%.1f" width="%.1f" height="12" rx="3" ' ..
        'fill="%s"/>', p.x0, cy - 6, p.x1 - p.x0, it.colour))
    else
      add(fmt('<rect class="shape" x="%.1f" y="%.1f" width="%.1f" height="12" rx="3" ' ..
        'fill="url(#hatch)" stroke="%s" stroke-dasharray="4 2"/>', p.x0, cy - 6, p.x1 - p.x0,
        it.colour))
    end
    if it.open_end then
      add(fmt('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" ' ..
        'marker-end="url(#arrow)"/>', p.x1 - 14, cy, p.x1 + 4, cy, it.colour))
    end
    if it.open_start then
      add(fmt('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" ' ..
        'marker-end="url(#arrow)"/>', p.x0 + 14, cy, p.x0 - 4, cy, it.colour))
    end
    local lx, anchor = p.x1 + 6, "start"
    if p.side == "left" then lx, anchor = p.x0 - 6, "end"
    elseif p.side == "inside" then lx = p.x0 + 6 end
    add(fmt('<text class="label" x="%.1f" y="%.1f" text-anchor="%s"%s>', lx, cy + 4, anchor,
      p.side == "inside" and ' style="paint-order:stroke;stroke:#fff;stroke-width:3px"' or ""),
      esc(p.label), '</text></g>\n')
  end

  -- Now.
  if has_now then
    local x = xof(now)
    add(fmt('<line class="now" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>', x, top - 6, x,
      plot_bottom), '\n')
    add(fmt('<text class="now-label" x="%.1f" y="%d" text-anchor="middle">now %s</text>', x,
      plot_bottom + 14, day(now)), '\n')
  end

  -- Legend: shapes, then colours.
  local lx = 16
  add(fmt('<g class="legend" transform="translate(0,%d)">', legend_y))
  add(fmt('<circle cx="%d" cy="0" r="6" fill="#1d2330"/><text x="%d" y="4">a day</text>',
    lx + 6, lx + 18))
  lx = lx + 80
  add(fmt('<rect x="%d" y="-6" width="34" height="12" rx="3" fill="#1d2330"/>' ..
    '<text x="%d" y="4">a period</text>', lx, lx + 42))
  lx = lx + 120
  add(fmt('<rect x="%d" y="-6" width="34" height="12" rx="3" fill="url(#hatch)" ' ..
    'stroke="#1d2330" stroke-dasharray="4 2" style="color:#1d2330"/>' ..
    '<text x="%d" y="4">uncertain date: earliest to latest</text>', lx, lx + 42))
  lx = lx + 270
  add(fmt('<line x1="%d" y1="0" x2="%d" y2="0" stroke="#1d2330" stroke-width="2" ' ..
    'marker-end="url(#arrow)"/><text x="%d" y="4">open end</text>', lx, lx + 24, lx + 32))
  lx = lx + 110
  add(fmt('<line class="now" x1="%d" y1="-9" x2="%d" y2="9"/><text x="%d" y="4">now</text>',
    lx, lx, lx + 8))
  lx = 16
  for _, s in ipairs(STATUS_LEGEND) do
    add(fmt('<rect x="%d" y="24" width="14" height="14" rx="3" fill="%s"/>' ..
      '<text x="%d" y="35">%s</text>', lx, s[2], lx + 20, esc(s[1])))
    lx = lx + 28 + floor(report.width(s[1]) * 6.8)
  end
  add('</g>\n</svg>\n</body>\n</html>\n')
  return concat(o)
end

return M
