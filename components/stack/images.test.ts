import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES, imagePinProblem } from './images';

const ROOT = join(__dirname, '..', '..');

describe('image pins', () => {
  it.each(Object.entries(IMAGES))('%s (%s) names one release', (_, image) =>
    expect(imagePinProblem(image)).toBeUndefined(),
  );

  it.each([
    'quay.io/prometheus/prometheus:v3.5.3',
    'docker.io/library/node:20.20.2-alpine',
    'grafana/grafana:13.1.3',
    `quay.io/prometheus/prometheus@sha256:${'a'.repeat(64)}`,
    `quay.io/prometheus/prometheus:v3.5.3@sha256:${'a'.repeat(64)}`,
    // The digest pins the build: the tag beside it is only for people.
    `quay.io/prometheus/prometheus:latest@sha256:${'0123456789abcdef'.repeat(4)}`,
    `localhost:5000/team/prometheus:v3.5.3@sha256:${'b'.repeat(64)}`,
  ])('accepts %s', (image) => expect(imagePinProblem(image)).toBeUndefined());

  it.each([
    ['quay.io/prometheus/prometheus', /no tag/],
    ['quay.io/prometheus/prometheus:latest', /not pinned/],
    ['node:20-alpine', /not pinned/],
    ['node:20.20-alpine', /not pinned/],
    ['quay.io/prometheus/prometheus:v3.5', /not pinned/],
    ['localhost:5000/prometheus', /no tag/],
    [
      `quay.io/prometheus/prometheus:v3.5.3@sha256:${'a'.repeat(63)}`,
      /a digest is sha256: and 64 lower-case hex/,
    ],
    [
      `quay.io/prometheus/prometheus:v3.5.3@sha256:${'A'.repeat(64)}`,
      /a digest is sha256: and 64 lower-case hex/,
    ],
    [`quay.io/prometheus/prometheus@sha512:${'a'.repeat(128)}`, /a digest is sha256:/],
    ['quay.io/prometheus/prometheus:v3.5.3@', /a digest is sha256:/],
    ['quay.io/Prometheus/prometheus:v3.5.3', /is not an image reference/],
    ['quay.io/prometheus/prometheus:v3.5.3 ', /is not an image reference/],
    ['quay.io/prometheus/prometheus:v3.5.3@sha256:abc@sha256:def', /a digest is sha256:/],
  ])('refuses %s', (image, problem) => expect(imagePinProblem(image)).toMatch(problem));

  it.each(['backend/Dockerfile', 'components/runtime/channels/Dockerfile'])(
    '%s builds on the pinned base image in every stage',
    (dockerfile) => {
      const bases = readFileSync(join(ROOT, dockerfile), 'utf8')
        .split('\n')
        .filter((line) => /^FROM\s/i.test(line))
        .map((line) => line.split(/\s+/)[1]);
      expect(bases.length).toBeGreaterThan(0);
      expect(new Set(bases)).toEqual(new Set([IMAGES.node]));
    },
  );
});
