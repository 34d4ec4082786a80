// The near-me page's map: the results the list shows, in the list's order, each a dot linking to its
// program's page, inside the search's circle (its point and radius, when it has them) over the states'
// outlines (static/maps/<st>.json, written by sitegen/maps.py from the US Census Bureau's boundaries).
// The list stays the way to use the page: the map is hidden from assistive technology and its links
// are out of the tab order. near-me.js announces each list with a "results" event on #results, whose
// detail is {results, query} as the API answered (no query when the search failed).
// The projection, the same as sitegen/maps.py's: equirectangular around the middle latitude φm of the
// window [west, south, east, north], fitted into the viewBox at scale k and centred there (x0, y0):
//   x = x0 + (λ − west) · cos φm · k,    y = y0 + (north − φ) · k
// with λ taken within 180° of the window's middle longitude (Alaska's western islands are stored
// below −180°). Built with DOM methods only: a program's name is set as text.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var PAD = 0.1; // the window reaches this share of the results' extent beyond them...
  var MIN_PAD = 0.25; // ...and at least this many degrees of latitude (17 miles): one result has surroundings
  var MILES_PER_DEGREE = 69.05; // of latitude
  var box = document.getElementById("map");
  var svg = box.querySelector("svg");
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var local = window.IOPFinderPage(null, null, data.prefix).local; // page paths in this page's language
  var width = svg.viewBox.baseVal.width;
  var height = svg.viewBox.baseVal.height;
  var shapes = {}; // state → the promise of its outline
  var drawn = 0; // outlines arriving for an earlier list than the latest are dropped

  function node(tag, attributes) {
    var element = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    return element;
  }

  function shape(state) {
    if (!shapes[state]) {
      shapes[state] = fetch(data.shapes + state.toLowerCase() + ".json").then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.json();
      }).catch(function () { delete shapes[state]; return null; }); // no outline this time; the dots stay
    }
    return shapes[state];
  }

  // The window around the points and the search's circle, its projection and the extent the viewBox shows.
  function fit(points, circle) {
    var lons = points.map(function (p) { return p.lon; });
    var lats = points.map(function (p) { return p.lat; });
    if (circle) {
      var reach = circle.radius_mi / MILES_PER_DEGREE;
      var across = reach / Math.cos(circle.lat * Math.PI / 180);
      lats.push(circle.lat - reach, circle.lat + reach);
      lons.push(circle.lon - across, circle.lon + across);
    }
    var west = Math.min.apply(null, lons), east = Math.max.apply(null, lons);
    var south = Math.min.apply(null, lats), north = Math.max.apply(null, lats);
    var cos = Math.cos((south + north) / 2 * Math.PI / 180);
    var pad = Math.max(MIN_PAD, (north - south) * PAD, (east - west) * cos * PAD);
    west -= pad / cos; east += pad / cos; south -= pad; north += pad;
    var middle = (west + east) / 2;
    var k = Math.min((width - 2 * data.margin) / ((east - west) * cos), (height - 2 * data.margin) / (north - south));
    var x0 = (width - (east - west) * cos * k) / 2;
    var y0 = (height - (north - south) * k) / 2;
    return {
      perDegree: k, // viewBox units per degree of latitude
      project: function (lon, lat) {
        lon -= 360 * Math.round((lon - middle) / 360);
        return [x0 + (lon - west) * cos * k, y0 + (north - lat) * k];
      },
      shows: function (bounds) { // [west, south, east, north]
        return bounds[0] <= west + (width - x0) / (cos * k) && bounds[2] >= west - x0 / (cos * k) &&
          bounds[1] <= north + y0 / k && bounds[3] >= north - (height - y0) / k;
      }
    };
  }

  function outline(rings, view) {
    var d = rings.map(function (ring) {
      var steps = [];
      for (var i = 0; i < ring.length; i += 2) {
        var xy = view.project(ring[i], ring[i + 1]);
        steps.push((i ? "L" : "M") + xy[0].toFixed(1) + " " + xy[1].toFixed(1));
      }
      return steps.join("") + "Z";
    }).join("");
    return node("path", { "class": "map-land", d: d });
  }

  function dot(item, view) {
    var xy = view.project(item.location.lon, item.location.lat);
    var point = item.page_url ? node("a", { href: local(item.page_url), tabindex: "-1" }) : node("g", {});
    point.setAttribute("data-id", item.id);
    var circle = node("circle", { "class": "map-point", cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: data.radius });
    var title = node("title", {});
    title.textContent = item.name;
    circle.appendChild(title);
    point.appendChild(circle);
    return point;
  }

  function draw(results, query) {
    var list = ++drawn;
    var placed = results.filter(function (item) { return item.location; });
    svg.textContent = "";
    box.hidden = !placed.length;
    if (!placed.length) return;
    var circle = query.point && query.radius_mi
      ? { lat: query.point.lat, lon: query.point.lon, radius_mi: query.radius_mi } : null;
    var view = fit(placed.map(function (item) { return item.location; }), circle);
    var land = node("g", {});
    svg.appendChild(land);
    if (circle) {
      var centre = view.project(circle.lon, circle.lat);
      svg.appendChild(node("circle", { "class": "map-area", cx: centre[0].toFixed(1), cy: centre[1].toFixed(1),
        r: (circle.radius_mi / MILES_PER_DEGREE * view.perDegree).toFixed(1) }));
    }
    placed.forEach(function (item) { svg.appendChild(dot(item, view)); });
    Object.keys(data.bounds).filter(function (state) { return view.shows(data.bounds[state]); })
      .forEach(function (state) {
        shape(state).then(function (found) {
          if (found && list === drawn) land.appendChild(outline(found.rings, view));
        });
      });
  }

  var results = document.getElementById("results");
  results.addEventListener("results", function (event) {
    draw(event.detail.results, event.detail.query || {});
  });
  if (results.lastResults) draw(results.lastResults.results, results.lastResults.query || {});
})();
