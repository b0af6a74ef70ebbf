import type { MockHarness, Registered } from '../components/pulumi/testing';
import { unwrapSecrets } from '../components/pulumi/testing';

/**
 * What Pulumi's state would hold for a program run under mocks: the checkpoint keeps, for every
 * resource, its inputs and its outputs (a provider's returned state, or a component's registered
 * outputs). Sizes are of their JSON, as the checkpoint writes it.
 */
export interface StateSize {
  /** Inputs and outputs of every resource. */
  bytes: number;
  /** The config data the platform objects carry once: ConfigMap data, or the containers' uploads. */
  configDataBytes: number;
  /** Inputs and outputs of the objects that carry that data (ConfigMaps, or containers). */
  carrierBytes: number;
  /** Outputs of the promstack components (digests, summaries, URLs, alerts). */
  componentOutputBytes: number;
}

const CONFIG_MAP = 'kubernetes:core/v1:ConfigMap';
const CONTAINER = 'docker:index/container:Container';

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/** Keys and values of a ConfigMap's data or a Secret's stringData, as the API server adds them up. */
export function dataBytes(resource: Registered): number {
  const inputs = unwrapSecrets(resource.inputs) as { data?: object; stringData?: object };
  const data = { ...inputs.data, ...inputs.stringData } as Record<string, string>;
  return Object.entries(data).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8'),
    0,
  );
}

/** Bytes of the files a Docker container is given (`uploads[].content`). */
function uploadBytes(resource: Registered): number {
  const uploads = (unwrapSecrets(resource.inputs) as { uploads?: { content?: string }[] }).uploads ?? [];
  return uploads.reduce((sum, upload) => sum + Buffer.byteLength(upload.content ?? '', 'utf8'), 0);
}

export function stateSize(mocks: MockHarness): StateSize {
  const size: StateSize = { bytes: 0, configDataBytes: 0, carrierBytes: 0, componentOutputBytes: 0 };
  for (const [resource, outputs] of mocks.outputs()) {
    const bytes = jsonBytes(resource.inputs) + jsonBytes(outputs);
    size.bytes += bytes;
    if (resource.type === CONFIG_MAP || resource.type === CONTAINER) {
      size.carrierBytes += bytes;
      size.configDataBytes += resource.type === CONFIG_MAP ? dataBytes(resource) : uploadBytes(resource);
    }
    if (resource.type.startsWith('promstack:index:')) size.componentOutputBytes += jsonBytes(outputs);
  }
  return size;
}
