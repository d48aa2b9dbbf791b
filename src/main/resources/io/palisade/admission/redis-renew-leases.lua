-- Renews this replica's concurrency leases: one step of its heartbeat.
-- KEYS[i]: a slot set (layout in redis-reserve.lua). ARGV: now (ms), linger (ms), then two per
--   key: the reservation id holding a slot there, and its new lease expiry (ms).
-- Only members still present are renewed (XX: a settled or expired slot is not brought back) and a
-- score only moves later (GT: renewal never shortens what a reservation asked for).
local now = tonumber(ARGV[1])
local linger = tonumber(ARGV[2])
for i = 1, #KEYS do
  local member = ARGV[1 + 2 * i]
  local expires = ARGV[2 + 2 * i]
  redis.call('ZADD', KEYS[i], 'XX', 'GT', expires, member)
  local last = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
  if last[2] then
    redis.call('PEXPIRE', KEYS[i], math.max(tonumber(last[2]) - now, 0) + linger)
  end
end
return #KEYS
