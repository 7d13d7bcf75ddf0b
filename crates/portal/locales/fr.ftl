## Cadre
nav-label = Principal
nav-home = Accueil
nav-catalog = Catalogue
nav-teams = Équipes
nav-docs = Documentation
nav-news = Nouveautés
skip-to-content = Aller au contenu
search-label = Rechercher dans le catalogue et la documentation
search-placeholder = Rechercher services, API, équipes, documentation…
search-button = Rechercher
switch-language = Français
switch-theme = Changer de thème
footer-catalog = Génération du catalogue { $generation }
footer-api = API REST (OpenAPI)
news-feed = Nouveautés (flux Atom)
reference-missing = Absent du catalogue
breadcrumbs = Fil d'Ariane
not-found-title = Page introuvable
not-found-text = Rien à cette adresse. La page a peut-être été renommée, ou retirée de sa source.
not-found-back = Parcourir le catalogue

## Genres
kind-component = Composant
kind-api = API
kind-system = Système
kind-domain = Domaine
kind-resource = Ressource
kind-group = Équipe
kind-user = Utilisateur
kind-location = Emplacement
kind-template = Modèle
kinds-component = Composants
kinds-api = API
kinds-system = Systèmes
kinds-domain = Domaines
kinds-resource = Ressources
kinds-group = Équipes
kinds-user = Utilisateurs
kinds-location = Emplacements
kinds-template = Modèles

## Accueil
home-title = Trouvez tout dans votre plateforme
home-lead = { $count } entités : services, API, systèmes, ressources et les équipes qui en ont la charge.
home-kinds = Contenu du catalogue
home-attention = À traiter
home-errors = { $count ->
    [one] Un fichier source contient une erreur
   *[other] { $count } fichiers sources contiennent des erreurs
}
home-orphans = { $count ->
    [one] Une entité orpheline (sa source ne la déclare plus)
   *[other] { $count } entités orphelines (leur source ne les déclare plus)
}
home-conflicts = { $count ->
    [one] Une entité déclarée par deux fichiers
   *[other] { $count } entités déclarées par deux fichiers
}
home-teams = Équipes
home-teams-map = Voir la carte des équipes

## Team Topologies
team-type-stream-aligned = Alignée sur un flux
team-type-platform = Plateforme
team-type-enabling = Facilitatrice
team-type-complicated-subsystem = Sous-système complexe
team-type-stream-aligned-hint = Livre de bout en bout un flux de valeur pour un domaine métier.
team-type-platform-hint = Offre des services internes que les autres équipes utilisent en autonomie.
team-type-enabling-hint = Aide d'autres équipes à acquérir de nouvelles compétences, pour un temps.
team-type-complicated-subsystem-hint = Possède une partie qui demande une expertise pointue.
mode-collaboration = Collaboration
mode-facilitating = Facilitation
mode-x-as-a-service = X-as-a-service
teams-title = Équipes
teams-lead = Les équipes par type Team Topologies, et leurs interactions.
teams-map = Interactions entre équipes
teams-none = Aucune équipe ne déclare encore de type Team Topologies.
team-title = Équipe
team-members = Membres
team-parent = Fait partie de
team-children = Équipes internes
team-interactions = Interactions
team-no-interactions = Cette équipe ne déclare aucune interaction.

## Liste du catalogue
catalog-title = Catalogue
catalog-filters = Filtres
catalog-filter-text = Filtrer par texte
catalog-apply = Appliquer les filtres
catalog-reset = Tout effacer
catalog-none = Aucune entité ne correspond à ces filtres.
catalog-range = { $first }–{ $last } sur { $total }
catalog-pages = Pages
catalog-previous = Page précédente
catalog-next = Page suivante
column-name = Nom
column-kind = Genre
column-type = Type
column-owner = Responsable
column-lifecycle = Cycle de vie
column-description = Description
sort-ascending = Trier par ordre croissant
sort-descending = Trier par ordre décroissant
facet-kind = Genre
facet-type = Type
facet-lifecycle = Cycle de vie
facet-owner = Responsable
facet-tag = Étiquette
facet-more = et { $count } de plus

