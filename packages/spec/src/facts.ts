// The `@family/immich-spec/facts` entry: Immich's images and ports without the schema, so a caller
// that needs only a fact (the CLI's argument defaults) does not load zod.
export {
  type FfmpegAccel,
  IMMICH_MACHINE_LEARNING_IMAGE,
  IMMICH_SERVER_IMAGE,
  immichServerImage,
  machineLearningImage,
  mlImageSuffix,
  PORTS,
  transcodingAccel,
} from "./immich-images.js";
