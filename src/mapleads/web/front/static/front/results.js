/* The results map: the same filtered leads as the table, as circle markers with a popup. */
(function () {
  var el = document.getElementById("map");
  var form = document.getElementById("filters");
  if (!el || !form || !window.L) { return; }
  var map = MapLeads.makeMap(el);
  var layer = L.featureGroup().addTo(map);
  var fitted = false;

  function text(value) { var span = document.createElement("span"); span.textContent = value || ""; return span; }

  function popup(props) {
    var box = document.createElement("div");
    var name = document.createElement("strong"); name.textContent = props.name; box.appendChild(name);
    [props.category, props.phone, props.email, props.website].forEach(function (v) {
      if (v) { box.appendChild(document.createElement("br")); box.appendChild(text(v)); }
    });
    return box;
  }

  function load() {
    var params = new URLSearchParams(new FormData(form));
    fetch(form.dataset.mapUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        layer.clearLayers();
        data.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          L.circleMarker([c[1], c[0]], { radius: 6, weight: 1, className: "lead-marker" })
            .bindPopup(popup(f.properties)).addTo(layer);
        });
        el.dataset.markers = String(data.features.length);
        if (data.features.length && !fitted) { map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] }); fitted = true; }
      });
  }

  document.body.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "table") { load(); }
  });
  document.body.addEventListener("job-finished", function () { fitted = false; });
  load();
})();
