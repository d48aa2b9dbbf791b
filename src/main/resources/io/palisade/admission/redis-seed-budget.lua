-- Starts a budget at an amount unless a live one of the same period exists (layout in
-- redis-reserve.lua); one that ends before the given end is an earlier period's and is replaced.
-- KEYS[1]: the budget. ARGV: amount, expires at (ms), now (ms), linger (ms), then pairs
--   (reservation id, amount) of reservations in flight that the amount includes: they are
--   remembered like reservations made here, so that their settle corrects rather than adds.
-- Returns 1 if seeded, 0 if a live budget was kept.
local key = KEYS[1]
local expires = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local budget = redis.call('HMGET', key, 'total', 'expires')
if budget[1] and budget[2] and tonumber(budget[2]) > now and tonumber(budget[2]) >= expires then
  return 0
end
redis.call('DEL', key)
redis.call('HSET', key, 'total', ARGV[1], 'expires', ARGV[2])
for j = 5, #ARGV - 1, 2 do
  redis.call('HSET', key, 'r:' .. ARGV[j], ARGV[j + 1])
end
redis.call('PEXPIRE', key, math.max(expires - now, 0) + tonumber(ARGV[4]))
return 1
