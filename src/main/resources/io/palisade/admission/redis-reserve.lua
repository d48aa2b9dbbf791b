-- Reserves every claim or none, in one step: Redis runs one script at a time, so no other
-- reservation, from any replica, can interleave between the checks and the updates.
-- KEYS[i]: the counter of claim i: RATE a hash {epoch second -> amount}, CONCURRENCY a sorted set
--   {reservation id, score = lease expiry ms}, BUDGET a hash {total, expires (ms), and one field
--   "r:<reservation id>" = amount per reservation not yet settled}.
-- ARGV: now (ms), now (epoch second), reservation id, linger (ms), then four per claim:
--   kind (R, C or B), limit, amount, expires at (ms).
-- Time is the caller's clock, never Redis TIME; key TTLs are relative (caller's expiry minus the
--   caller's now, plus linger) and only collect garbage: liveness is decided here from ARGV time.
-- Returns {-1, 0, used 1, ..., used n} (usage before this reservation) when admitted,
--   {index of the first refused claim, 0-based; retry after ms (RATE: until the window frees
--   enough; CONCURRENCY: until the earliest lease could expire; BUDGET: 0)}, or
--   {-2, index of a BUDGET claim whose counter does not exist}: nothing is applied then. A budget
--   is never started at 0 here: a missing one (new period, or Redis lost its data) must be seeded
--   from durable usage by the caller (redis-seed-budget.lua), which then reserves again.
local now = tonumber(ARGV[1])
local second = tonumber(ARGV[2])
local reservation = ARGV[3]
local linger = tonumber(ARGV[4])
local HEADER = 4
local WINDOW = 61

-- Amounts per second still inside the window, and their sum; drops the seconds that have left it
-- (future seconds stay, as in RateWindow).
local function rate_window(key)
  local fields = redis.call('HGETALL', key)
  local buckets, sum, stale = {}, 0, {}
  for j = 1, #fields, 2 do
    local bucket = tonumber(fields[j])
    if second - bucket < WINDOW then
      local amount = tonumber(fields[j + 1])
      buckets[bucket] = amount
      sum = sum + amount
    else
      stale[#stale + 1] = fields[j]
    end
  end
  if #stale > 0 then
    redis.call('HDEL', key, unpack(stale))
  end
  return buckets, sum
end

-- Milliseconds until enough has left the window for amount more to fit (RateWindow.retryAfter).
local function rate_retry_after(buckets, sum, limit, amount)
  if amount > limit then
    return 60000
  end
  local excess = sum + amount - limit
  local freed = 0
  for bucket = second - WINDOW + 1, second do
    freed = freed + (buckets[bucket] or 0)
    if freed >= excess then
      return (bucket + WINDOW) * 1000 - now
    end
  end
  return 60000
end

-- The budget's running total, or nil when absent or past its period (by the caller's clock).
local function live_budget(key)
  local budget = redis.call('HMGET', key, 'total', 'expires')
  if budget[1] and budget[2] and tonumber(budget[2]) > now then
    return tonumber(budget[1])
  end
  return nil
end

local used = {}
for i = 1, #KEYS do
  local base = HEADER + (i - 1) * 4
  local kind = ARGV[base + 1]
  local limit = tonumber(ARGV[base + 2])
  local amount = tonumber(ARGV[base + 3])
  local key = KEYS[i]
  local current, buckets
  if kind == 'R' then
    buckets, current = rate_window(key)
  elseif kind == 'C' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
    current = redis.call('ZCARD', key)
  else
    current = live_budget(key)
    if not current then
      return {-2, i - 1}
    end
  end
  if current + amount > limit then
    local retry = 0
    if kind == 'R' then
      retry = rate_retry_after(buckets, current, limit, amount)
    elseif kind == 'C' then
      local earliest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
      if earliest[2] then
        retry = math.max(tonumber(earliest[2]) - now, 0)
      end
    end
    return {i - 1, retry}
  end
  used[i] = current
end

for i = 1, #KEYS do
  local base = HEADER + (i - 1) * 4
  local kind = ARGV[base + 1]
  local amount = ARGV[base + 3]
  local expires = ARGV[base + 4]
  local key = KEYS[i]
  if kind == 'R' then
    redis.call('HINCRBY', key, ARGV[2], amount)
    redis.call('PEXPIRE', key, WINDOW * 1000 + linger)
  elseif kind == 'C' then
    redis.call('ZADD', key, expires, reservation)
    local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    redis.call('PEXPIRE', key, math.max(tonumber(last[2]) - now, 0) + linger)
  else
    -- The reservation is remembered in the counter, so that its settle knows whether this counter
    -- holds it (a counter re-seeded after a loss does not: settle then adds the actual amount).
    redis.call('HINCRBY', key, 'total', amount)
    redis.call('HSET', key, 'expires', expires, 'r:' .. reservation, amount)
    redis.call('PEXPIRE', key, math.max(tonumber(expires) - now, 0) + linger)
  end
end

local reply = {-1, 0}
for i = 1, #KEYS do
  reply[i + 2] = used[i]
end
return reply
