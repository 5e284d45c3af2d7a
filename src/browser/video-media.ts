/**
 * The built-in call's camera and microphone: getUserMedia with the devices the device check chose
 * (`tele:devices-chosen`), falling back to the microphone alone when the camera is refused or busy,
 * so the call still works audio-only; what went wrong is said in plain words.
 */

/** The device check's choice (`tele:devices-chosen` detail). */
export interface Chosen {
  cameraId?: string;
  micId?: string;
}

export interface LocalMedia {
  stream: MediaStream | null;
  /** What to tell the person when something was refused, else undefined. */
  problem?: string;
  kind?: "camera-refused" | "camera-busy" | "all-refused" | "unsupported";
}

const constraint = (id: string | undefined): MediaTrackConstraints | boolean => (id ? { deviceId: id } : true);

/** Both (or only `only`): camera and microphone, else the microphone alone, else nothing, with why. */
export async function localMedia(chosen: Chosen, only?: "audio" | "video"): Promise<LocalMedia> {
  const md = navigator.mediaDevices;
  if (!md?.getUserMedia) return { stream: null, kind: "unsupported", problem: "This browser cannot use a camera or microphone here. Open the page in a current Chrome, Edge, Safari or Firefox." };
  const video = only === "audio" ? false : constraint(chosen.cameraId);
  const audio = only === "video" ? false : constraint(chosen.micId);
  try {
    return { stream: await md.getUserMedia({ video, audio }) };
  } catch (err) {
    const busy = (err as DOMException).name === "NotReadableError" || (err as DOMException).name === "AbortError";
    if (only) return { stream: null, kind: busy ? "camera-busy" : "camera-refused", problem: refusedText(only, busy) };
    try {
      const stream = await md.getUserMedia({ audio });
      return { stream, kind: busy ? "camera-busy" : "camera-refused", problem: busy
        ? "Another app is using your camera, so the other person can hear you but not see you. Close that app, then press Turn camera on."
        : "Your camera is not allowed for this page, so the other person can hear you but not see you. To allow it:" };
    } catch {
      return { stream: null, kind: "all-refused", problem: "Your camera and microphone are not allowed for this page, so the other person cannot see or hear you. To allow them:" };
    }
  }
}

function refusedText(kind: "audio" | "video", busy: boolean): string {
  const what = kind === "video" ? "camera" : "microphone";
  return busy ? `Another app is using your ${what}. Close it, then try again.` : `Your ${what} is not allowed for this page. To allow it:`;
}
