// Place suggestions for the search box (input[data-suggest] with a <datalist>): once two or more
// letters are typed and typing pauses, the API's /v1/places suggests cities and states. Only the
// typed text is sent, never the browser's location; ZIP codes need no suggestions.
(function () {
  "use strict";
  var api = document.getElementById("main").getAttribute("data-api-url") || "";
  var PAUSE_MS = 250;

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var latest = "";

    function show(places) {
      list.textContent = "";
      places.forEach(function (place) {
        var option = document.createElement("option");
        option.value = place.name;
        list.appendChild(option);
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || /^[0-9\s,.-]+$/.test(text)) return;
      timer = setTimeout(function () {
        latest = text;
        fetch(api + "/v1/places?prefix=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { places: [] }; })
          .then(function (body) { if (text === latest) show(body.places); })
          .catch(function () { /* no suggestions; the search itself still works */ });
      }, PAUSE_MS);
    });
  });
})();
