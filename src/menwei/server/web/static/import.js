// The resident import with progress: the file goes up with an upload bar, the import runs as a
// job on the server, and its status (rows checked of the total) is polled until the result page
// can be opened. Without this script the form posts normally and shows the same result page.
"use strict";
(function () {
  var form = document.getElementById("import-form");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.fetch) { return; }
  var input = document.getElementById("file");
  var button = document.getElementById("import-submit");
  var box = document.getElementById("import-progress");
  var bar = document.getElementById("import-bar");
  var status = document.getElementById("import-status");
  var texts = form.dataset;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function say(text, isError) {
    box.hidden = false;
    status.textContent = text;
    status.className = isError ? "error" : "";
    if (isError) { status.setAttribute("role", "alert"); }
  }

  function done(isError) {
    button.disabled = false;
    if (isError) { bar.hidden = true; }
  }

  function errorOf(request) {
    try { return JSON.parse(request.responseText).error.message; } catch (e) { return texts.failed; }
  }

  function poll(job) {
    fetch(job.status_url, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        if (state.finished) {
          say(texts.finishing);
          window.location.assign(job.result_url);
          return;
        }
        if (state.phase === "read" || !state.total) {
          bar.removeAttribute("value");
          say(texts.reading);
        } else {
          bar.value = Math.round((100 * state.done) / state.total);
          say(fill(state.phase === "import" ? texts.importing : texts.validating, state));
        }
        window.setTimeout(function () { poll(job); }, 400);
      })
      .catch(function () { say(texts.failed, true); done(true); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = input.files && input.files[0];
    if (!file) { say(texts.noFile, true); return; }
    if (file.size > Number(texts.maxBytes)) { say(texts.tooLarge, true); return; }
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    say(fill(texts.uploading, { percent: 0 }));
    var request = new XMLHttpRequest();
    request.open("POST", texts.jobs);
    request.setRequestHeader("accept", "application/json");
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round((100 * e.loaded) / e.total);
      bar.value = percent;
      say(fill(texts.uploading, { percent: percent }));
    });
    request.addEventListener("load", function () {
      if (request.status !== 202) { say(errorOf(request), true); done(true); return; }
      bar.value = 0;
      poll(JSON.parse(request.responseText));
    });
    request.addEventListener("error", function () { say(texts.failed, true); done(true); });
    request.send(new FormData(form));
  });
}());
