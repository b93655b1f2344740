-- wrk script for the booking POST: every request books a different free time.
--
--   wrk -s bench/book.lua http://127.0.0.1:PORT/boka/stockholm/nybesok/uppgifter/ \
--       -- IDS_FILE CSRF_TOKEN COOKIE_HEADER THREADS
--
-- IDS_FILE holds free slot ids, one a line (bench/run.py writes it before each run from the
-- database). Thread n of THREADS takes ids n+1, n+1+THREADS, ... so no two requests ask for
-- the same time. The CSRF token and the cookies (csrftoken, sessionid) were fetched once
-- from the booking form; each request carries its own one-time form token.

local next_thread = 0

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

local ids = {}
local token, stride
local sent = 0

function init(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  token = args[2]
  stride = tonumber(args[4])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = args[3]
end

function request()
  local index = thread_number + 1 + sent * stride
  sent = sent + 1
  local slot = ids[index]
  if slot == nil then
    slot = "0" -- out of prepared times: no booking, which the report counts as an error
  end
  local body = "csrfmiddlewaretoken=" .. token
    .. "&slot=" .. slot
    .. "&name=Bench+Patient&email=bench%40example.com&phone=070-123+45+67"
    .. "&personnummer=19850709-9805&date_of_birth=&message=&consent=on&website="
    .. "&request_token=" .. string.format("%08x%08x%016x", thread_number, sent, tonumber(slot))
  return wrk.format(nil, nil, nil, body)
end
