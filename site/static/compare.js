// The comparison page: the programs picked on the search page (/compare/?ids=a,b,c, at most 5),
// each read from the API (/v1/facilities/{id}), side by side in one table: a column per program,
// a row per detail. Built with DOM methods and textContent only, as on the search page.
(function () {
  "use strict";

  var MAX = 5;
  var SEARCH_KEY = "iopfinder.search"; // the last search on the near-me page (its query string), for the way back
  var main = document.getElementById("main");
  var api = main.getAttribute("data-api-url") || "";
  var base = main.getAttribute("data-base-url") || "";
  var prefix = main.getAttribute("data-site-prefix") || ""; // where this language's pages live ("/es")
  var lang = document.documentElement.lang; // the API answers in it
  var labels = JSON.parse(document.getElementById("labels").textContent);
  // Every word this script shows, in the page's language (written from the message catalogs).
  var TEXT = JSON.parse(document.getElementById("text").textContent);
  var shared = window.IOPFinderPage(TEXT, labels, prefix);
  var el = shared.el, say = shared.say, sayCount = shared.sayCount, local = shared.local,
    phoneText = shared.phoneText, named = shared.named;
  var statusLine = document.getElementById("compare-status");
  var holder = document.getElementById("comparison");

  function has(record, test) {
    var present = test.field.split(".").reduce(function (value, part) {
      return value && typeof value === "object" ? value[part] : undefined;
    }, record);
    if (typeof test.value === "boolean") return present === test.value;
    return test.value.some(function (value) { return (present || []).indexOf(value) >= 0; });
  }

  function passing(tests, record) {
    return Object.keys(tests).filter(function (name) { return has(record, tests[name]); })
      .map(function (name) { return tests[name].label; });
  }

  function paid(values) {
    return Object.keys(labels.payment).filter(function (v) { return (values || []).indexOf(v) >= 0; })
      .map(function (v) { return labels.payment[v]; });
  }

  function hours(record) {
    var site = record.site || {};
    if (site.opening_hours && site.opening_hours.length) return site.opening_hours;
    return (site.schedules || []).map(function (s) {
      var days = (s.days || []).map(function (d) { return TEXT.days[d] || d; }).join(", ");
      return [days, [s.starts, s.ends].filter(Boolean).join("–")].filter(Boolean).join(" ");
    });
  }

  function lines(items) {
    if (!items.length) return TEXT.notListed;
    var list = el("ul", null, { "class": "plain" });
    items.forEach(function (item) { list.appendChild(typeof item === "string" ? el("li", item) : item); });
    return list;
  }

  function phones(record) {
    return lines((record.phones || []).map(function (phone) {
      var li = el("li", (TEXT.phoneKinds[phone.kind] || phone.kind) + ": ");
      li.appendChild(el("a", phoneText(phone), { href: "tel:" + phone.number + (phone.extension ? ";ext=" + phone.extension : "") }));
      return li;
    }));
  }

  // Only IOPs have a page on the site; the API names it (a path, or a whole URL when configured so).
  function pageLink(record) {
    if (!record.page_url) return TEXT.noPage;
    var url = local(record.page_url);
    return el("a", url.charAt(0) === "/" ? base + url : url, { href: url });
  }

  var ROWS = [
    ["address", function (r) {
      var a = r.address;
      return lines([a.street1, a.street2, a.city + ", " + a.state + " " + a.zip].filter(Boolean));
    }],
    ["phones", phones],
    ["levels", function (r) { return lines(named("levels_of_care", r.levels_of_care)); }],
    ["payment", function (r) { return lines(paid(r.payment)); }],
    ["assistance", function (r) { return lines(paid(r.payment_assistance)); }],
    ["ages", function (r) { return lines(named("ages", r.ages)); }],
    ["genders", function (r) { return lines(named("genders", r.genders)); }],
    ["populations", function (r) { return lines(named("populations", r.populations)); }],
    ["languages", function (r) { return lines(named("languages", r.languages)); }],
    ["services", function (r) { return lines(passing(labels.services, r)); }],
    ["hours", function (r) { return lines(hours(r)); }],
    ["telehealth", function (r) { return r.telehealth ? TEXT.yes : TEXT.notListed; }],
    ["coOccurring", function (r) { return r.co_occurring ? TEXT.yes : TEXT.notListed; }],
    ["asOf", function (r) { return r.verified_on || TEXT.notListed; }],
    ["page", pageLink]
  ];

  function cell(tag, content, attributes) {
    var node = el(tag, null, attributes);
    if (typeof content === "string") node.textContent = content; else node.appendChild(content);
    return node;
  }

  function table(records) {
    var wrap = el("div", null, { "class": "table-wrap", role: "region", "aria-labelledby": "comparison-caption", tabindex: "0" });
    var grid = el("table", null, { "class": "comparison" });
    grid.appendChild(el("caption", sayCount(TEXT.caption, records.length, { count: records.length }),
      { id: "comparison-caption" }));
    var head = el("tr");
    head.appendChild(el("th", TEXT.detail, { scope: "col" }));
    records.forEach(function (r) {
      var th = el("th", null, { scope: "col" });
      th.appendChild(r.page_url ? el("a", r.name, { "class": "name", href: local(r.page_url) })
        : el("span", r.name, { "class": "name" }));
      if (r.name2) th.appendChild(el("span", r.name2, { "class": "program" }));
      head.appendChild(th);
    });
    grid.appendChild(el("thead")).appendChild(head);
    var body = grid.appendChild(el("tbody"));
    var rows = ROWS.slice();
    if (records.some(function (r) { return passing(labels.notices, r).length; })) {
      rows.unshift(["notices", function (r) { return lines(passing(labels.notices, r)); }]);
    }
    rows.forEach(function (row) {
      var tr = el("tr", null, { "class": "row-" + row[0] });
      tr.appendChild(el("th", TEXT.rows[row[0]], { scope: "row" }));
      records.forEach(function (r) { tr.appendChild(cell("td", row[1](r))); });
      body.appendChild(tr);
    });
    wrap.appendChild(grid);
    return wrap;
  }

  function show(records, missing) {
    holder.textContent = "";
    statusLine.textContent = missing ? sayCount(TEXT.missing, missing, { count: missing }) : "";
    if (!records.length) return;
    holder.appendChild(table(records));
    var url = base + location.pathname + location.search;
    holder.appendChild(el("p", say(TEXT.pageLine, { url: url }), { "class": "page-url" }));
  }

  // The way back: this language's near-me page with the last search (its query string) kept.
  var back = null;
  try { back = sessionStorage.getItem(SEARCH_KEY); } catch (error) { /* storage is off: back to a new search */ }
  var backLink = document.getElementById("back");
  if (back && back.charAt(0) === "?") backLink.href = backLink.getAttribute("href") + back;
  // The language switch leads to this same comparison in the other language.
  Array.prototype.forEach.call(document.querySelectorAll("a[data-language-switch]"), function (link) {
    link.setAttribute("href", link.getAttribute("href").split("?")[0] + location.search);
  });

  var ids = (new URLSearchParams(location.search).get("ids") || "").split(",")
    .filter(function (id, i, all) { return /^[0-9a-f]{16}$/.test(id) && all.indexOf(id) === i; }).slice(0, MAX);
  if (!ids.length) { statusLine.textContent = TEXT.none; return; }
  statusLine.textContent = TEXT.loading;
  Promise.all(ids.map(function (id) {
    return fetch(api + "/v1/facilities/" + id + "?lang=" + encodeURIComponent(lang),
      { headers: { Accept: "application/json" } }).then(function (response) {
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  })).then(function (records) {
    var found = records.filter(Boolean);
    show(found, records.length - found.length);
  }).catch(function () {
    statusLine.className = "error";
    statusLine.textContent = TEXT.unreachable;
  });
})();
