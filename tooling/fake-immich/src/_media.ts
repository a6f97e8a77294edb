import { extname } from "node:path";

// Extensions the Immich server imports (its mime-types list: images incl. RAW, and videos).
const IMAGE = new Set(
  (
    ".3fr .ari .arw .cap .cin .cr2 .cr3 .crw .dcr .dng .erf .fff .iiq .k25 .kdc .mrw .nef .nrw .orf .ori .pef .psd .raf .raw " +
    ".rw2 .rwl .sr2 .srf .srw .x3f .avif .bmp .gif .heic .heif .hif .insp .jp2 .jpe .jpeg .jpg .jxl .png .svg .tif .tiff .webp"
  ).split(" "),
);
const VIDEO = new Set(".3gp .3gpp .avi .flv .insv .m2t .m2ts .m4v .mkv .mov .mp4 .mpe .mpeg .mpg .mts .vob .webm .wmv".split(" "));

export function assetType(path: string): "IMAGE" | "VIDEO" | undefined {
  const ext = extname(path).toLowerCase();
  return IMAGE.has(ext) ? "IMAGE" : VIDEO.has(ext) ? "VIDEO" : undefined;
}
