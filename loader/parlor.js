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
 * The widget comes in two modules: the front (launcher, queue picker, pre-chat form), loaded
 * first, and the chat module (everything), fetched when the page is idle once the panel opens.
 * When the visitor goes past the form, the front hands over ("parlor:handoff", with where the
 * visitor is and their answers): the chat module is mounted in its place, open, and goes on.
 * A visitor with a chat in progress gets the chat module straight away.
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
    front: { glue: base + "__PARLOR_GLUE__", wasm: base + "__PARLOR_WASM__" },
    chat: {
      glue: base + "__PARLOR_CHAT_GLUE__",
      wasm: base + "__PARLOR_CHAT_WASM__",
      css: base + "__PARLOR_CHAT_CSS__"
    },
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

  function addStyle(href) {
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = href;
    if (data.nonce) style.nonce = data.nonce;
    root.appendChild(style);
  }
  addStyle(assets.css);

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
  // The page's last setUser and setLocale calls, for the chat module when it takes over.
  var told = {};
  var widget = null;
  var container = null;
  var loading = null;
  var modules = {};
  var open = false; // whether the panel is open, as the widget's events say

  function emit(name, detail) {
    if (name === "parlor:handoff") return handOver(detail);
    if (name === "opened" || name === "closed") open = name === "opened";
    // The panel is open: the visitor is likely to chat, so the chat module comes meanwhile.
    if (name === "opened") idle(preloadChat);
    (listeners[name] || []).slice().forEach(function (fn) {
      try {
        fn(detail);
      } catch (error) {
        console.error("Parlor: a listener for '" + name + "' failed", error);
      }
    });
  }

  // Fetched and compiled once; a failure is forgotten, so that a later call tries again.
  function fetchModule(which) {
    if (!modules[which]) {
      if (assets[which].css && !assets[which].styled) {
        assets[which].styled = true;
        addStyle(assets[which].css);
      }
      modules[which] = import(assets[which].glue)
        .then(function (glue) {
          return glue.default({ module_or_path: assets[which].wasm }).then(function () {
            return glue;
          });
        })
        .catch(function (error) {
          modules[which] = null;
          throw error;
        });
    }
    return modules[which];
  }

  function preloadChat() {
    fetchModule("chat").catch(function () {}); // fetched again when needed
  }

  function idle(fn) {
    if ("requestIdleCallback" in window) window.requestIdleCallback(fn, { timeout: 10000 });
    else setTimeout(fn, 3000);
  }

  // Whether this browser has a chat in progress with the portal (what the widget stores).
  function chatInProgress() {
    try {
      var saved = JSON.parse(localStorage.getItem("parlor." + options.widgetKey + ".visitor"));
      return !!(saved && saved.conv_id);
    } catch (error) {
      return false;
    }
  }

  function mount(glue, extra) {
    var next = document.createElement("div");
    next.className = "parlor-root";
    root.appendChild(next);
    var given = {};
    for (var key in options) given[key] = options[key];
    for (key in extra) given[key] = extra[key];
    var handle = glue.mount(next, given, emit);
    // Taking over from the front: what the page told it, the chat module hears too. (On the
    // first mount, those calls are still pending.)
    if (container) {
      for (var name in told) {
        try {
          handle[name].apply(handle, told[name]);
        } catch (error) {
          // The page heard of it when it made the call.
        }
      }
      container.remove();
    }
    container = next;
    adopt(handle);
    return next;
  }

  // The widget the page's calls now go to, with the calls that waited for it.
  function adopt(handle) {
    widget = handle;
    pending.splice(0).forEach(function (call) {
      widget[call[0]].apply(widget, call[1]);
    });
  }

  function load() {
    if (!loading) {
      launcher.setAttribute("aria-busy", "true");
      var first = chatInProgress() ? "chat" : "front";
      loading = fetchModule(first)
        .then(function (glue) {
          // A keyboard user on the placeholder keeps their place on the widget's own launcher.
          var hadFocus = root.activeElement === launcher;
          var own = mount(glue, {}).querySelector(".launcher");
          frame.remove();
          if (hadFocus && own) own.focus();
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

  // The front's hand-over: the chat module takes the visitor on from where they are.
  function handOver(detail) {
    var front = widget;
    if (!front) return; // already under way
    widget = null; // the page's calls wait for the chat module
    fetchModule("chat")
      .then(function (glue) {
        mount(glue, { open: open, handoff: detail });
      })
      .catch(function (error) {
        adopt(front);
        front.handoffFailed();
        console.error("Parlor: the chat widget failed to load", error);
      });
  }

  function forward(name) {
    return function () {
      var args = Array.prototype.slice.call(arguments);
      if (name === "setUser" || name === "setLocale") told[name] = args;
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
    idle(load);
  }
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);

  // Where the visitor goes on the site, single-page apps included (History API, hash links):
  // the widget tells the agent while a chat is open. The title is read a moment later, once
  // the app has set it.
  function pageChanged() {
    setTimeout(function () {
      // The front has no chat open, and no such call.
      if (widget && widget.pageChanged) widget.pageChanged(location.href, document.title);
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
