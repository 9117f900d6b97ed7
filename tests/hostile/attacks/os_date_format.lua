-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- os.date with a 2 MB format of %c conversions: 200,000 strftime calls
-- and a large buffer per call.
local fmt = ("%c"):rep(1000000)
while true do local _ = os.date(fmt, 0) end
