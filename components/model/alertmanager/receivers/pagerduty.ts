import { z } from 'zod';
import { httpConfig, httpUrl } from '../../http';
import { credentialFile } from '../../secrets';
import { exactlyOneOf, requiredText, sendResolved, textMap } from '../fields';

const image = z.strictObject({
  src: requiredText('the image URL'),
  alt: z.string().optional(),
  href: z.string().optional(),
});

const link = z.strictObject({
  href: requiredText('the link URL'),
  text: z.string().optional(),
});

/**
 * A PagerDuty event. The integration key is a credential: routing_key_file for Events API v2 or
 * service_key_file for the older v1 "Prometheus" integration, exactly one of them.
 */
export const pagerdutyConfig = z
  .strictObject({
    send_resolved: sendResolved,
    http_config: httpConfig.optional(),
    routing_key_file: credentialFile.optional(),
    service_key_file: credentialFile.optional(),
    url: httpUrl.optional(),
    client: z.string().optional(),
    client_url: z.string().optional(),
    description: z.string().optional(),
    details: textMap.optional(),
    images: z.array(image).optional(),
    links: z.array(link).optional(),
    source: z.string().optional(),
    severity: z.string().optional(),
    class: z.string().optional(),
    component: z.string().optional(),
    group: z.string().optional(),
  })
  .check(
    exactlyOneOf(
      'routing_key_file',
      'service_key_file',
      'the integration key of an Events API v2 (routing) or v1 (service) integration',
    ),
  );

export type PagerdutyConfigInput = z.input<typeof pagerdutyConfig>;
