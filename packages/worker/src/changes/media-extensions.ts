// The file extensions the Immich server imports from external libraries (its mime-types list:
// images including RAW formats, and videos). Sidecars (.xmp) are read with their asset, not imported.
export const IMAGE_EXTENSIONS = [
  ".3fr", ".ari", ".arw", ".cap", ".cin", ".cr2", ".cr3", ".crw", ".dcr", ".dng", ".erf", ".fff", ".iiq", ".k25", ".kdc",
  ".mrw", ".nef", ".nrw", ".orf", ".ori", ".pef", ".psd", ".raf", ".raw", ".rw2", ".rwl", ".sr2", ".srf", ".srw", ".x3f",
  ".avif", ".bmp", ".gif", ".heic", ".heif", ".hif", ".insp", ".jp2", ".jpe", ".jpeg", ".jpg", ".jxl", ".png", ".svg",
  ".tif", ".tiff", ".webp",
] as const;

export const VIDEO_EXTENSIONS = [
  ".3gp", ".3gpp", ".avi", ".flv", ".insv", ".m2t", ".m2ts", ".m4v", ".mkv", ".mov", ".mp4", ".mpe", ".mpeg", ".mpg",
  ".mts", ".vob", ".webm", ".wmv",
] as const;

export const MEDIA_EXTENSIONS: readonly string[] = [...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS];
