/**
 * The config reloader: a sidecar that watches a workload's mounted config folders and, when their files
 * change, sends the running process the signal that makes it read them again (Prometheus and
 * Alertmanager re-read config, rules and templates on SIGHUP and keep the old ones when the new ones are
 * broken). It runs in the workload's own image (the Prometheus and Alertmanager images are built on
 * busybox), so there is no other image to pull or pin.
 *
 * Why not prometheus-operator's `prometheus-config-reloader` (v0.93.0, flags `--watched-dir`,
 * `--reload-url`, `--reload-method=signal`, `--process-executable-name`, `--runtimeinfo-url`): its
 * signal method asks Prometheus's `/api/v1/status/runtimeinfo` before and after each signal (thanos
 * `pkg/reloader/tracker.go`, v0.42.2) and holds back the signal when that fails, so it needs Prometheus's
 * HTTP API and, behind basic auth, a credential it can only take inside the URL, which it logs on errors;
 * Alertmanager has no such endpoint, so for Alertmanager it can only POST `/-/reload`, again with a
 * credential. A signal needs neither: the sidecar shares the pod's process namespace and runs as the
 * tool's own user, which is all `kill` needs.
 */

/** The container's name in the pod (Kubernetes) and the suffix of its name (Docker). */
export const CONFIG_RELOADER_NAME = 'config-reloader';

/**
 * Seconds between two looks at the files. The kubelet refreshes a ConfigMap volume about a minute after
 * the ConfigMap changed, so a change reaches the process within about a minute and two intervals.
 */
export const CONFIG_RELOADER_INTERVAL_SECONDS = 10;

/** A shell loop and a hash of a few megabytes of files every interval: almost nothing. */
export const CONFIG_RELOADER_RESOURCES = { cpu: '10m', memory: '32Mi' } as const;

/**
 * POSIX shell (busybox `sh`, `find`, `sort`, `sha256sum`, `sleep`, `pidof`, `kill`). Arguments: interval
 * in seconds, the executable name to signal, then the folders to watch (each one level deep: a
 * Kubernetes ConfigMap volume keeps each version in a `..<timestamp>` folder behind the `..data` link,
 * and the files are links into it, so only the links are read). The state is a hash of every file's
 * name and content, hashed in batches (`-exec … +`), not a process per file: about half a second of
 * CPU per look at 10,000 services' rules (130 MB), next to nothing at a few megabytes.
 *
 * A change is signalled once it has held for a whole interval, so a writer that is not atomic (the Docker
 * config holder's copy) has finished. A failed signal (the process is restarting) is tried again at the
 * next interval; a process that restarts reads the files anyway. The reloader never signals at its own
 * start: a signal before the process has installed its handler would end it.
 */
export const CONFIG_RELOADER_SCRIPT = `set -u
interval=$1
process=$2
shift 2
state() {
  find -L "$@" -maxdepth 1 -type f ! -name '..*' -exec sha256sum {} + | sort | sha256sum
}
last=$(state "$@")
pending=
echo "config-reloader: watching $* for $process every $interval s"
while sleep "$interval"; do
  now=$(state "$@")
  if [ "$now" = "$last" ]; then
    pending=
    continue
  fi
  if [ "$now" != "$pending" ]; then
    pending=$now
    continue
  fi
  pids=$(pidof "$process") || pids=
  if [ -n "$pids" ] && kill -HUP $pids; then
    echo "config-reloader: files changed, sent SIGHUP to $process ($pids)"
    last=$now
    pending=
  else
    echo "config-reloader: no $process process to signal, trying again" >&2
  fi
done
`;

/** How a running process re-reads its config files: SIGHUP to the process of this executable name. */
export interface ConfigReload {
  /** The executable's name as the process list shows it, e.g. `prometheus`. */
  process: string;
}

/** The reloader's command line: the shell, the script, and its arguments. */
export function configReloaderCommand(
  reload: ConfigReload,
  dirs: readonly string[],
  intervalSeconds = CONFIG_RELOADER_INTERVAL_SECONDS,
): string[] {
  return [
    '/bin/sh',
    '-c',
    CONFIG_RELOADER_SCRIPT,
    CONFIG_RELOADER_NAME,
    String(intervalSeconds),
    reload.process,
    ...dirs,
  ];
}
