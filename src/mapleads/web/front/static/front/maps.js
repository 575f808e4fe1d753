/* Shared Leaflet set-up: the configured tile layer; the page keeps working when no tile loads. */
window.MapLeads = {
  makeMap: function (el) {
    var map = L.map(el).setView([60.17, 24.94], 13);
    var url = el.dataset.tileUrl;
    if (url) {
      L.tileLayer(url, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    return map;
  }
};
