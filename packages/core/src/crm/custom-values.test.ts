import { describe, expect, it } from 'vitest';
import { validateCustomValues } from './custom-values.js';
import { customFieldSchema, type CustomFieldInput } from './model.js';

const field = (input: Partial<CustomFieldInput> & Pick<CustomFieldInput, 'name' | 'type'>) => customFieldSchema.parse({ displayName: input.name, ...input });

describe('custom field values', () => {
  const fields = [
    field({ name: 'company', type: 'input', required: true }),
    field({ name: 'mobile', type: 'phone' }),
    field({ name: 'mail', type: 'email' }),
    field({ name: 'birthday', type: 'date' }),
    field({ name: 'site', type: 'link' }),
    field({ name: 'budget', type: 'number', requiredOnSuccess: true }),
    field({ name: 'product', type: 'options', options: ['basic', 'pro'], multiple: true }),
    field({ name: 'size', type: 'options', options: ['S', 'M'], enterable: true }),
    field({ name: 'region', type: 'association', association: [{ value: 'Guangdong', children: [{ value: 'Shenzhen' }, { value: 'Guangzhou' }] }] }),
    field({ name: 'secret', type: 'input', permissions: { agent: 'view' } }),
  ];

  it('normalises good values by type', () => {
    const { values, issues } = validateCustomValues(
      fields,
      { company: ' Acme ', mobile: '06 12 34 56 78', mail: 'Ann@Example.COM', birthday: '2026/2/3', site: 'https://acme.test/x', budget: '1,200.50', product: 'pro|basic', size: 'XL', region: 'Guangdong / Shenzhen' },
      { defaultCountry: 'FR' },
    );
    expect(issues).toEqual([]);
    expect(values).toEqual({ company: 'Acme', mobile: '+33612345678', mail: 'Ann@example.com', birthday: '2026-02-03', site: 'https://acme.test/x', budget: 1200.5, product: ['pro', 'basic'], size: 'XL', region: ['Guangdong', 'Shenzhen'] });
  });

  it('names every bad value with its path and reason', () => {
    const { issues } = validateCustomValues(fields, { company: 'a\nb', mobile: 'call me', mail: 'nope', birthday: '2026-02-30', site: 'ftp://x', budget: 'lots', product: 'gold', region: 'Guangdong/Paris', extra: 1 }, { path: 'line 7: custom' });
    expect(issues).toEqual([
      { path: 'line 7: custom.extra', message: 'no such custom field in this package' },
      { path: 'line 7: custom.company', message: 'one line only' },
      { path: 'line 7: custom.mobile', message: 'a phone number expected' },
      { path: 'line 7: custom.mail', message: 'an e-mail address expected' },
      { path: 'line 7: custom.birthday', message: 'no such date' },
      { path: 'line 7: custom.site', message: 'an http(s) link expected' },
      { path: 'line 7: custom.budget', message: 'a number expected' },
      { path: 'line 7: custom.product', message: 'not an option: gold' },
      { path: 'line 7: custom.region', message: '"Paris" is not an option at this level' },
    ]);
  });

  it('required, required on success, partial changes and role permissions', () => {
    expect(validateCustomValues(fields, {}).issues).toEqual([{ path: 'custom.company', message: 'required' }]);
    expect(validateCustomValues(fields, {}, { partial: true }).issues).toEqual([]);
    expect(validateCustomValues(fields, { company: '' }, { partial: true }).issues).toEqual([{ path: 'custom.company', message: 'required' }]);
    expect(validateCustomValues(fields, { company: 'x' }, { success: true }).issues).toEqual([{ path: 'custom.budget', message: 'required when the contact is a success' }]);
    expect(validateCustomValues(fields, { company: 'x', secret: 'y' }, { role: 'agent' }).issues).toEqual([{ path: 'custom.secret', message: 'the agent role may not change this field' }]);
    expect(validateCustomValues(fields, { company: 'x', secret: 'y' }, { role: 'tenant_admin' }).issues).toEqual([]);
  });

  it('refuses field definitions that cannot work', () => {
    expect(customFieldSchema.safeParse({ name: 'x', displayName: 'X', type: 'options' }).success).toBe(false);
    expect(customFieldSchema.safeParse({ name: 'x', displayName: 'X', type: 'options', options: ['a'], defaultOptions: ['b'] }).success).toBe(false);
    expect(customFieldSchema.safeParse({ name: 'Bad Name', displayName: 'X', type: 'input' }).success).toBe(false);
    expect(customFieldSchema.safeParse({ name: 'notes2', displayName: 'X', type: 'textarea', unique: true }).success).toBe(false);
  });
});
