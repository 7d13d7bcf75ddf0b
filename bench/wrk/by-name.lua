-- Entity by reference, a different component on every request.
math.randomseed(42)
request = function()
  local n = math.random(0, 99999)
  return wrk.format("GET", string.format("/api/catalog/entities/by-name/component/default/svc-%06d", n % 49770))
end
