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

/**
 * An image reference as Docker and the kubelet parse it (the distribution reference grammar): an
 * optional registry host, lower-case path components, an optional tag, an optional digest.
 */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST =
  '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?';
const REFERENCE = new RegExp(
  `^(?:${HOST}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::(\\w[\\w.-]{0,127}))?(?:@(.*))?$`,
);

/**
 * A tag or digest that names one build: `:latest`, no tag, or a floating major are refused. A digest
 * (`repo:tag@sha256:<64 hex>`) pins the build whatever the tag says; Docker and Kubernetes pull by it, and
 * the tag stays for the people reading the config.
 */
export function imagePinProblem(image: string): string | undefined {
  const match = REFERENCE.exec(image);
  if (!match)
    return `image ${image} is not an image reference: write registry/repository:tag, e.g. quay.io/prometheus/prometheus:v3.5.3`;
  const [, tag, digest] = match;
  if (digest !== undefined)
    return /^sha256:[0-9a-f]{64}$/.test(digest)
      ? undefined
      : `image ${image}: a digest is sha256: and 64 lower-case hex digits, as \`docker buildx imagetools inspect\` prints it`;
  if (!tag) return `image ${image} has no tag: pin a version such as :v3.5.3`;
  // A full major.minor.patch names one release; `20-alpine` or `3.5` move when a new one comes out.
  if (!/^v?\d+\.\d+\.\d+(?![.\d])/.test(tag))
    return `image ${image} is not pinned: use an exact version tag (:v3.5.3, :20.20.2-alpine) or a digest`;
  return undefined;
}
