/* The new-job form: click the map to draw a polygon; it is sent as GeoJSON in the hidden "polygon" field. */
(function () {
  var el = document.getElementById("draw-map");
  var field = document.querySelector("input[name=polygon]");
  if (!el || !field || !window.L) { return; }
  var map = MapLeads.makeMap(el);
  var points = [];
  var shape = L.polygon([], {}).addTo(map);

  function save() {
    shape.setLatLngs(points);
    if (points.length >= 3) {
      var ring = points.map(function (p) { return [p.lng, p.lat]; });
      ring.push(ring[0]);
      field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    } else {
      field.value = "";
    }
  }

  map.on("click", function (e) {
    points.push(e.latlng);
    save();
    var polygonChoice = document.querySelector("input[name=area_kind][value=polygon]");
    if (polygonChoice) { polygonChoice.checked = true; }
  });
  document.getElementById("clear-polygon").addEventListener("click", function () { points = []; save(); });
})();
