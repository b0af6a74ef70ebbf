/**
 * Container images, pinned by version. The generated configs are proven with Prometheus 2.53.3 and
 * Alertmanager 0.28.1 (the Debian binaries the tests run) and stay in the subset those versions share
 * with the images below; docs/architecture.md records that choice.
 */
export const IMAGES = {
  prometheus: 'quay.io/prometheus/prometheus:v3.14.0',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.34.0',
  grafana: 'docker.io/grafana/grafana:13.1.3',
  /** Base image of the example backend, built from backend/Dockerfile. */
  node: 'docker.io/library/node:20.20-alpine',
} as const;

/** A tag or digest that names one build: `:latest`, no tag, or a floating major are refused. */
export function imagePinProblem(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  if (!tag) return `image ${image} has no tag: pin a version such as :v3.14.0`;
  if (tag === 'latest' || /^v?\d+$/.test(tag))
    return `image ${image} is not pinned: use an exact version tag or digest`;
  return undefined;
}
