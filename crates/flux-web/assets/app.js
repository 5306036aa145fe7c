// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Forms with data-confirm ask before a destructive action.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  // Prevent double submission (an upload can take a while) and say so.
  document.querySelectorAll("form[method='post']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      var button = form.querySelector("button[type='submit']");
      if (!button) return;
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
      if (form.enctype === "multipart/form-data") {
        button.textContent = "Importing…";
      }
      button.setAttribute("aria-disabled", "true");
    });
  });

  // Recipe editor: live cost of goods. The form posts to its preview URL
  // as the cook types (nothing is stored) and the returned cost panel
  // replaces the one on the page. Without this, "Preview cost" does the same
  // with a page load.
  document.querySelectorAll("form[data-live-cogs]").forEach(function (form) {
    var url = form.getAttribute("data-live-cogs");
    var timer = null;
    var seq = 0;
    function refresh() {
      var mine = ++seq;
      var body = new URLSearchParams(new FormData(form));
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "content-type": "application/x-www-form-urlencoded" }
      }).then(function (res) {
        return res.ok ? res.text() : null;
      }).then(function (html) {
        // A slower, older answer must not overwrite a newer one.
        if (html === null || mine !== seq) return;
        var panel = document.getElementById("cogs");
        if (!panel) return;
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("cogs");
        if (next) panel.replaceWith(next);
      }).catch(function () { /* keep the last good panel */ });
    }
    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  });

  // Close the restaurant switcher with Escape, returning focus to it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.switcher[open]").forEach(function (d) {
      d.removeAttribute("open");
      var summary = d.querySelector("summary");
      if (summary) summary.focus();
    });
  });
});
