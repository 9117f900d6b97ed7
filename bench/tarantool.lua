-- The Tarantool peer (memtx): `tarantool tarantool.lua load DIR TSV` loads
-- the events (id, start, end, stored JSON, one a line, tab-separated) in
-- transactions of 1,000 with the WAL on, then writes a snapshot;
-- `tarantool tarantool.lua recover DIR FROM TO ACTOR` recovers them from
-- that snapshot (box.cfg) and answers one window+actor query.
-- Indexes: the id, start, end, and the actors (a multikey index).
local mode, dir = arg[1], arg[2]
box.cfg{memtx_dir = dir, wal_dir = dir, memtx_memory = 4 * 1024 * 1024 * 1024,
        log_level = 1, checkpoint_interval = 0, log = dir .. '/tarantool.log'}
if mode == 'load' then
  local s = box.schema.space.create('ev')
  s:create_index('pk', {parts = {{1, 'unsigned'}}})
  s:create_index('start', {parts = {{2, 'integer'}}, unique = false})
  s:create_index('end', {parts = {{3, 'integer'}}, unique = false})
  s:create_index('actor', {parts = {{field = 5, type = 'string', path = '[*]'}}, unique = false})
  local n = 0
  box.begin()
  for line in io.lines(arg[3]) do
    local id, st, en, json = line:match('^(%d+)\t(%-?%d+)\t(%-?%d+)\t(.*)$')
    local actors = {}
    for a in (json:match('"actors":%[(.-)%]') or ''):gmatch('"(.-)"') do
      actors[#actors + 1] = a
    end
    s:insert{tonumber64(id), tonumber64(st), tonumber64(en), json, actors}
    n = n + 1
    if n % 1000 == 0 then box.commit(); box.begin() end
  end
  box.commit()
  box.snapshot()
  print(string.format('loaded %d', n))
else
  local from, to, actor = tonumber64(arg[3]), tonumber64(arg[4]), arg[5]
  local s = box.space.ev
  local hit
  for _, t in s.index.actor:pairs({actor}) do
    if t[2] <= to and t[3] >= from then hit = t[1]; break end
  end
  print(string.format('recovered %d, first hit %s', s:len(), tostring(hit)))
end
os.exit(0)
