/* socialmap: small improvements to the search form. The form works without
   this script; with it, the "where" field suggests places as you type (an
   ARIA 1.2 combobox) and "use my location" fills in the browser's location
   (rounded to about 100 m) when the person allows it. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function combobox(input) {
    var url = input.getAttribute("data-places");
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var options = [];
    var active = -1;

    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", (input.labels && input.labels[0] ? input.labels[0].textContent : ""));
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var li = options[index];
      if (!li) { return; }
      input.value = li.getAttribute("data-value");
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close();
      input.focus();
    }

    function show(places) {
      list.textContent = "";
      options = places.map(function (place, i) {
        var li = document.createElement("li");
        var name = document.createElement("span");
        var context = document.createElement("span");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", place.name);
        name.className = "suggestion-name";
        name.textContent = place.name;
        context.className = "suggestion-context";
        context.textContent = " " + [place.level_label].concat(place.within || []).join(", ");
        li.appendChild(name);
        li.appendChild(context);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
        return li;
      });
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = input.getAttribute("data-text-count").replace("{n}", String(options.length));
      } else {
        close();
        status.textContent = input.value.trim().length >= 2 ? input.getAttribute("data-text-none") : "";
      }
      active = -1;
    }

    var lookup = debounce(function () {
      var query = input.value.trim();
      if (query.length < 2) { show([]); return; }
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (data) { if (input.value.trim() === query) { show(data.places || []); } })
        .catch(function () { show([]); });
    }, 150);

    input.addEventListener("input", lookup);
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        if (!open) { lookup(); return; }
        event.preventDefault();
        highlight(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();  /* choose; a second Enter submits the form */
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function locator(block) {
    var form = block.closest("form");
    var where = form.querySelector("input[name=where]");
    var button = block.querySelector("button");
    var status = block.querySelector(".locate-status");
    if (!("geolocation" in navigator) || !button) { return; }
    block.hidden = false;

    function hidden(name) {
      var field = form.querySelector("input[type=hidden][name=" + name + "]");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = name;
        form.appendChild(field);
      }
      return field;
    }

    function forget() {
      ["lat", "lon"].forEach(function (name) {
        var field = form.querySelector("input[type=hidden][name=" + name + "]");
        if (field) { field.remove(); }
      });
    }

    button.addEventListener("click", function () {
      status.textContent = block.getAttribute("data-text-busy");
      navigator.geolocation.getCurrentPosition(function (position) {
        /* about 100 m is precise enough to find help nearby */
        hidden("lat").value = position.coords.latitude.toFixed(3);
        hidden("lon").value = position.coords.longitude.toFixed(3);
        if (where) { where.value = ""; where.placeholder = block.getAttribute("data-text-label"); }
        status.textContent = block.getAttribute("data-text-found");
      }, function () {
        forget();
        status.textContent = block.getAttribute("data-text-failed");
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
    });
    if (where) {
      where.addEventListener("input", function () {
        if (where.value.trim()) { forget(); status.textContent = ""; }
      });
    }
  }

  document.querySelectorAll("input[data-places]").forEach(combobox);
  document.querySelectorAll("[data-locate]").forEach(locator);
})();
