// The comparison page: the programs picked on the search page (/compare/?ids=a,b,c, at most 5),
// each read from the API (/v1/facilities/{id}), side by side in one table: a column per program,
// a row per detail. Built with DOM methods and textContent only, as on the search page.
(function () {
  "use strict";

  // ---- Every user-facing text of this script, in one place (for the message catalogs) ----
  var TEXT = {
    loading: "Loading the programs…",
    none: "No programs to compare yet. On the search page, tick “Compare” on up to 5 programs.",
    missing: function (count) {
      return count === 1 ? "1 program could not be found; it may no longer be listed."
        : count + " programs could not be found; they may no longer be listed.";
    },
    unreachable: "The search service is not reachable right now. Please try again in a minute.",
    caption: function (count) { return count + " programs side by side"; },
    detail: "Program",
    rows: {
      notices: "Please note", address: "Address", phones: "Phone numbers", levels: "Levels of care",
      payment: "Payment accepted", assistance: "Payment assistance", ages: "Ages", genders: "Genders",
      populations: "Programs for", languages: "Languages", services: "Services", hours: "Hours (from its website)",
      telehealth: "Telehealth", coOccurring: "Co-occurring mental health care", asOf: "Information as of",
      page: "Page"
    },
    yes: "Yes",
    notListed: "Not listed",
    noPage: "No page (not an IOP)",
    phoneKinds: { main: "Main", intake: "Intake", hotline: "Hotline" },
    pageLine: "Page: "
  };

  var MAX = 5;
  var SEARCH_KEY = "iopfinder.search"; // the last search on the near-me page, for the way back
  var main = document.getElementById("main");
  var api = main.getAttribute("data-api-url") || "";
  var base = main.getAttribute("data-base-url") || "";
  var labels = JSON.parse(document.getElementById("labels").textContent);
  var statusLine = document.getElementById("compare-status");
  var holder = document.getElementById("comparison");

  function el(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function phoneText(phone) {
    var d = phone.number.slice(2);
    return "(" + d.slice(0, 3) + ") " + d.slice(3, 6) + "-" + d.slice(6) + (phone.extension ? " ext. " + phone.extension : "");
  }

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

  function named(field, values) {
    return (values || []).map(function (value) { return labels.fields[field][value] || value; });
  }

  function paid(values) {
    return Object.keys(labels.payment).filter(function (v) { return (values || []).indexOf(v) >= 0; })
      .map(function (v) { return labels.payment[v]; });
  }

  function hours(record) {
    var site = record.site || {};
    if (site.opening_hours && site.opening_hours.length) return site.opening_hours;
    return (site.schedules || []).map(function (s) {
      var days = (s.days || []).map(function (d) { return d.charAt(0).toUpperCase() + d.slice(1); }).join(", ");
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
    var url = record.page_url;
    if (!url) return TEXT.noPage;
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
    grid.appendChild(el("caption", TEXT.caption(records.length), { id: "comparison-caption" }));
    var head = el("tr");
    head.appendChild(el("th", TEXT.detail, { scope: "col" }));
    records.forEach(function (r) {
      var th = el("th", null, { scope: "col" });
      th.appendChild(r.page_url ? el("a", r.name, { "class": "name", href: r.page_url })
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
    statusLine.textContent = missing ? TEXT.missing(missing) : "";
    if (!records.length) return;
    holder.appendChild(table(records));
    holder.appendChild(el("p", TEXT.pageLine + base + location.pathname + location.search, { "class": "page-url" }));
  }

  var back = null;
  try { back = sessionStorage.getItem(SEARCH_KEY); } catch (error) { /* storage is off: back to a new search */ }
  if (back && back.indexOf("/near-me/") === 0) document.getElementById("back").href = back;

  var ids = (new URLSearchParams(location.search).get("ids") || "").split(",")
    .filter(function (id, i, all) { return /^[0-9a-f]{16}$/.test(id) && all.indexOf(id) === i; }).slice(0, MAX);
  if (!ids.length) { statusLine.textContent = TEXT.none; return; }
  statusLine.textContent = TEXT.loading;
  Promise.all(ids.map(function (id) {
    return fetch(api + "/v1/facilities/" + id, { headers: { Accept: "application/json" } }).then(function (response) {
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
