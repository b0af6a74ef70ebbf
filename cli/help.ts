/** Help texts, apart from the commands so that --help answers without loading the model. */

export const MAIN_HELP = `Usage: promstack <command> [options]

Review a stack's generated configs before they deploy, and run it locally, without the Pulumi CLI.

Commands:
  synth --stack ENV --out DIR     render every file of a stack into DIR and summarize it
  check --stack ENV               synth, then run promtool and amtool on the result and test that
                                  every alert reaches a receiver that notifies someone
  diff --stack ENV --base REF     what a change does to paging (who each alert reaches), to the
  diff --stack ENV --against ENV2 rendered stack (alerts, thresholds, routes, scrape jobs,
                                  dashboards), then the unified diff; --summary for a PR comment
  rules check PATH...             validate Prometheus rule files, folders or globs as Prometheus does
  rules fmt FILE                  print a rule file re-rendered in canonical form
  local --stack ENV               run the stack as local processes on 127.0.0.1 until Ctrl-C
  drill --stack ENV               the alert fire drill: break the example backend on a compressed
                                  clock and prove every alert reaches exactly its receivers
  routes --stack ENV              the routing tree, and at each route the alerts that reach it
  list --stack ENV                services, alerts (severity, for, receivers) and SLOs of a stack
  new service NAME --team TEAM    write infra/services/NAME.ts, a service that passes check as is

Run "promstack <command> --help" for a command's options.

JSON: every command takes --json and then prints one JSON document on standard output, nothing else
(progress goes to standard error); drill writes the same kind of document to the FILE of --json FILE.
Every document has "ok", true exactly when the exit code is 0, and "stack" when the command works on a
stack; the rest is named in the command's --help. Findings of a command that ran are in its own
fields ("problems" of check, "errors" of rules check). A stack that does not validate gives, from every
command that renders it, exit 1 and
  {"ok": false, "stack": ENV, "issues": [{"path": "stack.prometheus", "message": "..."}]}
Usage errors (exit 2) are never JSON: one line on standard error.

Exit codes: 0 ok; 1 findings or validation errors; 2 usage error or missing tool.
Colour is used only when standard output is a terminal and NO_COLOR is not set.
`;

export const SYNTH_HELP = `Usage: promstack synth --stack ENV --out DIR [--root DIR] [--manifests] [--json]

Renders every file of a stack (Prometheus, rules and their unit tests, Alertmanager, Grafana) into DIR,
from Pulumi.ENV.yaml and the service catalogue (infra/services). What the previous synth wrote into DIR
is removed first (listed in DIR/.promstack-output.json); other files there are left alone. The output is
the same byte for byte on every run, machine, time zone and locale.

Options:
  --stack ENV   stack to render: reads the promstack:stack key of Pulumi.ENV.yaml
  --out DIR     output folder (created when missing)
  --root DIR    folder holding Pulumi.ENV.yaml (default: the repository root)
  --manifests   also write what the Pulumi program would create into DIR/manifests/: each Kubernetes
                object as YAML (NN-kind-namespace-name.yaml, NN the order to apply them in), each Docker
                container, network, volume and image as JSON. The program runs under Pulumi's mocks,
                so no cluster, daemon or Pulumi CLI is needed; secret values show as <secret:NAME>.
                Feed them to kubectl diff -f DIR/manifests, kubeconform or a GitOps tool
  --json        print {"ok", "stack", "out", "files", "secrets", "summary"}; validation errors as
                {"ok": false, "stack", "issues"} (see promstack --help)
  -h, --help    show this help

Exit codes: 0 rendered; 1 validation errors (each printed as "path: message"); 2 usage error.
`;

