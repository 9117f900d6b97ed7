-- tests/hostile/daemon.sh, hostile: output without end (stdout and warn)
-- and a read of standard input.
local at = require "attache"
local s = ("o"):rep(1 << 20)
at.every("1m", function()
  pcall(io.read)
  warn(s:sub(1, 100))
  while true do io.write(s) end
end)
