// The browser kiosk: the tablet's camera is the gate's frame source. Each frame goes to the
// device's gate agent (POST /api/v1/device/kiosk/frames, device token) and the answer says what
// to show: 「请通行」/「请刷卡或输入密码」/「未能识别」, the masked name, a hint or a liveness
// prompt. Nothing is stored: frames live in a canvas that is redrawn for the next one.
"use strict";

const TOKEN_KEY = "menwei.kiosk.token";
const FRAME_URL = "/api/v1/device/kiosk/frames";
const PAUSE_MS = 120;
const latencies = [];  // frame-to-answer times in ms, read by the latency bench
const decidedLatencies = [];  // the same, for the frames that ended in a decision
const decisions = [];  // the headline of every frame that decided, in order
window.menweiKiosk = { latencies, decidedLatencies, decisions };

function $(id) { return document.getElementById(id); }

function showSignin(message) {
  $("gate").hidden = true;
  $("signin").hidden = false;
  $("signin-error").textContent = message || "";
}

function show(answer) {
  const result = answer.result;
  const headline = $("headline");
  if (result && answer.headline) {
    headline.textContent = answer.headline.zh;
    headline.className = result.allowed ? "ok" : (result.reason === "step_up_required" ? "ask" : "no");
    $("name").textContent = result.name || "";
    $("message").textContent = result.message_zh || "";
  } else {
    headline.textContent = "";
    headline.className = "";
    $("name").textContent = "";
    $("message").textContent = "";
  }
  $("hint").textContent = (answer.hints || []).join(" · ");
}

async function send(canvas, token) {
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  const started = performance.now();
  const response = await fetch(FRAME_URL, {
    method: "POST",
    headers: { "Authorization": "Bearer " + token, "Content-Type": "image/jpeg" },
    body: blob,
    cache: "no-store",
  });
  if (response.status === 401 || response.status === 403) {
    localStorage.removeItem(TOKEN_KEY);
    throw new Error("signin");
  }
  const answer = await response.json();
  if (!response.ok) {
    $("status").textContent = (answer.error && answer.error.message) || "";
    return;
  }
  const took = performance.now() - started;
  latencies.push(took);
  if (answer.decided && answer.headline) {
    decisions.push(answer.headline.zh);
    decidedLatencies.push(took);
  }
  $("status").textContent = "";
  show(answer);
}

async function run(token) {
  $("signin").hidden = true;
  $("gate").hidden = false;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  } catch (error) {
    $("status").textContent = "无法打开摄像头 · The camera could not be opened";
    return;
  }
  const video = $("camera");
  video.srcObject = stream;
  await video.play();
  const canvas = document.createElement("canvas");
  canvas.width = 640;
  canvas.height = 480;
  const context = canvas.getContext("2d");
  for (;;) {
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    try {
      await send(canvas, token);
    } catch (error) {
      if (error.message === "signin") {
        stream.getTracks().forEach((track) => track.stop());
        showSignin("注册码无效或已停用 · The code is not valid or was revoked");
        return;
      }
      $("status").textContent = "连接中断，正在重试 · Connection lost, retrying";
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("signin").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = $("code").value.trim();
    if (!code) return;
    localStorage.setItem(TOKEN_KEY, code);
    run(code);
  });
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) run(token); else showSignin("");
});
