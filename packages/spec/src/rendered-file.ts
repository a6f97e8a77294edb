/** One file a renderer produces; the CLI writes them, renderers never touch the disk. */
export interface RenderedFile {
  /** Relative path inside the output folder, with `/` separators. */
  readonly path: string;
  readonly content: string;
  /** File mode, e.g. 0o755 for scripts. @default 0o644 */
  readonly mode?: number;
}
