/*
 * Parlor loader: the one script a site embeds.
 *
 *   <script src="https://HOST/widget/parlor.js" data-widget-key="KEY" async></script>
 *
 * It draws the chat launcher at once inside a Shadow DOM root (so the host page's CSS cannot
 * reach the widget, nor the widget's the page), and loads the WebAssembly widget on the first
 * click or when the page is idle. `window.Parlor` takes calls before the widget is ready and
 * replays them once it is. No inline script, no eval: it runs under a strict CSP.
 *
 * `cargo xtask dist` replaces the __PARLOR_*__ names with the bundle's content-hashed files.
 */
(function () {
  "use strict";
  if (window.Parlor && window.Parlor.version) return; // embedded twice: keep the first
  // For the site's own performance tools (and Parlor's benchmark): when the loader began.
  if (window.performance && performance.mark) performance.mark("parlor:loader-start");

  var script = document.currentScript;
  var data = script.dataset;
  var base = new URL(".", script.src).href;
  var assets = {
    glue: base + "__PARLOR_GLUE__",
    wasm: base + "__PARLOR_WASM__",
    css: base + "__PARLOR_CSS__"
  };
  var options = {
    widgetKey: data.widgetKey || "",
    // The widget talks to the server it was loaded from, unless told otherwise.
    server: data.server !== undefined ? data.server.replace(/\/+$/, "") : new URL(script.src).origin,
    // Unset here, the portal's settings (chat profile) decide.
    locale: data.locale || "",
    position: data.position === "left" || data.position === "right" ? data.position : "",
    color: data.color || "",
    sound: data.sound !== "off"
  };

  var host = document.createElement("div");
  host.setAttribute("data-parlor-widget", "");
  var root = host.attachShadow({ mode: "open" });
  if (data.color) host.style.setProperty("--parlor-brand", data.color);

  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = assets.css;
  if (data.nonce) style.nonce = data.nonce;
  root.appendChild(style);

  // The same markup and classes the widget renders, so the swap is invisible.
  var frame = document.createElement("div");
  frame.className = "parlor" + (options.position === "left" ? " parlor--left" : "");
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("aria-label", "Open chat");
  launcher.setAttribute("aria-expanded", "false");
  var icon = document.createElement("span");
  icon.className = "launcher__icon";
  icon.setAttribute("aria-hidden", "true");
  launcher.appendChild(icon);
  frame.appendChild(launcher);
  root.appendChild(frame);

  var listeners = {};
  var pending = [];
  var widget = null;
  var loading = null;

  function emit(name, detail) {
    (listeners[name] || []).slice().forEach(function (fn) {
      try {
        fn(detail);
      } catch (error) {
        console.error("Parlor: a listener for '" + name + "' failed", error);
      }
    });
  }

  function fetchModule() {
    return import(assets.glue).then(function (glue) {
      return glue.default({ module_or_path: assets.wasm }).then(function () {
        return glue;
      });
    });
  }

  function load() {
    if (!loading) {
      launcher.setAttribute("aria-busy", "true");
      loading = fetchModule()
        .then(function (glue) {
          var container = document.createElement("div");
          container.className = "parlor-root";
          root.appendChild(container);
          widget = glue.mount(container, options, emit);
          // A keyboard user on the placeholder keeps their place on the widget's own launcher.
          var hadFocus = root.activeElement === launcher;
          frame.remove();
          if (hadFocus) {
            var own = container.querySelector(".launcher");
            if (own) own.focus();
          }
          pending.splice(0).forEach(function (call) {
            widget[call[0]].apply(widget, call[1]);
          });
          emit("ready");
        })
        .catch(function (error) {
          loading = null; // a later click tries again
          launcher.removeAttribute("aria-busy");
          console.error("Parlor: the chat widget failed to load", error);
        });
    }
    return loading;
  }

  function forward(name) {
    return function () {
      var args = Array.prototype.slice.call(arguments);
      if (widget) widget[name].apply(widget, args);
      else {
        pending.push([name, args]);
        load();
      }
    };
  }

  launcher.addEventListener("click", forward("open"));

  window.Parlor = {
    version: "0.1.0",
    open: forward("open"),
    close: forward("close"),
    toggle: forward("toggle"),
    setUser: forward("setUser"),
    setLocale: forward("setLocale"),
    on: function (name, fn) {
      (listeners[name] = listeners[name] || []).push(fn);
    },
    off: function (name, fn) {
      listeners[name] = (listeners[name] || []).filter(function (f) {
        return f !== fn;
      });
    }
  };

  function attach() {
    document.body.appendChild(host);
    if ("requestIdleCallback" in window) window.requestIdleCallback(load, { timeout: 10000 });
    else setTimeout(load, 3000);
  }
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);

  // Where the visitor goes on the site, single-page apps included (History API, hash links):
  // the widget tells the agent while a chat is open. The title is read a moment later, once
  // the app has set it.
  function pageChanged() {
    setTimeout(function () {
      if (widget) widget.pageChanged(location.href, document.title);
    }, 100);
  }
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      pageChanged();
      return result;
    };
  });
  window.addEventListener("popstate", pageChanged);
  window.addEventListener("hashchange", pageChanged);
})();
