-- Import a GDELT 2.0 event export (the 15-minute files YYYYMMDDHHMMSS.export.CSV:
-- 61 tab-separated columns, no header) into the store:
--
--   attache run --read DATA_DIR --read /usr/share/iso-codes \
--     examples/importers/gdelt.lua DATA_DIR/gdelt2-20191024143000.export.csv [--all]
--
-- Each row is one event, keyed gdelt-GLOBALEVENTID: importing the same
-- file again adds nothing.  CAMEO codes become kinds and statuses
-- (importer.lua); the actors' CAMEO country codes become ISO 3166 alpha-3
-- codes when they are countries (regions such as AFR or EUR are kept in
-- `fields` only); the article's URL and site are the provenance; the
-- codes, Goldstein score, tone and counts are kept in `fields`.
-- docs/importers.md.
local at = require "attache"
local importer = require "importer"

-- The columns of a GDELT 2.0 event export, in order (GDELT Event Codebook V2.0).
local COLUMNS = {
  "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
  "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
  "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
  "Actor1Type3Code",
  "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
  "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
  "Actor2Type3Code",
  "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
  "NumMentions", "NumSources", "NumArticles", "AvgTone",
  "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
  "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
  "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
  "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
  "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
  "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
  "DATEADDED", "SOURCEURL",
}

-- CAMEO country codes that differ from ISO 3166 alpha-3.
local CAMEO_COUNTRY = {ROM = "ROU", TMP = "TLS", ZAR = "COD", KSV = "XKX", KOS = "XKX"}

local opt = importer.args("examples/importers/gdelt.lua", arg)
local iso = importer.iso(opt.iso)
local imp = importer.new(opt.file, opt.show)

local function value(s)
  if s == nil or s == "" then return nil end
  return s
end

-- The actor's CAMEO country code as ISO alpha-3, or nil (a region, or
-- none given).
local function country(code)
  code = value(code)
  if not code then return nil end
  code = CAMEO_COUNTRY[code] or code
  if iso.alpha3[code] then return code end
  imp:note("CAMEO country codes that are not countries (kept in fields only)", code)
  return nil
end

-- "20191024" -> "2019-10-24"
local function ymd(s)
  local y, m, d = (s or ""):match("^(%d%d%d%d)(%d%d)(%d%d)")
  return y and ("%s-%s-%s"):format(y, m, d) or nil
end

local function event(row, line)
  local code = row.EventCode
  local map = importer.CAMEO[code]
  if not map and not opt.all then
    return imp:skip(line, ("CAMEO code not tracked (only %s; --all keeps the others as kind " ..
                           "\"other\")"):format(importer.TRACKED), code)
  end
  local date = ymd(row.SQLDATE)
  if not date then return imp:skip(line, "no event date (SQLDATE YYYYMMDD)", row.SQLDATE) end
  if not value(row.Actor1Code) and not value(row.Actor2Code) then
    return imp:skip(line, "no actor (neither Actor1Code nor Actor2Code)")
  end
  local id = value(row.GLOBALEVENTID)
  if not id or not id:match("^%d+$") then return imp:skip(line, "no GLOBALEVENTID", id) end
  local a1 = value(row.Actor1Name) or value(row.Actor1Code) or "unnamed actor"
  local a2 = value(row.Actor2Name) or value(row.Actor2Code) or "unnamed actor"
  local title
  if map then title = map.verb:format(a1, a2)
  else title = ("%s to %s: CAMEO %s"):format(a1, a2, code) end
  local actors = {}
  for _, c in ipairs{country(row.Actor1CountryCode), country(row.Actor2CountryCode)} do
    if c ~= actors[1] then actors[#actors + 1] = c end
  end
  local url = value(row.SOURCEURL)
  imp:put(line, {
    key = "gdelt-" .. id,
    title = title,
    kind = map and map.kind or "other",
    status = map and map.status or nil,
    when = date,
    where = value(row.ActionGeo_FullName),
    actors = actors,
    source = {url = url, publisher = url and url:match("^%a[%w+.-]*://([^/?#]+)") or nil,
              published = ymd(row.DATEADDED)},
    fields = {
      dataset = "gdelt",
      cameo = code,
      cameo_base = value(row.EventBaseCode),
      cameo_root = value(row.EventRootCode),
      quad_class = tonumber(row.QuadClass),
      goldstein = tonumber(row.GoldsteinScale),
      avg_tone = tonumber(row.AvgTone),
      num_mentions = tonumber(row.NumMentions),
      num_sources = tonumber(row.NumSources),
      num_articles = tonumber(row.NumArticles),
      is_root_event = row.IsRootEvent == "1",
      actor1_code = value(row.Actor1Code),
      actor1_name = value(row.Actor1Name),
      actor1_country = value(row.Actor1CountryCode),
      actor2_code = value(row.Actor2Code),
      actor2_name = value(row.Actor2Name),
      actor2_country = value(row.Actor2CountryCode),
      action_geo_country_fips = value(row.ActionGeo_CountryCode),
      latitude = tonumber(row.ActionGeo_Lat),
      longitude = tonumber(row.ActionGeo_Long),
      date_added = value(row.DATEADDED),
    },
  })
end

imp:run(function()
  for row, line in at.csv.rows(opt.file, {sep = "\t", header = COLUMNS}) do
    imp.read = imp.read + 1
    event(row, line)
  end
end)
