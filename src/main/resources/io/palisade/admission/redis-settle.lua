-- Replaces reserved amounts by actual ones and frees concurrency slots, in one step.
-- KEYS[i]: the counter of claim i (layout in redis-reserve.lua).
-- ARGV: now (ms), now (epoch second), reservation id, then four per claim:
--   kind (R, C or B), actual minus reserved, epoch second of the reservation, actual.
-- A RATE amount is corrected only while its second is still inside the window, a BUDGET only
-- while its period lasts; neither goes below 0. HINCRBY keeps the arithmetic exact (64-bit, not
-- Lua's doubles). Nothing here creates a key, so a late settle cannot leave a key without a TTL.
-- A BUDGET counter that no longer holds this reservation (its "r:<id>" field is gone: the counter
-- was lost and re-seeded from durable usage while the request ran) gets the actual amount added,
-- since durable usage cannot hold a request that had not ended.
local now = tonumber(ARGV[1])
local second = tonumber(ARGV[2])
local reservation = ARGV[3]
local HEADER = 3
local PER_CLAIM = 4
local WINDOW = 61

for i = 1, #KEYS do
  local base = HEADER + (i - 1) * PER_CLAIM
  local kind = ARGV[base + 1]
  local delta = tonumber(ARGV[base + 2])
  local reserved = ARGV[base + 3]
  local key = KEYS[i]
  if kind == 'R' then
    if delta ~= 0 and second - tonumber(reserved) < WINDOW and redis.call('HEXISTS', key, reserved) == 1 then
      if redis.call('HINCRBY', key, reserved, ARGV[base + 2]) < 0 then
        redis.call('HSET', key, reserved, 0)
      end
    end
  elseif kind == 'C' then
    redis.call('ZREM', key, reservation)
  else
    local budget = redis.call('HMGET', key, 'total', 'expires')
    if budget[1] and budget[2] and tonumber(budget[2]) > now then
      if redis.call('HDEL', key, 'r:' .. reservation) == 0 then
        redis.call('HINCRBY', key, 'total', ARGV[base + 4])
      elseif delta ~= 0 and redis.call('HINCRBY', key, 'total', ARGV[base + 2]) < 0 then
        redis.call('HSET', key, 'total', 0)
      end
    end
  end
end
return 0
