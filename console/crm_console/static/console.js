/* The console's only script of its own: the phone menu, charts, and small keyboard helps.
   Pages are server-rendered; htmx does partial updates. Nothing here sees a token. */
(function () {
  "use strict";

  function initCharts(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) return;
      var source = document.getElementById(el.id + "-option");
      var text = source ? source.textContent : el.dataset.option;
      if (!text) return;
      el.style.height = (el.dataset.height || 320) + "px";
      var option = JSON.parse(text);
      /* Tooltips are drawn on the canvas too: the HTML ones ECharts builds carry style=""
         attributes, which the page's Content-Security-Policy (no 'unsafe-inline') blocks. */
      if (option.tooltip) option.tooltip.renderMode = "richText";
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      el.dataset.chartReady = "1";
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    });
  }

  function initMenu() {
    var toggle = document.querySelector(".nav-toggle");
    var sidebar = document.getElementById("sidebar");
    if (!toggle || !sidebar) return;
    toggle.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* Kanban: a card is a form; dragging it onto a column submits it with the column's stage.
     Keyboard and touch users use the card's own stage selector (the same form). */
  function initKanban(root) {
    root.querySelectorAll("[data-kanban-card]").forEach(function (card) {
      if (card.dataset.kanbanReady) return;
      card.dataset.kanbanReady = "1";
      card.setAttribute("draggable", "true");
      card.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", card.id);
      });
    });
    root.querySelectorAll("[data-kanban-column]").forEach(function (column) {
      if (column.dataset.kanbanReady) return;
      column.dataset.kanbanReady = "1";
      column.addEventListener("dragover", function (event) { event.preventDefault(); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        var card = document.getElementById(event.dataTransfer.getData("text/plain"));
        if (!card) return;
        var select = card.querySelector("select[name=stage]");
        if (!select || select.value === column.dataset.kanbanColumn) return;
        select.value = column.dataset.kanbanColumn;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  /* == segment rule builder: only the operators a field takes ==
     The builder carries field → [[value, label], …] (data-rule-operators, from
     crm_shared.segment_operators); choosing a row's field narrows its operator list to those,
     keeping the chosen operator when the new field takes it. */
  function limitRuleOperators(event) {
    var field = event.target;
    if (!field.matches || !field.matches("select[data-rule-field]")) return;
    var builder = field.closest("[data-rule-operators]");
    var row = field.closest("[data-row]");
    var select = row && row.querySelector("select[data-rule-operator]");
    if (!builder || !select) return;
    var table = JSON.parse(builder.dataset.ruleOperators);
    var allowed = table[field.value] || table[""] || [];
    var current = select.value;
    var keep = allowed.some(function (pair) { return pair[0] === current; });
    select.replaceChildren.apply(select, allowed.map(function (pair, index) {
      return new Option(pair[1], pair[0], false, keep ? pair[0] === current : index === 0);
    }));
  }
  /* capture: before htmx reads the form for the live count */
  document.addEventListener("change", limitRuleOperators, true);

  function init(root) {
    initCharts(root);
    initKanban(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMenu();
    init(document);
    if (window.htmx) htmx.onLoad(function (el) { init(el); });
  });
})();
