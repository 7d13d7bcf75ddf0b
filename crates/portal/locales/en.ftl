## Shell
nav-label = Main
nav-home = Home
nav-catalog = Catalog
nav-teams = Teams
nav-docs = Docs
nav-news = What's new
skip-to-content = Skip to content
search-label = Search the catalog and docs
search-placeholder = Search services, APIs, teams, docs…
search-button = Search
switch-language = English
switch-theme = Switch theme
footer-catalog = Catalog generation { $generation }
footer-api = REST API (OpenAPI)
news-feed = What's new (Atom feed)
reference-missing = Not in the catalog
breadcrumbs = Breadcrumbs
not-found-title = Page not found
not-found-text = Nothing lives at this address. It may have been renamed, or removed from its source.
not-found-back = Browse the catalog

## Kinds
kind-component = Component
kind-api = API
kind-system = System
kind-domain = Domain
kind-resource = Resource
kind-group = Team
kind-user = User
kind-location = Location
kind-template = Template
kinds-component = Components
kinds-api = APIs
kinds-system = Systems
kinds-domain = Domains
kinds-resource = Resources
kinds-group = Teams
kinds-user = Users
kinds-location = Locations
kinds-template = Templates

## Home
home-title = Find anything in your platform
home-lead = { $count } entities: services, APIs, systems, resources and the teams behind them.
home-kinds = What the catalog holds
home-attention = Needs attention
home-errors = { $count ->
    [one] One source file has an error
   *[other] { $count } source files have errors
}
home-orphans = { $count ->
    [one] One orphan entity (its source no longer declares it)
   *[other] { $count } orphan entities (their source no longer declares them)
}
home-conflicts = { $count ->
    [one] One entity declared by two files
   *[other] { $count } entities declared by two files
}
home-teams = Teams
home-teams-map = See the team map

## Team Topologies
team-type-stream-aligned = Stream-aligned
team-type-platform = Platform
team-type-enabling = Enabling
team-type-complicated-subsystem = Complicated subsystem
team-type-stream-aligned-hint = Delivers a flow of value for a business domain, end to end.
team-type-platform-hint = Offers internal services that other teams use on their own.
team-type-enabling-hint = Helps other teams acquire new skills, for a while.
team-type-complicated-subsystem-hint = Owns a part that needs deep specialist knowledge.
mode-collaboration = Collaboration
mode-facilitating = Facilitating
mode-x-as-a-service = X-as-a-service
teams-title = Teams
teams-lead = Teams by Team Topologies type, and how they interact.
teams-map = Team interactions
teams-none = No team declares a Team Topologies type yet.
team-title = Team
team-members = Members
team-parent = Part of
team-children = Teams within
team-interactions = Interactions
team-no-interactions = This team declares no interaction.

## Catalog list
catalog-title = Catalog
catalog-filters = Filters
catalog-filter-text = Filter by text
catalog-apply = Apply filters
catalog-reset = Clear all
catalog-none = No entity matches these filters.
catalog-range = { $first }–{ $last } of { $total }
catalog-pages = Pages
catalog-previous = Previous page
catalog-next = Next page
column-name = Name
column-kind = Kind
column-type = Type
column-owner = Owner
column-lifecycle = Lifecycle
column-description = Description
sort-ascending = Sort ascending
sort-descending = Sort descending
facet-kind = Kind
facet-type = Type
facet-lifecycle = Lifecycle
facet-owner = Owner
facet-tag = Tag
facet-more = and { $count } more

## Entity
entity-owner = Owned by
entity-orphan-badge = orphan
entity-orphan-title = Orphan.
entity-orphan-text = Its source no longer declares it: it is kept so nothing is lost; remove it from the catalog or declare it again.
entity-conflict-title = Declared twice.
entity-conflict-text = { $winner } declared it first and wins; { $loser } declares it too and is ignored.
entity-about = About
entity-reference = Reference
entity-tags = Tags
entity-system = System
entity-definition = API definition
entity-links = Links
entity-relations = Relations
entity-no-relations = No relations.
entity-relations-more = and { $count } more
entity-graph = Relation graph
entity-graph-full = Full graph
entity-annotations = Annotations
entity-annotation-key = Annotation
entity-annotation-value = Value
entity-problems = Problems
entity-source = Source
entity-declared-in = Declared in
entity-descriptor = Descriptor

