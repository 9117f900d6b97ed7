-- at.actor: a country or organisation as a person names it, resolved to
-- the code events store, as the command line resolves it
-- (docs/names.md): ISO 3166 names and codes in any case, a value the
-- store already holds, and nil with a did-you-mean for a typo; at.known
-- says the same of kinds and statuses.
local t = require "tap"
local at = require "attache"

local code, err = at.actor("Japan")
if code == nil and tostring(err):find("iso-codes", 1, true) then
  print("1..0 # SKIP " .. err)
  return 0
end

for _, c in ipairs {
  {"Japan", "JPN"}, {"japan", "JPN"}, {"jpn", "JPN"}, {"JP", "JPN"},
  {"Cambodia", "KHM"}, {"KH", "KHM"}, {"Viet Nam", "VNM"}, {"Vietnam", "VNM"},
  {"South Korea", "KOR"}, {"Korea, Republic of", "KOR"}, {"Republic of Korea", "KOR"},
  {"Laos", "LAO"}, {"Russia", "RUS"},
} do
  t.is(at.actor(c[1]), c[2], c[1] .. " is " .. c[2])
end

code, err = at.actor("Japn")
t.is(code, nil, "a typo is no actor")
t.like(err, 'unknown actor "Japn"', "the message names it")
t.like(err, "did you mean JPN %(Japan%)%?", "and suggests Japan")

t.is(select(1, at.actor("UNTAC")), nil, "UNTAC is unknown to an empty store")
at.add {title = "UNTAC election", when = "1993-05", actors = {"UNTAC"}}
t.is(at.actor("UNTAC"), "UNTAC", "known once an event holds it")
code, err = at.actor("UNTAK")
t.like(err, "UNTAC", "a held actor is suggested")

-- near = false: the same answers, and a miss without the search
for _, c in ipairs {{"Japan", "JPN"}, {"jp", "JPN"}, {"Kingdom of Cambodia", "KHM"}, {"UNTAC", "UNTAC"}} do
  t.is(at.actor(c[1], {near = false}), c[2], c[1] .. " is " .. c[2] .. " without the search too")
end
code, err = at.actor("Japn", {near = false})
t.is(code, nil, "near = false: a typo is no actor")
t.is(err, 'unknown actor "Japn"', "near = false: the short message, no suggestion")
t.is(at.actor("Japn", {near = true}) == nil and select(2, at.actor("Japn", {near = true})):find("did you mean") ~= nil,
     true, "near = true: the suggestions")
t.raises(function() at.actor("Japan", {nearest = false}) end, "unknown option", "an unknown option raises")
t.raises(function() at.actor("Japan", {near = "no"}) end, "true or false", "near must be a boolean")
t.raises(function() at.actor("Japan", 5) end, "table expected", "options must be a table")

t.raises(function() at.actor() end, "bad argument #1 to 'actor'", "misuse raises")
t.raises(function() at.actor({}) end, "string expected", "a table is misuse")

-- at.known: a kind or status the store knows, or the nearest known ones
t.is(at.known("kind", "meeting"), true, "a documented kind is known")
t.is(at.known("status", "held"), true, "a documented status is known")
local known, why = at.known("kind", "meting")
t.is(known, nil, "a typo of a kind is not known")
t.like(why, 'kind "meting" is not one this store knows; did you mean "meeting"%?', "the nearest kind is named")
known, why = at.known("status", "helld")
t.like(why, 'did you mean "held"%?', "and the nearest status")
t.is(select(1, at.known("kind", "summit")), nil, "a new word is not known")
at.add {title = "A summit", kind = "summit", when = "2024-05"}
t.is(at.known("kind", "summit"), true, "until an event holds it")
t.like(select(2, at.known("kind", "sumit")), '"summit"', "which is then suggested")
t.raises(function() at.known("colour", "red") end, "invalid option 'colour'", "only kinds and statuses")
t.raises(function() at.known("kind") end, "string expected", "a value is needed")
return t.done()
