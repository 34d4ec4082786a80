// The "near me" page: a ZIP or the browser's location → the IOP Finder API → results.
// Everything is built with DOM methods and textContent, so no listing text is ever parsed as HTML.
// The search lives in the URL (shareable, bookmarkable); coordinates are rounded to 2 decimals
// (about a kilometre) before they leave the browser.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var api = main.getAttribute("data-api-url") || "";
  var form = document.getElementById("search");
  var zip = document.getElementById("zip");
  var radius = document.getElementById("radius");
  var filters = document.getElementById("filters");
  var statusLine = document.getElementById("status");
  var list = document.getElementById("results");
  var pager = document.getElementById("pager");
  var locate = document.getElementById("locate");
  var GROUPS = []; // the API's filter groups (from its taxonomy), less the state a page already sets
  var SIZE = 20;
  var point = null; // {lat, lon}, rounded, when the browser's location is used
  var labels = {}; // group → value → label, from the API's taxonomy

  function el(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function slugify(text) {
    return text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "x";
  }

  function facilityPath(item) {
    var a = item.address;
    return "/facilities/" + slugify([item.name, a.city, a.state, item.id.slice(0, 6)].join(" ")) + "/";
  }

  function phoneText(phone) {
    var d = phone.number.slice(2);
    return "(" + d.slice(0, 3) + ") " + d.slice(3, 6) + "-" + d.slice(6) + (phone.extension ? " ext. " + phone.extension : "");
  }

  function round(value) { return Math.round(value * 100) / 100; }

  function checked(group) {
    return Array.prototype.map.call(filters.querySelectorAll("input[name='" + group + "']:checked"),
      function (box) { return box.value; });
  }

  function currentParams(page) {
    var params = new URLSearchParams();
    if (point) { params.set("lat", point.lat); params.set("lon", point.lon); }
    else if (zip.value) { params.set("zip", zip.value.trim()); }
    params.set("radius_mi", radius.value);
    GROUPS.forEach(function (group) { checked(group).forEach(function (v) { params.append(group, v); }); });
    (new URLSearchParams(location.search)).getAll("state").forEach(function (s) {
      if (!point && !zip.value) params.append("state", s);
    });
    if (page > 1) params.set("page", page);
    return params;
  }

  function buildFilters(taxonomy, selected) {
    filters.textContent = "";
    GROUPS = taxonomy.groups.map(function (group) { return group.param; })
      .filter(function (param) { return param !== "state"; });
    taxonomy.groups.forEach(function (group) {
      labels[group.param] = {};
      group.values.forEach(function (value) { labels[group.param][value.value] = value.label; });
      if (GROUPS.indexOf(group.param) < 0) return;
      var details = el("details");
      if (selected.getAll(group.param).length) details.open = true;
      details.appendChild(el("summary", group.label));
      var fieldset = el("fieldset");
      fieldset.appendChild(el("legend", group.label, { "class": "visually-hidden" }));
      group.values.forEach(function (value) {
        var id = "f-" + group.param + "-" + value.value;
        var label = el("label", null, { "class": "check", "for": id });
        var box = el("input", null, { type: "checkbox", id: id, name: group.param, value: value.value });
        box.checked = selected.getAll(group.param).indexOf(value.value) >= 0;
        box.addEventListener("change", function () { run(1, true); });
        label.appendChild(box);
        label.appendChild(el("span", value.label));
        label.appendChild(el("span", "", { "class": "count", "data-count": group.param + ":" + value.value }));
        fieldset.appendChild(label);
      });
      details.appendChild(fieldset);
      filters.appendChild(details);
    });
  }

  function showCounts(facets) {
    Array.prototype.forEach.call(filters.querySelectorAll("[data-count]"), function (node) {
      var parts = node.getAttribute("data-count").split(":");
      var found = (facets[parts[0]] ? facets[parts[0]].values : []).filter(function (v) { return v.value === parts[1]; })[0];
      node.textContent = "(" + (found ? found.count : 0) + ")";
    });
  }

  function render(body, page) {
    list.textContent = "";
    body.results.forEach(function (item) {
      var li = el("li");
      var heading = el("h2");
      if (item.levels_of_care && item.levels_of_care.indexOf("iop") >= 0) {
        heading.appendChild(el("a", item.name, { href: facilityPath(item) }));
      } else {
        heading.textContent = item.name;
      }
      li.appendChild(heading);
      if (item.name2) li.appendChild(el("p", item.name2, { "class": "program" }));
      var where = [item.address.street1, item.address.city, item.address.state].filter(Boolean).join(", ");
      var line = el("p", where);
      if (item.distance_mi !== undefined) {
        line.appendChild(document.createTextNode(" · "));
        line.appendChild(el("span", item.distance_mi.toFixed(1) + " mi", { "class": "miles" }));
      }
      li.appendChild(line);
      if (item.phones && item.phones.length) {
        var p = el("p");
        p.appendChild(el("a", phoneText(item.phones[0]), { href: "tel:" + item.phones[0].number }));
        li.appendChild(p);
      }
      if (item.payment && item.payment.length) {
        var names = item.payment.map(function (v) { return (labels.payment || {})[v] || v; });
        li.appendChild(el("p", "Payment: " + names.join(", "), { "class": "tags" }));
      }
      list.appendChild(li);
    });
    var shown = body.results.length;
    var where = body.query.point ? " within " + body.query.radius_mi + " miles" : "";
    statusLine.className = "";
    statusLine.textContent = body.total === 0 ? "No programs found" + where + ". Try a wider distance or fewer filters."
      : body.total + (body.total === 1 ? " program" : " programs") + " found" + where +
        (body.total > shown ? ", showing " + ((page - 1) * SIZE + 1) + "–" + ((page - 1) * SIZE + shown) : "") + ".";
    pager.textContent = "";
    if (page > 1) {
      var back = el("button", "Previous page", { type: "button", "class": "secondary" });
      back.addEventListener("click", function () { run(page - 1, true); });
      pager.appendChild(back);
    }
    if ((page - 1) * SIZE + shown < body.total && page * SIZE < 10000) {
      var next = el("button", "Next page", { type: "button", "class": "secondary" });
      next.addEventListener("click", function () { run(page + 1, true); });
      pager.appendChild(next);
    }
    showCounts(body.facets);
  }

  function fail(message) {
    list.textContent = "";
    pager.textContent = "";
    statusLine.className = "error";
    statusLine.textContent = message;
  }

  function run(page, push) {
    var params = currentParams(page);
    if (!params.has("lat") && !params.has("zip") && !params.has("state")) return;
    if (push) history.pushState(null, "", "?" + params.toString());
    statusLine.className = "";
    statusLine.textContent = "Searching…";
    params.set("size", SIZE);
    fetch(api + "/v1/facilities?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 422) throw new Error(body.message || "Please check the ZIP code.");
          if (!response.ok) throw new Error("");
          render(body, page);
        });
      })
      .catch(function (error) {
        fail(error.message && error.message.indexOf("fetch") < 0 && error.message.indexOf("NetworkError") < 0
          ? "That search did not work: " + error.message
          : "The search service is not reachable right now. Please try again in a minute, or browse programs by state from the home page.");
      });
  }

  function fromUrl() {
    var params = new URLSearchParams(location.search);
    point = params.has("lat") && params.has("lon") ? { lat: round(+params.get("lat")), lon: round(+params.get("lon")) } : null;
    zip.value = params.get("zip") || "";
    if (params.get("radius_mi")) radius.value = params.get("radius_mi");
    Array.prototype.forEach.call(filters.querySelectorAll("input[type=checkbox]"), function (box) {
      box.checked = params.getAll(box.name).indexOf(box.value) >= 0;
    });
    return params;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    point = null;
    if (!/^[0-9]{5}$/.test(zip.value.trim())) { fail("Please enter a 5-digit ZIP code."); zip.focus(); return; }
    run(1, true);
  });

  if ("geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      statusLine.textContent = "Finding your location…";
      navigator.geolocation.getCurrentPosition(function (position) {
        point = { lat: round(position.coords.latitude), lon: round(position.coords.longitude) };
        zip.value = "";
        run(1, true);
      }, function () { fail("Your location is not available. Please enter a ZIP code instead."); },
      { maximumAge: 600000, timeout: 15000 });
    });
  }

  window.addEventListener("popstate", function () { fromUrl(); run(+(new URLSearchParams(location.search).get("page")) || 1, false); });

  var initial = new URLSearchParams(location.search);
  fetch(api + "/v1/taxonomy").then(function (r) { return r.json(); }).then(function (taxonomy) {
    buildFilters(taxonomy, initial);
    filters.parentNode.hidden = false;
  }).catch(function () { /* filters stay hidden; the search itself reports an outage */ }).then(function () {
    fromUrl();
    if (initial.get("locate") === "1" && !locate.hidden) { locate.click(); return; }
    run(+initial.get("page") || 1, false);
  });
})();
