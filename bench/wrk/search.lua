-- Full-text search over names, titles, descriptions and tags, varied words.
math.randomseed(42)
local words = {"cart", "payment", "ledger", "stock", "review", "billing", "session", "alert", "geo", "catalog"}
request = function()
  local w = words[math.random(#words)]
  return wrk.format("GET", "/api/kiosque/catalog/search?q=" .. w .. "&limit=20")
end
