-- Argo CD health of a SyncFlow. Runs as a custom check (no string or math library), so it
-- only compares and concatenates. Order matters: suspension first (the flow was stopped on
-- purpose), then whether the operator has seen the current spec at all, then failures, then Ready.
local FAILED_RUNS_THRESHOLD = 3
local hs = {}

local function condition(status, conditionType)
  if status == nil or status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function said(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "SyncFlow is suspended (spec.suspend: true): no runs, no event consumption"
  return hs
end

local status = obj.status
if status == nil or status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile the SyncFlow"
  return hs
end

local generation = obj.metadata.generation
if generation ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile generation " .. generation
    .. " (status describes generation " .. status.observedGeneration .. ")"
  return hs
end

local stalled = condition(status, "Stalled")
if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = "Stalled: " .. said(stalled, "the operator cannot make progress")
  return hs
end

for _, stop in ipairs({ "SchemaDrift", "GuardTripped" }) do
  local c = condition(status, stop)
  if isTrue(c) then
    hs.status = "Degraded"
    hs.message = stop .. ": " .. said(c, "the flow stopped until a person approves")
    return hs
  end
end

local failedRuns = status.consecutiveFailedRuns
if failedRuns ~= nil and failedRuns >= FAILED_RUNS_THRESHOLD then
  hs.status = "Degraded"
  hs.message = failedRuns .. " runs failed in a row (Degraded at " .. FAILED_RUNS_THRESHOLD
    .. " or more): " .. said(condition(status, "LastRunSucceeded"), "see status.lastRun")
  return hs
end

local reconciling = condition(status, "Reconciling")
if isTrue(reconciling) then
  hs.status = "Progressing"
  hs.message = "Reconciling: " .. said(reconciling, "the operator is updating the workload")
  return hs
end

local ready = condition(status, "Ready")
if isTrue(ready) then
  hs.status = "Healthy"
  hs.message = said(ready, "SyncFlow is ready")
  local lag = condition(status, "LagWithinBudget")
  if lag ~= nil and lag.status == "False" then
    hs.message = hs.message .. "; lag over budget: " .. said(lag, "see status.lag")
  end
  return hs
end

if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = "Not ready: " .. said(ready, ready.reason or "no reason given")
  return hs
end

hs.status = "Progressing"
hs.message = "Waiting for the SyncFlow to become Ready"
return hs
