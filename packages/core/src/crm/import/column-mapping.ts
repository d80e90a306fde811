import { z } from 'zod';
import { ValidationError } from '../../errors/errors.js';
import { customFieldTypes, fieldNameSchema } from '../model.js';

/**
 * Where an imported column goes (manual §3.2: "the system will automatically match the same
 * fields"; a column it cannot match is chosen by the user, or becomes a new field). Targets
 * are the standard customer fields, `tags` (tag names), `agentNumber`, and the package's
 * custom fields by name.
 */
export const importTargets = ['name', 'phones', 'email', 'gender', 'age', 'address', 'area', 'notes', 'tags', 'agentNumber'] as const;
export type StandardTarget = (typeof importTargets)[number];

/** One chosen column: by its header text or its 0-based position; `field` null ignores it. */
export const columnChoiceSchema = z.object({
  column: z.union([z.string().min(1).max(200), z.number().int().min(0).max(1000)]),
  field: z.string().min(1).max(40).nullable(),
  /** Create this custom field in the package (if it has none of that name) and import the column into it. */
  newField: z
    .object({
      name: fieldNameSchema,
      displayName: z.string().trim().min(1).max(100),
      type: z.enum(customFieldTypes).default('input'),
    })
    .optional(),
});
export type ColumnChoice = z.input<typeof columnChoiceSchema>;

/** A column's place in the record and where it goes. */
export interface MappedColumn {
  index: number;
  header: string;
  /** A standard target or a custom field's name. */
  field: string;
  custom: boolean;
}

export interface ColumnMapping {
  columns: MappedColumn[];
  /** Headers of the columns nothing takes. */
  ignored: string[];
}

/** Header words (after `normalizeHeader`) of each standard field, in English, Chinese and Japanese. */
const ALIASES: Record<StandardTarget, RegExp> = {
  name: /^(name|customername|customer|fullname|contactname|contact|姓名|名字|客户|客户名|客户名称|客户姓名|名前|氏名|顧客名|お名前)$/,
  phones: /^(phones?|phonenumbers?|mobiles?|mobilephone|mobilenumber|cell|cellphone|tel|telephone|telephonenumber|number|电话|电话号码|手机|手机号|手机号码|联系电话|電話|電話番号|携帯|携帯電話|携帯番号)\d*$/,
  email: /^(email|emailaddress|mail|邮箱|电子邮件|电子邮箱|メール|メールアドレス|eメール)$/,
  gender: /^(gender|sex|性别|性別)$/,
  age: /^(age|年龄|年齢)$/,
  address: /^(address|addr|streetaddress|地址|住址|住所)$/,
  area: /^(area|region|district|区域|地区|地域|エリア)$/,
  notes: /^(notes?|remarks?|comments?|memo|备注|備考|メモ)$/,
  tags: /^(tags?|customertags?|标签|客户标签|タグ)$/,
  agentNumber: /^(agent|agentnumber|agentno|seat|worknumber|坐席|坐席工号|工号|座席|担当者番号)$/,
};

/** Lower case, full-width folded (NFKC), without spaces, `_`, `-`, `.`, `*` or a trailing colon. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.*:：]+/g, '');
}

/** The standard field a header names, if any. */
export function standardTargetOf(header: string): StandardTarget | undefined {
  const key = normalizeHeader(header);
  if (key === '') return undefined;
  return importTargets.find((target) => ALIASES[target].test(key));
}

/**
 * Maps the columns of a file to fields: the chosen ones as chosen, the others (when the
 * file has a header) automatically — a custom field by its name or display name first,
 * then a standard field by its usual names. Several columns may feed `phones`; any other
 * field takes one column (a second one is ignored).
 */
export function mapColumns(
  headers: readonly string[],
  customFields: ReadonlyArray<{ name: string; displayName: string }>,
  options: { chosen?: readonly ColumnChoice[]; automatic: boolean },
): ColumnMapping {
  const customByKey = new Map<string, string>();
  for (const field of customFields) {
    customByKey.set(normalizeHeader(field.displayName), field.name);
    customByKey.set(normalizeHeader(field.name), field.name);
  }
  const customNames = new Set(customFields.map((f) => f.name));
  const decided = new Map<number, string | null>();
  const issues: Array<{ path: string; message: string }> = [];
  for (const [i, choice] of (options.chosen ?? []).entries()) {
    const index = typeof choice.column === 'number' ? choice.column : headers.findIndex((h) => h.trim() === String(choice.column).trim());
    if (index < 0 || (typeof choice.column === 'number' && headers.length > 0 && index >= headers.length)) {
      issues.push({ path: `mapping.${i}.column`, message: `no column ${JSON.stringify(choice.column)} in the file` });
      continue;
    }
    const field = choice.newField?.name ?? choice.field;
    if (field !== null && !(importTargets as readonly string[]).includes(field) && !customNames.has(field)) {
      issues.push({ path: `mapping.${i}.field`, message: `no field ${field} in the package (give newField to create it)` });
      continue;
    }
    decided.set(index, field);
  }
  if (issues.length > 0) throw new ValidationError(`Invalid column mapping: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);

  const columns: MappedColumn[] = [];
  const ignored: string[] = [];
  const taken = new Set<string>();
  const width = Math.max(headers.length, ...[...decided.keys()].map((i) => i + 1));
  for (let index = 0; index < width; index++) {
    const header = headers[index] ?? `column ${index + 1}`;
    let field: string | null | undefined = decided.get(index);
    if (field === undefined && options.automatic) field = customByKey.get(normalizeHeader(header)) ?? standardTargetOf(header) ?? null;
    if (field === undefined || field === null || (field !== 'phones' && taken.has(field))) {
      if (headers[index] !== undefined && headers[index]!.trim() !== '') ignored.push(header);
      continue;
    }
    taken.add(field);
    columns.push({ index, header, field, custom: customNames.has(field) && !(importTargets as readonly string[]).includes(field) });
  }
  return { columns, ignored };
}
