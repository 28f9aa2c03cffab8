// The budget's two Lua scripts; Redis's clock (TIME) is the one clock of every pod.
//
// acquire — KEYS: leases (zset id → expiry ms), state (hash: limit, decreasedAtMs),
// waiting:0 … waiting:2 (zset id → expiry ms, one per priority). ARGV: id, priority, leaseMs,
// maxInFlight, waiterTtlMs. Grants (1) when fewer than floor(limit) live leases exist and no
// live waiter of a higher priority (a lower number) waits; otherwise registers the caller as a
// waiter of its priority (refreshed on each poll) and answers 0.
export const acquireScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id, priority = ARGV[1], tonumber(ARGV[2])
local max = tonumber(ARGV[4])
local waiting = KEYS[3 + priority]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local limit = tonumber(redis.call('HGET', KEYS[2], 'limit') or max)
if limit > max then limit = max end
local allowed = math.max(1, math.floor(limit))
local blocked = redis.call('ZCARD', KEYS[1]) >= allowed
for p = 0, priority - 1 do
  redis.call('ZREMRANGEBYSCORE', KEYS[3 + p], '-inf', now)
  if redis.call('ZCARD', KEYS[3 + p]) > 0 then blocked = true end
end
if blocked then
  redis.call('ZADD', waiting, now + tonumber(ARGV[5]), id)
  return 0
end
redis.call('ZREM', waiting, id)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), id)
return 1
`;

// release — KEYS: leases, state. ARGV: id, latencyMs, targetLatencyMs, maxInFlight.
// AIMD: a call slower than the target shrinks the limit by 30 % (at most once per that call's
// latency, so one slow burst counts once, never below 1); a fast call grows it by 1/limit
// (about +1 per limit's worth of calls), never above maxInFlight. Returns the limit × 1000.
export const releaseScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREM', KEYS[1], ARGV[1])
local latency, target, max = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local limit = tonumber(redis.call('HGET', KEYS[2], 'limit') or max)
if latency > target then
  local last = tonumber(redis.call('HGET', KEYS[2], 'decreasedAtMs') or 0)
  if now - last >= latency then
    limit = math.max(1, limit * 0.7)
    redis.call('HSET', KEYS[2], 'decreasedAtMs', now)
  end
else
  limit = math.min(max, limit + 1 / limit)
end
redis.call('HSET', KEYS[2], 'limit', tostring(limit), 'lastLatencyMs', latency)
return math.floor(limit * 1000)
`;

// renew — KEYS: leases. ARGV: id, leaseMs. Extends a live lease (never revives an expired one).
export const renewScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
`;
