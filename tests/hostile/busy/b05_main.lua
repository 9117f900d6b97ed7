-- tests/hostile/hostile.c sigterm: a main chunk that keeps start-up busy
-- (a signal may come while the scripts load).
local x = 0
for i = 1, 30000000 do x = x + i end
