-- The rules of attache.extract (issue 18), kept as data: which words make
-- an event of which kind, which words say it is planned, which name a
-- country or an organisation.  A desk overrides them by passing its own
-- tables to at.extract (opts.rules), or by copying this file.
--
-- Patterns are Lua patterns matched against a lower-cased sentence, with
-- %f frontier anchors so that "visit" does not match "revisit".
local R = {}

-- Triggers, tried in order; the first that matches a part of a sentence
-- makes one event there (a sentence may hold several, of different kinds).
-- status: what the trigger says by itself (nil: from tense and date);
-- date = "after": the date is the first one after the words ("a policy
-- for the 2024-28 period"), when there is one; unless: a pattern the
-- words that follow must not match ("Dialogue Partner" is a standing,
-- "the meeting of the Consultation" is the consultation's); default =
-- "year": the year of its date, or of the publication (a chairmanship
-- is held for a year); reach: how
-- far (bytes) its date may be (a message is dated next to it, not by the
-- summit the sentence goes on to name); case = true:
-- the pattern is matched against the sentence as written (a named
-- "Dialogue", not dialogue in general).
R.triggers = {
  {kind = "call", pat = "%f[%a]telephone talks?%f[%A]"},
  {kind = "call", pat = "%f[%a]phone call%f[%A]"},
  {kind = "call", pat = "%f[%a]spoke by telephone%f[%A]"},
  {kind = "call", pat = "%f[%a]video conference call%f[%A]"},
  {kind = "call", pat = "%f[%a]telephone call%f[%A]"},
  {kind = "call", pat = "%f[%a]telephone conversation%f[%A]"},
  {kind = "call", pat = "%f[%a]phone conversation%f[%A]"},
  {kind = "call", pat = "%f[%a]spoke by phone%f[%A]"},
  {kind = "call", pat = "%f[%a]spoke on the phone%f[%A]"},
  {kind = "call", pat = "%f[%a]video call%f[%A]"},
  {kind = "call", pat = "%f[%a]video ?conference%f[%A]"},
  {kind = "call", pat = "%f[%a]teleconference%f[%A]"},
  {kind = "meeting", pat = "%f[%a]courtesy call%f[%A]"},
  {kind = "meeting", pat = "%f[%a]co%-chaired%f[%A]"},
  {kind = "meeting", pat = "%f[%a]summit%f[%A]"},
  {kind = "meeting", pat = "%f[%a]ministers'? meeting%f[%A]"},
  {kind = "meeting", pat = "%f[%a]ministerial meeting%f[%A]"},
  {kind = "meeting", pat = "%f[%a]post%-ministerial conference%f[%A]"},
  {kind = "meeting", pat = "%f[%a]met%f[%A]"},
  {kind = "meeting", pat = "%f[%a]host%a*%f[%A]"},
  {kind = "meeting", pat = "%f[%a]meets?%f[%A]"},
  {kind = "meeting", pat = "%f[%a]meeting%f[%A]", unless = "^ of the "},
  {kind = "talks", pat = "%f[%a]held talks%f[%A]"},
  {kind = "talks", pat = "%f[%a]talks%f[%A]"},
  {kind = "talks", pat = "%f[%a]Dialogue%f[%A]", case = true, unless = "^ [Pp]artner"},
  {kind = "talks", pat = "%f[%a]consultations?%f[%A]"},
  {kind = "talks", pat = "%f[%a]discussion%f[%A]"}, -- "a discussion with"; "discussions" is process
  {kind = "visit", pat = "%f[%a]visit%a*%f[%A]"},
  {kind = "visit", pat = "%f[%a]trip to%f[%A]"},
  {kind = "agreement", pat = "%f[%a]signed%f[%A]", status = "signed"},
  -- grant aid and loans are agreed by an exchange of notes
  {kind = "agreement", pat = "%f[%a]exchange of notes%f[%A]", status = "signed"},
  {kind = "agreement", pat = "%f[%a]exchanged notes%f[%A]", status = "signed"},
  {kind = "agreement", pat = "%f[%a]agreed to an?%f[%A]", status = "endorsed"},
  {kind = "agreement", pat = "%f[%a]sign%f[%A]"},
  {kind = "agreement", pat = "%f[%a]consensus%f[%A]"},
  {kind = "agreement", pat = "%f[%a]strategic partnership%f[%A]"},
  {kind = "agreement", pat = "%f[%a]memorandum of %a+%f[%A]"},
  {kind = "agreement", pat = "%f[%a]agreement%f[%A]"},
  {kind = "agreement", pat = "%f[%a]treaty%f[%A]"},
  {kind = "policy", pat = "%f[%a]country assistance policy%f[%A]", date = "after"},
  {kind = "policy", pat = "%f[%a]strategy%f[%A]", date = "after"},
  {kind = "policy", pat = "%f[%a]plan of action%f[%A]", date = "after"},
  {kind = "policy", pat = "%f[%a]action plan%f[%A]", date = "after"},
  {kind = "anniversary", pat = "%f[%a]anniversary%f[%A]"},
  {kind = "deployment", pat = "%f[%a]deploy%a*%f[%A]"},
  {kind = "deployment", pat = "%f[%a]dispatch%a* [%a%s]-troops%f[%A]"},
  {kind = "election", pat = "%f[%a]elections?%f[%A]"},
  {kind = "other", pat = "%f[%a]chair year%f[%A]", status = "in-force", default = "year"},
  {kind = "other", pat = "%f[%a]chairmanship%f[%A]", status = "in-force", default = "year"},
  {kind = "other", pat = "%f[%a]year as %a+ chair%f[%A]", status = "in-force", default = "year"},
  {kind = "other", pat = "%f[%a]presidency%f[%A]", status = "in-force", default = "year"},
  -- events of no kind of their own: a government formed, violence, a
  -- resolution co-sponsored, an office opened, training offered
  {kind = "other", pat = "%f[%a]formation of%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]was formed%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]were formed%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]sworn in%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]took office%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]inaugurat%a*%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]violence%f[%A]", reach = 60,
   unless_before = {"%f[%a]end%s*$", "%f[%a]stop%s*$", "%f[%a]halt%s*$", "%f[%a]against%s*$", "%f[%a]no%s*$",
                    "%f[%a]renounce%a*%s*$", "%f[%a]prevent%a*%s*$",
                    "%f[%a]cessation of%s*$", "%f[%a]end to%s*$", "%f[%a]free from%s*$"}},
  {kind = "other", pat = "%f[%a]co%-sponsor%a*%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]open%a* an? [%a%s%(%)]-office%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]open%a* an? [%a%s%(%)]-embassy%f[%A]", reach = 60},
  {kind = "other", pat = "%f[%a]training%f[%A]", reach = 60},
  {kind = "statement", pat = "%f[%a]joint statement%f[%A]", reach = 40},
  {kind = "statement", pat = "%f[%a]communiqu%a*%f[%A]", reach = 40},
  {kind = "statement", pat = "%f[%a]press release%f[%A]", reach = 40},
  {kind = "statement", pat = "%f[%a]congratulatory message%f[%A]", reach = 40},
  {kind = "statement", pat = "%f[%a]condolence message%f[%A]", reach = 40},
  {kind = "statement", pat = "%f[%a]statement%f[%A]", reach = 40},
}

-- Words between a date and a trigger that part them: the date is then
-- another's ("the June 2022 commune elections and 2023 national
-- elections": June 2022 is the first's, 2023 the second's).
R.parting = {"%f[%a]and%f[%A]", "%f[%a]or%f[%A]", ",", ";", "%f[%a]while%f[%A]", "%f[%a]but%f[%A]"}
-- Words that make an event planned, whatever its date.
R.planned = {
  "%f[%a]will%f[%A]", "%f[%a]to be held%f[%A]", "%f[%a]scheduled%f[%A]", "%f[%a]upcoming%f[%A]",
  "%f[%a]look%a* forward%f[%A]", "%f[%a]plans? to%f[%A]", "%f[%a]ahead of%f[%A]",
  "%f[%a]is set to%f[%A]", "%f[%a]are set to%f[%A]", "%f[%a]to be coordinated%f[%A]",
  "%f[%a]to hold%f[%A]", "%f[%a]offering%f[%A]", "%f[%a]would%f[%A]",
}
-- An agreement or policy being carried out ("implementation of the
-- Five-Point Consensus"): in force.
R.in_force = {"%f[%a]implement%a*%f[%A]", "%f[%a]in force%f[%A]", "%f[%a]under the%f[%A]"}
-- Kinds that last days, not years: a date wider than LONG_DAYS is not
-- theirs ("the ministerial meeting ... agreed a plan for 2022 to 2026").
R.short_kinds = {meeting = true, visit = true, call = true, talks = true}
R.long_days = 366
-- Words before a trigger that make it a mention of an event already
-- proposed in the text ("the agreement", "this visit").
R.mention = {"the%s+$", "this%s+$", "that%s+$", "such%s+$"}
-- A document still in draft ("the draft country assistance policy").
R.draft = {"%f[%a]draft%f[%A]"}
-- An agreement "agreed" or "reached" without a signature.
R.endorsed = {"%f[%a]agreed%f[%A]", "%f[%a]reached%f[%A]", "%f[%a]endorse%a*%f[%A]", "%f[%a]made between%f[%A]"}
-- With no date, words that place an event after the publication ("the
-- upcoming summit": from the publication on) or before it ("a recent
-- visit": up to it).
R.after = {"%f[%a]upcoming%f[%A]", "%f[%a]forthcoming%f[%A]"}
R.before = {"%f[%a]recent%f[%A]", "%f[%a]recently%f[%A]"}

-- Adjectives and demonyms, to a name at.actor knows.
R.adjectives = {
  Japanese = "Japan", Cambodian = "Cambodia", Khmer = "Cambodia", Lao = "Laos", Laotian = "Laos",
  Vietnamese = "Viet Nam", Thai = "Thailand", Chinese = "China", American = "United States",
  British = "United Kingdom", Korean = "South Korea", Indonesian = "Indonesia",
  Malaysian = "Malaysia", Philippine = "Philippines", Filipino = "Philippines",
  Singaporean = "Singapore", Burmese = "Myanmar", Indian = "India", Australian = "Australia",
  French = "France", German = "Germany", Russian = "Russia", Bruneian = "Brunei",
}
-- Short capitalised tokens that name an actor (at.actor would read "In"
-- as India): only these are looked up among words of three letters or
-- fewer.
R.short = {US = "USA", UK = "GBR", USA = "USA", PRC = "CHN", ROK = "KOR", Lao = "LAO",
           ["U.S."] = "USA", ["U.K."] = "GBR"}
-- Organisations, by the words that name them (besides the store's
-- registry, `attache actor add`, which at.actor reads: an acronym that
-- names itself there, or a full name, is found too).
R.organisations = {
  ASEAN = "ASEAN", ["United Nations"] = "UN", UN = "UN", EU = "EU", ["European Union"] = "EU",
  NATO = "NATO", WTO = "WTO", IMF = "IMF", ["World Bank"] = "WB",
}
-- Places: capitals and cities, to the country they are in (an event "in
-- Phnom Penh" is in Cambodia: the place is reported, not the actor).
R.places = {
  ["Phnom Penh"] = "KHM", Tokyo = "JPN", Vientiane = "LAO", Hanoi = "VNM", Bangkok = "THA",
  Beijing = "CHN", Washington = "USA", London = "GBR", Singapore = "SGP", Jakarta = "IDN",
  ["Kuala Lumpur"] = "MYS", Manila = "PHL", Naypyidaw = "MMR", Seoul = "KOR", Canberra = "AUS",
  ["New Delhi"] = "IND", Paris = "FRA", Berlin = "DEU", Moscow = "RUS",
  ["Bandar Seri Begawan"] = "BRN", Dili = "TLS", Ottawa = "CAN", Wellington = "NZL", Dhaka = "BGD",
  Colombo = "LKA", Kathmandu = "NPL", Islamabad = "PAK", Ulaanbaatar = "MNG", Brussels = "BEL",
  Rome = "ITA", Madrid = "ESP", Lisbon = "PRT", Amsterdam = "NLD", ["The Hague"] = "NLD", Stockholm = "SWE",
  Oslo = "NOR", Copenhagen = "DNK", Helsinki = "FIN", Warsaw = "POL", Vienna = "AUT", Bern = "CHE",
  Kyiv = "UKR", Ankara = "TUR", Riyadh = "SAU", ["Abu Dhabi"] = "ARE", Doha = "QAT", Tehran = "IRN",
  Cairo = "EGY", Nairobi = "KEN", ["Addis Ababa"] = "ETH", Pretoria = "ZAF", ["Brasília"] = "BRA",
  Brasilia = "BRA", ["Buenos Aires"] = "ARG", ["Mexico City"] = "MEX", Taipei = "TWN", Pyongyang = "PRK",
  Astana = "KAZ", Tashkent = "UZB", Suva = "FJI", ["Port Moresby"] = "PNG",
  -- cities where diplomacy often happens, besides capitals
  ["New York"] = "USA", Geneva = "CHE", Osaka = "JPN", Kyoto = "JPN", Hiroshima = "JPN", Yokohama = "JPN",
  ["Ho Chi Minh City"] = "VNM", ["Da Nang"] = "VNM", Yangon = "MMR", Bali = "IDN",
  ["Hong Kong"] = "HKG", Shanghai = "CHN", Busan = "KOR", Sydney = "AUS", Davos = "CHE",
}
-- Words that stand for the text's own two main actors.
R.both = {"%f[%a]the two %a+", "%f[%a]both %a+", "%f[%a]the parties%f[%A]", "%f[%a]bilateral%f[%A]",
          "%f[%a]each other%f[%A]"}
-- Abbreviations after which a full stop does not end a sentence.
R.abbreviations = {
  "Mr", "Mrs", "Ms", "Dr", "H.E", "St", "No", "Nos", "U.S", "U.K", "U.N", "e.g", "i.e", "Jr", "Sr",
  "Gen", "Lt", "Col", "Prof", "Amb", "Dept", "Gov", "Sen", "Rep", "vs", "etc", "a.m", "p.m",
  "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
}
-- The publisher's country, by the host of the text's URL.
R.hosts = {["mofa.go.jp"] = "JPN", ["state.gov"] = "USA", ["gov.uk"] = "GBR", ["mfaic.gov.kh"] = "KHM"}
-- And its name, for the events' source.
R.publishers = {["mofa.go.jp"] = "Ministry of Foreign Affairs of Japan", ["state.gov"] = "U.S. Department of State",
                ["gov.uk"] = "GOV.UK", ["mfaic.gov.kh"] = "Ministry of Foreign Affairs and International Cooperation of Cambodia"}

return R
