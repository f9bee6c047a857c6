-- The server ceiling: the whole flush done inside Redis by one script, no round trips, no client.
-- It blocks the server for its whole run: it is the limit a client-side tool is measured against,
-- never a way to flush a live cache.
--
--   redis-cli --eval bench/ceiling.lua , MODE COUNT NFLUSH FLUSH... PRESERVE...
--
-- MODE  pass:  one SCAN of the whole keyspace (COUNT per page), each key checked on the spot
--              against the flush patterns and then the preserve patterns (the strategy cacheflush
--              uses, minus the network);
--       match: one SCAN ... MATCH per flush pattern (the redis-cli strategy), each key then
--              checked against the preserve patterns.
--       pass-each: as pass, but one UNLINK per key: in cluster mode a script may not touch keys
--              of several slots in one command, so the per-shard ceiling of a cluster unlinks
--              key by key (run on each primary, on its own keys).
-- Patterns are Redis globs limited to literals, '*' and '?' (enough for the benchmark's
-- 'family:*'); anything else is refused rather than matched differently from Redis.
-- Keys are deleted with UNLINK in batches of 1000 (pass, match) or one by one (pass-each).
-- Returns the number of keys deleted.

local mode, count, nflush = ARGV[1], ARGV[2], tonumber(ARGV[3])
local each = mode == 'pass-each'
if each then mode = 'pass' end

local function lua_pattern(glob)
  local out = { '^' }
  for i = 1, #glob do
    local c = glob:sub(i, i)
    if c == '*' then
      out[#out + 1] = '.*'
    elseif c == '?' then
      out[#out + 1] = '.'
    elseif c == '[' or c == '\\' then
      error('ceiling.lua: only literals, * and ? are supported in ' .. glob)
    elseif c:match('%w') then
      out[#out + 1] = c
    else
      out[#out + 1] = '%' .. c
    end
  end
  local p = table.concat(out)
  -- A trailing '.*' matches anything: a prefix test is the same and cheaper.
  if p:sub(-2) == '.*' then return p:sub(1, -3) end
  return p .. '$'
end

local flush, preserve, flush_globs = {}, {}, {}
for i = 4, 3 + nflush do
  flush[#flush + 1] = lua_pattern(ARGV[i])
  flush_globs[#flush_globs + 1] = ARGV[i]
end
for i = 4 + nflush, #ARGV do preserve[#preserve + 1] = lua_pattern(ARGV[i]) end

local deleted, batch, n = 0, {}, 0
local function drop(key)
  for j = 1, #preserve do
    if string.find(key, preserve[j]) then return end
  end
  if each then
    deleted = deleted + redis.call('UNLINK', key)
    return
  end
  n = n + 1
  batch[n] = key
  if n == 1000 then
    deleted = deleted + redis.call('UNLINK', unpack(batch))
    batch, n = {}, 0
  end
end

if mode == 'pass' then
  local cursor = '0'
  repeat
    local r = redis.call('SCAN', cursor, 'COUNT', count)
    cursor = r[1]
    for _, key in ipairs(r[2]) do
      for j = 1, #flush do
        if string.find(key, flush[j]) then
          drop(key)
          break
        end
      end
    end
  until cursor == '0'
elseif mode == 'match' then
  for j = 1, #flush_globs do
    local cursor = '0'
    repeat
      local r = redis.call('SCAN', cursor, 'MATCH', flush_globs[j], 'COUNT', count)
      cursor = r[1]
      for _, key in ipairs(r[2]) do drop(key) end
    until cursor == '0'
  end
else
  error('ceiling.lua: MODE is pass or match, not ' .. tostring(mode))
end
if n > 0 then deleted = deleted + redis.call('UNLINK', unpack(batch)) end
return deleted
