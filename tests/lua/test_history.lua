-- The history in Lua (issue 15): reasons given with at.add, at.update,
-- at.remove and at.batch; at.history, ev:at and at.changes; as_of in
-- queries.  Misuse raises, expected failures return nil, message.  Runs
-- in a fresh empty store (tests/lua/run.sh), so every change has about
-- the same transaction time: the times themselves are tested in
-- tests/cli/history_author.sh, on the daemon's simulated clock.
local t = require "tap"
local at = require "attache"

local function last() return at.changes{limit = 1}[1] end

-- reasons
local a = assert(at.add({title = "Talks", when = "2024-03-01", kind = "meeting"}, {reason = "cable 1"}))
t.is(last().reason, "cable 1", "at.add keeps its reason")
t.is(last().op, "add", "as an add")
t.is(last().id, a.id, "of the event")
t.ok(last().author and last().author:find(" via test_history.lua$"), "written by USER via the script")
local b = assert(at.add{title = "Visit", when = "2024-04-01"})
t.is(last().reason, nil, "the reason is not kept for the next write")
local a2 = assert(at.update(a, {status = "confirmed"}, {reason = "confirmed by phone"}))
t.is(last().reason, "confirmed by phone", "at.update keeps its reason")
t.is(last().op, "update", "as an update")
assert(at.update(b.id, {notes = "n"}))
t.is(last().reason, nil, "and forgets it")
t.ok(at.batch(function()
  at.add{title = "One", when = "2024-05-01"}
  at.add{title = "Two", when = "2024-05-02"}
end, {reason = "both"}), "a batch with a reason")
local ch = at.changes{limit = 2}
t.is(ch[1].reason, "both", "each of its changes has it")
t.is(ch[2].reason, "both", "the first too")
t.is(ch[1].batch, ch[2].batch, "and one batch")
t.ok(at.remove(b, {reason = "duplicate"}) == nil, "a stale object is not removed")
t.ok(at.remove(b.id, {reason = "duplicate"}), "by id it is")
t.is(last().reason, "duplicate", "at.remove keeps its reason")
t.is(last().op, "remove", "as a remove")

-- misuse raises; a bad reason is an expected failure
t.raises(function() at.add({title = "x", when = "2024"}, {why = "x"}) end, "unknown option",
         "an unknown option of add raises")
t.raises(function() at.add({title = "x", when = "2024"}, {reason = 5}) end, "takes a string",
         "a reason that is not a string raises")
t.raises(function() at.update(a2, {notes = "x"}, "reason") end, "table expected",
         "options that are not a table raise")
t.raises(function() at.remove(a2, {reason = "x", forse = true}) end, "unknown option forse",
         "remove names its options")
local n0 = at.count{}
local ok, err = at.add({title = "x", when = "2024"}, {reason = "two\nlines"})
t.is(ok, nil, "a reason of two lines: nil")
t.like(err, "control character", "and a message")
ok, err = at.update(a2, {notes = "x"}, {reason = ("x"):rep(501)})
t.is(ok, nil, "a reason of 501 bytes: nil")
t.like(err, "at most 500", "and a message")
t.is(at.count{}, n0, "nothing was written")

-- at.history and ev:at
local h = assert(at.history(a.id))
t.is(#h, 2, "two versions")
t.is(h[1].rev, 1, "oldest first")
t.is(h[1].op, "add", "the add")
t.is(h[2].op, "update", "then the update")
t.is(h[1].event.status, nil, "each with the event as it was")
t.is(h[2].event.status, "confirmed", "and as it became")
t.is(h[1].reason, "cable 1", "and the reason")
t.ok(h[1].seq < h[2].seq, "changes are numbered in order")
t.ok(tostring(h[1].tx):match("^%d%d%d%d%-"), "tx is a time")
local hb = assert(at.history(b.id))
t.is(hb[#hb].op, "remove", "a removed event's history ends with its removal")
t.is(hb[#hb].event, nil, "without an event")
t.is(#assert(at.history(a2)), 2, "history takes an event object")
ok, err = at.history(9999)
t.is(ok, nil, "an id never used: nil")
t.like(err, "9999", "naming it")
ok, err = at.history("no-such-key")
t.is(ok, nil, "an unknown key: nil")
t.raises(function() at.history({}) end, "id, key or event expected", "a table raises")
t.raises(function() at.history(0) end, "whole number from 1", "id 0 raises")

t.is(a2:at(1).status, nil, "ev:at(1): the first revision")
t.is(a2:at(1).rev, 1, "its rev")
t.is(a2:at(2).status, "confirmed", "ev:at(2)")
ok, err = a2:at(7)
t.is(ok, nil, "a revision never written: nil")
t.ok(err ~= nil, "with a message")
t.raises(function() a2:at("x") end, "revision", "a revision that is not a number raises")

-- at.changes
local all = at.changes{}
t.ok(#all >= 7, "every change")
t.ok(all[1].seq > all[#all].seq, "newest first")
local up = at.changes{id = a.id}
t.is(#up, 2, "changes of one event")
t.is(up[1].before.status, nil, "before the update")
t.is(up[1].after.status, "confirmed", "after it")
t.is(up[2].before, nil, "an add has no before")
local rm = at.changes{id = b.id, limit = 1}[1]
t.is(rm.after, nil, "a remove has no after")
t.is(rm.before.title, "Visit", "its before is the removed event")
t.is(#at.changes{since = "2999-01-01"}, 0, "since the future: none")
t.is(#at.changes{to = "2000-01-01"}, 0, "to the past: none")
t.is(#at.changes{author = "nobody"}, 0, "by nobody: none")
t.is(#at.changes{author = last().author}, #all, "by the script: all")
t.is(#at.changes{since = "7d"}, #all, "since 7d: all")
t.raises(function() at.changes{sinse = "7d"} end, "unknown option 'sinse'", "unknown option")
t.raises(function() at.changes{limit = -1} end, "limit", "a negative limit")
t.raises(function() at.changes{since = true} end, "since", "a date of the wrong type")
t.raises(function() at.changes("x") end, "table expected", "a string")

-- as_of in queries
t.is(at.count{as_of = "2000-01-01"}, 0, "as of 2000: nothing")
t.is(#at.query{as_of = "2000-01-01"}, 0, "at.query too")
local nn = 0
for _ in at.each{as_of = "2000-01-01"} do nn = nn + 1 end
t.is(nn, 0, "and at.each")
t.is(at.count{as_of = "2999-01-01"}, at.count{}, "as of the future: the present")
t.is(at.count{}, n0, "and the present is read as before")
t.raises(function() at.query{as_of = true} end, "as_of", "a boolean as_of raises")
t.raises(function() at.query{as_of = "not a date"} end, "as_of", "an unreadable one too")
t.done()
