import type { ComposeTarget, ImmichFamilySpec } from "@family/immich-spec";

export { mlImageSuffix, transcodingAccel as ffmpegAccel } from "@family/immich-spec";
import type { DeviceProfile } from "./compose-model.js";

/** The Compose target's hardware transcoding mode. */
export type Transcoding = ComposeTarget["hwaccel"];
/** The machine-learning acceleration the spec chooses. */
export type MlAcceleration = ImmichFamilySpec["machineLearning"]["acceleration"];

const dev = (path: string) => `${path}:${path}`;

/** What immich-server needs for hardware transcoding (our own, schema-valid version of Immich's hwaccel file). */
export function transcodingProfile(mode: Transcoding): DeviceProfile {
  switch (mode) {
    case "cpu":
      return {};
    case "nvenc":
      return { deploy: { resources: { reservations: { devices: [{ driver: "nvidia", count: 1, capabilities: ["gpu", "compute", "video"] }] } } } };
    case "quicksync":
    case "vaapi":
      return { devices: [dev("/dev/dri")] };
    case "rkmpp":
      return {
        devices: ["/dev/rga", "/dev/dri", "/dev/dma_heap", "/dev/mpp_service"].map(dev),
        group_add: ["video"],
        security_opt: ["systempaths=unconfined", "apparmor=unconfined"],
      };
  }
}

/** What immich-machine-learning needs for an acceleration. */
export function mlProfile(acceleration: MlAcceleration): DeviceProfile {
  switch (acceleration) {
    case "cpu":
      return {};
    case "cuda":
      return { deploy: { resources: { reservations: { devices: [{ driver: "nvidia", count: 1, capabilities: ["gpu"] }] } } } };
    case "rocm":
      return { devices: [dev("/dev/dri"), dev("/dev/kfd")], group_add: ["video"] };
    case "openvino":
      return { devices: [dev("/dev/dri")], device_cgroup_rules: ["c 189:* rmw"], volumes: ["/dev/bus/usb:/dev/bus/usb"] };
    case "armnn":
      return {
        devices: [dev("/dev/mali0")],
        volumes: ["/lib/firmware/mali_csffw.bin:/lib/firmware/mali_csffw.bin:ro", "/usr/lib/libmali.so:/usr/lib/libmali.so:ro"],
      };
    case "rknn":
      return { devices: [dev("/dev/dri")], security_opt: ["systempaths=unconfined"], volumes: ["/sys/kernel/debug/:/sys/kernel/debug/:ro"] };
  }
}
