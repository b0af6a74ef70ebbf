import { dns1123Label, labelKeyProblem, labelValueProblem } from './kubernetes-names';

describe('Kubernetes names, as the API server would take them', () => {
  it.each(['monitoring', 'shop-prod', 'a', 'a'.repeat(63), 'team1'])('takes the namespace %s', (name) =>
    expect(dns1123Label.safeParse(name).success).toBe(true),
  );
  it.each(['Monitoring', 'shop_prod', '-shop', 'shop-', 'a'.repeat(64), '', 'shop.prod'])(
    'refuses the namespace %j',
    (name) => expect(dns1123Label.safeParse(name).error?.issues[0].message).toMatch(/at most 63 lower-case/),
  );
  it.each(['app', 'app.kubernetes.io/name', 'example.com/tier_1', 'A-b.c'])('takes the label key %s', (key) =>
    expect(labelKeyProblem(key)).toBeUndefined(),
  );
  it.each(['', 'app/', 'Example.com/app', 'has space', '-app', `${'a'.repeat(64)}`])(
    'refuses the label key %j',
    (key) => expect(labelKeyProblem(key)).toMatch(/invalid label key/),
  );
  it.each(['', 'checkout', 'v1.2_3', 'a'.repeat(63)])('takes the label value %j', (value) =>
    expect(labelValueProblem(value)).toBeUndefined(),
  );
  it.each(['has space', 'v1/2', '-x', 'a'.repeat(64)])('refuses the label value %j', (value) =>
    expect(labelValueProblem(value)).toMatch(/invalid label value/),
  );
});
