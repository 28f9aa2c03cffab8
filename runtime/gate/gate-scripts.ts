// The gate's two Lua scripts. Each runs atomically in Redis, once per batch.
//
// check — KEYS: versions hash, n lease keys, n id keys, refused hash. ARGV: token, leaseMs,
// reapply (0|1), n, then (key, version) per item. Returns one verdict per item: 0 apply,
// 1 duplicate event id, 2 stale version, 3 equal version (already applied, or already refused by
// the target and dead-lettered: a redelivery must not dead-letter it again), 4 busy (another
// writer holds the key's lease). An item judged "apply" takes a lease on its key, so two flows writing the same key
// cannot interleave check → sink → record and roll each other back.
export const checkScript = `
local n = tonumber(ARGV[4])
local token, leaseMs, reapply = ARGV[1], ARGV[2], ARGV[3] == '1'
local out = {}
for i = 1, n do
  local key, version = ARGV[3 + 2 * i], tonumber(ARGV[4 + 2 * i])
  local verdict = 0
  if not reapply and redis.call('EXISTS', KEYS[1 + n + i]) == 1 then
    verdict = 1
  else
    local last = redis.call('HGET', KEYS[1], key)
    if last then
      last = tonumber(last)
      if version < last then verdict = 2 elseif version == last and not reapply then verdict = 3 end
    end
    local refused = redis.call('HGET', KEYS[2 + 2 * n], key)
    if verdict == 0 and refused and not reapply then
      refused = tonumber(refused)
      if version < refused then verdict = 2 elseif version == refused then verdict = 3 end
    end
  end
  if verdict == 0 then
    local holder = redis.call('GET', KEYS[1 + i])
    if holder and holder ~= token then
      verdict = 4
    else
      redis.call('SET', KEYS[1 + i], token, 'PX', leaseMs)
    end
  end
  out[i] = verdict
end
return out
`;

// record — KEYS: versions hash, writers hash, run-figures hash, n lease keys, n id keys, m
// lease keys to release, refused hash. ARGV: token, idTtlSeconds, n, m, figures JSON (HINCRBY),
// heartbeat JSON (HSET), r, then (key, version, writer JSON) per applied item, then (key,
// version) per refused item. Versions never go backwards; leases are released only by their
// holder; a refused version is remembered so its redelivery is dropped, not dead-lettered again.
export const recordScript = `
local token, ttl, n, m = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, n do
  local key, version, writer = ARGV[5 + 3 * i], ARGV[6 + 3 * i], ARGV[7 + 3 * i]
  local last = redis.call('HGET', KEYS[1], key)
  if not last or tonumber(last) <= tonumber(version) then
    redis.call('HSET', KEYS[1], key, version)
    redis.call('HSET', KEYS[2], key, writer)
  end
  redis.call('SET', KEYS[3 + n + i], '1', 'EX', ttl)
  if redis.call('GET', KEYS[3 + i]) == token then redis.call('DEL', KEYS[3 + i]) end
end
for j = 1, m do
  local lease = KEYS[3 + 2 * n + j]
  if redis.call('GET', lease) == token then redis.call('DEL', lease) end
end
local r = tonumber(ARGV[7])
local refusedKey = KEYS[4 + 2 * n + m]
for k = 1, r do
  local key, version = ARGV[6 + 3 * n + 2 * k], ARGV[7 + 3 * n + 2 * k]
  local last = redis.call('HGET', refusedKey, key)
  if not last or tonumber(last) < tonumber(version) then
    redis.call('HSET', refusedKey, key, version)
  end
end
for field, increment in pairs(cjson.decode(ARGV[5])) do
  redis.call('HINCRBY', KEYS[3], field, increment)
end
for field, value in pairs(cjson.decode(ARGV[6])) do
  redis.call('HSET', KEYS[3], field, tostring(value))
end
return n
`;