## Entité
entity-owner = Sous la responsabilité de
entity-orphan-badge = orpheline
entity-orphan-title = Orpheline.
entity-orphan-text = Sa source ne la déclare plus : elle est conservée pour ne rien perdre ; retirez-la du catalogue ou déclarez-la de nouveau.
entity-conflict-title = Déclarée deux fois.
entity-conflict-text = { $winner } l'a déclarée en premier et l'emporte ; { $loser } la déclare aussi et est ignoré.
entity-about = À propos
entity-reference = Référence
entity-tags = Étiquettes
entity-system = Système
entity-definition = Définition de l'API
entity-links = Liens
entity-relations = Relations
entity-no-relations = Aucune relation.
entity-relations-more = et { $count } de plus
entity-graph = Graphe des relations
entity-graph-full = Graphe complet
entity-annotations = Annotations
entity-annotation-key = Annotation
entity-annotation-value = Valeur
entity-problems = Problèmes
entity-source = Source
entity-declared-in = Déclarée dans
entity-descriptor = Descripteur

## Relations
rel-ownedBy = Sous la responsabilité de
rel-ownerOf = Responsable de
rel-partOf = Fait partie de
rel-hasPart = Comprend
rel-dependsOn = Dépend de
rel-dependencyOf = Dépendance de
rel-providesApi = Fournit l'API
rel-apiProvidedBy = Fournie par
rel-consumesApi = Consomme l'API
rel-apiConsumedBy = Consommée par
rel-memberOf = Membre de
rel-hasMember = A pour membre
rel-childOf = Rattachée à
rel-parentOf = Parente de
rel-collaboratesWith = Collabore avec
rel-facilitates = Facilite
rel-facilitatedBy = Facilitée par
rel-providesServiceTo = Fournit un service à
rel-consumesServiceFrom = Consomme un service de

## Graphes
graph-title = Relations de { $name }
graph-depth = Profondeur
graph-truncated = Seules les { $count } premières entités sont dessinées.
graph-too-large = Ce graphe est trop grand pour être dessiné.

## Recherche
search-title = Recherche
search-count = { $count ->
    [0] Aucun résultat.
    [one] Un résultat.
   *[other] { $count } résultats, les { $shown } premiers affichés.
}

## Documentation
docs-title = Documentation
docs-lead = La documentation écrite à côté du code, affichée ici sans rien installer.
docs-none = Aucune entité ne déclare encore de documentation (annotation backstage.io/techdocs-ref).
docs-missing-title = Pas de documentation ici
docs-missing-text = Cette entité n'a pas de documentation, ou sa documentation n'a pas cette page.
docs-truncated = Cette page est très longue : seul son début est affiché.
docs-on-this-page = Sur cette page
docs-navigation = Documentation
api-servers = Serveurs
api-contact = Contact
api-license = Licence
api-operations = Opérations
api-untagged = Autres opérations
api-deprecated = Obsolète
api-parameters = Paramètres
api-column-name = Nom
api-column-in = Emplacement
api-column-schema = Schéma
api-column-description = Description
api-request-body = Corps de la requête
api-responses = Réponses
api-required = Obligatoire
api-example = Exemple
api-enum = Valeurs permises
api-default = Par défaut
api-schemas = Schémas
api-channels = Canaux
api-messages = Messages
api-headers = En-têtes
api-payload = Contenu
api-recursive = Référence récursive
api-truncated = Non développé davantage
api-unresolved = Référence non résolue
api-error = Cette définition d'API ne peut pas être affichée
search-entities = Catalogue
search-docs = Documentation

## Nouveautés
news-title = Nouveautés
news-lead = Les annonces de l'équipe plateforme : nouvelles capacités, changements, démonstrations.
news-none = Aucune annonce pour l'instant.
news-unread = Nouveau depuis votre dernière visite
news-all = Toutes les annonces
home-teams-more = et { $count } de plus
teams-map-partial = La carte montre les { $shown } équipes les plus liées parmi les { $count } qui déclarent des interactions.
home-recent = Modifié récemment

