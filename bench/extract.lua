-- The speed of at.extract (issue 18): 1,000 texts of about 500 words
-- made from the development set's sentences, each with its own people
-- and numbers (so that no text repeats another's phrases), extracted in
-- one `attache run`:
--   attache run --max-instructions 0 bench/extract.lua ../shared/data/press-releases/texts/*.txt
-- Prints the words, the proposals and the CPU time (os.clock).
local at = require "attache"
local sentences = {}
for i = 1, #arg do
  local f = assert(io.open(arg[i]))
  local body = f:read("a"):gsub("^URL:[^\n]*\n", ""):gsub("^Published:[^\n]*\n", "")
  f:close()
  for s in body:gmatch("[^\n]+") do
    if #s > 40 then sentences[#sentences + 1] = s end
  end
end
assert(#sentences > 0, "give the texts of the development set")
local seed = 7
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n + 1 end
local syll = {"ka", "to", "mi", "ra", "so", "ne", "phi", "lo", "chan", "da", "vu", "ren"}
local function name()
  local s = ""
  for _ = 1, 2 + rnd(2) do s = s .. syll[rnd(#syll)] end
  return s:sub(1, 1):upper() .. s:sub(2)
end
local texts, words = {}, 0
for i = 1, 1000 do
  local parts, n = {("Published: 20%02d-%02d-%02d\n"):format(10 + rnd(14), rnd(12), rnd(28))}, 0
  while n < 500 do
    -- a sentence with its capitalised names (not countries, months) replaced
    local s = sentences[rnd(#sentences)]:gsub("Mr%. (%u%l+)", function() return "Mr. " .. name() end)
      :gsub("Minister (%u%l+)", function() return "Minister " .. name() end)
      :gsub("Secretary (%u%l+)", function() return "Secretary " .. name() end)
    for _ in s:gmatch("%S+") do n = n + 1 end
    parts[#parts + 1] = s
  end
  words = words + n
  texts[i] = table.concat(parts, "\n")
end
local t, found = os.clock(), 0
for i = 1, #texts do found = found + #at.extract(texts[i]) end
print(("at.extract: %d texts, %d words, %d proposals in %.2f s of CPU (%.1f us a word)"):format(
  #texts, words, found, os.clock() - t, (os.clock() - t) / words * 1e6))
