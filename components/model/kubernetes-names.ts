import { z } from 'zod';

/**
 * Kubernetes names and labels as the API server checks them (apimachinery's validation package). An
 * invalid one is refused there, after other objects of the deploy were already created; refused here,
 * nothing is created.
 */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A namespace (or any object named by an RFC 1123 label). */
export const dns1123Label = z.string().superRefine((name, ctx) => {
  if (!DNS1123_LABEL.test(name) || name.length > 63)
    ctx.addIssue({
      code: 'custom',
      message: `invalid name ${JSON.stringify(name)}: Kubernetes takes at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
    });
});

/** An object name such as a Secret's or an IngressClass's: an RFC 1123 subdomain of at most 253 characters. */
export const dns1123Subdomain = z.string().superRefine((name, ctx) => {
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253)
    ctx.addIssue({
      code: 'custom',
      message: `invalid name ${JSON.stringify(name)}: Kubernetes takes lower-case letters, digits, '-' and '.', starting and ending with a letter or digit`,
    });
});

/**
 * The host of an Ingress rule: a DNS name as the API server takes it (an RFC 1123 subdomain, no IP
 * address), and not a wildcard, since one certificate and one root URL name one host.
 */
export const ingressHost = z.string().superRefine((host, ctx) => {
  const labels = host.split('.');
  if (
    !DNS1123_SUBDOMAIN.test(host) ||
    host.length > 253 ||
    labels.some((label) => label.length > 63) ||
    labels.length < 2 ||
    /^\d+$/.test(labels[labels.length - 1])
  )
    ctx.addIssue({
      code: 'custom',
      message: `invalid host ${JSON.stringify(host)}: write a DNS name such as grafana.example.com (lower-case, no wildcard, port or IP address)`,
    });
});

/** A label key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253))
    return `invalid label key ${JSON.stringify(key)}: its prefix must be a DNS subdomain such as app.kubernetes.io`;
  if (!QUALIFIED_NAME.test(name) || name.length > 63)
    return `invalid label key ${JSON.stringify(key)}: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  return undefined;
}

/** A label value: empty, or at most 63 letters, digits, '-', '_' and '.', alphanumeric at both ends. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '' || (QUALIFIED_NAME.test(value) && value.length <= 63)) return undefined;
  return `invalid label value ${JSON.stringify(value)}: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
}

/** A label selector's `matchLabels`, each key and value as Kubernetes accepts them. */
export const matchLabels = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
  }
});

/** An object's annotations: keys by the rule of label keys, values any text. */
export const annotations = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  for (const key of Object.keys(map)) {
    const problem = labelKeyProblem(key);
    if (problem)
      ctx.addIssue({ code: 'custom', path: [key], message: problem.replace('label key', 'annotation key') });
  }
});
