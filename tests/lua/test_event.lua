-- Event objects of the attache module: fields read like a table, the
-- helpers, totable/json/stale, the metamethods, and what a held object
-- shows after a change.  Runs in a fresh empty store (tests/lua/run.sh).
local t = require "tap"
local at = require "attache"

local ev = assert(at.add{
  key = "cdc-2024-policy-meeting", title = "CDC meeting on the 2024-28 policy",
  kind = "meeting", status = "planned", when = "early 2024", where = "Phnom Penh",
  actors = {"KHM", "JPN", "CDC"}, tags = {"economy", "policy"},
  people = {{name = "Sok Chenda Sophea", role = "Minister", actor = "KHM"}},
  source = {title = "news report", url = "https://example.org/a", publisher = "a paper", published = "2023-12-18"},
  notes = "Line one.\nLine \"two\".", recur = "FREQ=YEARLY",
  fields = {budget = 12.5, count = 3, ok = true, nested = {list = {1, 2}}, gone = at.null},
})
local other = assert(at.add{title = "Ministers meet", when = "2023-12-17", kind = "meeting"})

-- Read through the store (the object holds the stored text) and as made.
for _, e in ipairs{ev, at.get(ev.id)} do
  t.is(type(e.id), "number", "id")
  t.is(e.key, "cdc-2024-policy-meeting", "key")
  t.is(e.title, "CDC meeting on the 2024-28 policy", "title")
  t.is(e.kind, "meeting", "kind")
  t.is(e.status, "planned", "status")
  t.is(tostring(e.when), "2024-01~/2024-04~", "when is a date")
  t.is(tostring(e.when:earliest()), "2024-01-01T00:00:00Z", "when:earliest()")
  t.is(e.recur, "FREQ=YEARLY", "recur")
  t.is(e.where, "Phnom Penh", "where")
  t.is(e.notes, "Line one.\nLine \"two\".", "notes with escapes")
  t.is(#e.actors, 3, "actors is an array")
  t.is(e.actors[3], "CDC", "in order")
  t.is(e.tags[2], "policy", "tags")
  t.is(e.people[1].name, "Sok Chenda Sophea", "people")
  t.is(e.people[1].actor, "KHM", "people actor")
  t.is(e.source.publisher, "a paper", "source")
  t.is(tostring(e.source.published), "2023-12-18", "source.published is a date")
  t.is(e.fields.budget, 12.5, "fields: numbers")
  t.is(e.fields.count, 3, "fields: integers")
  t.is(math.type(e.fields.count), "integer", "fields: whole numbers are integers")
  t.is(e.fields.nested.list[2], 2, "fields: nested")
  t.is(e.fields.gone, at.null, "fields: null is at.null")
  t.is(#e.links, 0, "links: empty array")
  t.ok(e.created <= at.now() and e.updated == e.created, "created and updated are instants")
  t.is(e.rev, 1, "rev")
  t.ok(e:has_actor("JPN"), "has_actor")
  t.ok(not e:has_actor("jpn"), "has_actor is exact")
  t.ok(e:has_tag("economy"), "has_tag")
  t.ok(not e:has_tag("defence"), "has_tag: absent")
end
t.is(other.key, nil, "an absent optional field is nil")
t.is(other.source, nil, "absent source")
t.is(other.fields, nil, "absent fields")

-- Unknown fields and writes raise.
t.raises(function() return ev.titel end, "event has no field 'titel'", "a typo raises")
t.raises(function() return ev[1] end, "named by strings", "a number key raises")
t.raises(function() ev.title = "x" end, "events are read%-only; use at.update", "writing raises")
t.raises(function() ev:has_actor() end, "bad argument #1 to 'has_actor'", "has_actor needs a string")

-- totable and json
local tt = ev:totable()
t.is(tt.title, ev.title, "totable: title")
t.is(tt.when, "2024-01~/2024-04~", "totable: when as EDTF text")
t.is(tt.source.published, "2023-12-18", "totable: published as text")
t.is(type(tt.created), "string", "totable: created as RFC 3339")
t.is(getmetatable(tt), nil, "totable: a plain table")
tt.actors[1] = "XXX"
t.is(ev.actors[1], "KHM", "tables are copies")
local copy = assert(at.add((function() local c = ev:totable(); c.key = nil; return c end)()))
t.is(copy.title, ev.title, "totable() can be added back")
t.like(ev:json(), '^{"id":' .. ev.id .. ',"key":"cdc%-2024%-policy%-meeting"', "json()")
t.like(at.get(ev.id):json(), '"rev":1}$', "json() of a read event")
local n = 0
for k, v in pairs(other) do n = n + 1 end
t.ok(n >= 6, "pairs walks the fields")

-- Metamethods
t.is(tostring(ev), "#" .. ev.id .. " 2024-01~/2024-04~ CDC meeting on the 2024-28 policy", "__tostring")
t.is("event " .. other, "event #" .. other.id .. " 2023-12-17 Ministers meet", "__concat")
t.ok(ev == at.get(ev.id), "__eq: same id and revision")
t.ok(ev ~= other, "different events differ")
t.ok(other < ev, "__lt: by date")
t.ok(other <= ev and not (ev <= other), "__le")
local list = {ev, copy, other}
table.sort(list)
t.is(list[1].id, other.id, "table.sort orders by date")
t.is(list[2].id, ev.id, "then by id")

-- A held object keeps the state it was read at.
local held = at.get(ev.id)
t.ok(not held:stale(), "fresh object: not stale")
local new = assert(at.update(ev.id, {status = "confirmed"}))
t.is(held.status, "planned", "a held object still shows what it read")
t.is(held.rev, 1, "and its revision")
t.is(new.rev, 2, "the update returns the new revision")
t.ok(held:stale(), "stale() says the store moved on")
t.ok(held ~= new, "two revisions are not equal")
local r, msg = at.update(held, {status = "held"})
t.is(r, nil, "updating a stale object fails")
t.like(msg, "was changed by someone else meanwhile %(it is at revision 2, this change was made to revision 1%)", "with a conflict message")
r, msg = at.remove(held)
t.is(r, nil, "removing a stale object fails")
t.like(msg, "changed meanwhile", "with a conflict message")
t.ok(at.remove(new), "the current object can be removed")
t.ok(new:stale(), "a removed event is stale")
t.is(new.title, ev.title, "and still readable")

-- The stored text is scanned, not parsed: quotes and backslashes in one
-- member must not hide the next.
local odd = assert(at.add{title = 'ends in a backslash \\', when = "2024", kind = "visit",
                          notes = 'say "kind":"talks", \\"', where = "\\\\",
                          actors = {'a "quoted" one', "b\\"}, tags = {"t"},
                          fields = {kind = "nested", id = 7, title = "inner"}})
local got = at.get(odd.id)
t.is(got.title, 'ends in a backslash \\', "a title that ends in a backslash")
t.is(got.kind, "visit", "and the member after it")
t.is(got.notes, 'say "kind":"talks", \\"', "a member that looks like members")
t.is(got.rev, 1, "and the members after it")
t.is(got.where, "\\\\", "backslashes only")
t.ok(got:has_actor('a "quoted" one') and got:has_actor("b\\") and not got:has_actor("b"), "has_actor with quotes and backslashes")
t.ok(got:has_tag("t"), "has_tag after them")
t.is(got.fields.kind, "nested", "a nested key of the same name is not the member")
t.is(got.id, odd.id, "id")
local bare = assert(at.add{title = "no kind", when = "2024", fields = {kind = "nested"}})
t.is(at.get(bare.id).kind, nil, "an absent member is nil even when a nested object has the key")
at.remove(odd)
at.remove(bare)

return t.done()
