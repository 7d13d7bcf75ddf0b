// What the bundled example organisation, Horizon Bank (examples/acme-bank),
// declares: the values the pages must show, read from its YAML files.

/** Entities per kind, as `kind: …` lines count them across the files. */
export const COUNTS = {
  Components: 18,
  APIs: 12,
  Systems: 8,
  Domains: 4,
  Resources: 9,
  Teams: 15, // every Group, organisation and tribes included
  Users: 21,
  Locations: 2, // the root catalog-info.yaml and repos/digital-factory's
};
export const TOTAL = 89;

/** Components by `spec.lifecycle`. */
export const COMPONENT_LIFECYCLES = { production: 15, experimental: 2, deprecated: 1 };

/** Teams with a Team Topologies `spec.type` (org/groups.yaml), by title. */
export const TEAMS_BY_TYPE = {
  'stream-aligned': ['Cards', 'Daily Banking', 'Mobile & Web App', 'Mortgages & Loans', 'Payments'],
  platform: ['Cloud Platform', 'Digital Factory'],
  enabling: ['Security Enablement', 'SRE & Observability Enablement'],
  'complicated-subsystem': ['Core Banking Ledger', 'Fraud Scoring'],
};
export const TEAM_TYPE_LABELS = {
  'stream-aligned': 'Stream-aligned',
  platform: 'Platform',
  enabling: 'Enabling',
  'complicated-subsystem': 'Complicated subsystem',
};

/**
 * The interactions of org/groups.yaml, one edge each on the team map
 * (README's table: 20 rows, no pair declared twice).
 */
export const INTERACTIONS = { collaboration: 3, facilitating: 4, 'x-as-a-service': 13 };

/** repos/payments-service/catalog-info.yaml, and who points at it. */
export const PAYMENTS_SERVICE = {
  path: '/catalog/default/component/payments-service',
  title: 'Payments Service',
  titleFr: 'Service des paiements',
  owner: { title: 'Payments', href: '/catalog/default/group/payments-team' },
  system: { title: 'SEPA Payments', href: '/catalog/default/system/sepa-payments' },
  providesApis: ['Payment Events', 'SEPA Payments API'],
  consumesApis: ['Accounts API', 'Fraud Scoring API', 'Ledger gRPC API'],
  dependsOn: ['Ledger Core', 'Payments database', 'payments.transfer-events.v1 topic'],
  // sepa-instant-gateway declares `dependsOn: component:payments-service`.
  dependencyOf: ['SEPA Instant Gateway'],
  // Itself and every entity one relation away.
  graphNodes: [
    '/catalog/default/api/accounts-api',
    '/catalog/default/api/fraud-scoring-api',
    '/catalog/default/api/ledger-grpc-api',
    '/catalog/default/api/payment-events-api',
    '/catalog/default/api/payments-api',
    '/catalog/default/component/ledger-core',
    '/catalog/default/component/payments-service',
    '/catalog/default/component/sepa-instant-gateway',
    '/catalog/default/group/payments-team',
    '/catalog/default/resource/payment-events-topic',
    '/catalog/default/resource/payments-db',
    '/catalog/default/system/sepa-payments',
  ],
};

/** org/groups.yaml's payments-team, with what names it elsewhere. */
export const PAYMENTS_TEAM = {
  path: '/catalog/default/group/payments-team',
  title: 'Payments',
  parent: 'Payments Tribe',
  members: ['/catalog/default/user/elena.fernandez', '/catalog/default/user/hugo.garcia'],
  // Its own interactions, and security-enablement-team's (role: facilitator).
  interactions: [
    'Collaborates with Fraud Scoring',
    'Facilitated by Security Enablement',
    'Consumes a service from Cloud Platform',
    'Consumes a service from Digital Factory',
  ],
  // Two components, two APIs, two resources and the sepa-payments system.
  owns: 7,
};