export const CHECK_HELP = `Usage: promstack check --stack ENV [--root DIR] [--cache DIR] [--keep] [--json]

Renders the stack into a temporary folder laid out like the containers (rule files, templates and
secret files where the configs say), then runs the real tools on it:
  promtool check config    prometheus.yml, with the rule files it loads
  promtool check rules     every rule file
  promtool test rules      every generated unit test file
  amtool check-config      alertmanager.yml and its templates
  routing                  amtool config routes test for every alert, with the labels of its rule:
                           each alert must reach a receiver that notifies someone (a receiver with no
                           *_configs, like "null", notifies no one); the Watchdog must reach only its
                           own receiver.
Secret files are placeholders: no secret value is read. The rule and test files are split over
the machine's cores, and amtool runs once per set of the labels the routing tree matches on.

Options:
  --stack ENV   stack to check (Pulumi.ENV.yaml)
  --root DIR    folder holding Pulumi.ENV.yaml (default: the repository root)
  --cache DIR   keep the test files that pass in DIR, by the hash of the test, the rule files it loads
                and promtool; the next check runs only those that changed (failures are never kept)
  --keep        keep the temporary folder and print its path
  --json        print {"ok", "stack", "steps", "routing", "problems"}: problems has one line per
                failed step or alert; validation errors as {"ok": false, "stack", "issues"}
  -h, --help    show this help

Exit codes: 0 all checks pass; 1 validation errors, a tool rejects a file or an alert reaches no one;
2 usage error, or promtool/amtool missing (install them with \`npm run tools\`).
`;

export const DIFF_HELP = `Usage: promstack diff --stack ENV [--base REF | --against ENV2] [--root DIR] [--exit-code]
                      [--summary | --json]

Shows what a change does to the rendered stack. First what it does to paging, one sentence each:
every alert (alert name and service, per severity) is walked down both sides' routing trees, and the
change says which receivers it no longer or now reaches ("HighErrorRate (checkout) no longer pages
shop-pagerduty; it now notifies shop-slack": PagerDuty and Opsgenie page, other integrations notify),
alerts added and removed, services whose owner team changed, severity, "for" and threshold changes.
Then the rest in words (alerts, label and annotation changes, routes and receivers, scrape jobs,
dashboards and panels), then the unified diff of every rendered file. The old side (a/) is the base,
the new side (b/) is the stack ENV of the working tree.

  --base REF      old side: the same stack rendered at git REF (default HEAD). REF is checked out into
                  a temporary git worktree and rendered by its own code (its service catalogue, rule
                  factories and renderers) reading its own Pulumi.ENV.yaml; a stack missing there
                  compares with nothing.
  --against ENV2  old side: stack ENV2 of the working tree (what differs between two environments).

Options:
  --stack ENV     the stack to compare (Pulumi.ENV.yaml)
  --root DIR      folder holding Pulumi.ENV.yaml (default: the repository root)
  --exit-code     exit 1 when anything differs (like git diff --exit-code)
  --summary       print only the paging changes, as markdown for a pull request comment: a heading
                  for the stack, the sentences as a list ("No paging change." when none) and the
                  number of rendered files that differ
  --json          print {"ok", "stack", "base", "changes", "paging", "files", "diff"} ("ok" is
                  false only with --exit-code and differences; "paging" is [{kind, service,
                  alertname, severity, before, after, text}], null when the base predates synth's
                  typed result); validation errors as {"ok": false, "stack", "issues"}
  -h, --help      show this help

Exit codes: 0 compared (1 with --exit-code and differences); 1 validation errors in the working tree;
2 usage error (unknown ref, missing stack, not a git repository).
`;

export const RULES_HELP = `Usage: promstack rules check PATH... [--json]
       promstack rules fmt FILE

Prometheus rule files written by hand (or vendored from a mixin), checked with the same model that
renders the generated ones.

  check PATH...   validate each file as Prometheus 3.5 would load it: YAML, field names and types,
                  PromQL (syntax, types, functions, modifiers, regexes), durations, names and
                  labels, Go templates, duplicate groups and rules. A PATH is a file, a folder (its
                  .yml and .yaml files, recursively) or a quoted glob ('vendor/**/*.yml'). Prints
                  "file: group/rule: message" for every problem in every file.
  fmt FILE        print the file re-rendered in canonical form (key order, block scalars for long
                  expressions), as promstack writes rule files.

Options:
  --json        (check) print {"ok", "files", "errors": [{file, group, rule, field, message}]}
  -h, --help    show this help

Exit codes: 0 valid; 1 problems found (fmt: the file is not valid); 2 usage error or unreadable file.
`;

