import { TOOL_VERSIONS } from '../model/versions';

/**
 * Container images, pinned to the versions the generated configs are proven with (the Debian builds of
 * the same Prometheus and Alertmanager releases run the tests; tools.test.ts holds the two together).
 */
export const IMAGES = {
  prometheus: `quay.io/prometheus/prometheus:v${TOOL_VERSIONS.prometheus}`,
  alertmanager: `quay.io/prometheus/alertmanager:v${TOOL_VERSIONS.alertmanager}`,
  grafana: `docker.io/grafana/grafana:${TOOL_VERSIONS.grafana}`,
  /** Base image of the images built here (backend/Dockerfile, the alert inbox's); images.test.ts holds them to it. */
  node: 'docker.io/library/node:20.20.2-alpine',
} as const;

/** A tag or digest that names one build: `:latest`, no tag, or a floating major are refused. */
export function imagePinProblem(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  if (!tag) return `image ${image} has no tag: pin a version such as :v3.5.3`;
  // A full major.minor.patch names one release; `20-alpine` or `3.5` move when a new one comes out.
  if (!/^v?\d+\.\d+\.\d+(?![.\d])/.test(tag))
    return `image ${image} is not pinned: use an exact version tag (:v3.5.3, :20.20.2-alpine) or a digest`;
  return undefined;
}
