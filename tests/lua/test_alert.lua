-- at.alert: what it returns, how a key fires once and repeat fires again,
-- and how misuse is refused.  Runs under `attache run` in a fresh store
-- (tests/lua/run.sh), where the only output configured is stdout: the
-- alert lines show up among the TAP lines, which TAP readers ignore.  What
-- reaches stdout, the JSON Lines file, the command and the log is checked
-- by tests/cli/alerts.sh.
local t = require "tap"
local at = require "attache"

-- Firing, once per key.
t.is(at.alert{key = "first", title = "First alert"}, true, "a new key fires: true")
t.is(at.alert{key = "first", title = "First alert"}, false, "the same key again: false, not an error")
t.is(at.alert{key = "first", title = "Another title, same key"}, false, "the key alone decides")
t.is(at.alert{key = "first", title = "Asked again", ["repeat"] = true}, true, "repeat = true fires again")
t.is(at.alert{key = "first", title = "And again", ["repeat"] = false}, false, "repeat = false is the default")
t.is(at.alert{title = "No key"}, true, "an alert without a key fires")
t.is(at.alert{title = "No key"}, true, "and fires every time (nothing to remember it by)")

-- Every field.
local ev = assert(at.add{title = "CDC meeting", when = "early 2024", kind = "meeting", status = "planned"})
t.is(at.alert{key = "full", title = "Full alert", body = "Two lines:\nthe second", level = "urgent",
              event = ev, to = {"stdout"}}, true, "title, body, level, event (an event), to (a list)")
t.is(at.alert{key = "by-id", title = "By id", event = ev.id, level = "warn", to = "stdout"}, true,
     "event as an id, to as a string")
t.is(at.alert{key = "info", title = "Info", level = "info"}, true, "level info")

-- Outputs the operator did not configure: refused before anything is
-- logged, so the key is still unspent.
t.raises(function() at.alert{key = "cmd", title = "x", to = "command"} end,
         'alert output "command" is not configured here; the operator turns it on with %-%-alert%-command',
         "to = command without a configured command raises")
t.raises(function() at.alert{key = "cmd", title = "x", to = {"stdout", "file"}} end,
         'alert output "file" is not configured', "to = file without a configured file raises")
t.is(at.alert{key = "cmd", title = "Now on stdout"}, true, "the refused key was not spent")

-- Misuse raises, naming the argument.
local function bad(tbl, pattern, name)
  t.raises(function() at.alert(tbl) end, pattern, name)
end
t.raises(function() at.alert() end, "bad argument #1 to 'alert' %(table expected, got no value%)",
         "no argument")
t.raises(function() at.alert("title") end, "bad argument #1 to 'alert' %(table expected, got string%)",
         "a string instead of a table")
bad({}, "field 'title' is required", "no title")
bad({title = ""}, "field 'title' is required", "an empty title")
bad({title = 5}, "field 'title' must be a string, got number", "a title that is a number")
bad({title = "x", key = ""}, "field 'key' must not be empty", "an empty key")
bad({title = "x", key = {}}, "field 'key' must be a string, got table", "a key that is a table")
bad({title = "x", body = true}, "field 'body' must be a string, got boolean", "a body that is a boolean")
bad({title = "x", level = "loud"}, "field 'level': 'loud' is not a level %(levels: info, warn, urgent%)",
    "an unknown level")
bad({title = "x", colour = "red"}, "unknown field 'colour' %(fields: key, title, body, level, event, to, repeat%)",
    "an unknown field")
bad({title = "x", [1] = "y"}, "unknown field 'number'", "a list item")
bad({title = "x", event = "cdc"}, "field 'event' must be an event or an id", "an event given as a string")
bad({title = "x", event = 0}, "field 'event' must be an event or an id", "event 0")
bad({title = "x", event = 1.5}, "field 'event' must be an event or an id", "a fractional id")
bad({title = "x", to = "pager"}, "field 'to': unknown output 'pager' %(outputs: stdout, file, command%)",
    "an unknown output")
bad({title = "x", to = {}}, "field 'to' is an empty list", "an empty list of outputs")
bad({title = "x", to = 3}, "field 'to' must be an output name or a list of them, got number", "to = 3")
bad({title = "x", ["repeat"] = "yes"}, "field 'repeat' must be true or false, got string", "repeat = 'yes'")

-- Nothing above fired the keys of the refused calls.
t.is(at.alert{key = "colourless", title = "Still fine"}, true, "alerts work after refusals")

-- The error points at the caller's line.
local ok, err = pcall(function() at.alert{key = "c2", title = "x", to = "command"} end)
t.ok(not ok, "pcall catches the refusal")
t.like(err, "test_alert%.lua:%d+:", "with the script and line of the call")

return t.done()
