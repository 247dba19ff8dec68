-- wrk script: each request asks for one of the 1,000 small fixture files
-- (/small/f0000.txt … /small/f0999.txt), picked at random with a fixed
-- seed so every server sees the same sequence.
local count = 1000

init = function(args)
  math.randomseed(20240611)
end

request = function()
  local path = string.format("/small/f%04d.txt", math.random(0, count - 1))
  return wrk.format("GET", path)
end