## Relations
rel-ownedBy = Owned by
rel-ownerOf = Owns
rel-partOf = Part of
rel-hasPart = Has part
rel-dependsOn = Depends on
rel-dependencyOf = Dependency of
rel-providesApi = Provides API
rel-apiProvidedBy = Provided by
rel-consumesApi = Consumes API
rel-apiConsumedBy = Consumed by
rel-memberOf = Member of
rel-hasMember = Has member
rel-childOf = Child of
rel-parentOf = Parent of
rel-collaboratesWith = Collaborates with
rel-facilitates = Facilitates
rel-facilitatedBy = Facilitated by
rel-providesServiceTo = Provides a service to
rel-consumesServiceFrom = Consumes a service from

## Graphs
graph-title = Relations of { $name }
graph-depth = Depth
graph-truncated = Only the first { $count } entities are drawn.
graph-too-large = This graph is too large to draw.

## Search
search-title = Search
search-count = { $count ->
    [0] Nothing found.
    [one] One result.
   *[other] { $count } results, the first { $shown } shown.
}

## Docs
docs-title = Docs
docs-lead = Documentation written next to the code, rendered here with nothing to install.
docs-none = No entity declares docs yet (annotation backstage.io/techdocs-ref).
docs-missing-title = No docs here
docs-missing-text = This entity has no docs, or its docs have no such page.
docs-truncated = This page is very long: only its beginning is shown.
docs-on-this-page = On this page
docs-navigation = Documentation
api-servers = Servers
api-contact = Contact
api-license = License
api-operations = Operations
api-untagged = Other operations
api-deprecated = Deprecated
api-parameters = Parameters
api-column-name = Name
api-column-in = In
api-column-schema = Schema
api-column-description = Description
api-request-body = Request body
api-responses = Responses
api-required = Required
api-example = Example
api-enum = Allowed values
api-default = Default
api-schemas = Schemas
api-channels = Channels
api-messages = Messages
api-headers = Headers
api-payload = Payload
api-recursive = Recursive reference
api-truncated = Not expanded further
api-unresolved = Unresolved reference
api-error = This API definition cannot be displayed
search-entities = Catalog
search-docs = Docs

## What's new
news-title = What's new
news-lead = Announcements from the platform team: new capabilities, changes, demos.
news-none = No announcement yet.
news-unread = New since your last visit
news-all = All announcements
home-teams-more = and { $count } more
teams-map-partial = The map shows the { $shown } most connected of the { $count } teams that declare interactions.
home-recent = Recently changed

