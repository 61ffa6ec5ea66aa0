/*
 * For `trunk serve` only: trunk has already loaded and initialised the widget's module, so the
 * loader is handed that module instead of importing the bundle, and the demo portal's widget
 * key is asked of the proxied Parlor server.
 */
(function () {
  "use strict";
  window.__parlorPreview = {
    css: "/widget.css",
    module: new Promise(function (resolve) {
      if (window.wasmBindings) resolve(window.wasmBindings);
      else
        window.addEventListener("TrunkApplicationStarted", function () {
          resolve(window.wasmBindings);
        });
    })
  };
  fetch("/demo/config.json")
    .then(function (response) {
      return response.json();
    })
    .then(function (config) {
      var loader = document.createElement("script");
      loader.src = "/parlor.js";
      loader.dataset.widgetKey = config.widget_key;
      loader.dataset.server = "";
      document.body.appendChild(loader);
    })
    .catch(function (error) {
      console.error("Parlor preview: is `parlor serve` running on 127.0.0.1:8080?", error);
    });
})();
