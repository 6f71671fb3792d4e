/* Salesdesk org chart: the departments as an Apache ECharts tree of cards.
 *
 * The data comes from the element's data-src (org:chart_data). Expanding and collapsing is done
 * here rather than by ECharts, so that the canvas can grow with what is shown (one row per
 * visible leaf, one column per level) inside a scrolling box: hundreds of departments stay
 * readable instead of being squeezed into one screen.
 *
 * Click the dot at the right of a card to expand or collapse it; click the card to open the
 * department. The search box expands the tree down to a department and scrolls to it.
 */
(function () {
  "use strict";

  var el = document.getElementById("sd-org-chart");
  var box = document.getElementById("sd-org-chart-box");
  if (!el || !box || typeof window.echarts === "undefined") return;
  var labelsEl = document.getElementById("sd-org-chart-labels");
  var T = labelsEl ? JSON.parse(labelsEl.textContent) : {};

  var COLORS = {
    brand: "#1f4e79", accent: "#2e86de", text: "#1b2a3a", muted: "#6c7a89", line: "#b8c6d6",
    card: "#ffffff", border: "#d3dde8", vacant: "#c92a2a", vacantBg: "#fdecec", vacantBorder: "#f0a8a8",
    full: "#2b8a3e", barEmpty: "#e7edf3", found: "#f59f00"
  };
  var LEVEL_GAP = 96; // px between a card and the next level's card, at zoom 1
  var CARD_WIDTH = 190; // content width of a card, at zoom 1
  var ROW = 96; // px per visible leaf, at zoom 1

  // SVG: a tall tree (hundreds of departments expanded) would exceed the size limits of a canvas.
  var chart = window.echarts.init(el, null, {renderer: "svg"});
  var state = {root: null, byKey: {}, parentOf: {}, expanded: new Set(), found: null, zoom: 1};

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function richSafe(text) { return String(text).replace(/[{}|]/g, " "); }

  // --- the tree ---------------------------------------------------------------------------------

  function prepare(data) {
    var companies = data.companies || [];
    var roots = companies.map(function (company) {
      return {key: "c" + company.id, name: company.name, total: company.total, own: null, positions: [],
              url: null, isCompany: true, children: (company.children || []).map(department)};
    });
    if (roots.length === 1) return roots[0];
    return {key: "all", name: T.all || "", total: data.total, positions: [], isCompany: true, children: roots};
  }
  function department(node) {
    return {key: "d" + node.id, id: node.id, name: node.name, total: node.total, own: node.own,
            positions: node.positions || [], url: node.url, children: (node.children || []).map(department)};
  }
  function index(node, parent, depth) {
    state.byKey[node.key] = node;
    state.parentOf[node.key] = parent ? parent.key : null;
    node.depth = depth;
    node.children.forEach(function (child) { index(child, node, depth + 1); });
  }
  function initialExpansion() {
    // Two levels of departments below the top one, unless that already shows too many cards.
    expandTo(3);
    if (shape(state.root).leaves > 16) expandTo(2);
  }
  function expandTo(depth) {
    state.expanded = new Set();
    Object.keys(state.byKey).forEach(function (key) {
      var node = state.byKey[key];
      if (node.depth < depth && node.children.length) state.expanded.add(key);
    });
  }

  // --- cards ----------------------------------------------------------------------------------------

  function scaled(value) { return Math.round(value * state.zoom * 10) / 10; }

  function rich(node) {
    var total = node.total || {planned: 0, filled: 0, vacant: 0};
    var bar = scaled(CARD_WIDTH);
    var ratio = total.planned ? Math.min(total.filled / total.planned, 1) : 0;
    var dark = node.isCompany;
    var styles = {
      name: {fontSize: scaled(dark ? 15 : 14), fontWeight: 600, color: dark ? "#fff" : COLORS.text,
             lineHeight: scaled(22)},
      k: {fontSize: scaled(11), color: dark ? "rgba(255,255,255,.75)" : COLORS.muted, lineHeight: scaled(20)},
      v: {fontSize: scaled(12), fontWeight: 600, color: dark ? "#fff" : COLORS.text, lineHeight: scaled(20),
          padding: [0, scaled(6), 0, scaled(2)]},
      vac: {fontSize: scaled(11), fontWeight: 600, color: COLORS.vacant, backgroundColor: COLORS.vacantBg,
            borderRadius: scaled(3), padding: [scaled(1), scaled(4)], lineHeight: scaled(20)},
      over: {fontSize: scaled(11), fontWeight: 600, color: "#a35200", backgroundColor: "#fff1db",
             borderRadius: scaled(3), padding: [scaled(1), scaled(4)], lineHeight: scaled(20)},
      ok: {fontSize: scaled(11), color: dark ? "#b2f2bb" : COLORS.full, lineHeight: scaled(20)},
      more: {fontSize: scaled(10), color: "#fff", backgroundColor: COLORS.accent, borderRadius: scaled(7),
             padding: [scaled(1), scaled(5)], lineHeight: scaled(16)},
      fill: {width: Math.max(bar * ratio, 0.01), height: scaled(4), lineHeight: scaled(10),
             backgroundColor: total.vacant ? "#e8590c" : (dark ? "#69db7c" : COLORS.full), borderRadius: 2},
      empty: {width: Math.max(bar * (1 - ratio), 0.01), height: scaled(4), lineHeight: scaled(10),
              backgroundColor: dark ? "rgba(255,255,255,.25)" : COLORS.barEmpty, borderRadius: 2}
    };
    Object.keys(styles).forEach(function (key) { styles[key].align = "left"; });
    styles.more.align = "right";  // the "+N hidden below" pill sits at the card's top right
    return styles;
  }

  function fitName(name, room, size) {
    var format = window.echarts.format;
    if (!format || !format.truncateText) return name;
    return format.truncateText(name, room, "600 " + size + "px " + getComputedStyle(document.body).fontFamily, "…");
  }

  function text(node, hidden) {
    var total = node.total || {planned: 0, filled: 0, vacant: 0};
    var size = scaled(node.isCompany ? 15 : 14);
    var room = scaled(CARD_WIDTH) - (hidden ? scaled(12) + String(hidden).length * scaled(7) + scaled(16) : 0);
    var first = "{name|" + richSafe(fitName(node.name, room, size)) + "}";
    if (hidden) first += "{more|+" + hidden + "}";
    var numbers = "{k|" + richSafe(T.planned || "Planned") + "}{v|" + total.planned + "}" +
      "{k|" + richSafe(T.filled || "Filled") + "}{v|" + total.filled + "}";
    if (total.vacant) numbers += "{vac|" + richSafe(T.vacant || "Vacant") + " " + total.vacant + "}";
    else if (total.filled > total.planned) numbers += "{over|" + richSafe(T.over || "Over") + " +" + (total.filled - total.planned) + "}";
    else if (total.planned) numbers += "{ok|✓ " + richSafe(T.full || "Full") + "}";
    return [first, numbers, "{fill|}{empty|}"].join("\n");
  }

  function item(node) {
    var open = state.expanded.has(node.key);
    var hasChildren = node.children.length > 0;
    var total = node.total || {};
    var found = state.found === node.key;
    var hidden = hasChildren && !open ? countBelow(node) : 0;
    var size = hasChildren ? scaled(open ? 11 : 14) : scaled(6);
    var border = found ? COLORS.found : (total.vacant ? COLORS.vacantBorder : COLORS.border);
    var result = {
      name: node.name,
      key: node.key,
      value: total.planned,
      label: {
        formatter: text(node, hidden),
        rich: rich(node),
        backgroundColor: node.isCompany ? COLORS.brand : COLORS.card,
        borderColor: node.isCompany ? COLORS.brand : border,
        borderWidth: found ? 2.5 : 1,
        borderRadius: scaled(8),
        padding: [scaled(7), scaled(10), scaled(6), scaled(10)],
        shadowBlur: found ? 14 : 6,
        shadowColor: found ? "rgba(245,159,0,.45)" : "rgba(31,78,121,.12)",
        shadowOffsetY: 2,
        position: "left",
        distance: scaled(6) + (scaled(14) - size) / 2,  // cards of one level end on one line
        width: scaled(CARD_WIDTH),
        overflow: "truncate",
        align: "right",
        verticalAlign: "middle"
      },
      symbol: "circle",
      symbolSize: size,
      itemStyle: hasChildren
        ? {color: open ? "#fff" : COLORS.accent, borderColor: COLORS.accent, borderWidth: 2}
        : {color: COLORS.line, borderColor: COLORS.line, borderWidth: 1}
    };
    if (open) result.children = node.children.map(item);
    return result;
  }

  function countBelow(node) {
    var count = 0;
    node.children.forEach(function (child) { count += 1 + countBelow(child); });
    return count;
  }

  function shape(node) {
    // (visible leaves, visible levels) of the tree as it is drawn now
    if (!state.expanded.has(node.key) || !node.children.length) return {leaves: 1, levels: 1};
    var leaves = 0, levels = 0;
    node.children.forEach(function (child) {
      var s = shape(child);
      leaves += s.leaves;
      levels = Math.max(levels, s.levels);
    });
    return {leaves: leaves, levels: levels + 1};
  }

  // --- drawing --------------------------------------------------------------------------------------

  function layout() {
    var s = shape(state.root);
    var cardOuter = scaled(CARD_WIDTH + 20) + scaled(6);
    var left = cardOuter + 16, right = 24, top = scaled(44), bottom = scaled(44);
    var column = cardOuter + scaled(LEVEL_GAP);
    var width = Math.max(box.clientWidth, left + right + (s.levels - 1) * column);
    var height = Math.max(380, Math.round(s.leaves * scaled(ROW)));
    // The elbow of the connecting lines sits in the middle of the gap between a card's dot and
    // the left edge of the next level's cards.
    var actual = s.levels > 1 ? (width - left - right) / (s.levels - 1) : column;
    var fork = Math.round(((actual - cardOuter) / 2) / actual * 100);
    return {width: width, height: height, left: left, right: right, top: top, bottom: bottom,
            fork: Math.max(Math.min(fork, 50), 5) + "%"};
  }

  function render() {
    var size = layout();
    el.style.width = size.width + "px";
    el.style.height = size.height + "px";
    chart.resize({width: size.width, height: size.height, animation: {duration: 0}});
    chart.setOption({
      animationDurationUpdate: 250,
      tooltip: {trigger: "item", triggerOn: "mousemove", confine: true, enterable: false,
                backgroundColor: "rgba(255,255,255,.98)", borderColor: COLORS.border, padding: [8, 10],
                extraCssText: "box-shadow: 0 4px 16px rgba(0,0,0,.12); max-width: 360px; white-space: normal;",
                formatter: tooltip},
      series: [{
        type: "tree",
        id: "org",
        data: [item(state.root)],
        orient: "LR",
        left: size.left, right: size.right, top: size.top, bottom: size.bottom,
        expandAndCollapse: false,
        roam: false,
        edgeShape: "polyline",
        edgeForkPosition: size.fork,
        lineStyle: {color: COLORS.line, width: 1.4},
        emphasis: {focus: "none", label: {shadowBlur: 12, shadowColor: "rgba(46,134,222,.35)"}},
        label: {fontFamily: getComputedStyle(document.body).fontFamily},
        leaves: {label: {position: "left", align: "right"}},
        animationDurationUpdate: 250
      }]
    }, {replaceMerge: ["series"]});
  }

  function tooltip(params) {
    var node = state.byKey[(params.data || {}).key];
    if (!node) return "";
    var total = node.total || {}, own = node.own;
    var html = ['<div class="sd-tt"><div class="sd-tt-title">' + esc(node.name) + "</div>"];
    html.push('<div class="sd-tt-row">' + esc(T.total || "Total") + ": " + numbers(total) + "</div>");
    if (own && node.children.length) {
      html.push('<div class="sd-tt-row">' + esc(T.own || "Own") + ": " + numbers(own) + "</div>");
    }
    if (node.positions.length) {
      html.push('<div class="sd-tt-sub">' + esc(T.positions || "Positions") + "</div><ul class=\"sd-tt-list\">");
      node.positions.slice(0, 14).forEach(function (p) {
        html.push("<li><span>" + esc(p.title) + (p.head ? ' <em>' + esc(T.head || "head") + "</em>" : "") +
                  "</span><span class=\"sd-tt-num\">" + p.filled + "/" + p.planned +
                  (p.vacant ? ' <b class="sd-tt-vac">−' + p.vacant + "</b>" : "") +
                  (p.filled > p.planned ? ' <b class="sd-tt-over">+' + (p.filled - p.planned) + "</b>" : "") +
                  "</span></li>");
      });
      if (node.positions.length > 14) html.push("<li>…</li>");
      html.push("</ul>");
    } else if (!node.isCompany) {
      html.push('<div class="sd-tt-sub">' + esc(T.no_positions || "") + "</div>");
    }
    if (node.url) html.push('<div class="sd-tt-hint">' + esc(T.open || "") + "</div>");
    if (node.children.length) html.push('<div class="sd-tt-hint">' + esc(T.toggle || "") + "</div>");
    html.push("</div>");
    return html.join("");
  }
  function numbers(c) {
    var parts = [esc(T.planned) + " <b>" + c.planned + "</b>", esc(T.filled) + " <b>" + c.filled + "</b>"];
    if (c.vacant) parts.push('<span class="sd-tt-vac">' + esc(T.vacant) + " <b>" + c.vacant + "</b></span>");
    return parts.join(" · ");
  }

  // --- interaction ----------------------------------------------------------------------------------

  function onLabel(event) {
    // A click on the card (the label) rather than on the dot (the symbol).
    var target = event && event.target;
    while (target) {
      if (target.type === "text" || target.type === "tspan" || target.type === "rect" && target.parent &&
          target.parent.type === "text") return true;
      if (target.isGroup) break;
      target = target.parent;
    }
    return false;
  }

  chart.on("click", function (params) {
    var node = state.byKey[(params.data || {}).key];
    if (!node) return;
    var onCard = onLabel(params.event);
    if ((onCard || !node.children.length) && node.url) {
      window.location.href = node.url;
      return;
    }
    if (!node.children.length) return;
    var before = pointOf(node.key);
    if (state.expanded.has(node.key)) state.expanded.delete(node.key);
    else state.expanded.add(node.key);
    state.found = null;
    render();
    var after = pointOf(node.key);
    if (before && after) {  // keep the clicked card where it was on the screen
      box.scrollTop += after.y - before.y;
      box.scrollLeft += after.x - before.x;
      var reach = after.x + scaled(LEVEL_GAP) + scaled(CARD_WIDTH + 20) + 24;  // the new column of cards
      if (state.expanded.has(node.key) && reach > box.scrollLeft + box.clientWidth) {
        box.scrollTo({left: reach - box.clientWidth, behavior: "smooth"});
      }
    }
  });

  function pointOf(key) {
    // Where a node is drawn, in pixels from the chart's top left corner.
    var model = chart.getModel();
    var series = model && model.getSeriesByIndex(0);
    var data = series && series.getData();
    if (!data) return null;
    for (var i = 0; i < data.count(); i += 1) {
      var raw = data.getRawDataItem(i);
      if (raw && raw.key === key) {
        var point = data.getItemLayout(i);
        var size = layout();
        return point ? {x: point.x + size.left, y: point.y + size.top} : null;
      }
    }
    return null;
  }

  function scrollTo(key, quiet) {
    var point = pointOf(key);
    if (!point) return;
    box.scrollTo({left: Math.max(point.x - box.clientWidth / 2, 0), top: Math.max(point.y - box.clientHeight / 2, 0),
                  behavior: quiet ? "auto" : "smooth"});
    if (quiet) return;
    var rect = box.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) box.scrollIntoView({behavior: "smooth", block: "start"});
  }


  function focus(key) {
    if (!state.byKey[key]) return false;
    var parent = state.parentOf[key];
    while (parent) { state.expanded.add(parent); parent = state.parentOf[parent]; }
    state.found = key;
    render();
    window.setTimeout(function () { scrollTo(key); }, 30);
    return true;
  }

  function search(query) {
    query = (query || "").trim().toLowerCase();
    if (!query) return;
    var keys = Object.keys(state.byKey).filter(function (key) { return key.charAt(0) === "d"; });
    var exact = keys.filter(function (key) { return optionText(state.byKey[key]).toLowerCase() === query; });
    var named = keys.filter(function (key) { return state.byKey[key].name.toLowerCase() === query; });
    var partial = keys.filter(function (key) { return state.byKey[key].name.toLowerCase().indexOf(query) >= 0; });
    var key = exact[0] || named[0] || partial[0];
    var input = document.getElementById("sd-org-search");
    if (key) {
      focus(key);
      if (input) input.setCustomValidity("");
    } else if (input) {
      input.setCustomValidity(T.not_found || "Not found");
      input.reportValidity();
    }
  }

  function optionText(node) {
    var names = [], key = state.parentOf[node.key];
    while (key && key.charAt(0) === "d") { names.unshift(state.byKey[key].name); key = state.parentOf[key]; }
    return names.length ? node.name + " · " + names.join(" / ") : node.name;
  }

  function fillDatalist() {
    var list = document.getElementById("sd-org-departments");
    if (!list) return;
    var fragment = document.createDocumentFragment();
    Object.keys(state.byKey).forEach(function (key) {
      if (key.charAt(0) !== "d") return;
      var option = document.createElement("option");
      option.value = optionText(state.byKey[key]);
      fragment.appendChild(option);
    });
    list.appendChild(fragment);
  }

  function bindControls() {
    var form = document.getElementById("sd-org-search-form");
    var input = document.getElementById("sd-org-search");
    if (form && input) {
      form.addEventListener("submit", function (event) { event.preventDefault(); search(input.value); });
      input.addEventListener("change", function () { search(input.value); });
      input.addEventListener("input", function () { input.setCustomValidity(""); });
    }
    document.querySelectorAll("[data-chart-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.getAttribute("data-chart-action");
        if (action === "expand") expandTo(99);
        if (action === "collapse") expandTo(1);
        if (action === "zoom-in") state.zoom = Math.min(state.zoom * 1.2, 1.8);
        if (action === "zoom-out") state.zoom = Math.max(state.zoom / 1.2, 0.6);
        state.found = action.indexOf("zoom") === 0 ? state.found : null;
        render();
        window.setTimeout(function () { scrollTo(state.found || state.root.key, true); }, 30);
      });
    });
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, 150);
    });
    window.addEventListener("hashchange", focusFromHash);
  }

  function focusFromHash() {
    var match = /^#d(\d+)$/.exec(window.location.hash || "");
    if (match) focus("d" + match[1]);
  }

  el.classList.add("is-loading");
  fetch(el.getAttribute("data-src"), {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      el.classList.remove("is-loading");
      state.root = prepare(data);
      index(state.root, null, 0);
      if (window.innerWidth < 576) state.zoom = 0.8;
      initialExpansion();
      render();
      scrollTo(state.root.key, true);
      fillDatalist();
      bindControls();
      focusFromHash();
      el.setAttribute("data-ready", "1");
    })
    .catch(function () {
      el.classList.remove("is-loading");
      el.setAttribute("data-ready", "error");
    });
})();