## Delivery
dora-nav = Delivery
dora-title = Delivery metrics
dora-lead = The DORA keys of every service, team and of the whole organisation, from the changes, deployments and incidents recorded, with their performance level and their trend week by week.
dora-team-title = Delivery of { $name }
dora-service-title = Delivery of { $name }
dora-breadcrumbs = Dashboards
dora-catalog-page = Catalog page
dora-owner = Owned by
dora-window = From { $start } to { $end } ({ $days } days).
dora-window-end = Last day
dora-window-days = Days
dora-window-apply = Show
dora-figures = Figures over the window
dora-deployment-frequency = Deployment frequency
dora-lead-time = Lead time for changes
dora-change-failure-rate = Change failure rate
dora-recovery-time = Failed deployment recovery time
dora-rework-rate = Rework rate
dora-incident-recovery = Incident recovery time
dora-level = DORA level:
dora-level-elite = Elite
dora-level-high = High
dora-level-medium = Medium
dora-level-low = Low
dora-deployments-count = { $count ->
    [0] No successful production deployment.
    [one] One successful production deployment.
   *[other] { $shown } successful production deployments.
}
dora-lead-detail = 90th percentile { $p90 }, over { $count } changes.
dora-failed-detail = { $failed } failed of { $total } production deployments.
dora-recovered-detail = { $recovered } of { $failed } failed deployments recovered.
dora-rework-detail = { $rework } of { $total } production deployments fix a failure.
dora-incidents-detail = { $incidents } incidents opened, { $resolved } resolved.
dora-per-day = { $value } a day
dora-per-week = { $value } a week
dora-minutes = { $value } min
dora-hours = { $value } h
dora-days = { $value } days
dora-no-figure = no figure
dora-chart-title = { $metric }, week by week
dora-teams = Teams
dora-services = Services
dora-team-services = Services of the team
dora-col-team = Team
dora-col-service = Service
dora-weeks = Week by week
dora-col-week = Week
dora-col-deployments = Deployments
dora-col-lead-median = Lead time, median
dora-col-lead-p90 = Lead time, 90th percentile
dora-col-failed = Failed
dora-col-incidents = Incidents
dora-levels-source = Levels as defined by the { $year } DORA report. "—": nothing in the window to compute the figure from.
dora-no-services = No service has an owning team yet: declare owners in the catalog.
dora-no-data = No deployment is recorded yet: send deployments through the webhooks or the events API, or import a history with kiosque dora import.
dora-bad-window = This window cannot be shown: give a last day like 2024-03-31 and between 1 and 36,600 days.
dora-back = Back to the delivery metrics
entity-descriptor-cut = The descriptor is long: only its beginning is shown; the file has the rest.
search-quick = Quick search
entity-docs = Read the docs
dora-deployments = Production deployments of the window
dora-no-deployments = No production deployment in this window.
dora-deployments-more = and { $count } earlier
dora-col-deployment = Deployment
dora-col-finished = Finished
dora-col-outcome = Outcome
dora-col-recovery = Recovered after
dora-col-changes = Changes brought first
dora-outcome-success = Succeeded
dora-outcome-failure = Failed
dora-outcome-bad = Succeeded, then failed
dora-outcome-rework = fix
survey-nav = Surveys
survey-title = Developer surveys
survey-lead = Short, periodic surveys on how it feels to build and run software here. Each person answers once per period; answers are anonymous and a team's results only show once enough of its members have answered.
survey-none = No survey is defined yet: the platform team adds them as files (see the documentation on surveys).
survey-answering-as = Answering as
survey-team = team
survey-sign-in = Sign in to answer
survey-no-sign-in = Nobody is signed in: answering needs the portal's sign-in, which the platform team sets up.
survey-signed-out = Sign in to answer this survey: each person answers once per period.
survey-cadence-month = Every month
survey-cadence-quarter = Every quarter
survey-cadence-half-year = Every half-year
survey-cadence-year = Every year
survey-open = Open for { $period }, until { $until }
survey-answered = You have answered for { $period }. Thank you!
survey-closed = Not taking answers at the moment.
survey-thanks = Your answers are recorded.
survey-answer = Answer
survey-results = Results
survey-errors = Your answers could not be recorded:
survey-error-out-of-range = Pick a score from 1 to 5.
survey-error-too-long = This answer is too long: 2,000 characters at most.
survey-error-repeated = This question was answered twice.
survey-error-empty = Answer at least one question.
survey-anonymity = Anonymous: your answers are stored without your name, and results are only shown for groups of at least { $size } people.
survey-submit = Send my answers
survey-results-lead = Means from 1 to 5, with the share of 4 and 5 answers and the change since the previous period. A group with fewer than { $size } answers shows nothing, so that nobody's answers can be told apart.
survey-export-scores = Export the scores (CSV)
survey-export-comments = Export the comments (CSV)
survey-no-results = No results yet.
survey-trend = The organisation over time
survey-col-period = Period
survey-col-group = Group
survey-col-responses = Answers
survey-period = Period { $period }
survey-organisation = Whole organisation
survey-hidden-few = not enough answers
survey-hidden-protects = hidden to protect a smaller group
survey-favourable = { $share } % favourable
survey-change = Change since the previous period
survey-comments = { $count ->
    [one] One comment
   *[other] { $count } comments
}
survey-satisfaction = Developer satisfaction
survey-satisfaction-lead = The team's latest survey results, beside its delivery figures.
sign-in-title = Sign in
sign-in-guest-warning = Guest sign-in: anyone can pick anyone. This is for trying Kiosque out; in production, people sign in through the proxy in front of it.
sign-in-filter = Find yourself
sign-in-filter-button = Filter
sign-in-no-user = No catalog user matches.
sign-out = Sign out
survey-hidden-open = shown once the period closes
survey-col-question = Question
survey-col-result = Mean and share favourable
survey-all-results = All the results of this survey
survey-period-open = { $period } is taking answers until { $until }: its results show once it closes.
survey-questions = Questions
dora-id-github-deployment = GitHub deployment { $id }
dora-id-github-workflow-run = GitHub workflow run { $id }
dora-id-gitlab-deployment = GitLab deployment { $id }
dora-id-gitlab-pipeline = GitLab pipeline { $id }
dora-incidents-title = Incidents opened in the window
dora-no-incidents = No incident opened in this window.
dora-col-incident = Incident
dora-col-opened = Opened
dora-col-resolved = Resolved
dora-col-restored-after = Restored after
dora-incident-open = Still open
dora-deployment-title = { $deployment } of { $service }
dora-changes-title = Changes it brought to production first
dora-no-changes = No change reached production first with this deployment (a redeploy, a rollback, or commits no event describes).
dora-col-commit = Commit
dora-col-author = Author
dora-col-committed = Committed
dora-col-merged = Merged
dora-col-lead-time = Lead time
dora-caused-title = Incidents it caused
dora-no-caused = No incident names this deployment as its cause.
dora-deployment-number = Deployment #{ $id }
survey-team-trend = The team over time
