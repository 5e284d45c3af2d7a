/**
 * The Zoom Video SDK's stand-in for the browser tests (tests/browser/video.test.ts): served in place
 * of the SDK's ES module at the network edge, it records what the page calls and lets the test fire
 * the SDK's events.
 */
import type { Page } from "playwright-core";

/**
 * The stand-in for @zoom/videosdk's ES module: records every call in window.zoomCalls; the test
 * fires the SDK's events (names and payloads as in its dist/types/event-callback.d.ts) with
 * window.zoomEmit, and sets the devices it lists with window.zoomCameras / zoomMics.
 */
export const FAKE_SDK = `
const calls = (window.zoomCalls = []);
const handlers = {};
window.zoomEmit = (event, payload) => (handlers[event] || []).forEach((h) => h(payload));
const rec = (name, ...args) => calls.push([name, ...args]);
const player = (userId) => { const el = document.createElement("video-player"); el.setAttribute("data-user", String(userId)); return el; };
const cameras = () => window.zoomCameras || [{ deviceId: "cam-1", label: "Front camera" }, { deviceId: "cam-2", label: "USB camera" }];
const mics = () => window.zoomMics || [{ deviceId: "mic-1", label: "Built-in microphone" }];
const stream = {
  startVideo: async (options) => {
    rec("startVideo", options);
    if (window.zoomCameraRefused) throw { type: "VIDEO_USER_FORBIDDEN_CAPTURE", reason: "Permission denied" };
  },
  stopVideo: async () => rec("stopVideo"),
  startAudio: async (options) => rec("startAudio", options),
  stopAudio: async () => rec("stopAudio"),
  getCameraList: () => cameras(),
  getActiveCamera: () => window.zoomActiveCamera || cameras()[0]?.deviceId || "",
  switchCamera: async (id) => { rec("switchCamera", id); window.zoomActiveCamera = id; },
  getMicList: () => mics(),
  getActiveMicrophone: () => window.zoomActiveMic || mics()[0]?.deviceId || "",
  switchMicrophone: async (id) => { rec("switchMicrophone", id); window.zoomActiveMic = id; },
  muteAudio: async () => rec("muteAudio"),
  unmuteAudio: async () => rec("unmuteAudio"),
  attachVideo: async (userId, quality) => { rec("attachVideo", userId, quality); return player(userId); },
  detachVideo: async (userId) => { rec("detachVideo", userId); return [...document.querySelectorAll('video-player[data-user="' + userId + '"]')]; },
};
const client = {
  init: async (language, lib, options) => rec("init", language, lib, options),
  join: async (topic, token, userName) => {
    rec("join", topic, token, userName);
    if ((window.zoomJoinFailures || 0) > 0) { window.zoomJoinFailures--; throw { type: "JOIN_MEETING_FAILED", reason: "connection error" }; }
  },
  leave: async (end) => rec("leave", end === true),
  on: (event, h) => (handlers[event] = handlers[event] || []).push(h),
  getMediaStream: () => stream,
  getCurrentUserInfo: () => ({ userId: 1 }),
  getAllUser: () => [{ userId: 1, bVideoOn: false }, { userId: 2, bVideoOn: true }],
};
export const VideoQuality = { Video_90P: 0, Video_180P: 1, Video_360P: 2, Video_720P: 3 };
export default { createClient: () => { rec("createClient"); return client; }, destroyClient: () => rec("destroyClient") };
`;

export type Call = [string, ...unknown[]];
export const calls = (page: Page) => page.evaluate(() => (window as unknown as { zoomCalls?: Call[] }).zoomCalls ?? []) as Promise<Call[]>;
export const names = async (page: Page) => (await calls(page)).map((c) => c[0]);
