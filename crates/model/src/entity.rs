use serde_json::{Map, Value};

use crate::entity_ref::EntityRef;
use crate::DEFAULT_NAMESPACE;

/// Where the entity was read from, as Backstage records it (`file:/path`).
pub const ANNOTATION_LOCATION: &str = "backstage.io/managed-by-location";
/// The location that was registered and led to this entity.
pub const ANNOTATION_ORIGIN_LOCATION: &str = "backstage.io/managed-by-origin-location";
/// Set to `"true"` on entities whose source no longer declares them.
pub const ANNOTATION_ORPHAN: &str = "backstage.io/orphan";

/// One catalog entity: the descriptor's JSON object, unknown fields included.
///
/// Accessors return `None` for missing or mistyped fields; [`crate::validate_entity`]
/// is what reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    object: Map<String, Value>,
}

impl Entity {
    /// Wraps a JSON value; `None` when it is not an object.
    pub fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Object(object) => Some(Entity { object }),
            _ => None,
        }
    }

    pub fn as_object(&self) -> &Map<String, Value> {
        &self.object
    }

    pub fn into_value(self) -> Value {
        Value::Object(self.object)
    }

    pub fn api_version(&self) -> Option<&str> {
        self.object.get("apiVersion")?.as_str()
    }

    pub fn kind(&self) -> Option<&str> {
        self.object.get("kind")?.as_str()
    }

    pub fn metadata(&self) -> Option<&Map<String, Value>> {
        self.object.get("metadata")?.as_object()
    }

    pub fn spec(&self) -> Option<&Map<String, Value>> {
        self.object.get("spec")?.as_object()
    }

    pub fn name(&self) -> Option<&str> {
        self.metadata()?.get("name")?.as_str()
    }

    /// The namespace, `default` when absent.
    pub fn namespace(&self) -> &str {
        self.metadata().and_then(|m| m.get("namespace")).and_then(Value::as_str).unwrap_or(DEFAULT_NAMESPACE)
    }

    pub fn title(&self) -> Option<&str> {
        self.metadata()?.get("title")?.as_str()
    }

    pub fn description(&self) -> Option<&str> {
        self.metadata()?.get("description")?.as_str()
    }

    pub fn spec_str(&self, field: &str) -> Option<&str> {
        self.spec()?.get(field)?.as_str()
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata()?.get("annotations")?.as_object()?.get(key)?.as_str()
    }

    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.metadata()
            .and_then(|m| m.get("tags"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }

    /// The entity's own reference, when kind and name are present.
    pub fn entity_ref(&self) -> Option<EntityRef> {
        Some(EntityRef::new(self.kind()?, self.namespace(), self.name()?))
    }

    /// Sets a `metadata.annotations` entry, creating the maps as needed.
    pub fn set_annotation(&mut self, key: &str, value: &str) {
        let metadata = self.object.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(metadata) = metadata {
            let annotations = metadata.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(annotations) = annotations {
                annotations.insert(key.to_string(), Value::String(value.to_string()));
            }
        }
    }

    /// Mutable access to `spec`, for the ingestion stage that substitutes `$text`.
    pub fn spec_mut(&mut self) -> Option<&mut Map<String, Value>> {
        self.object.get_mut("spec")?.as_object_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_survive() {
        let value = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "a", "x-custom": {"deep": [1, 2]}}, "spec": {"owner": "t"}, "extra": true});
        let entity = Entity::from_value(value.clone()).unwrap();
        assert_eq!(entity.clone().into_value(), value);
        assert_eq!(entity.entity_ref().unwrap().to_string(), "component:default/a");
    }

    #[test]
    fn annotations_are_added_in_place() {
        let mut entity = Entity::from_value(json!({"kind": "API", "metadata": {"name": "x"}})).unwrap();
        entity.set_annotation(ANNOTATION_LOCATION, "file:/a.yaml");
        assert_eq!(entity.annotation(ANNOTATION_LOCATION), Some("file:/a.yaml"));
    }
}
