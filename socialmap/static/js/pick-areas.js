/* socialmap: pick a service's wijken on a map. The checkboxes stay the way to
   choose without JavaScript (and for keyboard and screen-reader users); a
   click on a wijk ticks or unticks its box, and the map follows the boxes. */
(function () {
  "use strict";
  var box = document.querySelector("[data-pick-areas]");
  if (!box || !window.L || !window.fetch) { return; }
  function checkbox(code) {
    return document.querySelector('input[name="serves"][value="' + code + '"]');
  }
  function ticked(code) {
    var input = checkbox(code);
    return Boolean(input && input.checked);
  }
  function style(feature) {
    // chosen itself: strong; inside a chosen stadsdeel, gemeente or regio: light
    var chosen = ticked(feature.properties.code);
    var covered = (feature.properties.within || []).some(ticked);
    return {color: chosen ? "#0b5394" : "#6b7280", weight: chosen ? 2 : 1, fillColor: "#0b5394",
            fillOpacity: chosen ? 0.4 : covered ? 0.15 : 0.03};
  }
  function recount() {
    // the "(chosen/all)" after each group's title follows the boxes
    document.querySelectorAll("details.area-group").forEach(function (group) {
      var count = group.querySelector("summary .muted");
      var boxes = group.querySelectorAll('input[name="serves"]');
      var on = group.querySelectorAll('input[name="serves"]:checked');
      if (count) { count.textContent = "(" + on.length + "/" + boxes.length + ")"; }
    });
  }
  fetch(box.dataset.src, {credentials: "same-origin"}).then(function (answer) {
    return answer.ok ? answer.json() : null;
  }).then(function (shapes) {
    if (!shapes || !shapes.features.length) { return; }
    box.hidden = false;
    var map = L.map(box.querySelector(".map-canvas"));
    L.tileLayer(box.dataset.tiles, {attribution: box.dataset.attribution, maxZoom: 19}).addTo(map);
    var layer = L.geoJSON(shapes, {
      style: style,
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(feature.properties.name, {sticky: true});
        shape.on("click", function () {
          var input = checkbox(feature.properties.code);
          if (!input) { return; }
          input.checked = !input.checked;
          input.dispatchEvent(new Event("change", {bubbles: true}));
          var group = input.closest("details");
          if (group) { group.open = true; }
        });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    document.addEventListener("change", function (event) {
      if (event.target.name === "serves") { layer.setStyle(style); recount(); }
    });
  });
})();
