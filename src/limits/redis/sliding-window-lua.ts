// The Redis side of the sliding window: one Lua script decides every limit of a request atomically.
//
// It mirrors src/core/limits/sliding-window.ts and check-buckets.ts step for step (same entries, same
// slot merge, same all-or-nothing rule); test/limits/contract.test.ts runs the same cases against
// both adapters and is what keeps the two equal. Differences on purpose:
// - the clock is Redis's own (TIME), so nodes with skewed clocks still share one timeline;
// - a bucket is a string "at delta cost at delta cost …" (delta = at − first, small), written with
//   SET … PX so Redis drops it when its last entry expires; a cost-0 check writes nothing.
// KEYS[i] is the bucket of request i; ARGV[3i−2], ARGV[3i−1], ARGV[3i] are its limit, durationMs, cost.
// One extra trailing ARGV fixes `now` instead of TIME: the adapter never sends it; the differential
// test does, to hold the script to the TypeScript decision for decision on one timeline.
// Reply: { allowed (1/0), then per request: allowed (1/0), remaining, resetMs, retryAfterMs (−1 = never) }.
export const SLIDING_WINDOW_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local now
if #ARGV > 3 * #KEYS then
  now = tonumber(ARGV[#ARGV])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local SLOTS = 64

local function parse(raw)
  local entries = {}
  if not raw then return entries end
  local values = {}
  for number in string.gmatch(raw, '%d+') do values[#values + 1] = tonumber(number) end
  for i = 1, #values - 2, 3 do
    entries[#entries + 1] = { values[i], values[i] - values[i + 1], values[i + 2] }
  end
  return entries
end

local function serialize(entries)
  local parts = {}
  for i, entry in ipairs(entries) do
    parts[i] = string.format('%d %d %d', entry[1], entry[1] - entry[2], entry[3])
  end
  return table.concat(parts, ' ')
end

local function first_live(entries, duration)
  local index = 1
  while index <= #entries and entries[index][1] + duration <= now do index = index + 1 end
  return index
end

local function used_from(entries, start)
  local used = 0
  for index = start, #entries do used = used + entries[index][3] end
  return used
end

local function reset_of(entries, duration)
  local last = entries[#entries]
  if not last then return 0 end
  return math.max(0, last[1] + duration - now)
end

local function check(entries, limit, duration, cost)
  local start = first_live(entries, duration)
  local used = used_from(entries, start)
  if used + cost > limit then
    local retry = -1
    if cost <= limit then
      local need = used + cost - limit
      local freed = 0
      for index = start, #entries do
        freed = freed + entries[index][3]
        if freed >= need then
          retry = entries[index][1] + duration - now
          break
        end
      end
    end
    return false, math.max(0, limit - used), reset_of(entries, duration), retry, entries
  end
  local next_entries = {}
  for index = start, #entries do next_entries[#next_entries + 1] = entries[index] end
  if cost > 0 then
    local tail = next_entries[#next_entries]
    local slot = math.max(1, math.floor(duration / SLOTS))
    if tail and now - tail[2] < slot then
      next_entries[#next_entries] = { math.max(tail[1], now), tail[2], tail[3] + cost }
    else
      next_entries[#next_entries + 1] = { now, now, cost }
    end
  end
  return true, limit - used - cost, reset_of(next_entries, duration), -1, next_entries
end

local original, working, longest, written = {}, {}, {}, {}
local decisions = {}
local all_allowed = true
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 * i - 2])
  local duration = tonumber(ARGV[3 * i - 1])
  local cost = tonumber(ARGV[3 * i])
  if original[key] == nil then original[key] = parse(redis.call('GET', key)) end
  local allowed, remaining, reset, retry, next_entries = check(working[key] or original[key], limit, duration, cost)
  if allowed then
    working[key] = next_entries
    if cost > 0 then written[key] = true end
  else
    all_allowed = false
  end
  longest[key] = math.max(longest[key] or 0, duration)
  decisions[i] = { allowed, remaining, reset, retry }
end

local reply = { all_allowed and 1 or 0 }
if all_allowed then
  for key in pairs(written) do
    local entries = working[key]
    redis.call('SET', key, serialize(entries), 'PX', math.max(1, reset_of(entries, longest[key])))
  end
end
for i, key in ipairs(KEYS) do
  local decision = decisions[i]
  if not all_allowed then
    -- Nothing was consumed: every limit reports its bucket as it stands.
    local duration = tonumber(ARGV[3 * i - 1])
    local entries = original[key]
    decision = { decision[1], math.max(0, tonumber(ARGV[3 * i - 2]) - used_from(entries, first_live(entries, duration))), reset_of(entries, duration), decision[4] }
  end
  reply[#reply + 1] = decision[1] and 1 or 0
  reply[#reply + 1] = decision[2]
  reply[#reply + 1] = decision[3]
  reply[#reply + 1] = decision[4]
end
return reply
`;