export const LOCAL_HELP = `Usage: promstack local --stack ENV [--root DIR] [--data DIR] [--json]

Runs the stack on this machine as processes listening on 127.0.0.1, with the same flags and files the
Docker and Kubernetes workloads get: Prometheus, Alertmanager (a gossip cluster when
alertmanager.replicas > 1), Grafana when grafana-server is installed, and the example backend when
docker.exampleBackend is true. Waits until each answers its readiness check, prints the URLs, and runs
until Ctrl-C (SIGINT or SIGTERM), which stops every process cleanly.

Ports are the stack's: docker.prometheusPort (9090), docker.alertmanagerPort (9093; member N of a
cluster listens on +2N and gossips on the port after it), grafana.port (3000), and 18080 for the
example backend (where the catalogue's local target scrapes it).

The data folder keeps the Prometheus samples, Alertmanager silences and Grafana database between
runs; the configs in it are rewritten on every start. Secret files are written there (mode 0600):
the value of PROMSTACK_SECRET_<NAME> (e.g. PROMSTACK_SECRET_SLACK_WEBHOOK_URL) when set, else the
file already there, else a generated Grafana admin password or a placeholder. Values are never printed.

Options:
  --stack ENV   stack to run (Pulumi.ENV.yaml)
  --root DIR    folder holding Pulumi.ENV.yaml (default: the repository root)
  --data DIR    data folder (default: .promstack/local/ENV in the repository)
  --json        once everything is ready, print {"ok", "stack", "data", "urls", "processes",
                "notStarted", "secrets"}; progress goes to standard error. A stack that does not
                start: {"ok": false, "stack", "error"}; validation errors: {"ok": false, "stack",
                "issues"}
  -h, --help    show this help

Exit codes: 0 stopped by Ctrl-C or SIGTERM; 1 validation errors, a process failed to start or
exited on its own; 2 usage error, or prometheus/alertmanager missing (install them with \`npm run tools\`).
`;

export const DRILL_HELP = `Usage: promstack drill --stack ENV [--json FILE] [--time-scale N] [--root DIR] [--data DIR] [--keep]

The alert fire drill. Runs the stack as local processes on 127.0.0.1 (as promstack local does) on a
compressed clock, with its receivers pointed at local stand-ins for e-mail, Slack, PagerDuty and
webhooks, then breaks the example backend through its fault API and proves, scenario by scenario:

  target down     the backend hangs: TargetDown fires and reaches exactly its receivers
  latency, CPU    slow and CPU-heavy answers: HighLatency and HighCpuUsage
  error ratio     every /api request fails: HighErrorRate fires, held back by the SLO page
  SLO fast burn   the same errors page (AvailabilityErrorBudgetBurn, sloth_severity=page)
  inhibition      the burn's ticket fires too but the page inhibits it: it reaches no one
  dashboards      every panel query of every dashboard returns data
  silence         a silence made through the API keeps the notification away; expiring it lets it in
  maintenance     a time interval on the owner team's route mutes it (config reloaded, then restored)
  watchdog        the Watchdog reaches its heartbeat receiver once per watchdogInterval (the drill's own
                  webhook when the stack names none), each gap within half its route's group_interval
  stack health    no alert of the monitoring stack itself fires

Each alert must fire in Prometheus, reach exactly the receivers \`amtool config routes test\` names
for its labels, carry its alertname, service, team and severity, and send its resolved notification
once the fault is cleared. Its latency (fault to first notification) is compared with two floors: the
configured one (scrape + evaluation interval + for + group_wait) and a window-aware one that adds the
time the rule's range window needs to cross its threshold; it passes within 1.5x the window-aware
floor. See docs/drill.md.

The clock: every rule window and "for", the scrape, evaluation and Alertmanager grouping intervals are
divided by N (at least 1s). The report gives the drill-clock figures and the real-clock ones.

Options:
  --stack ENV       stack to drill (Pulumi.ENV.yaml); its service catalogue must scrape the example
                    backend (infra/services/orders.ts)
  --json FILE       also write the report as JSON to FILE: {"ok", "stack", "timeScale", "scenarios",
                    ...}; validation errors as {"ok": false, "stack", "issues"}, a drill that could
                    not run as {"ok": false, "stack", "error"} (standard output has the text report)
  --time-scale N    divide the clock by N (default: the factor that makes the scrape interval 1s,
                    15 for dev); 1 runs on the real clock
  --root DIR        folder holding Pulumi.ENV.yaml (default: the repository root)
  --data DIR        data folder of the drill's stack, kept (default: a temporary folder, removed)
  --keep            keep the temporary data folder (configs, logs) and print its path
  -h, --help        show this help

Exit codes: 0 every scenario passed; 1 a scenario failed, validation errors, or the stack did not run;
2 usage error, or prometheus/alertmanager/promtool/amtool missing (install them with \`npm run tools\`).
`;

