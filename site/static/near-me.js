// The "near me" page: a ZIP code, a place (a city, a state, pasted coordinates), the browser's
// location or a facility (near=: a step-down search around it) → the IOP Finder API → results.
// IOPs first: a search whose URL names no level is a search for IOPs; "level=all" in the page's
// URL stands for every level (the API is then asked without one).
// Everything is built with DOM methods and textContent, so no listing text is ever parsed as HTML.
// The search lives in the URL (shareable, bookmarkable); coordinates are rounded to 2 decimals
// (about a kilometre) before they leave the browser. The programs picked for comparison live in
// sessionStorage, so the choice survives paging and new searches in this tab.
(function () {
  "use strict";

  var main = document.getElementById("main");
  var api = main.getAttribute("data-api-url") || "";
  var prefix = main.getAttribute("data-site-prefix") || ""; // where this language's pages live ("/es")
  var lang = document.documentElement.lang; // the API answers in it (filter labels, counts' labels)
  var labels = JSON.parse(document.getElementById("labels").textContent);
  // Every word this script shows, in the page's language (written from the message catalogs).
  var TEXT = JSON.parse(document.getElementById("text").textContent);
  var shared = window.IOPFinderPage(TEXT, labels, prefix);
  var el = shared.el, say = shared.say, sayCount = shared.sayCount, local = shared.local,
    phoneText = shared.phoneText, named = shared.named;
  var heading = document.getElementById("heading");
  var form = document.getElementById("search");
  var where = document.getElementById("where");
  var radius = document.getElementById("radius");
  var filters = document.getElementById("filters");
  var statusBox = document.getElementById("status");
  var list = document.getElementById("results");
  var pager = document.getElementById("pager");
  var locate = document.getElementById("locate");
  var unfold = document.getElementById("unfold");
  var foldAfter = true; // a search from the form or the address folds the form (on a phone), a filter does not
  var compareBar = document.getElementById("compare-bar");
  var compareLink = document.getElementById("compare-link");
  var comparePath = compareLink.getAttribute("href");
  var switches = document.querySelectorAll("a[data-language-switch]");
  var compareNote = document.getElementById("compare-note");
  var titleSuffix = document.title.slice(document.title.lastIndexOf(" · "));
  var SIZE = 20;
  var ALL_LEVELS = "all";
  var NOT_IN_PANEL = ["state", "code"]; // the API's groups that pages set by link, never by checkbox
  var FORM_KEYS = ["lat", "lon", "zip", "place", "near", "radius_mi", "page", "locate"];
  var MAX_COMPARE = 5;
  var PICKED_KEY = "iopfinder.compare";
  var SEARCH_KEY = "iopfinder.search"; // the compare page's way back
  var panel = []; // the filter groups shown as checkboxes (from the API's taxonomy)
  var stateNames = {};
  var point = null; // {lat, lon}, rounded, when the browser's location is used
  var searches = 0; // answers to an earlier search than the latest are dropped
  var picked = readPicked();

  function round(value) { return Math.round(value * 100) / 100; }

  function store(key, value) {
    try { sessionStorage.setItem(key, value); } catch (error) { /* storage is off: kept while the page is open */ }
  }

  function readPicked() {
    try {
      var ids = JSON.parse(sessionStorage.getItem(PICKED_KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) { return /^[0-9a-f]{16}$/.test(id); }).slice(0, MAX_COMPARE) : [];
    } catch (error) { return []; }
  }

  function checked(name) {
    return Array.prototype.map.call(filters.querySelectorAll("input[name='" + name + "']:checked"),
      function (box) { return box.value; });
  }

  // The search as the page's URL holds it.
  function pageParams(page) {
    var url = new URLSearchParams(location.search);
    var params = new URLSearchParams();
    var text = where.value.trim();
    if (point) { params.set("lat", point.lat); params.set("lon", point.lon); }
    else if (/^[0-9]{5}$/.test(text)) { params.set("zip", text); }
    else if (text) { params.set("place", text); }
    else if (url.has("near")) { params.set("near", url.get("near")); } // a step-down search around a facility
    params.set("radius_mi", radius.value);
    if (panel.length) {
      panel.forEach(function (group) { checked(group).forEach(function (v) { params.append(group, v); }); });
      if (!params.has("level")) params.set("level", ALL_LEVELS);
      checked("match_all").forEach(function (group) { params.append("match_all", group); });
    }
    var located = params.has("lat") || params.has("zip") || params.has("place") || params.has("near");
    url.forEach(function (value, key) {
      var carried = panel.length ? NOT_IN_PANEL.indexOf(key) >= 0 : FORM_KEYS.indexOf(key) < 0;
      if (carried && !(key === "state" && located)) params.append(key, value);
    });
    if (!params.has("level")) params.set("level", "iop");
    if (page > 1) params.set("page", page);
    return params;
  }

  function buildFilters(taxonomy) {
    filters.textContent = "";
    panel = taxonomy.groups.map(function (group) { return group.param; })
      .filter(function (param) { return NOT_IN_PANEL.indexOf(param) < 0; });
    taxonomy.groups.forEach(function (group) {
      if (group.param === "state") group.values.forEach(function (value) { stateNames[value.value] = value.label; });
      if (panel.indexOf(group.param) < 0) return;
      var details = el("details");
      details.appendChild(el("summary", group.label));
      var fieldset = el("fieldset");
      fieldset.appendChild(el("legend", group.label, { "class": "visually-hidden" }));
      group.values.forEach(function (value) {
        var label = checkbox("f-" + group.param + "-" + value.value, group.param, value.value, value.label);
        label.appendChild(el("span", "", { "class": "count", "data-count": group.param + ":" + value.value }));
        fieldset.appendChild(label);
      });
      fieldset.appendChild(checkbox("f-all-" + group.param, "match_all", group.param, TEXT.matchAll, "match-all"));
      details.appendChild(fieldset);
      filters.appendChild(details);
    });
  }

  function checkbox(id, name, value, text, extraClass) {
    var label = el("label", null, { "class": "check" + (extraClass ? " " + extraClass : ""), "for": id });
    var box = el("input", null, { type: "checkbox", id: id, name: name, value: value });
    box.addEventListener("change", function () { run(1, true); });
    label.appendChild(box);
    label.appendChild(el("span", text));
    return label;
  }

  function showCounts(facets) {
    Array.prototype.forEach.call(filters.querySelectorAll("[data-count]"), function (node) {
      var parts = node.getAttribute("data-count").split(":");
      var found = (facets[parts[0]] ? facets[parts[0]].values : []).filter(function (v) { return v.value === parts[1]; })[0];
      node.textContent = "(" + (found ? found.count : 0) + ")";
    });
  }

  // Where the search was made, as the API resolved it: {name, near} (near: around a point; else within).
  function placeOf(query) {
    if (query.place) return { name: query.place.name, near: query.place.kind !== "state" };
    if (query.point && query.point.source === "zip") {
      var zip = query.point;
      return { name: say(TEXT.zipPlace, { zip: zip.zip, city: zip.city, state: zip.state }), near: true };
    }
    if (query.point && query.point.source === "facility") return { name: query.point.name, near: true };
    if (query.point) return { name: TEXT.yourLocation, near: true };
    return { name: (query.filters.state || []).map(function (s) { return stateNames[s] || s; }).join(", "), near: false };
  }

  function line(text, className) {
    var p = el("p", text);
    if (className) p.className = className;
    statusBox.appendChild(p);
    return p;
  }

  function rerunLink(place) {
    var params = pageParams(1);
    ["lat", "lon", "zip", "state"].forEach(function (key) { params.delete(key); });
    params.set("place", place.name);
    return el("a", place.name, { href: "?" + params.toString() });
  }

  function showStatus(body, page, iopOnly, place) {
    var query = body.query;
    var scope = query.radius_mi ? say(TEXT.within, { miles: query.radius_mi, place: place.name })
      : say(TEXT.inPlace, { place: place.name });
    var shown = body.results.length;
    statusBox.textContent = "";
    statusBox.className = "";
    var first = (page - 1) * SIZE + 1;
    line(body.total === 0 ? say(iopOnly ? TEXT.noIops : TEXT.noPrograms, { scope: scope })
      : sayCount(iopOnly ? TEXT.foundIops : TEXT.foundPrograms, body.total, { count: body.total, scope: scope }) +
        (body.total > shown ? say(TEXT.showing, { first: first, last: first + shown - 1 }) : "") + ".");
    if (query.corrected_from) line(say(TEXT.corrected, { place: query.place.name, typed: query.corrected_from }), "note");
    if (query.alternatives && query.alternatives.length) {
      var around = TEXT.didYouMean.split("%(places)s"); // the links go where the message names them
      var p = line(around[0], "note");
      query.alternatives.forEach(function (place, i) {
        if (i) p.appendChild(document.createTextNode("; "));
        p.appendChild(rerunLink(place));
      });
      p.appendChild(document.createTextNode(around[1]));
    }
    statusBox.setAttribute("aria-busy", "false");
  }

  function tags(text) { return el("p", text, { "class": "tags" }); }

  function card(item) {
    var li = el("li", null, { "data-id": item.id });
    var title = el("h2");
    if (item.offers_iop) {
      title.appendChild(el("span", TEXT.iopBadge, { "class": "badge" }));
      title.appendChild(document.createTextNode(" "));
    }
    title.appendChild(item.page_url ? el("a", item.name, { href: local(item.page_url) })
      : document.createTextNode(item.name));
    li.appendChild(title);
    if (item.name2) li.appendChild(el("p", item.name2, { "class": "program" }));
    (item.notices || []).forEach(function (notice) {
      var known = labels.notices[notice.value];
      li.appendChild(el("p", known ? known.label : notice.label, { "class": "notice" }));
    });
    var address = el("p", [item.address.street1, item.address.city, item.address.state].filter(Boolean).join(", "));
    if (item.distance_mi !== undefined) {
      address.appendChild(document.createTextNode(" · "));
      address.appendChild(el("span", say(TEXT.miles, { miles: item.distance_mi.toFixed(1) }), { "class": "miles" }));
    }
    if (item.location_precision === "zip") address.appendChild(document.createTextNode(" · " + TEXT.approximate));
    li.appendChild(address);
    var phones = el("p");
    ["main", "intake"].forEach(function (kind) {
      var phone = (item.phones || []).filter(function (p) { return p.kind === kind; })[0];
      if (!phone) return;
      if (phones.childNodes.length) phones.appendChild(document.createTextNode(" · "));
      phones.appendChild(document.createTextNode(TEXT.phoneKinds[kind] + ": "));
      phones.appendChild(el("a", phoneText(phone), { href: "tel:" + phone.number + (phone.extension ? ";ext=" + phone.extension : "") }));
    });
    if (phones.childNodes.length) li.appendChild(phones);
    var accepted = (item.payment || []).concat(item.payment_assistance || []);
    var payment = Object.keys(labels.payment).filter(function (v) { return accepted.indexOf(v) >= 0; })
      .map(function (v) { return labels.payment[v]; });
    if (payment.length) {
      var pays = tags("");
      pays.appendChild(el("span", TEXT.payment + " ", { "class": "visually-hidden" }));
      pays.appendChild(document.createTextNode(payment.join(" · ")));
      li.appendChild(pays);
    }
    var features = labels.card_features.filter(function (name) { return (item.services || []).indexOf(name) >= 0; })
      .map(function (name) { return labels.services[name].label; });
    if (features.length) li.appendChild(tags(features.join(" · ")));
    if (item.hours && item.hours.length) li.appendChild(tags(say(TEXT.hours, { hours: item.hours.join("; ") })));
    var medications = [];
    if (item.opioid_medications && item.opioid_medications.length) {
      medications.push(say(TEXT.opioidMedications, { medications: item.opioid_medications.map(function (v) {
        return labels.opioid_medications[v] || v;
      }).join(", ") }));
    }
    if (item.alcohol_medications) medications.push(labels.services.alcohol_medications.label);
    if (medications.length) li.appendChild(tags(medications.join(" · ")));
    if (item.languages && item.languages.length) {
      li.appendChild(tags(say(TEXT.languages, { languages: named("languages", item.languages).join(", ") })));
    }
    var foot = el("div", null, { "class": "card-foot" });
    if (item.verified_on) foot.appendChild(el("p", say(TEXT.asOf, { date: item.verified_on }), { "class": "as-of" }));
    foot.appendChild(compareBox(item));
    li.appendChild(foot);
    return li;
  }

  function compareBox(item) {
    var id = "cmp-" + item.id;
    var label = el("label", null, { "class": "check compare", "for": id });
    var box = el("input", null, { type: "checkbox", id: id, value: item.id });
    box.checked = picked.indexOf(item.id) >= 0;
    box.addEventListener("change", function () {
      var at = picked.indexOf(item.id);
      compareNote.textContent = "";
      if (box.checked && at < 0) {
        if (picked.length >= MAX_COMPARE) {
          box.checked = false;
          compareNote.textContent = say(TEXT.tooMany, { max: MAX_COMPARE });
          return;
        }
        picked.push(item.id);
      } else if (!box.checked && at >= 0) {
        picked.splice(at, 1);
      }
      store(PICKED_KEY, JSON.stringify(picked));
      showPicked();
    });
    label.appendChild(box);
    label.appendChild(el("span", TEXT.compare));
    label.appendChild(el("span", " " + item.name, { "class": "visually-hidden" }));
    return label;
  }

  function showPicked() {
    compareBar.hidden = picked.length === 0;
    compareLink.textContent = say(TEXT.compareSelected, { count: picked.length });
    compareLink.href = comparePath + "?ids=" + picked.join(",");
  }

  // The list's results and the search as the API answered it, for the map (static/map.js). Kept on the
  // list too: a quick answer can come before map.js has run, and map.js then draws the last one.
  function showOnMap(body) {
    list.lastResults = body;
    list.dispatchEvent(new CustomEvent("results", { detail: body }));
  }

  function render(body, page) {
    var query = body.query;
    var levels = query.filters.level || [];
    var iopOnly = levels.length === 1 && levels[0] === "iop";
    var place = placeOf(query);
    var levelNames = levels.length ? named("levels_of_care", levels).join(", ") : TEXT.allLevels;
    heading.textContent = iopOnly ? say(place.near ? TEXT.iopsNear : TEXT.iopsIn, { place: place.name })
      : say(place.near ? TEXT.programsNear : TEXT.programsIn, { place: place.name, levels: levelNames });
    document.title = heading.textContent + titleSuffix;
    list.textContent = "";
    body.results.forEach(function (item) { list.appendChild(card(item)); });
    showOnMap(body);
    showStatus(body, page, iopOnly, place);
    pager.textContent = "";
    if (page > 1) {
      var back = el("button", TEXT.previousPage, { type: "button", "class": "secondary" });
      back.addEventListener("click", function () { run(page - 1, true); });
      pager.appendChild(back);
    }
    if ((page - 1) * SIZE + body.results.length < body.total && page * SIZE < 10000) {
      var next = el("button", TEXT.nextPage, { type: "button", "class": "secondary" });
      next.addEventListener("click", function () { run(page + 1, true); });
      pager.appendChild(next);
    }
    showCounts(body.facets);
    if (foldAfter) form.classList.add("folded");
    foldAfter = false;
  }

  function fail(message) {
    list.textContent = "";
    showOnMap({ results: [] });
    pager.textContent = "";
    statusBox.textContent = "";
    statusBox.className = "error";
    line(message);
    statusBox.setAttribute("aria-busy", "false");
  }

  // The language switch leads to this same search in the other language.
  function keepSearchOnSwitch() {
    Array.prototype.forEach.call(switches, function (link) {
      link.setAttribute("href", link.getAttribute("href").split("?")[0] + location.search);
    });
  }

  function run(page, push) {
    var params = pageParams(page);
    if (!["lat", "zip", "place", "near", "state"].some(function (key) { return params.has(key); })) return;
    history[push ? "pushState" : "replaceState"](null, "", "?" + params.toString());
    keepSearchOnSwitch();
    store(SEARCH_KEY, location.search);
    var asked = ++searches;
    statusBox.className = "";
    statusBox.textContent = TEXT.searching;
    statusBox.setAttribute("aria-busy", "true");
    var query = new URLSearchParams(params);
    if (query.get("level") === ALL_LEVELS) query.delete("level");
    query.set("size", SIZE);
    query.set("lang", lang);
    query.set("facets", "true"); // the filter panel shows each value's count
    fetch(api + "/v1/facilities?" + query.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (asked !== searches) return;
          // The API names the parameter first ("place: …"); the visitor knows which box they filled.
          if (response.status === 422) throw new Error((body.message || "").replace(/^[a-z_]+: /, ""));
          if (!response.ok) throw new Error("");
          render(body, page);
        });
      })
      .catch(function (error) {
        if (asked !== searches) return;
        fail(error.message && error.message.indexOf("fetch") < 0 && error.message.indexOf("NetworkError") < 0
          ? say(TEXT.didNotWork, { message: error.message }) : TEXT.unreachable);
      });
  }

  // keepTyped: on first load, text typed while the page was loading stays unless the URL names a place.
  function fromUrl(keepTyped) {
    var params = new URLSearchParams(location.search);
    point = params.has("lat") && params.has("lon") ? { lat: round(+params.get("lat")), lon: round(+params.get("lon")) } : null;
    var given = point ? "" : params.get("zip") || params.get("place") || "";
    if (given || !keepTyped) where.value = given;
    if (params.get("radius_mi")) radius.value = params.get("radius_mi");
    var levels = params.getAll("level");
    Array.prototype.forEach.call(filters.querySelectorAll("input[type=checkbox]"), function (box) {
      box.checked = params.getAll(box.name).indexOf(box.value) >= 0 ||
        (box.name === "level" && box.value === "iop" && !levels.length);
      if (box.checked && box.name !== "match_all") box.closest("details").open = true;
    });
  }

  unfold.addEventListener("click", function () {
    form.classList.remove("folded");
    where.focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    foldAfter = true;
    point = null;
    if (!where.value.trim()) { fail(TEXT.needPlace); where.focus(); return; }
    run(1, true);
  });

  if ("geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      statusBox.textContent = TEXT.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        point = { lat: round(position.coords.latitude), lon: round(position.coords.longitude) };
        where.value = "";
        foldAfter = true;
        run(1, true);
      }, function () { fail(TEXT.noLocation); }, { maximumAge: 600000, timeout: 15000 });
    });
  }

  document.getElementById("compare-clear").addEventListener("click", function () {
    picked = [];
    store(PICKED_KEY, "[]");
    Array.prototype.forEach.call(list.querySelectorAll(".compare input"), function (box) { box.checked = false; });
    compareNote.textContent = "";
    showPicked();
  });

  window.addEventListener("popstate", function () {
    fromUrl(false);
    keepSearchOnSwitch();
    run(+(new URLSearchParams(location.search).get("page")) || 1, false);
  });

  showPicked();
  var initial = new URLSearchParams(location.search);
  var taxonomyUrl = api + "/v1/taxonomy?lang=" + encodeURIComponent(lang);
  fetch(taxonomyUrl).then(function (r) { return r.json(); }).then(function (taxonomy) {
    buildFilters(taxonomy);
    filters.parentNode.hidden = false;
  }).catch(function () { /* filters stay hidden; the search itself reports an outage */ }).then(function () {
    fromUrl(true);
    if (initial.get("locate") === "1" && !locate.hidden) { locate.click(); return; }
    run(+initial.get("page") || 1, false);
  });
})();
