-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- string.rep of an empty string with an empty separator, a huge count: no
-- byte is built, so no size cap applies; only the work can be bounded.
while true do pcall(string.rep, "", math.maxinteger, "") end