export const ROUTES_HELP = `Usage: promstack routes --stack ENV [--root DIR] [--json]

Prints the stack's Alertmanager routing tree as alertmanager.yml has it: each route's matchers and
receiver (inherited from its parent when the route names none, "(continue)" when matching goes on to
its siblings), and under each route the alerts it delivers, as service/key [severity]. Where each alert
goes is what \`amtool config routes test\` answers for the labels it carries (its rule's labels, the
external labels and alertname); the tree walk only places it at a route. An alert amtool routes
otherwise is listed apart, with amtool's receivers.

Options:
  --stack ENV   stack to show (Pulumi.ENV.yaml)
  --root DIR    folder holding Pulumi.ENV.yaml (default: the repository root)
  --json        print {"ok", "stack", "tree", "unplaced"}: tree is the root route,
                {matchers, receiver, continue, alerts: [{service, key, alertname, severity}], routes}
  -h, --help    show this help

Exit codes: 0 shown; 1 validation errors; 2 usage error, or amtool missing (install it with
\`npm run tools\`).
`;

export const LIST_HELP = `Usage: promstack list --stack ENV [--root DIR] [--json]

Lists what the stack monitors: its services (owner team, scrape job), every alert (service, key,
alert name, severity, "for" from the rendered rule file, and the receivers \`amtool config routes
test\` sends it to) and every SLO (objective in percent, compliance period).

Options:
  --stack ENV   stack to list (Pulumi.ENV.yaml)
  --root DIR    folder holding Pulumi.ENV.yaml (default: the repository root)
  --json        print {"ok", "stack", "services": [{name, team, job}], "alerts": [{service, key,
                alertname, severity, for, receivers}], "slos": [{service, name, objective, period}]}
                (job and for are null when there is none)
  -h, --help    show this help

Exit codes: 0 listed; 1 validation errors; 2 usage error, or amtool missing (install it with
\`npm run tools\`).
`;

export const NEW_HELP = `Usage: promstack new service NAME --team TEAM [--port N] [--json]

Writes infra/services/NAME.ts: a service in the form of the README's example (a request counter and
a latency histogram, RED alerts, an availability SLO of 99.9%), scraped at NAME:PORT on Docker and
at pods labelled app=NAME in namespace TEAM on Kubernetes. Edit its metrics to what the service
exports, then add it to the catalogue, infra/services/index.ts: the command prints the import line.
An existing file is never overwritten.

Options:
  --team TEAM   owner team: its alerts route to teams.TEAM of each Pulumi.<env>.yaml
  --port N      port the service's metrics are scraped on (default 8080)
  --json        print {"ok", "file", "service", "team", "port", "import"}
  -h, --help    show this help

Exit codes: 0 written; 1 never (nothing is validated here: run promstack check); 2 usage error
(an invalid name, the file exists already).
`;
