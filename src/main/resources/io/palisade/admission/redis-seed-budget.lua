-- Starts a budget at an amount unless a live one exists (layout in redis-reserve.lua).
-- KEYS[1]: the budget. ARGV: amount, expires at (ms), now (ms), linger (ms).
-- Returns 1 if seeded, 0 if a live budget was kept.
local key = KEYS[1]
local expires = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local budget = redis.call('HMGET', key, 'total', 'expires')
if budget[1] and budget[2] and tonumber(budget[2]) > now then
  return 0
end
redis.call('HSET', key, 'total', ARGV[1], 'expires', ARGV[2])
redis.call('PEXPIRE', key, math.max(expires - now, 0) + tonumber(ARGV[4]))
return 1
