// Employee picker (forms/employee_picker.html): search as you type, choose with a click or the
// keyboard. Delegated from the document so that pieces swapped in by htmx work too.
(function () {
  "use strict";
  var timers = new WeakMap();

  function parts(element) {
    var picker = element.closest(".sd-picker");
    return picker && {
      picker: picker,
      hidden: picker.querySelector("input[data-picked]"),
      text: picker.querySelector("input[type=search]"),
      results: picker.querySelector(".sd-picker-results"),
    };
  }

  function close(p) {
    p.results.hidden = true;
    p.results.replaceChildren();
    p.text.setAttribute("aria-expanded", "false");
  }

  function choose(p, id, label) {
    p.hidden.value = id;
    p.text.value = label;
    p.text.classList.remove("is-invalid");
    close(p);
    p.hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function search(p) {
    var q = p.text.value.trim();
    if (!q) { close(p); return; }
    fetch(p.picker.dataset.url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (p.text.value.trim() !== q) return;  // an older answer
        p.results.replaceChildren();
        data.results.forEach(function (item) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "list-group-item list-group-item-action py-1 small";
          button.setAttribute("role", "option");
          button.dataset.id = item.id;
          button.dataset.label = item.name;
          button.textContent = item.label;
          p.results.appendChild(button);
        });
        if (!data.results.length) {
          var none = document.createElement("div");
          none.className = "list-group-item py-1 small text-muted";
          none.textContent = p.picker.dataset.empty || data.empty;
          p.results.appendChild(none);
        }
        p.results.hidden = false;
        p.text.setAttribute("aria-expanded", "true");
      });
  }

  document.addEventListener("input", function (event) {
    var p = event.target.matches(".sd-picker input[type=search]") && parts(event.target);
    if (!p) return;
    if (p.hidden.value) { p.hidden.value = ""; p.hidden.dispatchEvent(new Event("change", { bubbles: true })); }
    clearTimeout(timers.get(p.text));
    timers.set(p.text, setTimeout(function () { search(p); }, 200));
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest(".sd-picker-results button");
    if (option) { choose(parts(option), option.dataset.id, option.dataset.label); return; }
    document.querySelectorAll(".sd-picker-results:not([hidden])").forEach(function (results) {
      if (!results.closest(".sd-picker").contains(event.target)) close(parts(results));
    });
  });

  document.addEventListener("keydown", function (event) {
    var p = event.target.closest && event.target.closest(".sd-picker") && parts(event.target);
    if (!p || p.results.hidden) return;
    var options = Array.prototype.slice.call(p.results.querySelectorAll("button"));
    var index = options.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = event.key === "ArrowDown" ? index + 1 : index - 1;
      if (next < 0) { p.text.focus(); return; }
      if (options[Math.min(next, options.length - 1)]) options[Math.min(next, options.length - 1)].focus();
    } else if (event.key === "Enter" && event.target === p.text && options.length) {
      event.preventDefault();  // Enter in the box picks the first match instead of sending the form
      choose(p, options[0].dataset.id, options[0].dataset.label);
    } else if (event.key === "Escape") {
      close(p);
      p.text.focus();
    }
  });
})();
