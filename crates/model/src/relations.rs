use serde_json::Value;

use crate::entity::Entity;
use crate::entity_ref::EntityRef;
use crate::problem::Problem;

/// The relation types Kiosque stores. Every type has an inverse, and both
/// directions are always stored together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelationType {
    OwnedBy,
    OwnerOf,
    PartOf,
    HasPart,
    DependsOn,
    DependencyOf,
    ProvidesApi,
    ApiProvidedBy,
    ConsumesApi,
    ApiConsumedBy,
    MemberOf,
    HasMember,
    ChildOf,
    ParentOf,
    // Team Topologies interactions (a Kiosque extension).
    CollaboratesWith,
    Facilitates,
    FacilitatedBy,
    ProvidesServiceTo,
    ConsumesServiceFrom,
}

impl RelationType {
    pub const ALL: [RelationType; 19] = [
        RelationType::OwnedBy,
        RelationType::OwnerOf,
        RelationType::PartOf,
        RelationType::HasPart,
        RelationType::DependsOn,
        RelationType::DependencyOf,
        RelationType::ProvidesApi,
        RelationType::ApiProvidedBy,
        RelationType::ConsumesApi,
        RelationType::ApiConsumedBy,
        RelationType::MemberOf,
        RelationType::HasMember,
        RelationType::ChildOf,
        RelationType::ParentOf,
        RelationType::CollaboratesWith,
        RelationType::Facilitates,
        RelationType::FacilitatedBy,
        RelationType::ProvidesServiceTo,
        RelationType::ConsumesServiceFrom,
    ];

    /// The name used in the API, as in Backstage (`ownedBy`, `apiProvidedBy`…).
    pub fn as_str(self) -> &'static str {
        match self {
            RelationType::OwnedBy => "ownedBy",
            RelationType::OwnerOf => "ownerOf",
            RelationType::PartOf => "partOf",
            RelationType::HasPart => "hasPart",
            RelationType::DependsOn => "dependsOn",
            RelationType::DependencyOf => "dependencyOf",
            RelationType::ProvidesApi => "providesApi",
            RelationType::ApiProvidedBy => "apiProvidedBy",
            RelationType::ConsumesApi => "consumesApi",
            RelationType::ApiConsumedBy => "apiConsumedBy",
            RelationType::MemberOf => "memberOf",
            RelationType::HasMember => "hasMember",
            RelationType::ChildOf => "childOf",
            RelationType::ParentOf => "parentOf",
            RelationType::CollaboratesWith => "collaboratesWith",
            RelationType::Facilitates => "facilitates",
            RelationType::FacilitatedBy => "facilitatedBy",
            RelationType::ProvidesServiceTo => "providesServiceTo",
            RelationType::ConsumesServiceFrom => "consumesServiceFrom",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        // Exact spelling first: stored relations always use it.
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == name)
            .or_else(|| Self::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(name)))
    }

    pub fn inverse(self) -> Self {
        use RelationType::*;
        match self {
            OwnedBy => OwnerOf,
            OwnerOf => OwnedBy,
            PartOf => HasPart,
            HasPart => PartOf,
            DependsOn => DependencyOf,
            DependencyOf => DependsOn,
            ProvidesApi => ApiProvidedBy,
            ApiProvidedBy => ProvidesApi,
            ConsumesApi => ApiConsumedBy,
            ApiConsumedBy => ConsumesApi,
            MemberOf => HasMember,
            HasMember => MemberOf,
            ChildOf => ParentOf,
            ParentOf => ChildOf,
            CollaboratesWith => CollaboratesWith,
            Facilitates => FacilitatedBy,
            FacilitatedBy => Facilitates,
            ProvidesServiceTo => ConsumesServiceFrom,
            ConsumesServiceFrom => ProvidesServiceTo,
        }
    }
}

/// The three Team Topologies interaction modes, and no others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionMode {
    Collaboration,
    Facilitating,
    XAsAService,
}

impl InteractionMode {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "collaboration" => Some(InteractionMode::Collaboration),
            "facilitating" => Some(InteractionMode::Facilitating),
            "x-as-a-service" => Some(InteractionMode::XAsAService),
            _ => None,
        }
    }
}

/// A directed relation between two entities.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Relation {
    pub source: EntityRef,
    pub kind: RelationType,
    pub target: EntityRef,
}

/// What an entity's spec declares: its relations (both directions), each
/// reference with the JSON pointer of the field it was written in, and the
/// references that could not be parsed.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    pub relations: Vec<Relation>,
    pub references: Vec<(String, EntityRef)>,
    pub problems: Vec<Problem>,
}

/// Collects relations of one entity, always in both directions, de-duplicated.
struct Collector<'a> {
    me: &'a EntityRef,
    namespace: &'a str,
    out: Derived,
}

