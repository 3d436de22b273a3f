/* socialmap: the freshness dashboard's map, each wijk coloured by the share of
   its entries that are current. The table under it says the same without
   JavaScript; a click on a wijk lists its entries. */
(function () {
  "use strict";
  var box = document.querySelector("[data-freshness-map]");
  if (!box || !window.L || !window.fetch) { return; }
  fetch(box.dataset.src, {credentials: "same-origin"}).then(function (answer) {
    return answer.ok ? answer.json() : null;
  }).then(function (shapes) {
    if (!shapes || !shapes.features.length) { return; }
    box.hidden = false;
    var map = L.map(box.querySelector(".map-canvas"));
    L.tileLayer(box.dataset.tiles, {attribution: box.dataset.attribution, maxZoom: 19}).addTo(map);
    var layer = L.geoJSON(shapes, {
      style: function (feature) {
        var share = feature.properties.share;  // the same steps as the legend under the map
        var colour = share >= 0.95 ? "#0b5394" : share >= 0.9 ? "#6fa8dc" : share >= 0.8 ? "#f6b26b" : "#cc4125";
        return {color: "#374151", weight: 1, fillColor: colour, fillOpacity: 0.7};
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        shape.bindTooltip(p.name + ": " + p.current + " / " + p.total, {sticky: true});
        shape.on("click", function () {
          window.location.search = "?wijk=" + encodeURIComponent(p.code);
        });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
  });
})();
