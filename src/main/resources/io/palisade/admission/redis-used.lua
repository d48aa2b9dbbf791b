-- Current usage of one counter (layout in redis-reserve.lua), changing nothing.
-- KEYS[1]: the counter. ARGV: kind (R, C or B), now (ms), now (epoch second).
local kind = ARGV[1]
local now = tonumber(ARGV[2])
local second = tonumber(ARGV[3])
local key = KEYS[1]
local WINDOW = 61

if kind == 'R' then
  local fields = redis.call('HGETALL', key)
  local sum = 0
  for j = 1, #fields, 2 do
    if second - tonumber(fields[j]) < WINDOW then
      sum = sum + tonumber(fields[j + 1])
    end
  end
  return sum
elseif kind == 'C' then
  return redis.call('ZCOUNT', key, '(' .. ARGV[2], '+inf')
else
  local budget = redis.call('HMGET', key, 'total', 'expires')
  if budget[1] and budget[2] and tonumber(budget[2]) > now then
    return tonumber(budget[1])
  end
  return 0
end
