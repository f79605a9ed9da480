// Enrolment with the phone camera, in two steps. First frames go to the quality check for live
// hints until three in a row are good. Then the server asks for a random movement (turn or
// nod); its prompt is shown large and frames go to the movement check every 350 ms until it
// is passed, failed or timed out. The three good frames are then sent once for enrolment,
// naming the passed check. Frames are drawn from the camera unmirrored, as the server expects,
// and none is kept in the browser after its request.
"use strict";
(function () {
  var root = document.getElementById("enrol");
  if (!root) { return; }
  var video = document.getElementById("camera");
  var hint = document.getElementById("hint");
  var start = document.getElementById("start");
  var again = document.getElementById("again");
  var english = document.documentElement.lang === "en";
  var MOVEMENT_INTERVAL = 350;
  var good = [];
  var busy = false;
  var timer = null;
  var stream = null;
  var challenge = null;

  function say(text, large) {
    hint.textContent = text;
    hint.classList.toggle("prompt", !!large);
  }

  function text(pair) { return pair ? (english ? pair.en : pair.zh) : root.dataset.failed; }

  function stopTimer() {
    if (timer) { clearInterval(timer); timer = null; }
  }

  function stopCamera() {
    stopTimer();
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

  function post(url, field, blobs, fields) {
    var form = new FormData();
    blobs.forEach(function (blob, i) { form.append(field, blob, "frame" + i + ".jpg"); });
    Object.keys(fields || {}).forEach(function (name) { form.append(name, fields[name]); });
    return fetch(url, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": root.dataset.csrfToken }
    });
  }

  function errorText(response) {
    return response.json().then(function (body) {
      return body.error ? body.error.message : root.dataset.failed;
    }, function () { return root.dataset.failed; });
  }

  function offerAgain(message) {
    stopCamera();
    good = [];
    challenge = null;
    say(message);
    again.hidden = false;
  }

  function enrol() {
    var photos = good;
    var id = challenge.id;
    good = [];
    challenge = null;
    stopCamera();
    say(root.dataset.saving);
    post(root.dataset.enrolUrl, "images", photos, { challenge: id }).then(function (response) {
      if (response.ok) { window.location.assign(root.dataset.doneUrl); return; }
      return errorText(response).then(offerAgain);
    }).catch(function () { offerAgain(root.dataset.failed); });
  }

  function move() {
    if (busy || !challenge || !video.videoWidth) { return; }
    busy = true;
    var url = root.dataset.challengeUrl + "/" + encodeURIComponent(challenge.id) + "/frames";
    frame().then(function (blob) {
      return post(url, "image", [blob]).then(function (response) {
        if (!challenge) { return; }  // already settled while this frame was on its way
        if (response.status === 422) {  // this frame could not be judged: say why, go on
          return response.json().then(function (body) {
            var reason = body.error && body.error.details && body.error.details.reasons;
            say(reason && reason[0] ? text(reason[0]) : text(challenge.prompt), true);
          });
        }
        if (!response.ok) { return errorText(response).then(offerAgain); }
        return response.json().then(function (answer) {
          if (answer.status === "passed") { enrol(); }
          else if (answer.status === "failed") { offerAgain(text(answer.reason)); }
          else { say(text(answer.prompt), true); }
        });
      });
    }).catch(function () { say(root.dataset.failed); }).finally(function () { busy = false; });
  }

  function askForMovement() {
    stopTimer();
    say(root.dataset.nextMovement);
    post(root.dataset.challengeUrl, "none", [], {}).then(function (response) {
      if (!response.ok) { return errorText(response).then(offerAgain); }
      return response.json().then(function (issued) {
        challenge = issued;
        say(text(issued.prompt), true);
        timer = setInterval(move, MOVEMENT_INTERVAL);
        // no answer in time (a frame lost, the page in the background): start again
        setTimeout(function () {
          if (challenge === issued) { offerAgain(root.dataset.movementFailed); }
        }, (issued.time_limit + 5) * 1000);
      });
    }).catch(function () { offerAgain(root.dataset.failed); });
  }

  function check() {
    if (busy || !video.videoWidth) { return; }
    busy = true;
    frame().then(function (blob) {
      return post(root.dataset.qualityUrl, "image", [blob]).then(function (response) {
        return response.json();
      }).then(function (verdict) {
        if (!timer || challenge) { return; }
        if (verdict.passed) {
          good.push(blob);
          say(root.dataset.holdStill);
          if (good.length >= 3) { askForMovement(); }
        } else {
          good = [];
          var reason = verdict.reasons && verdict.reasons[0];
          say(reason ? text(reason) : root.dataset.failed);
        }
      });
    }).catch(function () { say(root.dataset.failed); }).finally(function () { busy = false; });
  }

  function begin(button) {
    button.hidden = true;
    say(root.dataset.starting);
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        return video.play();
      })
      .then(function () { timer = setInterval(check, 700); })
      .catch(function () { say(root.dataset.noCamera); button.hidden = false; });
  }

  start.addEventListener("click", function () { begin(start); });
  again.addEventListener("click", function () { begin(again); });
  window.addEventListener("pagehide", stopCamera);
})();
