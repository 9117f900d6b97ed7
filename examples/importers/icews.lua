-- Import ICEWS coded events (the tab-separated files of the Integrated
-- Crisis Early Warning System, with a header row) into the store:
--
--   attache run --read DATA_DIR --read /usr/share/iso-codes \
--     examples/importers/icews.lua DATA_DIR/icews-2018-sample.tab [--all]
--
-- Each row is one event, keyed icews-EVENTID: importing the same file
-- again adds nothing.  CAMEO codes become kinds and statuses (importer.lua);
-- the country names of the source and the target become ISO 3166 alpha-3
-- codes; the publisher is kept as the provenance; the code, its Goldstein
-- score and the ICEWS actors are kept in `fields`.  docs/importers.md.
local at = require "attache"
local importer = require "importer"

local opt = importer.args("examples/importers/icews.lua", arg)
local iso = importer.iso(opt.iso)
local goldstein = importer.goldstein(opt.goldstein, opt.goldstein_given)

-- ICEWS names that are not a name of iso-codes.
local ALIASES = {
  ["north korea"] = "PRK", ["south korea"] = "KOR", ["laos"] = "LAO",
  ["occupied palestinian territory"] = "PSE", ["swaziland"] = "SWZ",
  ["democratic republic of congo"] = "COD", ["congo"] = "COG",
  ["the former yugoslav republic of macedonia"] = "MKD", ["macedonia"] = "MKD",
  ["cote d'ivoire"] = "CIV", ["ivory coast"] = "CIV", ["hong kong"] = "HKG",
  ["czech republic"] = "CZE", ["vietnam"] = "VNM", ["russia"] = "RUS",
  ["cape verde"] = "CPV", ["burma"] = "MMR", ["east timor"] = "TLS",
  ["holy see"] = "VAT", ["vatican city"] = "VAT", ["turkey"] = "TUR", ["syria"] = "SYR",
  ["kosovo"] = "XKX", -- a user-assigned code, used by the EU and the IMF
}

local imp = importer.new(opt.file, opt.show)

local function value(s)
  if s == nil or s == "" or s == "NA" then return nil end
  return s
end

-- A country name as ISO alpha-3; an unknown name is kept as it is (and
-- noted).
local function country(name, actors, seen)
  name = value(name)
  if not name then return end
  local code = iso.byname[name:lower()] or ALIASES[name:lower()]
  if not code then
    imp:note("country names with no ISO 3166 code, kept as written", name)
    code = name
  end
  if not seen[code] then
    seen[code] = true
    actors[#actors + 1] = code
  end
end

local function event(row, line)
  local code = row["CAMEO Code"]
  local map = importer.CAMEO[code]
  if not map and not opt.all then
    return imp:skip(line, ("CAMEO code not tracked (only %s; --all keeps the others as kind " ..
                           "\"other\")"):format(importer.TRACKED), code)
  end
  local date = row["Event Date"]
  if not (date and date:match("^%d%d%d%d%-%d%d%-%d%d$")) then
    return imp:skip(line, "no event date (YYYY-MM-DD)", date)
  end
  local id = value(row["Event ID"])
  if not id then return imp:skip(line, "no event id") end
  local src, tgt = value(row["Source Name"]) or "unnamed actor", value(row["Target Name"]) or "unnamed actor"
  local title
  if map then title = map.verb:format(src, tgt)
  else title = ("%s: %s (%s)"):format(src, value(row["Event Text"]) or ("CAMEO " .. code), tgt) end
  local actors, seen = {}, {}
  country(row["Source Country"], actors, seen)
  country(row["Target Country"], actors, seen)
  local place = {}
  for _, k in ipairs{"City", "Province", "Country"} do
    local v = value(row[k])
    if v and v ~= place[#place] then place[#place + 1] = v end
  end
  imp:put(line, {
    key = "icews-" .. id,
    title = title,
    kind = map and map.kind or "other",
    status = map and map.status or nil,
    when = date,
    where = #place > 0 and table.concat(place, ", ") or nil,
    actors = actors,
    source = {publisher = value(row.Publisher), published = date,
              title = value(row["Story ID"]) and ("ICEWS story " .. row["Story ID"]) or nil},
    fields = {
      dataset = "icews",
      cameo = code,
      cameo_text = value(row["Event Text"]),
      goldstein = goldstein[code],
      intensity = tonumber(value(row.Intensity)),
      source_actor = value(row["Source Name"]),
      source_sectors = value(row["Source Sectors"]),
      target_actor = value(row["Target Name"]),
      target_sectors = value(row["Target Sectors"]),
      story_id = value(row["Story ID"]),
      sentence = tonumber(value(row["Sentence Number"])),
      latitude = tonumber(value(row.Latitude)),
      longitude = tonumber(value(row.Longitude)),
    },
  })
end

imp:run(function()
  for row, line in at.csv.rows(opt.file, {sep = "\t"}) do
    if imp.read == 0 then
      importer.need_columns(opt.file, row, {"Event ID", "Event Date", "CAMEO Code", "Source Country",
                                            "Target Country"},
                            "an ICEWS file starts with its header row (Event ID, Event Date, Source Name, ...)")
    end
    imp.read = imp.read + 1
    event(row, line)
  end
end)
