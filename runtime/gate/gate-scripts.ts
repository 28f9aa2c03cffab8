// The gate's two Lua scripts. Each runs atomically in Redis, once per batch. Reads go in bulk
// (MGET/HMGET over the whole batch) and so do hash writes and lease releases: a call from Lua
// into Redis costs more than the work it does for one item, so per-item calls are kept to the
// one write each item needs a key of its own for (its lease with PX, its event id with EX).

/**
 * Lua helpers both scripts share. `bulk` runs one multi-key/multi-field command over
 * `list[from .. from+count-1]` in slices (Lua's `unpack` is limited by the C stack) and returns
 * the concatenated replies (false for a missing value); `hsetAll` writes a field → value table
 * with multi-field HSETs.
 */
const bulkHelpers = `
local slice = 1000
local function bulk(cmd, key, list, from, count)
  local out = {}
  local i = 0
  while i < count do
    local size = math.min(slice, count - i)
    local args = {}
    for j = 1, size do args[j] = list[from + i + j - 1] end
    local reply
    if key then reply = redis.call(cmd, key, unpack(args)) else reply = redis.call(cmd, unpack(args)) end
    if type(reply) == 'table' then
      for j = 1, size do out[i + j] = reply[j] end
    end
    i = i + size
  end
  return out
end
local function hsetAll(key, fields)
  local args = {}
  for field, value in pairs(fields) do
    args[#args + 1] = field
    args[#args + 1] = value
    if #args >= 2 * slice then
      redis.call('HSET', key, unpack(args))
      args = {}
    end
  end
  if #args > 0 then redis.call('HSET', key, unpack(args)) end
end
`;

// check — KEYS: versions hash, n lease keys, n id keys, refused hash. ARGV: token, leaseMs,
// reapply (0|1), n, then (key, version) per item. Returns one verdict per item: 0 apply,
// 1 duplicate event id, 2 stale version, 3 equal version (already applied, or already refused by
// the target and dead-lettered: a redelivery must not dead-letter it again), 4 busy (another
// writer holds the key's lease). An item judged "apply" takes a lease on its key, so two flows writing the same key
// cannot interleave check → sink → record and roll each other back.
export const checkScript = `
${bulkHelpers}
local n = tonumber(ARGV[4])
local token, leaseMs, reapply = ARGV[1], ARGV[2], ARGV[3] == '1'
local names = {}
for i = 1, n do names[i] = ARGV[3 + 2 * i] end
local seen = reapply and {} or bulk('MGET', nil, KEYS, 2 + n, n)
local last = bulk('HMGET', KEYS[1], names, 1, n)
local refused = reapply and {} or bulk('HMGET', KEYS[2 + 2 * n], names, 1, n)
local holders = bulk('MGET', nil, KEYS, 2, n)
local out = {}
for i = 1, n do
  local version = tonumber(ARGV[4 + 2 * i])
  local verdict = 0
  if not reapply and seen[i] then
    verdict = 1
  else
    local applied = last[i] and tonumber(last[i])
    if applied then
      if version < applied then verdict = 2 elseif version == applied and not reapply then verdict = 3 end
    end
    local gone = refused[i] and tonumber(refused[i])
    if verdict == 0 and gone then
      if version < gone then verdict = 2 elseif version == gone then verdict = 3 end
    end
  end
  if verdict == 0 then
    local holder = holders[i]
    if holder and holder ~= token then
      verdict = 4
    else
      redis.call('SET', KEYS[1 + i], token, 'PX', leaseMs)
      holders[i] = token
    end
  end
  out[i] = verdict
end
return out
`;

// record — KEYS: versions hash, writers hash, run-figures hash, n lease keys, n id keys, m
// lease keys to release, refused hash. ARGV: token, idTtlSeconds, n, m, figures JSON (HINCRBY),
// heartbeat JSON (HSET), r, then (key, version, writer JSON) per applied item, then (key,
// version) per refused item. Versions never go backwards (also between items of one call);
// leases are released only by their holder; a refused version is remembered so its redelivery
// is dropped, not dead-lettered again.
export const recordScript = `
${bulkHelpers}
local token, ttl, n, m = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local names = {}
for i = 1, n do names[i] = ARGV[5 + 3 * i] end
local stored = bulk('HMGET', KEYS[1], names, 1, n)
local newest = {}
local versionWrites, writerWrites = {}, {}
for i = 1, n do
  local key, version, writer = names[i], ARGV[6 + 3 * i], ARGV[7 + 3 * i]
  local last = newest[key] or (stored[i] and tonumber(stored[i]))
  if not last or last <= tonumber(version) then
    newest[key] = tonumber(version)
    versionWrites[key] = version
    writerWrites[key] = writer
  end
  redis.call('SET', KEYS[3 + n + i], '1', 'EX', ttl)
end
hsetAll(KEYS[1], versionWrites)
hsetAll(KEYS[2], writerWrites)
local leases = {}
for i = 1, n do leases[i] = KEYS[3 + i] end
for j = 1, m do leases[n + j] = KEYS[3 + 2 * n + j] end
local holders = bulk('MGET', nil, leases, 1, n + m)
local mine = {}
for i = 1, n + m do
  if holders[i] == token then mine[#mine + 1] = leases[i] end
end
bulk('DEL', nil, mine, 1, #mine)
local r = tonumber(ARGV[7])
local refusedKey = KEYS[4 + 2 * n + m]
local refusedNames = {}
for k = 1, r do refusedNames[k] = ARGV[6 + 3 * n + 2 * k] end
local refusedLast = bulk('HMGET', refusedKey, refusedNames, 1, r)
local refusedWrites = {}
local refusedNewest = {}
for k = 1, r do
  local key, version = refusedNames[k], tonumber(ARGV[7 + 3 * n + 2 * k])
  local last = refusedNewest[key] or (refusedLast[k] and tonumber(refusedLast[k]))
  if not last or last < version then
    refusedNewest[key] = version
    refusedWrites[key] = ARGV[7 + 3 * n + 2 * k]
  end
end
hsetAll(refusedKey, refusedWrites)
for field, increment in pairs(cjson.decode(ARGV[5])) do
  redis.call('HINCRBY', KEYS[3], field, increment)
end
local heartbeat = {}
for field, value in pairs(cjson.decode(ARGV[6])) do heartbeat[field] = tostring(value) end
hsetAll(KEYS[3], heartbeat)
return n
`;
