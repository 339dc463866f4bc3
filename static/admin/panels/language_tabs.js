/*
 * Language tabs for the admin's translated fields (panels/admin/languages.py).
 *
 * Each translated field has one input per language, each marked with data-language,
 * data-language-name and data-translated-field. Here the inputs of one field of one form
 * (same name but for the language suffix) become the panels of one tab list (WAI-ARIA tabs
 * pattern: role=tablist/tab/tabpanel; Left/Right/Home/End move between tabs, Tab goes into
 * the panel). The tab shown first is the first with an error, else English (the language
 * every page falls back to). In a stacked form each language's row becomes a panel; in a
 * table (a tabular inline) the other languages' cells move into the first language's cell
 * and their columns are hidden, so that the rows stay aligned.
 *
 * Without JavaScript, or before this runs, every language's field shows with its label.
 * Rows added with "Add another" get their tabs when Django's inlines.js announces them
 * (the formset:added event); the empty row it copies them from is left alone.
 */
"use strict";
(function () {
  const DEFAULT_LANGUAGE = "en";
  let counter = 0;

  function baseName(input) {
    return input.name.slice(0, input.name.length - input.dataset.language.length - 1);
  }

  function groups(root) {
    const found = new Map();
    root.querySelectorAll("[data-language][data-translated-field]").forEach(function (input) {
      if (!input.name || input.name.includes("__prefix__") || input.closest(".language-tabs")) {
        return;
      }
      const key = baseName(input);
      if (!found.has(key)) {
        found.set(key, []);
      }
      found.get(key).push(input);
    });
    return found;
  }

  function select(tab) {
    const tablist = tab.closest("[role=tablist]");
    tablist.querySelectorAll("[role=tab]").forEach(function (other) {
      const selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    });
  }

  function onKey(event) {
    const tab = event.target;
    const tabs = Array.from(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    const index = tabs.indexOf(tab);
    const moves = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    if (!(event.key in moves)) {
      return;
    }
    event.preventDefault();
    const rtl = getComputedStyle(tab).direction === "rtl";
    let next = moves[event.key];
    if (rtl && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      next = event.key === "ArrowRight" ? index - 1 : index + 1;
    }
    next = (next + tabs.length) % tabs.length;
    select(tabs[next]);
    tabs[next].focus();
  }

  function build(inputs) {
    const cells = inputs.map(function (input) {
      return input.closest("td, .form-row");
    });
    if (cells.some(function (cell) { return !cell; })) {
      return;
    }
    const inTable = cells[0].tagName === "TD";
    const id = "language-tabs-" + (++counter);
    const wrapper = document.createElement("div");
    wrapper.className = "language-tabs" + (inTable ? "" : " form-row");
    const tablist = document.createElement("div");
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", inputs[0].dataset.translatedField);
    tablist.className = "language-tablist";
    wrapper.appendChild(tablist);
    if (inTable) {
      cells[0].insertBefore(wrapper, cells[0].firstChild);
    } else {
      cells[0].parentNode.insertBefore(wrapper, cells[0]);
    }
    let first = null;
    inputs.forEach(function (input, index) {
      const cell = cells[index];
      const tab = document.createElement("button");
      tab.type = "button";
      tab.id = id + "-tab-" + index;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", id + "-panel-" + index);
      tab.textContent = input.dataset.languageName;
      tab.addEventListener("click", function () { select(tab); });
      tab.addEventListener("keydown", onKey);
      tablist.appendChild(tab);
      let panel;
      if (inTable) {
        panel = document.createElement("div");
        Array.from(cell.childNodes).forEach(function (node) {
          if (node !== wrapper) {
            panel.appendChild(node);
          }
        });
        if (cell !== cells[0]) {
          cell.hidden = true;
        }
      } else {
        panel = cell;
      }
      panel.id = id + "-panel-" + index;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.classList.add("language-tabpanel");
      wrapper.appendChild(panel);
      const hasError = cell.querySelector(".errorlist") || panel.querySelector(".errorlist");
      if (hasError) {
        tab.classList.add("has-errors");
      }
      if ((hasError && (!first || !first.classList.contains("has-errors"))) ||
          (!first && input.dataset.language === DEFAULT_LANGUAGE)) {
        first = tab;
      }
    });
    if (inTable) {
      hideColumns(cells);
    }
    select(first || tablist.firstChild);
  }

  function hideColumns(cells) {
    // The header cells of the languages moved into the first one: hidden, as their cells are.
    const table = cells[0].closest("table");
    cells.slice(1).forEach(function (cell) {
      const column = Array.from(cell.classList).find(function (name) {
        return name.startsWith("field-");
      });
      if (!column) {
        return;
      }
      table.querySelectorAll("thead th.column-" + column.slice(6)).forEach(function (th) {
        th.hidden = true;
      });
    });
    const firstColumn = Array.from(cells[0].classList).find(function (name) {
      return name.startsWith("field-");
    });
    if (firstColumn) {
      // The remaining header names the field, not its first language.
      const label = cells[0].querySelector("[data-translated-field]").dataset.translatedField;
      table.querySelectorAll("thead th.column-" + firstColumn.slice(6)).forEach(function (th) {
        th.textContent = label;
      });
    }
  }

  function setUp(root) {
    groups(root).forEach(build);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
    document.addEventListener("formset:added", function (event) {
      setUp(event.target);
    });
  });
})();
