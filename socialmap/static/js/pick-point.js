/* socialmap: pick a location's point on a map. The coordinate fields stay the
   way to give it without JavaScript; this map only fills them in. */
(function () {
  "use strict";
  var box = document.querySelector("[data-pick-map]");
  if (!box || !window.L) { return; }
  var lat = document.getElementById(box.dataset.lat);
  var lon = document.getElementById(box.dataset.lon);
  var given = !isNaN(parseFloat(lat.value)) && !isNaN(parseFloat(lon.value));
  var start = given ? [parseFloat(lat.value), parseFloat(lon.value)]
                    : [parseFloat(box.dataset.centerLat), parseFloat(box.dataset.centerLon)];
  box.hidden = false;
  var map = L.map(box.querySelector(".map-canvas")).setView(start, given ? 17 : 12);
  L.tileLayer(box.dataset.tiles, {attribution: box.dataset.attribution, maxZoom: 19}).addTo(map);
  var marker = L.marker(start, {draggable: true, keyboard: true, title: box.dataset.markerLabel,
                                alt: box.dataset.markerLabel}).addTo(map);
  function put(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    marker.setLatLng(latlng);
  }
  map.on("click", function (event) { put(event.latlng); });
  marker.on("dragend", function () { put(marker.getLatLng()); });
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      var a = parseFloat(lat.value.replace(",", ".")), b = parseFloat(lon.value.replace(",", "."));
      if (!isNaN(a) && !isNaN(b)) { marker.setLatLng([a, b]); map.panTo([a, b]); }
    });
  });
})();
