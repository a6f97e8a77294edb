const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly namesFrom?: number;
}

const SECOND: Field = { name: "second", min: 0, max: 59 };
const FIELDS: readonly Field[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: "day of week", min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

function value(text: string, field: Field): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text);
  const i = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return i >= 0 ? i + (field.namesFrom ?? 0) : undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
  for (const part of text.split(",")) {
    const m = /^([^/]+)(?:\/([0-9]+))?$/.exec(part);
    if (!m?.[1]) return `${field.name} "${text}" is not a cron field`;
    if (m[2] !== undefined && Number(m[2]) === 0) return `${field.name} "${part}" has a step of 0`;
    if (m[1] === "*") continue;
    const [from, to, extra] = m[1].split("-");
    if (extra !== undefined || from === undefined) return `${field.name} "${part}" is not a value or a range`;
    const a = value(from, field);
    const b = to === undefined ? a : value(to, field);
    if (a === undefined || b === undefined) return `${field.name} "${part}" is not a number${field.names ? " or a name" : ""}`;
    if (a < field.min || b > field.max) return `${field.name} "${part}" is outside ${field.min}-${field.max}`;
    if (a > b) return `${field.name} range "${part}" runs backwards`;
  }
  return undefined;
}

/**
 * Why Immich would refuse `expr` as a cron expression (a fatal start-up error when it comes from the
 * config file), or undefined when it is fine: 5 fields, or 6 with seconds first, or a macro like @daily.
 */
export function immichCronProblem(expr: string): string | undefined {
  const trimmed = expr.trim();
  if (trimmed.startsWith("@"))
    return MACROS.includes(trimmed.toLowerCase()) ? undefined : `unknown cron macro ${trimmed} (expected one of ${MACROS.join(", ")})`;
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return `expected 5 cron fields (minute hour day month weekday) or 6 with seconds first, got ${parts.length}`;
  const fields = parts.length === 6 ? [SECOND, ...FIELDS] : FIELDS;
  for (const [i, part] of parts.entries()) {
    const field = fields[i];
    const problem = field ? fieldProblem(part, field) : undefined;
    if (problem) return problem;
  }
  return undefined;
}
