import { synthStack } from '../components/stack';
import { OUTPUT_PATHS, ruleFilePath } from '../components/stack/paths';
import { testStackConfig } from '../components/stack/testing';
import { services } from '../infra/services';
import { TestCache } from './test-cache';
import { tempDir, removeTempDirs } from './testing';

describe('TestCache', () => {
  afterAll(removeTempDirs);
  const result = synthStack(testStackConfig('docker'), services, { environment: 'dev' });
  const testPath = `${OUTPUT_PATHS.testsDir}orders.yml`;
  const with_ = (path: string, text: string) => ({ ...result, files: { ...result.files, [path]: text } });

  it('keys a test file by its text and the rule files it loads, and by nothing else', () => {
    const cache = new TestCache(tempDir());
    const key = cache.keys(result).get(testPath);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.keys(result).get(testPath)).toBe(key);
    const rules = ruleFilePath('orders');
    expect(cache.keys(with_(rules, `${result.files[rules]}\n`)).get(testPath)).not.toBe(key);
    expect(cache.keys(with_(testPath, `${result.files[testPath]}\n`)).get(testPath)).not.toBe(key);
    // Another service's rules, or Prometheus's own config, are not read by this test file.
    expect(cache.keys(with_(OUTPUT_PATHS.prometheusConfig, 'x')).get(testPath)).toBe(key);
  });

  it('gives no key to a test file that loads a file synth did not render', () => {
    const cache = new TestCache(tempDir());
    const { [ruleFilePath('orders')]: _gone, ...files } = result.files;
    expect(cache.keys({ ...result, files }).has(testPath)).toBe(false);
  });

  it('knows a key only after it is remembered, in its own folder', () => {
    const dir = tempDir();
    const cache = new TestCache(dir);
    const key = cache.keys(result).get(testPath) as string;
    expect(cache.passed(key)).toBe(false);
    expect(cache.passed(undefined)).toBe(false);
    cache.remember([key]);
    expect(cache.passed(key)).toBe(true);
    expect(new TestCache(tempDir()).passed(key)).toBe(false);
  });
});
