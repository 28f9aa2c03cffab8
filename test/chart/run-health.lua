-- Runs an Argo CD health.lua the way Argo CD runs a custom check from argocd-cm
-- (useOpenLibs=false): `obj` is the object decoded from JSON with null as nil, and the script
-- sees the base functions, `table` and a safe `os`, but no `string`, `math`, `io` or `debug`,
-- and strings have no methods. Prints {"status":…,"message":…}.
-- Usage: lua5.1 run-health.lua health.lua < object.json
local json = require("dkjson")
local raw = io.read("*a")
local obj, _, err = json.decode(raw, 1, nil)
assert(obj ~= nil, err)

local sandbox = {
  obj = obj,
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
  select = select, tonumber = tonumber, tostring = tostring, type = type, unpack = unpack,
  _VERSION = _VERSION,
  table = { concat = table.concat, insert = table.insert, remove = table.remove, sort = table.sort },
  os = { clock = os.clock, date = os.date, difftime = os.difftime, time = os.time },
}
sandbox._G = sandbox

local chunk = assert(loadfile(arg[1]))
setfenv(chunk, sandbox)
-- gopher-lua without the string library gives strings no methods: ("x"):find fails there.
local stringMeta = getmetatable("")
local stringIndex = stringMeta.__index
stringMeta.__index = nil
local ok, hs = pcall(chunk)
stringMeta.__index = stringIndex
assert(ok, hs)
assert(type(hs) == "table", "expect table output from Lua script, not " .. type(hs))
io.write(json.encode({ status = hs.status, message = hs.message }), "\n")
