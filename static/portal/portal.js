// dxtasks portal: the deadline parsed as it is typed, and copy-to-clipboard buttons.
// Plain JavaScript, no build step; the pages work without it.
(function () {
  "use strict";

  function previewDeadline(input) {
    var output = document.getElementById(input.id + "-preview");
    var url = input.getAttribute("data-preview-url");
    if (!output || !url) return;
    var timer = null;
    var latest = 0;
    function update() {
      var ask = ++latest;
      fetch(url + "?deadline_text=" + encodeURIComponent(input.value), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (ask !== latest) return;  // a newer keystroke already asked
        output.textContent = data.message;
        output.className = "deadline-preview " + (data.message ? (data.ok ? "ok" : "error") : "");
      }).catch(function () { /* offline: the server checks again on save */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
    if (input.value) update();
  }

  function copyButton(button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      var status = button.nextElementSibling;
      function done() { if (status) { status.textContent = button.getAttribute("data-copied"); } }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        var area = document.createElement("textarea");
        area.value = text; document.body.appendChild(area); area.select();
        try { document.execCommand("copy"); done(); } finally { document.body.removeChild(area); }
      }
    });
  }

  // The register's owner field: names suggested as they are typed (the field works as a plain search without).
  function suggestOwners(list) {
    var input = document.getElementById(list.getAttribute("data-suggest-for"));
    var url = list.getAttribute("data-suggest-url");
    if (!input || !url) return;
    var timer = null;
    var latest = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var ask = ++latest;
        if (input.value.trim().length < 2) { list.replaceChildren(); return; }
        fetch(url + "?q=" + encodeURIComponent(input.value), {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (r) { return r.json(); }).then(function (data) {
          if (ask !== latest) return;
          list.replaceChildren.apply(list, data.owners.map(function (person) {
            var option = document.createElement("option");
            option.value = person.username;
            option.label = person.name;
            return option;
          }));
        }).catch(function () { /* offline: the filter still searches on submit */ });
      }, 200);
    });
  }

  document.querySelectorAll("datalist[data-suggest-url]").forEach(suggestOwners);
  document.querySelectorAll("[data-deadline-preview]").forEach(previewDeadline);
  document.querySelectorAll("[data-copy]").forEach(copyButton);
  // On a phone the register's filters start folded, unless a filter is in use, so the list is in view.
  if (window.matchMedia("(max-width: 800px)").matches && !window.location.search) {
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (d) { d.open = false; });
  }
  // The language switch submits on change; its button stays for keyboards without scripts.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
