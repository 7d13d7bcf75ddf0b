// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  var root = document.documentElement;

  // Theme: switch at once; the link still records the choice for the server.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-theme-toggle]");
    if (!link) return;
    var dark = root.getAttribute("data-theme") === "dark" ||
      (!root.hasAttribute("data-theme") && window.matchMedia("(prefers-color-scheme: dark)").matches);
    var next = dark ? "light" : "dark";
    root.setAttribute("data-theme", next);
    document.cookie = "kiosque_theme=" + next + "; Path=/; Max-Age=31536000; SameSite=Lax";
    event.preventDefault();
  });

  // Catalog filters: apply as they change, and filter by text while typing.
  var form = document.getElementById("catalog-filters");
  if (!form) return;
  var timer = null;
  var pending = null;
  function refresh() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (String(value).trim() !== "") params.append(key, value);
    });
    var query = params.toString();
    var url = form.action + (query ? "?" + query : "");
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        ["catalog-results"].forEach(function (id) {
          var fresh = next.getElementById(id);
          var current = document.getElementById(id);
          if (fresh && current) current.replaceWith(fresh);
        });
        var facets = next.getElementById("catalog-filters");
        if (facets) {
          // Keep the text box (and its caret) as the user left it.
          form.querySelectorAll("fieldset").forEach(function (f, i) {
            var replacement = facets.querySelectorAll("fieldset")[i];
            if (replacement) f.replaceWith(replacement);
          });
        }
        history.replaceState(null, "", url);
      })
      .catch(function () {});
  }
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox]")) refresh();
  });
  form.addEventListener("input", function (event) {
    if (!event.target.matches("[data-instant]")) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
})();
