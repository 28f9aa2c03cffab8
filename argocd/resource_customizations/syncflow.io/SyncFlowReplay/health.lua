-- Argo CD health of a SyncFlowReplay, a one-off command: its phase walks Pending -> Running ->
-- Completed or Failed. Runs as a custom check (no string or math library).
local hs = {}
local status = obj.status or {}
local phase = status.phase

local function said(fallback)
  if status.message ~= nil and status.message ~= "" then
    return status.message
  end
  return fallback
end

if phase == "Completed" then
  hs.status = "Healthy"
  hs.message = said("Replay completed")
elseif phase == "Failed" then
  hs.status = "Degraded"
  hs.message = "Replay failed: " .. said("see status")
elseif phase == "Running" then
  hs.status = "Progressing"
  hs.message = "Replay running: " .. said("in progress")
else
  hs.status = "Progressing"
  hs.message = "Waiting for the replay to start: " .. said("pending")
end
return hs