## Delivery
dora-nav = Livraison
dora-title = Indicateurs de livraison
dora-lead = Les indicateurs DORA de chaque service, de chaque équipe et de toute l’organisation, calculés à partir des changements, déploiements et incidents enregistrés, avec leur niveau de performance et leur évolution semaine après semaine.
dora-team-title = Livraison de { $name }
dora-service-title = Livraison de { $name }
dora-breadcrumbs = Tableaux de bord
dora-catalog-page = Fiche du catalogue
dora-owner = Responsable :
dora-window = Du { $start } au { $end } ({ $days } jours).
dora-window-end = Dernier jour
dora-window-days = Jours
dora-window-apply = Afficher
dora-figures = Chiffres sur la période
dora-deployment-frequency = Fréquence de déploiement
dora-lead-time = Délai de mise en production
dora-change-failure-rate = Taux d’échec des changements
dora-recovery-time = Délai de rétablissement après échec
dora-rework-rate = Taux de reprise
dora-incident-recovery = Délai de résolution des incidents
dora-level = Niveau DORA :
dora-level-elite = Élite
dora-level-high = Élevé
dora-level-medium = Moyen
dora-level-low = Faible
dora-deployments-count = { $count ->
    [0] Aucun déploiement réussi en production.
    [one] Un déploiement réussi en production.
   *[other] { $shown } déploiements réussis en production.
}
dora-lead-detail = 90e centile : { $p90 }, sur { $count } changements.
dora-failed-detail = { $failed } en échec sur { $total } déploiements en production.
dora-recovered-detail = { $recovered } déploiements en échec rétablis sur { $failed }.
dora-rework-detail = { $rework } déploiements en production sur { $total } corrigent un échec.
dora-incidents-detail = { $incidents } incidents ouverts, { $resolved } résolus.
dora-per-day = { $value } par jour
dora-per-week = { $value } par semaine
dora-minutes = { $value } min
dora-hours = { $value } h
dora-days = { $value } jours
dora-no-figure = pas de chiffre
dora-chart-title = { $metric }, semaine par semaine
dora-teams = Équipes
dora-services = Services
dora-team-services = Services de l’équipe
dora-col-team = Équipe
dora-col-service = Service
dora-weeks = Semaine par semaine
dora-col-week = Semaine
dora-col-deployments = Déploiements
dora-col-lead-median = Délai, médiane
dora-col-lead-p90 = Délai, 90e centile
dora-col-failed = En échec
dora-col-incidents = Incidents
dora-levels-source = Niveaux définis par le rapport DORA { $year }. « — » : rien dans la période pour calculer le chiffre.
dora-no-services = Aucun service n’a encore d’équipe responsable : déclarez les responsables dans le catalogue.
dora-no-data = Aucun déploiement n’est encore enregistré : envoyez des déploiements par les webhooks ou l’API des événements, ou importez un historique avec kiosque dora import.
dora-bad-window = Impossible d’afficher cette période : indiquez un dernier jour comme 2024-03-31 et entre 1 et 36 600 jours.
dora-back = Retour aux indicateurs de livraison
entity-descriptor-cut = Le descripteur est long : seul son début est affiché ; le fichier contient la suite.
search-quick = Recherche rapide
entity-docs = Lire la documentation
dora-deployments = Déploiements en production de la période
dora-no-deployments = Aucun déploiement en production dans cette période.
dora-deployments-more = et { $count } plus anciens
dora-col-deployment = Déploiement
dora-col-finished = Terminé
dora-col-outcome = Résultat
dora-col-recovery = Rétabli après
dora-col-changes = Changements livrés en premier
dora-outcome-success = Réussi
dora-outcome-failure = Échoué
dora-outcome-bad = Réussi, puis en échec
dora-outcome-rework = correctif
survey-nav = Enquêtes
survey-title = Enquêtes développeurs
survey-lead = De courtes enquêtes périodiques sur le quotidien de ceux qui construisent et exploitent nos logiciels. Chacun répond une fois par période ; les réponses sont anonymes et les résultats d'une équipe n'apparaissent qu'une fois assez de ses membres ayant répondu.
survey-none = Aucune enquête n'est encore définie : l'équipe plateforme les ajoute sous forme de fichiers (voir la documentation des enquêtes).
survey-answering-as = Vous répondez en tant que
survey-team = équipe
survey-sign-in = Se connecter pour répondre
survey-no-sign-in = Personne n'est connecté : pour répondre, il faut la connexion au portail, que met en place l'équipe plateforme.
survey-signed-out = Connectez-vous pour répondre à cette enquête : chacun répond une fois par période.
survey-cadence-month = Chaque mois
survey-cadence-quarter = Chaque trimestre
survey-cadence-half-year = Chaque semestre
survey-cadence-year = Chaque année
survey-open = Ouverte pour { $period }, jusqu'au { $until }
survey-answered = Vous avez répondu pour { $period }. Merci !
survey-closed = Ne prend pas de réponses en ce moment.
survey-thanks = Vos réponses sont enregistrées.
survey-answer = Répondre
survey-results = Résultats
survey-errors = Vos réponses n'ont pas pu être enregistrées :
survey-error-out-of-range = Choisissez une note de 1 à 5.
survey-error-too-long = Cette réponse est trop longue : 2 000 caractères au plus.
survey-error-repeated = Cette question a reçu deux réponses.
survey-error-empty = Répondez au moins à une question.
survey-anonymity = Anonyme : vos réponses sont enregistrées sans votre nom, et les résultats ne sont montrés que pour des groupes d'au moins { $size } personnes.
survey-submit = Envoyer mes réponses
survey-results-lead = Moyennes de 1 à 5, avec la part de réponses 4 et 5 et l'évolution depuis la période précédente. Un groupe de moins de { $size } réponses n'affiche rien, pour que personne ne puisse être reconnu.
survey-export-scores = Exporter les notes (CSV)
survey-export-comments = Exporter les commentaires (CSV)
survey-no-results = Pas encore de résultats.
survey-trend = L'organisation dans le temps
survey-col-period = Période
survey-col-group = Groupe
survey-col-responses = Réponses
survey-period = Période { $period }
survey-organisation = Toute l'organisation
survey-hidden-few = pas assez de réponses
survey-hidden-protects = masqué pour protéger un groupe plus petit
survey-favourable = { $share } % favorables
survey-change = Évolution depuis la période précédente
survey-comments = { $count ->
    [one] Un commentaire
   *[other] { $count } commentaires
}
survey-satisfaction = Satisfaction des développeurs
survey-satisfaction-lead = Les derniers résultats d'enquête de l'équipe, à côté de ses indicateurs de livraison.
sign-in-title = Connexion
sign-in-guest-warning = Connexion invité : n'importe qui peut choisir n'importe qui. C'est pour essayer Kiosque ; en production, on se connecte par le proxy placé devant.
sign-in-filter = Trouvez-vous
sign-in-filter-button = Filtrer
sign-in-no-user = Aucun utilisateur du catalogue ne correspond.
sign-out = Se déconnecter
survey-hidden-open = visible à la clôture de la période
survey-col-question = Question
survey-col-result = Moyenne et part favorable
survey-all-results = Tous les résultats de cette enquête
survey-period-open = { $period } prend des réponses jusqu'au { $until } : ses résultats s'afficheront à sa clôture.
survey-questions = Questions
dora-id-github-deployment = Déploiement GitHub { $id }
dora-id-github-workflow-run = Exécution de workflow GitHub { $id }
dora-id-gitlab-deployment = Déploiement GitLab { $id }
dora-id-gitlab-pipeline = Pipeline GitLab { $id }
dora-incidents-title = Incidents ouverts dans la période
dora-no-incidents = Aucun incident ouvert dans cette période.
dora-col-incident = Incident
dora-col-opened = Ouvert
dora-col-resolved = Résolu
dora-col-restored-after = Rétabli après
dora-incident-open = Toujours ouvert
dora-deployment-title = { $deployment } de { $service }
dora-changes-title = Modifications mises en production pour la première fois
dora-no-changes = Aucune modification n'est arrivée en production avec ce déploiement (un redéploiement, un retour arrière, ou des commits qu'aucun événement ne décrit).
dora-col-commit = Commit
dora-col-author = Auteur
dora-col-committed = Commité
dora-col-merged = Fusionné
dora-col-lead-time = Délai de livraison
dora-caused-title = Incidents provoqués
dora-no-caused = Aucun incident ne désigne ce déploiement comme cause.
dora-deployment-number = Déploiement n° { $id }
survey-team-trend = L'équipe dans le temps
