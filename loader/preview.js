/*
 * For `trunk serve` only: the preview page cannot know the demo portal's widget key, so it asks
 * the proxied Parlor server, then embeds the widget with the same script tag a site would use.
 */
(function () {
  "use strict";
  fetch("/demo/config.json")
    .then(function (response) {
      return response.json();
    })
    .then(function (config) {
      var loader = document.createElement("script");
      loader.src = "/pkg/parlor.js";
      loader.dataset.widgetKey = config.widget_key;
      // Same origin as the page: trunk proxies the API to the server.
      loader.dataset.server = "";
      document.body.appendChild(loader);
    })
    .catch(function (error) {
      console.error("Parlor preview: is `parlor serve` running on 127.0.0.1:8080?", error);
    });
})();
