-- at.extract (issue 18, scripts/extract.lua): sentences cut where a full
-- stop ends one and not after titles and initials; kinds from the words
-- of the rules; dates read against the publication date; status from the
-- date and the words around the trigger; actors from country names,
-- adjectives and short codes; spans in characters that give back the
-- words; the seed article's events.
local t = require "tap"
local at = require "attache"

local function find(list, kind, when)
  for _, ev in ipairs(list) do
    if ev.kind == kind and (when == nil or ev.when == when) then return ev end
  end
end
local function has(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end
-- The characters [a, b) of text (offsets from 0).
local function chars(text, span)
  local a = utf8.offset(text, span[1] + 1)
  local b = utf8.offset(text, span[2] + 1)
  return text:sub(a, b - 1)
end

-- Titles and initials do not end a sentence; the header gives the date.
local text = [[
URL: https://www.mofa.go.jp/example.html
Published: 2024-03-01

Japanese Prime Minister Kishida met Cambodian Prime Minister Hun Manet
H.E. Mr. Kishida met Prime Minister Hun Manet of Cambodia in Tokyo on February 28. Dr. A. B. Smith, No. 2 at the embassy, took notes. Mr. Kishida will visit Cambodia next week.
]]
local list = at.extract(text)
local m = find(list, "meeting")
t.ok(m ~= nil, "a meeting")
t.is(m and m.when, "2024-02-28", "dated by 'on February 28' in the publication's year")
t.is(m and m.status, "held", "held: its date is before the publication")
t.ok(m and has(m.actors, "JPN") and has(m.actors, "KHM"), "the publisher's country (mofa.go.jp) and Cambodia")
t.is(m and m.where, "Tokyo", "in Tokyo")
t.like(m and m.evidence.sentence or "", "^H%.E%. Mr%. Kishida met .* February 28%.$", "one sentence, titles kept in it")
t.is(m and chars(text, m.evidence.verb.span), "met", "the verb's span")
t.is(m and chars(text, m.evidence.date.span), "February 28", "the date's span")
t.is(m and m.source.title, "Japanese Prime Minister Kishida met Cambodian Prime Minister Hun Manet",
     "the headline names the source, and proposes nothing itself")
local count = 0
for _, ev in ipairs(list) do if ev.kind == "meeting" then count = count + 1 end end
t.is(count, 1, "the headline's meeting is not proposed again")
local v = find(list, "visit")
t.is(v and v.when, "2024-03-04/2024-03-10", "'next week' from Friday 1 March 2024")
t.is(v and v.status, "planned", "'will visit': planned")
t.is(v and v.source.url, "https://www.mofa.go.jp/example.html", "the source's URL")

-- Unicode: spans count characters, not bytes.
text = "Samdech Techo ហ៊ុន សែន and Japan’s Foreign Minister signed an agreement in Phnom Penh on 12 May 2023."
list = at.extract(text, {published = "2023-05-13"})
local a = find(list, "agreement")
t.is(a and a.status, "signed", "signed")
t.is(a and a.when, "2023-05-12", "on 12 May 2023")
t.is(a and chars(text, a.evidence.date.span), "12 May 2023", "a date's span after Khmer script and a curly quote")
t.is(a and chars(text, a.evidence.span), text:sub(1, -1), "the sentence's span")
t.is(a and a.where, "Phnom Penh", "in Phnom Penh")

-- "the two countries" are the text's main actors; an agreement agreed
-- is endorsed; "last April" is the April before.
text = [[Published: 2018-09-12

Foreign Minister Kono of Japan thanked Cambodia for the reception during his visit last April. The two countries agreed on a new agreement on trade.]]
list = at.extract(text)
v = find(list, "visit")
t.is(v and v.when, "2018-04", "'last April' from September 2018")
t.is(v and v.status, "held", "a visit last April: held")
a = find(list, "agreement")
t.is(a and a.status, "endorsed", "agreed, not signed: endorsed")
t.ok(a and has(a.actors, "JPN") and has(a.actors, "KHM"), "'the two countries': Japan and Cambodia")

-- Short words are not countries ("In" is not India).
list = at.extract("Published: 2020-01-10\n\nIn the talks held in Tokyo on January 9, US and UK officials met.")
local tk = find(list, "talks")
t.ok(tk and not has(tk.actors, "IND"), "'In' is not India")
t.ok(tk and has(tk.actors, "USA") and has(tk.actors, "GBR"), "US and UK")

-- Mentions: "this meeting" dates the upcoming meeting before it; "the
-- agreement" is the one signed before, not a new one.
list = at.extract([[Published: 2023-12-18

Both ministers anticipate an upcoming meeting between Cambodia and Japan. This meeting, to be held in Phnom Penh in early 2024, will review the programme. Japan and Cambodia signed an agreement on 1 December 2023. Under the agreement, Japan will build a bridge later this year.]])
local meetings, agreements = {}, {}
for _, ev in ipairs(list) do
  if ev.kind == "meeting" then meetings[#meetings + 1] = ev end
  if ev.kind == "agreement" then agreements[#agreements + 1] = ev end
end
t.is(#meetings, 1, "an upcoming meeting and 'this meeting': one meeting")
t.is(meetings[1] and meetings[1].when, "2024-01~/2024-04~", "dated by the mention's 'early 2024'")
t.is(meetings[1] and meetings[1].evidence.also and #meetings[1].evidence.also, 1, "the mention's sentence in its evidence")
t.is(#agreements, 1, "'the agreement' is the one signed before")
t.is(agreements[1] and agreements[1].when, "2023-12-01", "its date stays the signature's")

-- A standing is no event; a meeting does not last years; a policy for
-- years that include the publication is in force.
list = at.extract([[Published: 2022-08-04

The UK became a Dialogue Partner of ASEAN in 2021. During the first UK-ASEAN ministerial meeting, the ministers adopted a Plan of Action for 2022 to 2026.]])
t.ok(not find(list, "talks"), "a Dialogue Partner is no talks")
m = find(list, "meeting")
t.ok(m and m.when == nil, "the meeting does not take the plan's years")
local pol = find(list, "policy")
t.is(pol and pol.when, "2022/2026", "the plan's years")
t.is(pol and pol.status, "in-force", "a plan for years that include the publication: in force")

-- A date parted from a trigger by "and" is another's; a message is dated
-- next to it or not at all; a note in parentheses proposes nothing.
list = at.extract([[Published: 2022-05-11

She voiced concerns about restrictions on civil society ahead of the June 2022 commune elections and 2023 national elections. The Prime Minister thanked Japan for the congratulatory message and looks forward to the summit in Tokyo next month.
(This is a provisional translation. The above date denotes the date of the original press release.)]])
local el = {}
for _, ev in ipairs(list) do if ev.kind == "election" then el[#el + 1] = ev.when end end
table.sort(el)
t.is(table.concat(el, " "), "2022-06 2023", "two elections, each with its own date")
local msg = find(list, "statement")
t.ok(msg and msg.when == nil, "the message does not take the summit's date")
local summit = find(list, "meeting")
t.is(summit and summit.when, "2022-06", "the summit next month")
t.is(summit and summit.status, "planned", "planned")
local n = 0
for _, ev in ipairs(list) do if ev.kind == "statement" then n = n + 1 end end
t.is(n, 1, "the note in parentheses proposes no statement")

-- A role held for a year; a past date parted from a trigger the words
-- place ahead is not its date.
list = at.extract([[Published: 2022-08-04

The Secretary met Prime Minister Hun Sen of Cambodia today and discussed Cambodia's ASEAN Chair year. Recalling the meeting in July, the Minister said that he will have a thorough discussion with his counterpart.]])
local role = find(list, "other")
t.is(role and role.when, "2022", "a chair year: the year")
t.is(role and role.status, "in-force", "held now: in force")
local talk = find(list, "talks")
t.ok(talk and talk.when == nil, "'in July' is not the planned discussion's date")
t.is(talk and talk.status, "planned", "'will have a thorough discussion': planned")

-- Duplicates: a proposal matching a stored event (kind, overlapping
-- dates, an actor) is known; a more precise date is offered as an update.
local early = assert(at.add{title = "CDC meeting", kind = "meeting", status = "planned", when = "early 2024",
                            actors = {"KHM", "JPN"}})
local exact = assert(at.add{title = "Ministers meet", kind = "meeting", status = "held", when = "2023-12-17",
                            actors = {"KHM", "JPN"}})
assert(at.add{title = "Other meeting", kind = "meeting", when = "2024-02", actors = {"THA"}})
list = at.extract([[Published: 2023-12-18

The ministers of Cambodia and Japan met on December 17. Cambodia and Japan will hold a meeting in Phnom Penh on 15 February 2024. Cambodia and Japan will hold talks in Tokyo on 20 February 2024.]])
local held, planned
for _, ev in ipairs(list) do
  if ev.kind == "meeting" and ev.status == "held" then held = ev end
  if ev.kind == "meeting" and ev.status == "planned" then planned = ev end
end
t.is(held and held.known and held.known.id, exact.id, "the ministers' meeting is known")
t.ok(held and held.update == nil, "the same date: nothing to update")
t.is(planned and planned.known and planned.known.id, early.id, "the February meeting is the early-2024 one")
t.is(planned and planned.update and planned.update.when, "2024-02-15", "the text's day offered as an update")
tk = find(list, "talks")
t.ok(tk and tk.known == nil, "talks: no stored talks, not known")
list = at.extract("Published: 2023-12-18\n\nThe ministers of Cambodia and Japan met on December 17.", {known = false})
t.ok(list[1] and list[1].known == nil, "known = false: the store is not asked")

-- Unicode spaces at a sentence's ends are not part of it (no-break U+00A0,
-- thin U+2009, ideographic U+3000).
list = at.extract("Published: 2023-12-18\n\n\u{3000}Japan and Cambodia met on December 17.\u{A0}\n" ..
                  "\u{2009}Japan and Cambodia held talks on December 16.\u{2009}\u{A0} \n", {known = false})
t.is(list[1] and list[1].evidence.sentence, "Japan and Cambodia met on December 17.", "no-break and ideographic spaces trimmed")
t.is(list[2] and list[2].evidence.sentence, "Japan and Cambodia held talks on December 16.", "thin spaces trimmed")

-- Hyphenated pairs name both countries; "agreed to hold" and a date from
-- the publication on ("later this year") make an event planned.
list = at.extract("Published: 2024-03-12\n\nThe ministers agreed to hold the next Japan-Cambodia talks " ..
                  "in Phnom Penh. The ASEAN-Japan summit takes place later this year. " ..
                  "The UK-ASEAN Dialogue Partnership began in 1977.", {known = false})
tk = find(list, "talks")
t.ok(tk and has(tk.actors, "JPN") and has(tk.actors, "KHM"), "Japan-Cambodia: both countries")
t.is(tk and tk.status, "planned", "agreed to hold: planned")
m = find(list, "meeting")
t.ok(m and has(m.actors, "JPN") and has(m.actors, "ASEAN"), "ASEAN-Japan: the organisation and the country")
t.is(m and m.when, "2024-03-12/2024-12-31", "later this year: from the publication to the year's end")
t.is(m and m.status, "planned", "a date from the publication on: planned")

-- Events of kind other: each set of words is its own event (a government
-- formed and training offered are not one), with a date only close by;
-- violence that is ended or prevented is no event.
list = at.extract("Published: 2023-09-01\n\nCambodia's new government was formed on 22 August 2023, and " ..
                  "Prime Minister Hun Manet said he would visit Japan next month. Japan is offering training " ..
                  "for Cambodian officials. The ministers called for an immediate cessation of violence and " ..
                  "urged all sides to end violence. The violence that occurred near the border on 12 August " ..
                  "was condemned.", {known = false})
local others = {}
for _, ev in ipairs(list) do if ev.kind == "other" then others[ev.evidence.verb.text] = ev end end
t.is(others["was formed"] and others["was formed"].when, "2023-08-22", "a government formed, on its date")
t.is(others["was formed"] and others["was formed"].status, "held", "formed: held")
t.is(others.training and others.training.status, "planned", "training offered: planned, an event of its own")
t.is(others.training and others.training.when, nil, "the training has no date (next month is the visit's)")
t.is(others.violence and others.violence.when, "2023-08-12", "violence that occurred: an event, on its date")
local nviolence = 0
for _, ev in ipairs(list) do
  if ev.kind == "other" and ev.evidence.verb.text == "violence" then nviolence = nviolence + 1 end
end
t.is(nviolence, 1, "'cessation of violence', 'end violence': no events")

-- A year as an organisation's chair: in force for that year.
list = at.extract("Published: 2026-03-02\n\nThe ministers discussed support for the Philippines' year as " ..
                  "ASEAN Chair.", {known = false})
local chair = find(list, "other")
t.is(chair and chair.when, "2026", "a year as chair: the publication's year")
t.is(chair and chair.status, "in-force", "in force")
t.ok(chair and has(chair.actors, "PHL") and has(chair.actors, "ASEAN"), "the country and the organisation")

-- Possessives, with a straight apostrophe: the name without it.
list = at.extract("Published: 2024-06-10\n\nJapan's Foreign Minister met Cambodia's Prime Minister on June 7.",
                  {known = false})
m = find(list, "meeting")
t.ok(m and has(m.actors, "JPN") and has(m.actors, "KHM"), "Japan's, Cambodia's: both countries")

-- Places beyond the region's capitals: where the UN meets, other capitals.
list = at.extract("Published: 2024-09-30\n\nThe foreign ministers of Japan and Cambodia met in New York on " ..
                  "September 25. They held talks in Geneva on 1 July 2024.", {known = false})
t.is(find(list, "meeting") and find(list, "meeting").where, "New York", "in New York")
t.is(find(list, "talks") and find(list, "talks").where, "Geneva", "in Geneva")

-- Calls by their other names, notes exchanged, a communique.
list = at.extract("Published: 2024-06-10\n\nOn June 7, Japan's Foreign Minister held a telephone conversation " ..
                  "with the Foreign Minister of Cambodia. On June 5, the Government of Japan and the Government " ..
                  "of Cambodia exchanged notes concerning grant aid. The two leaders spoke by phone on 3 June. " ..
                  "Japan and ASEAN issued a joint communique on 2 June 2024. The ministers will hold a video " ..
                  "conference on 20 June.", {known = false})
t.ok(find(list, "call", "2024-06-07"), "a telephone conversation: a call")
t.is(find(list, "agreement", "2024-06-05") and find(list, "agreement", "2024-06-05").status, "signed",
     "notes exchanged: an agreement signed")
t.ok(find(list, "call", "2024-06-03"), "spoke by phone: a call")
t.ok(find(list, "statement", "2024-06-02"), "a communique: a statement")
t.is(find(list, "call", "2024-06-20") and find(list, "call", "2024-06-20").status, "planned",
     "a video conference ahead: a planned call")

-- A trigger may name its events; unless_before keeps words out.
list = at.extract("Published: 2024-03-12\n\nJapan and Cambodia co-chaired the Joint Committee on 11 March. " ..
                  "The Prime Minister said no Joint Committee was planned for May.",
                  {known = false, rules = {triggers = {
                    {kind = "meeting", pat = "%f[%a]joint committee%f[%A]", title = "Japan-Cambodia Joint Committee",
                     unless_before = {"%f[%a]no%s*$"}}}}})
t.is(#list, 1, "one proposal: 'no Joint Committee' is kept out")
t.is(list[1] and list[1].title, "Japan-Cambodia Joint Committee", "the trigger's title")
t.is(list[1] and list[1].when, "2024-03-11", "on its date")

-- A sentence is searched with a trigger's pattern only when it holds the
-- pattern's plain words (attache.extract's literal): those every match
-- holds, and no more.
local literal = require("attache.extract").literal
t.is(literal("%f[%a]telephone talks?%f[%A]"), "telephone talk", "an optional last letter is left out")
t.is(literal("%f[%a]co%-chaired%f[%A]"), "co-chaired", "an escaped character stands for itself")
t.is(literal("%f[%a]open%a* an? [%a%s%(%)]-office%f[%A]"), "office", "classes and sets part the runs")
t.is(literal("%f[%a]host%a*%f[%A]"), "host", "a class with a quantifier")
t.is(literal("^ [Pp]artner"), "artner", "an anchor and a set")
t.is(literal("%f[%a]ministers'? meeting%f[%A]"), "ministers", "the longest run")
t.is(literal("%b()x"), "x", "a balance")
t.is(literal("[%]]+"), "", "a set with a bracket in it: none")
local n_lit = 0
for _, tr in ipairs(require("attache.extract.rules").triggers) do
  local lit = literal(tr.pat)
  if lit ~= "" and tr.pat:gsub("%%(%p)", "%1"):find(lit, 1, true) then n_lit = n_lit + 1 end
end
t.is(n_lit, #require("attache.extract.rules").triggers, "every shipped trigger has plain words, found in its pattern")

-- A script's own rules replace the shipped tables it names.
list = at.extract("Published: 2020-01-10\n\nJapan and Cambodia held talks in Siem Reap on January 9.",
                  {rules = {places = {["Siem Reap"] = "KHM"}}})
tk = find(list, "talks")
t.is(tk and tk.where, "Siem Reap", "a place from the script's rules")
t.ok(tk and has(tk.actors, "JPN"), "the other tables stay the shipped ones")
list = at.extract("Published: 2020-01-10\n\nJapan and Cambodia held talks in Tokyo on January 9.", {home = "USA"})
t.is(list[1] and list[1].actors[1], "USA", "home: the publisher's actor first")
t.raises(function() at.extract("x", {rules = 5}) end, "rules: table expected", "rules that are not a table")
-- Rules of the wrong shape are named, part by part, before any matching.
local shipped = require "attache.extract.rules"
t.ok(pcall(at.extract, "Japan and Cambodia met on 1 May 2024.", {rules = shipped, published = "2024-05-02"}),
     "the shipped rules pass the check")
for _, c in ipairs{
  {{triggers = {{kind = "meeting", pat = "%f[%a"}}}, "rules.triggers%[1%]%.pat: malformed pattern", "a malformed pattern"},
  {{triggers = {{kind = "meeting"}}}, "rules.triggers%[1%]%.pat: a pattern %(string%) expected, got nil", "no pattern"},
  {{triggers = {{pat = "summit"}}}, "rules.triggers%[1%]%.kind: a kind", "no kind"},
  {{triggers = {{kind = "Big Summit", pat = "summit"}}}, "rules.triggers%[1%]%.kind: a kind", "a kind that is no word"},
  {{triggers = {{kind = "meeting", pat = "x", colour = "red"}}}, "unknown field colour", "an unknown field"},
  {{triggers = {{kind = "meeting", pat = "x", reach = "far"}}}, "rules.triggers%[1%]%.reach: a number expected", "a field's type"},
  {{triggers = {{kind = "meeting", pat = "x", unless_before = {"("}}}}, "unless_before%[1%]: unfinished capture", "unless_before"},
  {{triggers = {{kind = "meeting", pat = "x", date = "before"}}}, "%.date: only \"after\"", "date"},
  {{trigers = {}}, "unknown table trigers %(the tables are abbreviations, ", "a misspelt table"},
  {{places = 5}, "rules.places: a table of names expected, got number", "a map that is not a table"},
  {{places = {["Siem Reap"] = 7}}, "rules.places: Siem Reap = 7: a name = a name expected", "a map's value"},
  {{planned = {"will", 3}}, "rules.planned%[2%]: a pattern %(string%) expected, got number", "a list's item"},
  {{long_days = "a year"}, "rules.long_days: a number expected", "a number"},
} do
  t.raises(function() at.extract("Japan and Cambodia met.", {rules = c[1]}) end, c[2], "bad rules: " .. c[3])
end

-- Nothing to propose; misuse raises.
t.is(#at.extract("The weather was fine."), 0, "a text without events: none")
t.raises(function() at.extract(42) end, "string expected", "a text that is not a string")
t.raises(function() at.extract("x", {published = "someday soon"}) end, "published", "a publication date that cannot be read")

-- (The seed article and the development set: tests/cli/extract.sh.)
t.done()
