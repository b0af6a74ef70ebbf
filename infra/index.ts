import * as pulumi from '@pulumi/pulumi';
import { MonitoringStack } from '../components/pulumi';
import { readSettings } from './config';
import { vendoredRuleFiles } from './rule-files';
import { services as catalogue } from './services';

// A bad stack config or a missing secret throws a ValidationError here, before any resource exists.
const settings = readSettings();
const stack = new MonitoringStack('promstack', {
  stack: settings.stack,
  services: catalogue,
  environment: pulumi.getStack(),
  secrets: settings.secrets,
  ruleFiles: vendoredRuleFiles(),
});

export const prometheusUrl = stack.prometheusUrl;
export const alertmanagerUrl = stack.alertmanagerUrl;
export const grafanaUrl = stack.grafanaUrl;
/** Names of the monitored services. */
export const services = stack.services;
/**
 * Every rendered config file by path, as digest and size: `pulumi preview --diff` names each changed file
 * here, and `promstack diff` shows its lines. The text stays out of the outputs: the state already holds
 * it once as the deployed configs, and at thousands of services it would add hundreds of MB.
 */
export const fileDigests = stack.fileDigests;
/** How many rendered files, how many bytes, by folder. */
export const filesSummary = stack.filesSummary;
