//! Several servers on one database: a refresh committed by one is served by
//! the others once they notice the generation moved.

use std::sync::Arc;

use kiosque_ingest::ScanOptions;
use kiosque_server::{AppState, AuthConfig};
use kiosque_store::{CatalogStore, SqliteStore};

fn component(name: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
    )
}

fn state(db: &std::path::Path) -> Arc<AppState> {
    let store: Arc<dyn CatalogStore> = Arc::new(SqliteStore::open(db.to_str().unwrap()).unwrap());
    AppState::new(store, AuthConfig::default(), ScanOptions::default())
}

#[tokio::test]
async fn a_replica_serves_what_another_committed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.yaml");
    std::fs::write(&file, component("first")).unwrap();
    let db = dir.path().join("k.db");
    let writer = state(&db);
    let reader = state(&db);
    writer.store.add_location("file", file.to_str().unwrap()).unwrap();

    writer.refresh().await.unwrap();
    assert!(reader.catalog().by_ref_text("component:default/first").is_none(), "not loaded yet");
    assert!(reader.reload_if_changed().await.unwrap(), "the generation moved");
    assert!(reader.catalog().by_ref_text("component:default/first").is_some());

    // Nothing new: no reload.
    writer.refresh().await.unwrap();
    assert!(!reader.reload_if_changed().await.unwrap());

    std::fs::write(&file, component("second")).unwrap();
    writer.refresh().await.unwrap();
    assert!(reader.reload_if_changed().await.unwrap());
    let catalog = reader.catalog();
    assert!(catalog.by_ref_text("component:default/second").is_some());
    assert!(catalog.by_ref_text("component:default/first").unwrap().orphan, "kept as an orphan");
}
