import type { ServiceDefinition } from '../../components/service';
import { orders } from './orders';

/** The catalogue: every service this stack monitors. Add a service with one line here. */
export const services: ServiceDefinition[] = [orders];
