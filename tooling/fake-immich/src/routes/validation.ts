import { badRequest, type ValidationIssue } from "../errors.js";

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request body as an object, or a 400 like the server's validation pipe. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw badRequest([{ path: [], message: "body must be an object" }]);
  return body as Record<string, unknown>;
}

/** Collects field issues in class-validator's words, then throws one 400 with all of them. */
export class Checks {
  readonly issues: ValidationIssue[] = [];
  /** Record that field `name` fails with `message`. */
  fail(name: string, message: string): void {
    this.issues.push({ path: [name], message });
  }
  uuid(name: string, value: unknown, optional = false): void {
    if (value === undefined && optional) return;
    if (typeof value !== "string" || !UUID_RE.test(value)) this.fail(name, `${name} must be a UUID`);
  }
  string(name: string, value: unknown, optional = true): void {
    if (value === undefined && optional) return;
    if (typeof value !== "string" || value.length === 0) this.fail(name, `${name} must be a string`);
  }
  boolean(name: string, value: unknown): void {
    if (value !== undefined && typeof value !== "boolean") this.fail(name, `${name} must be a boolean value`);
  }
  stringArray(name: string, value: unknown, max: number): void {
    if (value === undefined) return;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.length === 0)) {
      this.fail(name, `each value in ${name} must be a string`);
      return;
    }
    if (new Set(value).size !== value.length) this.fail(name, `All ${name}'s elements must be unique`);
    if (value.length > max) this.fail(name, `${name} must contain no more than ${max} elements`);
  }
  intRange(name: string, value: unknown, min: number, max: number): void {
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isInteger(value)) this.fail(name, `${name} must be an integer number`);
    else if (value < min) this.fail(name, `${name} must not be less than ${min}`);
    else if (value > max) this.fail(name, `${name} must not be greater than ${max}`);
  }
  done(): void {
    if (this.issues.length > 0) throw badRequest(this.issues);
  }
}
