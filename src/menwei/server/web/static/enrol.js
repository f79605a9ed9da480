// Enrolment with the phone camera: frames go to the quality check for live hints; when three
// frames in a row are good they are sent once for enrolment. Nothing is kept in the browser.
"use strict";
(function () {
  var root = document.getElementById("enrol");
  if (!root) { return; }
  var video = document.getElementById("camera");
  var hint = document.getElementById("hint");
  var start = document.getElementById("start");
  var english = document.documentElement.lang === "en";
  var good = [];
  var busy = false;
  var timer = null;
  var stream = null;

  function say(text) { hint.textContent = text; }

  function stopCamera() {
    if (timer) { clearInterval(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.srcObject = null;
  }

  function frame() {
    return new Promise(function (resolve) {
      var canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      canvas.toBlob(resolve, "image/jpeg", 0.92);
    });
  }

  function post(url, field, blobs) {
    var form = new FormData();
    blobs.forEach(function (blob, i) { form.append(field, blob, "frame" + i + ".jpg"); });
    return fetch(url, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": root.dataset.csrfToken }
    });
  }

  function enrol() {
    stopCamera();
    say(root.dataset.saving);
    post(root.dataset.enrolUrl, "images", good).then(function (response) {
      good = [];
      if (response.ok) { window.location.assign(root.dataset.doneUrl); return; }
      return response.json().then(function (body) {
        say(body.error ? body.error.message : root.dataset.failed);
        start.hidden = false;
      });
    }).catch(function () { say(root.dataset.failed); start.hidden = false; });
  }

  function check() {
    if (busy || !video.videoWidth) { return; }
    busy = true;
    frame().then(function (blob) {
      return post(root.dataset.qualityUrl, "image", [blob]).then(function (response) {
        return response.json();
      }).then(function (verdict) {
        if (verdict.passed) {
          good.push(blob);
          say(root.dataset.holdStill);
          if (good.length >= 3) { enrol(); }
        } else {
          good = [];
          var reason = verdict.reasons && verdict.reasons[0];
          say(reason ? (english ? reason.en : reason.zh) : root.dataset.failed);
        }
      });
    }).catch(function () { say(root.dataset.failed); }).finally(function () { busy = false; });
  }

  start.addEventListener("click", function () {
    start.hidden = true;
    say(root.dataset.starting);
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        return video.play();
      })
      .then(function () { timer = setInterval(check, 700); })
      .catch(function () { say(root.dataset.noCamera); start.hidden = false; });
  });
  window.addEventListener("pagehide", stopCamera);
})();
