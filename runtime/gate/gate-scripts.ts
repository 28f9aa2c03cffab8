// The gate's two Lua scripts. Each runs atomically in Redis, once per batch, and works in bulk
// (HMGET/HSET/HDEL over the whole batch): a call from Lua into Redis costs more than the work it
// does for one item. Leases are fields of one hash per (connection, entity) whose value carries
// its expiry on Redis's own clock (TIME), so taking and releasing them is one bulk call, not a
// SET … PX per key; only event ids, where a flow keeps them, still need a key (and a call) each.

/**
 * Lua helpers both scripts share. `bulk` runs one multi-key/multi-field command over
 * `list[from .. from+count-1]` in slices (Lua's `unpack` is limited by the C stack) and returns
 * the concatenated replies (false for a missing value); `hsetAll` writes a field → value table
 * with multi-field HSETs, `hsetPairs` a flat field, value, … list in order (a field written
 * twice ends with its last value); `leaseOf` splits a lease value `expiresAtMs token`.
 */
const helpers = `
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
local function hsetPairs(key, list)
  local i = 0
  while i < #list do
    local size = math.min(2 * slice, #list - i)
    redis.call('HSET', key, unpack(list, i + 1, i + size))
    i = i + size
  end
end
local function leaseOf(value)
  local space = string.find(value, ' ', 1, true)
  return tonumber(string.sub(value, 1, space - 1)), string.sub(value, space + 1)
end
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

// check — KEYS: versions hash, leases hash, refused hash, then n id keys when ids are kept.
// ARGV: token, leaseMs, reapply (0|1), n, ids (0|1), then (key, version) per item. Returns one
// verdict per item: 0 apply, 1 duplicate event id, 2 stale version, 3 equal version (already
// applied, or already refused by the target and dead-lettered: a redelivery must not
// dead-letter it again), 4 busy (another writer holds the key's live lease). An item judged
// "apply" takes a lease on its key, so two flows writing the same key cannot interleave
// check → sink → record and roll each other back.
export const checkScript = `
${helpers}
local token, leaseMs, reapply = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
local n, ids = tonumber(ARGV[4]), ARGV[5] == '1'
local names = {}
for i = 1, n do names[i] = ARGV[4 + 2 * i] end
local seen = (ids and not reapply) and bulk('MGET', nil, KEYS, 4, n) or {}
local last = bulk('HMGET', KEYS[1], names, 1, n)
local refused = reapply and {} or bulk('HMGET', KEYS[3], names, 1, n)
local holders = bulk('HMGET', KEYS[2], names, 1, n)
local now = nowMs()
local lease = string.format('%.0f', now + leaseMs) .. ' ' .. token
local taken, leases = {}, {}
local out = {}
for i = 1, n do
  local version = tonumber(ARGV[5 + 2 * i])
  local verdict = 0
  if seen[i] then
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
  if verdict == 0 and holders[i] and not taken[names[i]] then
    local expiresAtMs, holder = leaseOf(holders[i])
    if holder ~= token and expiresAtMs > now then verdict = 4 end
  end
  if verdict == 0 and not taken[names[i]] then
    taken[names[i]] = true
    leases[#leases + 1] = names[i]
    leases[#leases + 1] = lease
  end
  out[i] = verdict
end
-- A field that is never a live lease keeps the hash from emptying when a batch releases its
-- leases: a new hash is a listpack, and filling a listpack field by field costs Redis several
-- times what the same fields cost in the hash table an existing large hash keeps.
if #leases > 0 then
  leases[#leases + 1] = '\\0keep'
  leases[#leases + 1] = '0 '
end
hsetPairs(KEYS[2], leases)
return out
`;

// record — KEYS: versions hash, writers hash, run-figures hash, leases hash, refused hash, then
// n id keys when ids are kept. ARGV: token, idTtlSeconds, n, m, figures JSON (HINCRBY),
// heartbeat JSON (HSET), r, ids (0|1), writer prefix, then (key, version, writer tail) per
// applied item, then m keys whose leases to release, then (key, version) per refused item.
// The writer value is prefix .. tail: the fields one batch shares are sent once. Versions never
// go backwards (also between items of one call); leases are released only by their holder; a
// refused version is remembered so its redelivery is dropped, not dead-lettered again.
export const recordScript = `
${helpers}
local token, ttl, n, m = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local r, ids, prefix = tonumber(ARGV[7]), ARGV[8] == '1', ARGV[9]
local names = {}
for i = 1, n do names[i] = ARGV[7 + 3 * i] end
local stored = bulk('HMGET', KEYS[1], names, 1, n)
local newest = {}
local versionWrites, writerWrites = {}, {}
for i = 1, n do
  local key, version = names[i], ARGV[8 + 3 * i]
  local last = newest[key] or (stored[i] and tonumber(stored[i]))
  if not last or last <= tonumber(version) then
    -- In call order, each write of a key is at least as new as the one before: the last wins.
    newest[key] = tonumber(version)
    local at = #versionWrites
    versionWrites[at + 1], versionWrites[at + 2] = key, version
    writerWrites[at + 1], writerWrites[at + 2] = key, prefix .. ARGV[9 + 3 * i]
  end
  if ids then redis.call('SET', KEYS[5 + i], '1', 'EX', ttl) end
end
hsetPairs(KEYS[1], versionWrites)
hsetPairs(KEYS[2], writerWrites)
for j = 1, m do names[n + j] = ARGV[9 + 3 * n + j] end
local holders = bulk('HMGET', KEYS[4], names, 1, n + m)
local mine = {}
for i = 1, n + m do
  if holders[i] then
    local _, holder = leaseOf(holders[i])
    if holder == token then mine[#mine + 1] = names[i] end
  end
end
bulk('HDEL', KEYS[4], mine, 1, #mine)
local refusedNames = {}
local first = 9 + 3 * n + m
for k = 1, r do refusedNames[k] = ARGV[first + 2 * k - 1] end
local refusedLast = bulk('HMGET', KEYS[5], refusedNames, 1, r)
local refusedWrites = {}
local refusedNewest = {}
for k = 1, r do
  local key, version = refusedNames[k], tonumber(ARGV[first + 2 * k])
  local last = refusedNewest[key] or (refusedLast[k] and tonumber(refusedLast[k]))
  if not last or last < version then
    refusedNewest[key] = version
    refusedWrites[key] = ARGV[first + 2 * k]
  end
end
hsetAll(KEYS[5], refusedWrites)
for field, increment in pairs(cjson.decode(ARGV[5])) do
  redis.call('HINCRBY', KEYS[3], field, increment)
end
local heartbeat = {}
for field, value in pairs(cjson.decode(ARGV[6])) do heartbeat[field] = tostring(value) end
hsetAll(KEYS[3], heartbeat)
return n
`;
