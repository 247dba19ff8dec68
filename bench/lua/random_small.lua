-- wrk script: each request asks for one of the 1,000 small fixture files
-- (/small/f0000.txt … /small/f0999.txt), picked at random with a fixed
-- seed so every server sees the same sequence. A first script argument
-- (`wrk ... -s random_small.lua URL -- N`) picks among the first N files
-- instead: the same work per request for wrk, fewer files for the server.
local count = 1000

init = function(args)
  count = tonumber(args[1]) or count
  math.randomseed(20240611)
end

request = function()
  local path = string.format("/small/f%04d.txt", math.random(0, count - 1))
  return wrk.format("GET", path)
end