impl Collector<'_> {
    fn add(&mut self, pointer: String, kind: RelationType, target: EntityRef) {
        self.out.references.push((pointer, target.clone()));
        for relation in [
            Relation { source: self.me.clone(), kind, target: target.clone() },
            Relation { source: target, kind: kind.inverse(), target: self.me.clone() },
        ] {
            if !self.out.relations.contains(&relation) {
                self.out.relations.push(relation);
            }
        }
    }

    fn parse_ref(&mut self, pointer: String, text: &str, default_kind: Option<&str>) -> Option<EntityRef> {
        match EntityRef::parse(text, default_kind, Some(self.namespace)) {
            Ok(target) => Some(target),
            Err(err) => {
                self.out.problems.push(Problem::error(pointer, err.to_string()));
                None
            }
        }
    }

    /// A single-reference spec field (`owner`, `system`…); type errors are the validator's job.
    fn one(
        &mut self,
        spec: &serde_json::Map<String, Value>,
        field: &str,
        default_kind: Option<&str>,
        kind: RelationType,
    ) {
        if let Some(Value::String(text)) = spec.get(field) {
            let pointer = format!("/spec/{field}");
            if let Some(target) = self.parse_ref(pointer.clone(), text, default_kind) {
                self.add(pointer, kind, target);
            }
        }
    }

    fn many(
        &mut self,
        spec: &serde_json::Map<String, Value>,
        field: &str,
        default_kind: Option<&str>,
        kind: RelationType,
    ) {
        if let Some(Value::Array(items)) = spec.get(field) {
            for (i, item) in items.iter().enumerate() {
                if let Value::String(text) = item {
                    let pointer = format!("/spec/{field}/{i}");
                    if let Some(target) = self.parse_ref(pointer.clone(), text, default_kind) {
                        self.add(pointer, kind, target);
                    }
                }
            }
        }
    }
}

/// Derives the relations an entity declares through its spec fields, both
/// directions, following Backstage's built-in rules (with the same default kinds),
/// plus Team Topologies interactions declared by Groups in `spec.interactions`.
///
/// References that cannot be parsed are reported as problems and skipped.
pub fn derive_relations(entity: &Entity) -> Derived {
    let Some(me) = entity.entity_ref() else {
        return Derived::default();
    };
    let mut c = Collector { me: &me, namespace: entity.namespace(), out: Derived::default() };
    let Some(spec) = entity.spec() else {
        return c.out;
    };
    use RelationType::*;
    match me.kind() {
        "component" => {
            c.one(spec, "owner", Some("group"), OwnedBy);
            c.one(spec, "subcomponentOf", Some("component"), PartOf);
            c.many(spec, "providesApis", Some("api"), ProvidesApi);
            c.many(spec, "consumesApis", Some("api"), ConsumesApi);
            c.many(spec, "dependsOn", None, DependsOn);
            c.many(spec, "dependencyOf", None, DependencyOf);
            c.one(spec, "system", Some("system"), PartOf);
        }
        "api" => {
            c.one(spec, "owner", Some("group"), OwnedBy);
            c.one(spec, "system", Some("system"), PartOf);
        }
        "resource" => {
            c.one(spec, "owner", Some("group"), OwnedBy);
            c.many(spec, "dependsOn", None, DependsOn);
            c.many(spec, "dependencyOf", None, DependencyOf);
            c.one(spec, "system", Some("system"), PartOf);
        }
        "system" => {
            c.one(spec, "owner", Some("group"), OwnedBy);
            c.one(spec, "domain", Some("domain"), PartOf);
        }
        "domain" => {
            c.one(spec, "owner", Some("group"), OwnedBy);
            c.one(spec, "subdomainOf", Some("domain"), PartOf);
        }
        "user" => {
            c.many(spec, "memberOf", Some("group"), MemberOf);
        }
        "group" => {
            c.one(spec, "parent", Some("group"), ChildOf);
            c.many(spec, "children", Some("group"), ParentOf);
            c.many(spec, "members", Some("user"), HasMember);
            interactions(&mut c, spec);
        }
        _ => {}
    }
    c.out
}

/// `spec.interactions: [{with, mode, role?}]`. By default the declaring team is
/// the receiving side: it consumes an X-as-a-service, it is facilitated.
fn interactions(c: &mut Collector<'_>, spec: &serde_json::Map<String, Value>) {
    let Some(Value::Array(items)) = spec.get("interactions") else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let at = format!("/spec/interactions/{i}");
        let Some(Value::String(with)) = item.get("with") else {
            continue; // reported by validation
        };
        let Some(Value::String(mode_text)) = item.get("mode") else {
            continue;
        };
        let Some(mode) = InteractionMode::parse(mode_text) else {
            c.out.problems.push(Problem::warning(
                format!("{at}/mode"),
                format!(
                    "unknown interaction mode \"{mode_text}\": Team Topologies has exactly three (collaboration, facilitating, x-as-a-service); ignored"
                ),
            ));
            continue;
        };
        let role = item.get("role").and_then(Value::as_str).map(str::to_ascii_lowercase);
        let kind = match (mode, role.as_deref()) {
            (InteractionMode::Collaboration, None) => RelationType::CollaboratesWith,
            (InteractionMode::XAsAService, None | Some("consumer")) => RelationType::ConsumesServiceFrom,
            (InteractionMode::XAsAService, Some("provider")) => RelationType::ProvidesServiceTo,
            (InteractionMode::Facilitating, None | Some("facilitated")) => RelationType::FacilitatedBy,
            (InteractionMode::Facilitating, Some("facilitator")) => RelationType::Facilitates,
            (_, Some(other)) => {
                c.out.problems.push(Problem::warning(
                    format!("{at}/role"),
                    format!("role \"{other}\" does not fit mode \"{mode_text}\" (x-as-a-service: consumer|provider, facilitating: facilitated|facilitator, collaboration: none); ignored"),
                ));
                continue;
            }
        };
        if let Some(target) = c.parse_ref(format!("{at}/with"), with, Some("group")) {
            c.add(format!("{at}/with"), kind, target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn relations_of(value: Value) -> (Vec<String>, Vec<Problem>) {
        let entity = Entity::from_value(value).unwrap();
        let Derived { relations, problems, .. } = derive_relations(&entity);
        let mut lines: Vec<String> =
            relations.iter().map(|r| format!("{} {} {}", r.source, r.kind.as_str(), r.target)).collect();
        lines.sort();
        (lines, problems)
    }

    #[test]
    fn component_relations_in_both_directions() {
        let (lines, problems) = relations_of(json!({
            "kind": "Component", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"owner": "team-a", "system": "store", "providesApis": ["orders"],
                      "consumesApis": ["default/pay"], "dependsOn": ["resource:db"]}
        }));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            lines,
            vec![
                "api:default/pay apiConsumedBy component:shop/web",
                "api:shop/orders apiProvidedBy component:shop/web",
                "component:shop/web consumesApi api:default/pay",
                "component:shop/web dependsOn resource:shop/db",
                "component:shop/web ownedBy group:shop/team-a",
                "component:shop/web partOf system:shop/store",
                "component:shop/web providesApi api:shop/orders",
                "group:shop/team-a ownerOf component:shop/web",
                "resource:shop/db dependencyOf component:shop/web",
                "system:shop/store hasPart component:shop/web",
            ]
        );
    }

    #[test]
    fn depends_on_needs_a_kind() {
        let (lines, problems) = relations_of(json!({
            "kind": "Component", "metadata": {"name": "web"},
            "spec": {"dependsOn": ["db", "resource:db"]}
        }));
        assert_eq!(lines.len(), 2);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/spec/dependsOn/0");
    }

    #[test]
    fn group_hierarchy_is_deduplicated() {
        let (lines, _) = relations_of(json!({
            "kind": "Group", "metadata": {"name": "a"},
            "spec": {"type": "team", "parent": "root", "children": ["b"], "members": ["ann"]}
        }));
        assert_eq!(
            lines,
            vec![
                "group:default/a childOf group:default/root",
                "group:default/a hasMember user:default/ann",
                "group:default/a parentOf group:default/b",
                "group:default/b childOf group:default/a",
                "group:default/root parentOf group:default/a",
                "user:default/ann memberOf group:default/a",
            ]
        );
    }

    #[test]
    fn interactions_follow_mode_and_role() {
        let (lines, problems) = relations_of(json!({
            "kind": "Group", "metadata": {"name": "payments"},
            "spec": {"type": "stream-aligned", "children": [], "interactions": [
                {"with": "platform", "mode": "x-as-a-service"},
                {"with": "security", "mode": "facilitating"},
                {"with": "fraud", "mode": "collaboration"},
                {"with": "mobile", "mode": "x-as-a-service", "role": "provider"},
                {"with": "x", "mode": "pairing"}
            ]}
        }));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/spec/interactions/4/mode");
        for expected in [
            "group:default/payments consumesServiceFrom group:default/platform",
            "group:default/platform providesServiceTo group:default/payments",
            "group:default/payments facilitatedBy group:default/security",
            "group:default/security facilitates group:default/payments",
            "group:default/payments collaboratesWith group:default/fraud",
            "group:default/fraud collaboratesWith group:default/payments",
            "group:default/payments providesServiceTo group:default/mobile",
        ] {
            assert!(lines.contains(&expected.to_string()), "missing {expected}");
        }
        assert_eq!(lines.len(), 8);
    }

    #[test]
    fn every_type_has_a_distinct_name_and_a_consistent_inverse() {
        for t in RelationType::ALL {
            assert_eq!(t.inverse().inverse(), t);
            assert_eq!(RelationType::parse(t.as_str()), Some(t));
        }
    }
}
